-- One row per group call: a user joining an account (group_id is the account id).
with

source as (

    select * from {{ source('segment', 'groups') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_string() }}) as group_call_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(group_id as {{ dbt.type_string() }}) as account_id,

        -- traits
        cast(trim(name) as {{ dbt.type_string() }}) as account_name,
        cast(lower(trim(plan)) as {{ dbt.type_string() }}) as plan,

        -- timestamps
        cast({{ adapter.quote("timestamp") }} as {{ dbt.type_timestamp() }}) as grouped_at,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at

    from source

)

select * from renamed
