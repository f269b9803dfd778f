-- Every kind of row left out of the scores, counted, with the reason in a sentence.
-- One row per kind, always (0 when clean), so a dashboard can chart each kind over time.
-- Product events are classified in order and each counted once, under the first kind
-- that applies: missing id or timestamp, duplicate id, future timestamp, anonymous,
-- unattributed, unknown account; unknown event names are counted among the events kept.
-- The other sources' bad rows are classified once, in their base_* staging models (the first
-- kind that applies; a kept row can also carry one correction, e.g. negative seats).
-- source_table names the table the vars point at (e.g. rudder.tracks). dbt build warns when a
-- kind exceeds its share of the source table's rows (var dq_warn_pct, per kind).
{%- set table_names = {
    'tracks': var('segment_schema') ~ '.tracks',
    'accounts': var('crm_schema') ~ '.accounts',
    'tickets': var('support_schema') ~ '.tickets',
    'nps': var('surveys_schema') ~ '.nps_responses',
    'invoices': var('billing_schema') ~ '.invoices',
    'subscriptions': var('billing_schema') ~ '.subscriptions',
} %}
{#- (table, kind, reason) of the rows base_* models leave out or correct -#}
{%- set source_row_kinds = [
    ('accounts', 'missing_account_id', 'Account row has no account_id, so nothing can be joined to it; left out.'),
    ('accounts', 'duplicate_account_id', 'Account id loaded more than once; one row kept (latest contract_start_date, then a crm_id, then the greatest crm_id and name), the others left out.'),
    ('accounts', 'negative_seats', 'Licensed seats below 0 are impossible; read as unknown (null), so seat utilisation is not scored.'),
    ('tickets', 'missing_id', 'Ticket has no ticket_id; left out of support.'),
    ('tickets', 'duplicate_id', 'Ticket id loaded more than once; the latest state is kept (solved over open, latest solved_at, then latest created_at), the others left out.'),
    ('tickets', 'missing_created_at', 'Ticket has no created_at, so it cannot be placed in time; left out of support.'),
    ('tickets', 'solved_before_created', 'Ticket solved before it was created (impossible dates); left out of support.'),
    ('tickets', 'unknown_category', 'Ticket priority, status or satisfaction is not a known value; kept, counted as neither high priority nor a bad rating.'),
    ('nps', 'missing_id', 'NPS response has no response_id; left out of sentiment.'),
    ('nps', 'duplicate_id', 'NPS response id loaded more than once; the first answer (earliest submitted_at) is kept, the others left out.'),
    ('nps', 'missing_submitted_at', 'NPS response has no submitted_at, so it cannot be placed in time; left out of sentiment.'),
    ('invoices', 'missing_id', 'Invoice has no invoice_id; left out of billing.'),
    ('invoices', 'duplicate_id', 'Invoice id loaded more than once; the latest state is kept (paid over unpaid, latest paid, due and issue dates), the others left out.'),
    ('invoices', 'negative_amount', 'Invoice amount below 0 (a credit) is never owed; left out of billing.'),
] %}
{%- set thresholds = var('dq_warn_pct') %}
{%- if thresholds is not mapping or thresholds.get('default') is none %}
    {{ exceptions.raise_compiler_error(
        "Configuration error: var dq_warn_pct must map data-quality kinds to a percent and have a default, "
        ~ "but it is " ~ thresholds ~ ". Example: {default: 1, duplicate_id: 5}."
    ) }}
{%- endif %}
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
                {{ counts_on_as_of_date('events') }}
                and crm_accounts.account_id is null
                then 1
            else 0
        end) as count_unknown_account
    from {{ ref('int_events_attributed') }} as events
    left join {{ ref('stg_crm__accounts') }} as crm_accounts
        on events.account_id = crm_accounts.account_id

),

