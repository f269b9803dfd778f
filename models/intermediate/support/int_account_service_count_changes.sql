-- One row per account and day on which its ticket or invoice counts change: the net change that
-- day (the timelines of ticket_count_changes() and overdue_invoice_changes(), the rules the
-- support and billing parts of int_account_daily_metrics count with) and when this table first
-- saw those values (changed_at). The compact state that lets int_account_daily_metrics find a
-- ticket or invoice that changed in place without recomputing its counts on every kept day:
-- it rebuilds an account from the earliest day of any row that changed after its own last build.
--
-- Each run recomputes the timeline from the tickets and invoices (small tables) and compares it
-- with the stored one: a day whose change is new, different or gone is written again with this
-- run's changed_at (a day that no longer changes anything stays as a row of zeros, so a deleted
-- ticket or invoice is noticed too); the other days keep theirs. Only days up to as_of_date are
-- kept, so nothing dated later is stored. Where whole date partitions are replaced (Spark), a
-- date written again also carries its kept rows, with their changed_at (kept_rows_of_rebuilt_dates()).
{{ config(
    materialized=incremental_materialization('delta_date'),
    incremental_strategy=incremental_strategy(),
    partition_by=date_partitions('delta_date'),
    unique_key=['account_id', 'delta_date'],
    on_schema_change='fail'
) }}
with

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

changes as (

    select
        account_id,
        delta_date,
        open_urgent_tickets,
        bad_csat,
        rated_csat,
        0 as overdue_invoices
    from ({{ ticket_count_changes('tickets') }}) as ticket_changes
    union all
    select
        account_id,
        delta_date,
        0,
        0,
        0,
        overdue_invoices
    from ({{ overdue_invoice_changes('invoices') }}) as invoice_changes

),

-- the timeline as the sources say now: one row per account and day with a net change
timeline as (

    select
        account_id,
        delta_date,
        cast(sum(open_urgent_tickets) as integer) as open_urgent_tickets,
        cast(sum(bad_csat) as integer) as bad_csat,
        cast(sum(rated_csat) as integer) as rated_csat,
        cast(sum(overdue_invoices) as integer) as overdue_invoices
    from changes
    where account_id is not null and delta_date is not null and delta_date <= {{ as_of_date() }}
    group by account_id, delta_date
    having
        sum(open_urgent_tickets) <> 0 or sum(bad_csat) <> 0 or sum(rated_csat) <> 0
        or sum(overdue_invoices) <> 0

),

{%- if is_incremental() %}

    stored as (

        select * from {{ this }}

    ),

    -- the days whose change is new, different or gone (then zeros) since the last run
    changed as (

        select
            coalesce(timeline.account_id, stored.account_id) as account_id,
            coalesce(timeline.delta_date, stored.delta_date) as delta_date,
            coalesce(timeline.open_urgent_tickets, 0) as open_urgent_tickets,
            coalesce(timeline.bad_csat, 0) as bad_csat,
            coalesce(timeline.rated_csat, 0) as rated_csat,
            coalesce(timeline.overdue_invoices, 0) as overdue_invoices
        from timeline
        full outer join stored
            on timeline.account_id = stored.account_id and timeline.delta_date = stored.delta_date
        where
            coalesce(timeline.open_urgent_tickets, 0) <> coalesce(stored.open_urgent_tickets, 0)
            or coalesce(timeline.bad_csat, 0) <> coalesce(stored.bad_csat, 0)
            or coalesce(timeline.rated_csat, 0) <> coalesce(stored.rated_csat, 0)
            or coalesce(timeline.overdue_invoices, 0) <> coalesce(stored.overdue_invoices, 0)

    ),
{%- else %}

    changed as (

        select * from timeline

    ),
{%- endif %}

final as (

    select
        account_id,
        delta_date,
        open_urgent_tickets,
        bad_csat,
        rated_csat,
        overdue_invoices,
        {{ run_started_at_sql() }} as changed_at
    from changed
    {%- if is_incremental() %}
        {{- kept_rows_of_rebuilt_dates(
            'stored', 'changed',
            ['account_id', 'delta_date', 'open_urgent_tickets', 'bad_csat', 'rated_csat', 'overdue_invoices', 'changed_at'],
            ['account_id', 'delta_date'], 'delta_date'
        ) }}
    {%- endif %}

)

select * from final
