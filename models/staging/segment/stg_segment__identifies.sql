-- One row per identify call, emails lower-cased and names trimmed. Which identify holds a
-- user's traits on a given day is decided downstream (latest at or before as_of_date).
with

source as (

    select * from {{ source('segment', 'identifies') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_string() }}) as identify_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(anonymous_id as {{ dbt.type_string() }}) as anonymous_id,

        -- traits
        cast(lower(trim(email)) as {{ dbt.type_string() }}) as email,
        cast(trim(name) as {{ dbt.type_string() }}) as user_name,
        cast(lower(trim(role)) as {{ dbt.type_string() }}) as user_role,

        -- timestamps
        cast({{ adapter.quote("timestamp") }} as {{ dbt.type_timestamp() }}) as identified_at,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at

    from source

)

select * from renamed
