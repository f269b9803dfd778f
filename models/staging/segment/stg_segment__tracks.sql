-- Materialized as a table: deduplication is the most expensive step and every event model reads it.
{{ config(materialized='table') }}
-- One row per message id. Rows without an id or a timestamp cannot be deduplicated or
-- dated and are left out here (data_quality_issues counts them). Of several rows sharing
-- an id the earliest load wins (earliest received_at, then earliest timestamp).
-- No as-of filter here: deduplication looks at every load, as the contract says.
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

),

ranked as (

    select
        *,
        row_number() over (
            partition by event_id
            order by received_at asc nulls last, event_at asc, user_id asc, event_name asc, context_account_id asc
        ) as load_rank
    from renamed

),

deduplicated as (

    select
        event_id,
        anonymous_id,
        user_id,
        context_account_id,
        event_name,
        event_text,
        event_at,
        cast(event_at as date) as event_date,
        received_at
    from ranked
    where load_rank = 1

)

select * from deduplicated
