-- Every event that counts on D: attributed to an account the CRM knows, and joined to the
-- event catalog (events missing from the catalog weigh 0, belong to no feature and are
-- not meaningful).
with

events as (

    select * from {{ ref('int_events_attributed') }}
    where is_known_account

),

catalog as (

    select * from {{ ref('int_event_catalog') }}

),

mapped as (

    select
        -- ids
        events.event_id,
        events.account_id,
        events.user_id,

        -- event
        events.event_name,
        catalog.feature,
        coalesce(catalog.weight, 0) as weight,
        coalesce(catalog.is_meaningful, false) as is_meaningful,
        catalog.event_name is not null as is_in_catalog,

        -- timestamps
        events.event_at,
        events.event_date,
        events.received_at

    from events
    left join catalog
        on events.event_name = catalog.event_name

)

select * from mapped
