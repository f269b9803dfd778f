{{ config(materialized='view') }}
-- Which account each user belonged to, and from when, over every group call loaded.
-- A call without a group_id still counts as the user's latest call (its events then have
-- no account and are counted as unattributed). Of several calls for a user at the same
-- timestamp the latest received_at (then the greatest id) wins; the others never apply.
-- Not filtered by as_of_date: a membership that starts after D has no effect on D, and the
-- models that read this one check valid_from_at against the end of D (events keep it as
-- attributed_from_date). The SQL is group_memberships_sql() (macros/events/), which
-- int_events_attributed's incremental run also uses for the users of the events it redoes.
{{ group_memberships_sql(ref('stg_segment__groups')) }}
