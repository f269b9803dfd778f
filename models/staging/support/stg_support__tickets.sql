-- One row per support ticket. Whether a ticket was open on a day is decided by its
-- timestamps (created_at, solved_at), never by the current status, so history is honest.
with

source as (

    select * from {{ source('support', 'tickets') }}

),

renamed as (

    select
        -- ids
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(requester_user_id as {{ dbt.type_string() }}) as requester_user_id,

        -- categories
        cast(lower(trim(priority)) as {{ dbt.type_string() }}) as priority,
        cast(lower(trim(status)) as {{ dbt.type_string() }}) as status,
        cast(lower(trim(satisfaction)) as {{ dbt.type_string() }}) as satisfaction,
        lower(trim(priority)) in ('high', 'urgent') as is_high_priority,

        -- timestamps
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(solved_at as {{ dbt.type_timestamp() }}) as solved_at

    from source

)

select * from renamed
