-- Configuration error: engagement weights must be numbers >= 0.
-- Fix: set the weight of each returned event in seeds/event_catalog.csv to 0 or more.
select
    event,
    weight,
    'event "' || event || '" has weight ' || cast(weight as {{ dbt.type_string() }})
    || ' in seeds/event_catalog.csv: weights must be 0 or more' as problem
from {{ ref('event_catalog') }}
where weight < 0 or weight is null
