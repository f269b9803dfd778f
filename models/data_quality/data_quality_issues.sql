-- Every kind of row left out of the scores, counted, with the reason in a sentence.
-- One row per kind, always (0 when clean), so a dashboard can chart each kind over time.
-- Product events are classified in order and each counted once, under the first kind
-- that applies: missing id or timestamp, duplicate id, future timestamp, anonymous,
-- unattributed, unknown account; unknown event names are counted among the events kept.
with

raw_tracks as (

    select
        count(*) as count_rows,
        sum(case when id is null or {{ adapter.quote('timestamp') }} is null then 1 else 0 end) as count_missing
    from {{ source('segment', 'tracks') }}

),

-- int_events_attributed holds one row per distinct id (of the rows that have a timestamp),
-- over every load, so the duplicates are the loadable rows it does not hold
deduplicated as (

    select
        count(*) as count_distinct_ids,
        sum(case when events.due_date > {{ as_of_date() }} then 1 else 0 end) as count_future,
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
                events.user_id is not null and events.attributed_from_date <= {{ as_of_date() }}
                and crm_accounts.account_id is null
                then 1
            else 0
        end) as count_unknown_account
    from {{ ref('int_events_attributed') }} as events
    left join {{ ref('stg_crm__accounts') }} as crm_accounts
        on events.account_id = crm_accounts.account_id

),

mapped as (

    select sum(case when is_in_catalog then 0 else 1 end) as count_unknown_event
    from {{ ref('int_events_mapped_to_accounts') }}

),

nps as (

    select sum(case when is_valid_score then 0 else 1 end) as count_out_of_range
    from {{ ref('stg_surveys__nps_responses') }}

),

accounts as (

    select
        account_id,
        crm_id
    from {{ ref('stg_crm__accounts') }}

),

orphans as (

    select
        (
            select count(*) from {{ ref('stg_support__tickets') }} as t
            where not exists (
                select 1 from accounts
                where accounts.account_id = t.account_id
            )
        ) as count_tickets,
        (
            select count(*) from {{ ref('stg_billing__invoices') }} as i
            where not exists (
                select 1 from accounts
                where accounts.account_id = i.account_id
            )
        ) as count_invoices,
        (
            select count(*) from {{ ref('stg_surveys__nps_responses') }} as n
            where
                n.account_id is not null
                and not exists (
                    select 1 from accounts
                    where accounts.account_id = n.account_id
                )
        ) as count_nps,
        (
            select count(*) from {{ ref('stg_billing__subscriptions') }} as s
            where not exists (
                select 1 from accounts
                where accounts.account_id = s.account_id
            )
        ) as count_subscriptions,
        (
            select count(*) from accounts
            where crm_id is null
        ) as count_missing_crm_id

),

kinds as (

    select
        'segment.tracks' as source_table,
        'missing_id_or_timestamp' as kind,
        count_missing as row_count,
        'Event has no message id or no timestamp, so it cannot be deduplicated or dated; left out.' as reason
    from raw_tracks
    union all
    select
        'segment.tracks',
        'duplicate_id',
        raw_tracks.count_rows - raw_tracks.count_missing - deduplicated.count_distinct_ids,
        'Event re-loaded with an id already seen; only the earliest load is counted.'
    from raw_tracks
    cross join deduplicated
    union all
    select
        'segment.tracks',
        'future_timestamp',
        count_future,
        'Event timestamp is after the as-of date (clock skew or not yet happened); left out so the run is point-in-time.'
    from deduplicated
    union all
    select
        'segment.tracks',
        'anonymous_event',
        count_anonymous,
        'Event has no user_id (anonymous); it cannot be attributed to a user; left out.'
    from deduplicated
    union all
    select
        'segment.tracks',
        'unattributed_event',
        count_unattributed,
        'Event has no context_group_id and its user has no group call (with a group_id) that applies on or before the as-of date; no account to credit; left out.'
    from deduplicated
    union all
    select
        'segment.tracks',
        'unknown_account',
        count_unknown_account,
        'Event belongs to an account id that crm.accounts does not know; left out.'
    from deduplicated
    union all
    select
        'segment.tracks',
        'unknown_event',
        count_unknown_event,
        'Event name is not in seeds/event_catalog.csv (names are case-sensitive); kept with weight 0, no feature, not meaningful.'
    from mapped
    union all
    select
        'surveys.nps_responses',
        'nps_score_out_of_range',
        count_out_of_range,
        'NPS score is null or outside 0..10; left out of sentiment.'
    from nps
    union all
    select
        'surveys.nps_responses',
        'unknown_account',
        count_nps,
        'NPS response names an account id that crm.accounts does not know; left out.'
    from orphans
    union all
    select
        'support.tickets',
        'unknown_account',
        count_tickets,
        'Ticket belongs to an account id that crm.accounts does not know; left out of support.'
    from orphans
    union all
    select
        'billing.invoices',
        'unknown_account',
        count_invoices,
        'Invoice belongs to an account id that crm.accounts does not know; left out of billing.'
    from orphans
    union all
    select
        'billing.subscriptions',
        'unknown_account',
        count_subscriptions,
        'Subscription belongs to an account id that crm.accounts does not know; left out of ARR and seats.'
    from orphans
    union all
    select
        'crm.accounts',
        'missing_crm_id',
        count_missing_crm_id,
        'Account has no Salesforce Id (crm_id); it is scored but cannot be synced to the CRM.'
    from orphans

),

final as (

    select
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        cast(kind as {{ dbt.type_string() }}) as kind,
        cast(coalesce(row_count, 0) as {{ dbt.type_bigint() }}) as row_count,
        cast(reason as {{ dbt.type_string() }}) as reason,
        cast({{ var('dq_warn_threshold_rows') }} as {{ dbt.type_bigint() }}) as warn_threshold_rows,
        {{ as_of_date() }} as as_of_date
    from kinds

)

select * from final
