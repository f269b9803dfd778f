-- The product events left out of the scores (or kept but flagged), one row per kind of
-- data_quality_issues. Classified in order and each counted once, under the first kind
-- that applies: missing id or timestamp, duplicate id, future timestamp, anonymous,
-- unattributed, unknown account; unknown event names are counted among the events kept.
{{ config(materialized='ephemeral') }}
{%- set table_names = data_quality_source_tables() %}
with

-- the raw rows and those without an id or a timestamp (events_raw_counts_query(), macros/events/raw_counts.sql)
raw_tracks as (

    {%- set saved_counts = events_raw_counts_sql(source('segment', 'tracks'), ref('int_events_attributed')) %}
    {%- if saved_counts is not none %}
        -- counted by int_events_attributed's start-over check in this run (macros/events/raw_counts.sql)
        {{ saved_counts }}
    {%- else %}
        {{ events_raw_counts_query(source('segment', 'tracks')) }}
    {%- endif %}

),

-- int_events_attributed holds one row per distinct id (of the rows that have a timestamp),
-- over every load, so the duplicates are the loadable rows it does not hold. The future events
-- are counted on it with one filter (row groups whose latest due_date is not after D are
-- skipped); every other kind is among the few data_quality_irregular_events (its header says why)
events as (

    select
        cast(sum(count_distinct_ids) as {{ dbt.type_bigint() }}) as count_distinct_ids,
        cast(sum(count_future) as {{ dbt.type_bigint() }}) as count_future
    from (
        select
            count(*) as count_distinct_ids,
            0 as count_future
        from {{ ref('int_events_attributed') }}
        union all
        select
            0 as count_distinct_ids,
            count(*) as count_future
        from {{ ref('int_events_attributed') }}
        where due_date > {{ as_of_date() }}
    ) as counts

),

irregular as (

    select
        sum(case when events.due_date <= {{ as_of_date() }} and events.user_id is null then 1 else 0 end)
            as count_anonymous,
        sum(case
            when
                events.due_date <= {{ as_of_date() }} and events.user_id is not null
                and (events.account_id is null or events.attributed_from_date > {{ as_of_date() }})
                then 1
            else 0
        end) as count_unattributed,
        sum(case
            when
                {{ counts_on_as_of_date('events') }}
                and crm_accounts.account_id is null
                then 1
            else 0
        end) as count_unknown_account
    from {{ ref('data_quality_irregular_events') }} as events
    left join {{ ref('stg_crm__accounts') }} as crm_accounts
        on events.account_id = crm_accounts.account_id

),

deduplicated as (

    select
        events.count_distinct_ids,
        events.count_future,
        coalesce(irregular.count_anonymous, 0) as count_anonymous,
        coalesce(irregular.count_unattributed, 0) as count_unattributed,
        coalesce(irregular.count_unknown_account, 0) as count_unknown_account
    from events
    cross join irregular

),

mapped as (

    select sum(count_events) as count_unknown_event
    from {{ ref('data_quality_unknown_event_names') }}

),

kinds as (

    select
        '{{ table_names.tracks }}' as source_table,
        'missing_id_or_timestamp' as kind,
        count_missing as row_count,
        'Event has no message id or no timestamp, so it cannot be deduplicated or dated; left out.' as reason
    from raw_tracks
    union all
    select
        '{{ table_names.tracks }}',
        'duplicate_id',
        raw_tracks.count_rows - raw_tracks.count_missing - deduplicated.count_distinct_ids,
        'Event re-loaded with an id already seen; only the earliest load is counted.'
    from raw_tracks
    cross join deduplicated
    union all
    select
        '{{ table_names.tracks }}',
        'future_timestamp',
        count_future,
        'Event timestamp is after the as-of date (clock skew or not yet happened); left out so the run is point-in-time.'
    from deduplicated
    union all
    select
        '{{ table_names.tracks }}',
        'anonymous_event',
        count_anonymous,
        'Event has no user_id (anonymous); it cannot be attributed to a user; left out.'
    from deduplicated
    union all
    select
        '{{ table_names.tracks }}',
        'unattributed_event',
        count_unattributed,
        'Event has no context_group_id and its user has no group call (with a group_id) that applies on or before the as-of date; no account to credit; left out.'
    from deduplicated
    union all
    select
        '{{ table_names.tracks }}',
        'unknown_account',
        count_unknown_account,
        'Event belongs to an account id that crm.accounts does not know; left out.'
    from deduplicated
    union all
    select
        '{{ table_names.tracks }}',
        'unknown_event',
        count_unknown_event,
        'Event name is not in seeds/event_catalog.csv (names are case-sensitive); kept with weight 0, no feature, not meaningful.'
    from mapped

)

select * from kinds
