-- Configuration error: an event listed twice in seeds/event_catalog.csv would count twice.
-- Fix: keep one row per event in the catalog. Each row returned names the offending event.
{{ config(severity='error') }}

select
    event,
    count(*) as times_listed,
    'event "' || event || '" is listed ' || cast(count(*) as {{ dbt.type_string() }})
    || ' times in seeds/event_catalog.csv: keep exactly one row per event' as problem
from {{ ref('event_catalog') }}
group by event
having count(*) > 1
