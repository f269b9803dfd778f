-- Warns (never fails the build) when events are sent under a name that differs from a
-- catalog event only in case: they weigh 0 and make no one active, which is rarely meant.
-- Fix: send the catalog's spelling, or add the name to seeds/event_catalog.csv.
{{ config(severity='warn') }}

select
    event_name,
    count_events,
    suggested_event_name,
    'event "' || event_name || '" (' || cast(count_events as {{ dbt.type_string() }})
    || ' events) is not in seeds/event_catalog.csv: did you mean "' || suggested_event_name || '"?' as problem
from {{ ref('data_quality_unknown_event_names') }}
where suggested_event_name is not null
