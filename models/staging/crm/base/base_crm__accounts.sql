-- Every crm.accounts row as loaded, typed, with what is wrong with it. stg_crm__accounts keeps
-- the rows without an exclusion_reason; data_quality_issues counts both columns by kind.
-- - missing_account_id: no account id, nothing can be joined to it (left out);
-- - duplicate_account_id: of several rows with one id, the kept one has the latest
--   contract_start_date, then a crm_id (syncable) over none, then the greatest crm_id, then the
--   greatest name (then every other column, so the choice never depends on load order);
-- - negative_seats (a correction, the row is kept): seats below 0 are read as unknown (null).
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
        cast(seats as integer) as loaded_seats,

        -- dates
        cast(contract_start_date as date) as contract_start_date,
        cast(renewal_date as date) as renewal_date,
        cast(churned_at as date) as churned_date

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by account_id
            order by
                case when contract_start_date is null then 1 else 0 end, contract_start_date desc,
                case when crm_id is null then 1 else 0 end, crm_id desc,
                account_name desc, arr desc, loaded_seats desc, renewal_date desc, plan desc,
                csm_email desc, industry desc, region desc, churned_date desc
        ) as id_rank
    from renamed

),

classified as (

    select
        account_id,
        crm_id,
        account_name,
        plan,
        industry,
        region,
        csm_email,
        arr,
        case when loaded_seats >= 0 then loaded_seats end as licensed_seats,
        contract_start_date,
        renewal_date,
        churned_date,
        cast(case
            when account_id is null then 'missing_account_id'
            when id_rank > 1 then 'duplicate_account_id'
        end as {{ dbt.type_string() }}) as exclusion_reason,
        cast(case
            when loaded_seats < 0 then 'negative_seats'
        end as {{ dbt.type_string() }}) as correction
    from ranked

)

select * from classified