mapped as (

    select
        sum(count_events) as count_unknown_event,
        sum(case when suggested_event_name is not null then count_events else 0 end) as count_case_mismatch,
        {{ dbt.listagg(
            "case when suggested_event_name is not null then '\"' || event_name || '\" -> \"' || suggested_event_name || '\"' end",
            "', '", 'order by event_name'
        ) }} as case_mismatch_list
    from {{ ref('data_quality_unknown_event_names') }}

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

-- the rows each non-event source loaded, by what base_* found wrong with them
source_rows as (

    select
        '{{ table_names.accounts }}' as source_table,
        exclusion_reason,
        correction
    from {{ ref('base_crm__accounts') }}
    union all
    select
        '{{ table_names.tickets }}',
        exclusion_reason,
        correction
    from {{ ref('base_support__tickets') }}
    union all
    select
        '{{ table_names.nps }}',
        exclusion_reason,
        cast(null as {{ dbt.type_string() }})
    from {{ ref('base_surveys__nps_responses') }}
    union all
    select
        '{{ table_names.invoices }}',
        exclusion_reason,
        cast(null as {{ dbt.type_string() }})
    from {{ ref('base_billing__invoices') }}

),

source_row_kinds as (

    select
        source_table,
        coalesce(exclusion_reason, correction) as kind,
        count(*) as row_count
    from source_rows
    where exclusion_reason is not null or correction is not null
    group by source_table, coalesce(exclusion_reason, correction)

),

source_totals as (

    select
        '{{ table_names.tracks }}' as source_table,
        count_rows
    from raw_tracks
    union all
    select
        source_table,
        count(*)
    from source_rows
    group by source_table
    union all
    select
        '{{ table_names.subscriptions }}',
        count(*)
    from {{ ref('stg_billing__subscriptions') }}

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
    union all
    select
        '{{ table_names.nps }}',
        'nps_score_out_of_range',
        count_out_of_range,
        'NPS score is null or outside 0..10; left out of sentiment.'
    from nps
    union all
    select
        '{{ table_names.nps }}',
        'unknown_account',
        count_nps,
        'NPS response names an account id that crm.accounts does not know; left out.'
    from orphans
    union all
    select
        '{{ table_names.tickets }}',
        'unknown_account',
        count_tickets,
        'Ticket names no account, or an account id that crm.accounts does not know; left out of support.'
    from orphans
    union all
    select
        '{{ table_names.invoices }}',
        'unknown_account',
        count_invoices,
        'Invoice names no account, or an account id that crm.accounts does not know; left out of billing.'
    from orphans
    union all
    select
        '{{ table_names.subscriptions }}',
        'unknown_account',
        count_subscriptions,
        'Subscription belongs to an account id that crm.accounts does not know; left out of ARR and seats.'
    from orphans
    union all
    select
        '{{ table_names.accounts }}',
        'missing_crm_id',
        count_missing_crm_id,
        'Account has no Salesforce Id (crm_id); it is scored but cannot be synced to the CRM.'
    from orphans
    {%- for table, kind, reason in source_row_kinds %}
        union all
        select
            '{{ table_names[table] }}',
            '{{ kind }}',
            (
                select sum(source_row_kinds.row_count) from source_row_kinds
                where source_row_kinds.source_table = '{{ table_names[table] }}' and source_row_kinds.kind = '{{ kind }}'
            ),
            '{{ reason | replace("'", "''") }}'
    {%- endfor %}

),

counted as (

    select
        kinds.source_table,
        kinds.kind,
        coalesce(kinds.row_count, 0) as row_count,
        kinds.reason,
        coalesce(source_totals.count_rows, 0) as count_source_rows,
        case
            {%- for kind, pct in thresholds.items() if kind != 'default' %}
                when kinds.kind = '{{ kind }}' then {{ pct }}
            {%- endfor %}
            else {{ thresholds['default'] }}
        end as warn_threshold_pct,
        case
            when kinds.kind = 'unknown_event' and mapped.count_case_mismatch > 0
                then
                    'Of these, ' || cast(mapped.count_case_mismatch as {{ dbt.type_string() }})
                    || ' differ from a catalog event only in case; did you mean the catalog''s spelling? '
                    || mapped.case_mismatch_list
        end as suggestion
    from kinds
    left join source_totals
        on kinds.source_table = source_totals.source_table
    cross join mapped

),

final as (

    select
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        cast(kind as {{ dbt.type_string() }}) as kind,
        cast(row_count as {{ dbt.type_bigint() }}) as row_count,
        cast(reason as {{ dbt.type_string() }}) as reason,
        cast(suggestion as {{ dbt.type_string() }}) as suggestion,
        cast(count_source_rows as {{ dbt.type_bigint() }}) as count_source_rows,
        cast({{ round_to('100.0 * row_count / nullif(count_source_rows, 0)', 2) }} as decimal(9, 2)) as pct_of_source_rows,
        cast(warn_threshold_pct as decimal(9, 2)) as warn_threshold_pct,
        coalesce(100.0 * row_count > warn_threshold_pct * count_source_rows, false) as is_over_threshold,
        {{ as_of_date() }} as as_of_date
    from counted

)

select * from final
