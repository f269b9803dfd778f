-- One row per event id over every load, with the account it belongs to. Not filtered by
-- as_of_date, so it can be kept incrementally; which events count on D is decided in
-- int_events_mapped_to_accounts from the dates kept here.
-- Deduplication: of the loads of an id the earliest received_at wins (then the earliest
-- timestamp), across all loads. Account: context_group_id when present; else the user's
-- membership at the event's time; before a user's first membership, that first membership,
-- which counts only from the day it was sent (attributed_from_date). No membership at all:
-- account_id is null.
-- Incremental runs redo every id loaded since the latest received_at already here minus
-- var('incremental_lookback_days'), from all of that id's loads (so the earliest load still
-- wins), and every event of a user whose group calls were loaded in that time (their
-- attribution can move). Rows are replaced by event_id. The run starts over (every row
-- deleted, every load read) when the source tables changed (config_hash, see
-- macros/incremental/source_identity.sql) or the source lost rows this table was built from.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key='event_id',
    on_schema_change='fail',
    pre_hook="{% if events_rebuild_reason(ref('stg_segment__tracks')) is not none %}delete from {{ this }}{% else %}select 1{% endif %}"
) }}
{%- set tracks = ref('stg_segment__tracks') %}
{%- set groups = ref('stg_segment__groups') %}
{%- set rebuild_reason = events_rebuild_reason(tracks) %}
{%- if rebuild_reason is not none %}
    {%- do log(this.identifier ~ " is rebuilt from scratch: " ~ rebuild_reason ~ ".", info=true) %}
{%- endif %}
{%- set cutoff = none if rebuild_reason is not none else incremental_cutoff('received_at') %}
with

memberships as (

    select * from {{ ref('int_user_group_memberships') }}

),

{%- if cutoff is not none %}

    regrouped_users as (

        select distinct user_id
        from {{ groups }}
        where {{ loaded_since(cutoff) }} and user_id is not null

    ),

    -- (the staging view is read twice rather than through one CTE: a CTE read twice is
    -- materialized whole, and the received_at filter no longer reaches the scan)
    redone_ids as (

        select event_id from {{ tracks }}
        where {{ loaded_since(cutoff) }}
        union
        select built.event_id
        from {{ this }} as built
        inner join regrouped_users
            on built.user_id = regrouped_users.user_id

    ),

    loads as (

        select tracks.*
        from {{ tracks }} as tracks
        inner join redone_ids
            on tracks.event_id = redone_ids.event_id

    ),
{%- else %}

    loads as (

        select * from {{ tracks }}

    ),
{%- endif %}

-- most ids are loaded once; only the others need ranking: the earliest received_at wins,
-- then the earliest timestamp (the rest of the order only makes ties deterministic)
duplicated_ids as (

    select event_id
    from loads
    group by event_id
    having count(*) > 1

),

ranked_duplicates as (

    select
        event_id,
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
    where event_id in (select duplicated_ids.event_id from duplicated_ids)

),

events as (

    select
        event_id,
        user_id,
        context_account_id,
        event_name,
        event_at,
        received_at
    from loads
    where event_id not in (select duplicated_ids.event_id from duplicated_ids)

    union all
    select
        event_id,
        user_id,
        context_account_id,
        event_name,
        event_at,
        received_at
    from ranked_duplicates
    where load_rank = 1

),

attributed as (

    select
        events.event_id,
        events.user_id,
        coalesce(events.context_account_id, memberships.account_id) as account_id,
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
        -- ids
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,

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

        -- timestamps
        received_at,

        -- which source tables the row was read from (a change rebuilds the table)
        cast({{ dbt.hash(source_identity_literal()) }} as {{ dbt.type_string() }}) as config_hash

    from dated

)

select * from final
