-- One row per event name that counts on D but is not in seeds/event_catalog.csv, with how
-- many events carry it and, when a catalog event has the same name in another case, that
-- event: the likely typo ("did you mean report_created?"). Names match the catalog exactly
-- (the contract), so such events still weigh 0; the warn test
-- unknown_event_names_match_the_catalog_in_another_case and data_quality_issues say so.
with

unknown_events as (

    select
        event_name,
        count(*) as count_events
    from {{ ref('int_events_mapped_to_accounts') }}
    where not is_in_catalog
    group by event_name

),

catalog as (

    select event_name from {{ ref('int_event_catalog') }}

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
