-- One row per loaded event row that can be placed in time: rows without an id or a
-- timestamp cannot be deduplicated or dated and are left out here (data_quality_issues
-- counts them). Duplicate loads of an id are all kept: int_events_attributed keeps the
-- earliest load of each id, across every load, also when it builds incrementally.
with

source as (

    select * from {{ source('segment', 'tracks') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_string() }}) as event_id,
        cast(anonymous_id as {{ dbt.type_string() }}) as anonymous_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(context_group_id as {{ dbt.type_string() }}) as context_account_id,

        -- event
        cast(event as {{ dbt.type_string() }}) as event_name,
        cast(event_text as {{ dbt.type_string() }}) as event_text,

        -- timestamps
        cast({{ adapter.quote("timestamp") }} as {{ dbt.type_timestamp() }}) as event_at,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at

    from source
    where id is not null and {{ adapter.quote("timestamp") }} is not null

)

select * from renamed
