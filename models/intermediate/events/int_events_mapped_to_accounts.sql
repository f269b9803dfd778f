{{ config(materialized='view') }}
-- Every event that counts on D: signed in, not in the future, attributed by D to an
-- account the CRM knows, and joined to the event catalog (events missing from the catalog
-- weigh 0, belong to no feature and are not meaningful).
with

events as (

    select * from {{ ref('int_events_attributed') }}
    where {{ counts_on_as_of_date() }}

),

accounts as (

    select account_id from {{ ref('stg_crm__accounts') }}

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

        -- dates
        events.event_date,
        events.attributed_from_date

    from events
    inner join accounts
        on events.account_id = accounts.account_id
    left join catalog
        on events.event_name = catalog.event_name

)

select * from mapped
