-- One row per event name that counts on D but is not in seeds/event_catalog.csv, with how
-- many events carry it and, when a catalog event has the same name in another case, that
-- event: the likely typo ("did you mean report_created?"). Names match the catalog exactly
-- (the contract), so such events still weigh 0; the warn test
-- unknown_event_names_match_the_catalog_in_another_case and data_quality_issues say so.
-- The events are those int_events_mapped_to_accounts keeps (counted on D, a CRM account),
-- read from data_quality_irregular_events (every event whose name is outside the catalog is
-- there) with the names outside the catalog taken first, then joined to the CRM.
with

catalog as (

    select event_name from {{ ref('int_event_catalog') }}

),

accounts as (

    select account_id from {{ ref('stg_crm__accounts') }}

),

-- a null name is outside the catalog too (the comparison is never true)
outside_catalog as (

    select
        events.account_id,
        events.event_name
    from {{ ref('data_quality_irregular_events') }} as events
    where
        {{ counts_on_as_of_date('events') }}
        and not exists (
            select 1 from catalog
            where catalog.event_name = events.event_name
        )

),

unknown_events as (

    select
        outside_catalog.event_name,
        count(*) as count_events
    from outside_catalog
    inner join accounts
        on outside_catalog.account_id = accounts.account_id
    group by outside_catalog.event_name

),

suggested as (

    select
        unknown_events.event_name,
        unknown_events.count_events,
        min(catalog.event_name) as suggested_event_name
    from unknown_events
    left join catalog
        on lower(unknown_events.event_name) = lower(catalog.event_name)
    group by unknown_events.event_name, unknown_events.count_events

),

final as (

    select
        cast(event_name as {{ dbt.type_string() }}) as event_name,
        cast(count_events as {{ dbt.type_bigint() }}) as count_events,
        cast(suggested_event_name as {{ dbt.type_string() }}) as suggested_event_name
    from suggested

)

select * from final
