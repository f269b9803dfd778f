-- One row per event id over every load, with the account it belongs to. Not filtered by
-- as_of_date (kept incrementally); which events count on D is decided from the dates kept here.
-- Deduplication: of the loads of an id the earliest received_at wins (then the earliest
-- timestamp), across all loads. Account: context_group_id when present; else the user's
-- membership at the event's time; before a user's first membership, that first membership,
-- which counts only from the day it was sent (attributed_from_date). No membership at all:
-- account_id is null.
-- Incremental runs read only the loads since the latest received_at here minus
-- var('incremental_lookback_days'): an id's earliest load before that cutoff is its row kept
-- here, so its winner is the best of that row and its loads since the cutoff. Ids match on
-- event_key (a 64-bit hash, macros/adapters/hash_key.sql); every kept row under a redone key
-- is redone and ranked by the id itself, so a collision never drops an event. Events of
-- users whose group calls were loaded since the cutoff are redone where a call moves them.
-- Rows are replaced by event_key (stamped rebuilt_at). Starts over on other source tables, lost rows or a new hash.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key='event_key',
    on_schema_change='fail',
    pre_hook="{{ events_rebuild_hook_sql(source('segment', 'tracks'), sql) }}"
) }}
{%- set tracks = ref('stg_segment__tracks') %}
{%- set groups = ref('stg_segment__groups') %}
{#- the raw table only for the rebuild check's row counts (saved for data_quality_issues: macros/events/raw_counts.sql) -#}
{%- set rebuild = events_rebuild_check(source('segment', 'tracks')) %}
{%- if rebuild is not none %}
{{ events_rebuild_lines(rebuild) }}
{%- endif %}
{%- set cutoff = incremental_cutoff('received_at') if rebuild is none or rebuild.reason is none else none %}
with

-- the loads to deduplicate: all of them, or on an incremental run those since the cutoff (the
-- only loads that can change which copy of an id wins) and the kept rows they compete with
raw_loads as (

    select
        event_id,
        user_id,
        context_account_id,
        event_name,
        event_at,
        received_at,
        {{ hash_key('event_id') }} as event_key
    from {{ tracks }}
    {%- if cutoff is not none %}
        where {{ loaded_since(cutoff) }}
    {%- endif %}

),

{%- if cutoff is not none %}

    -- users with group calls loaded since the cutoff (macros/events/group_memberships.sql)
    regrouped_users as (

        {{ regrouped_users_sql(groups, cutoff) }}

    ),

    -- their kept events a call can move (by user_key; a collision only redoes more): no context
    -- account, at or after moved_from_at unless a call is the user's first; others stay as kept
    redone_keys as (

        select event_key from raw_loads
        union
        select built.event_key
        from {{ this }} as built
        inner join regrouped_users
            on built.user_key = regrouped_users.user_key
        where not built.has_context_account
            and (regrouped_users.is_first_call = 1 or built.event_at >= regrouped_users.moved_from_at)

    ),

    -- the kept row under a redone key if loaded before the cutoff (macros/events/kept_rows.sql)
    kept_winners as (

        select
            built.event_id,
            built.user_id,
            case when built.has_context_account then built.account_id end as context_account_id,
            built.event_name,
            built.event_at,
            built.received_at,
            built.event_key
        from {{ this }} as built
        {{ kept_rows_under_keys(this, 'redone_keys', cutoff) }}

    ),
{%- endif %}

loads as (

    select * from raw_loads
    {%- if cutoff is not none %}
        union all
        select * from kept_winners
    {%- endif %}

),

-- most ids are loaded once; only the others need ranking: the earliest received_at wins,
-- then the earliest timestamp (the rest of the order only makes ties deterministic). Keys
-- loaded more than once include every duplicated id (and, rarely, two ids that collide).
duplicated_keys as (

    select event_key
    from loads
    group by event_key
    having count(*) > 1

),

ranked_duplicates as (

    select
        event_id,
        event_key,
        user_id,
        context_account_id,
        event_name,
        event_at,
        received_at,
        row_number() over (
            partition by event_id
            order by
                received_at asc nulls last, event_at asc, user_id asc nulls last,
                event_name asc nulls last, context_account_id asc nulls last
        ) as load_rank
    from loads
    where event_key in (select duplicated_keys.event_key from duplicated_keys)

),

events as (

    select
        event_id,
        event_key,
        user_id,
        context_account_id,
        event_name,
        event_at,
        received_at
    from loads
    where event_key not in (select duplicated_keys.event_key from duplicated_keys)

    union all
    select
        event_id,
        event_key,
        user_id,
        context_account_id,
        event_name,
        event_at,
        received_at
    from ranked_duplicates
    where load_rank = 1

),

-- the memberships of the users whose events are attributed from their group calls: on an
-- incremental run only those of the redone events' users (the view computes every user's)
memberships as (

    {%- if cutoff is not none %}
        {{ group_memberships_sql(groups, 'select redone.user_id from events as redone where redone.context_account_id is null') }}
    {%- else %}
        select * from {{ ref('int_user_group_memberships') }}
    {%- endif %}

),

attributed as (

    select
        events.event_id,
        events.event_key,
        events.user_id,
        coalesce(events.context_account_id, memberships.account_id) as account_id,
        events.context_account_id is not null as has_context_account,
        events.event_name,
        events.event_at,
        events.received_at,
        case
            when events.context_account_id is null and events.event_at < memberships.valid_from_at
                then memberships.valid_from_at
        end as fallback_from_at
    from events
    left join memberships
        on
            events.context_account_id is null
            and events.user_id = memberships.user_id
            and (memberships.valid_to_at is null or events.event_at < memberships.valid_to_at)
            and (events.event_at >= memberships.valid_from_at or memberships.membership_number = 1)

),

dated as (

    select
        *,
        cast(event_at as date) as event_date,
        {{ first_as_of_date('event_at') }} as due_date,
        {{ first_as_of_date('fallback_from_at') }} as fallback_from_date
    from attributed

),

final as (

    select
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        -- 64-bit hashes: incremental runs match and delete by event_key, find users by user_key
        cast(event_key as {{ dbt.type_bigint() }}) as event_key,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast({{ hash_key('user_id') }} as {{ dbt.type_bigint() }}) as user_key,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- account_id is the event's context_group_id (not the user's membership)
        has_context_account,

        -- event
        cast(event_name as {{ dbt.type_string() }}) as event_name,

        -- dates: the event's UTC date, the first as-of date it is not in the future, and
        -- the first as-of date its account applies (later than due_date only for the
        -- first-membership fallback; null without an account)
        event_date,
        due_date,
        case
            when account_id is null then null
            when fallback_from_date > due_date then fallback_from_date
            else due_date
        end as attributed_from_date,

        -- when it happened (a redone event is ranked and attributed from it) and was loaded
        cast(event_at as {{ dbt.type_timestamp() }}) as event_at,
        received_at,

        -- which source tables the row was read from (a change rebuilds the table)
        cast({{ dbt.hash(source_identity_literal()) }} as {{ dbt.type_string() }}) as config_hash,
        -- when the row was written (data_quality_irregular_events reads the rows written since)
        {{ run_started_at_sql() }} as rebuilt_at

    from dated

)

select * from final
