-- One row per CRM account. churned_at is carried for membership ("current customer on D")
-- and for evaluation only; no scoring model may read it.
with

source as (

    select * from {{ source('crm', 'accounts') }}

),

renamed as (

    select
        -- ids
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(nullif(trim(crm_id), '') as {{ dbt.type_string() }}) as crm_id,

        -- attributes
        cast(trim(name) as {{ dbt.type_string() }}) as account_name,
        cast(lower(trim(plan)) as {{ dbt.type_string() }}) as plan,
        cast(trim(industry) as {{ dbt.type_string() }}) as industry,
        cast(trim(region) as {{ dbt.type_string() }}) as region,
        cast(lower(trim(csm_email)) as {{ dbt.type_string() }}) as csm_email,

        -- numerics
        cast(arr as decimal(18, 2)) as arr,
        cast(seats as integer) as licensed_seats,

        -- dates
        cast(contract_start_date as date) as contract_start_date,
        cast(renewal_date as date) as renewal_date,
        cast(churned_at as date) as churned_date

    from source

)

select * from renamed
