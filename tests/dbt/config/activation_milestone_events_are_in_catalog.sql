-- Configuration error: a milestone whose event is not in the catalog can never be reached.
-- Fix: add the event to seeds/event_catalog.csv or correct the name (names are case-sensitive).
select
    milestones.milestone,
    milestones.event,
    'milestone "' || milestones.milestone || '" names event "' || milestones.event
    || '" which is not in seeds/event_catalog.csv (names are case-sensitive)' as problem
from {{ ref('activation_milestones') }} as milestones
left join {{ ref('event_catalog') }} as event_catalog
    on milestones.event = event_catalog.event
where event_catalog.event is null
