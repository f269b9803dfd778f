-- One row per account and customer day that int_account_daily_metrics (re)builds in this run
-- (int_account_metric_days_to_rebuild: every customer day on a full build, the days from the
-- first changed one on an incremental run): the support tickets the health score counts, as
-- that day saw them: high and urgent tickets open at the end of the day, tickets rated bad in
-- the bad_csat_window_days since they were solved, and tickets rated at all (good or bad) in
-- the same days, counted the same way: the support score takes the bad ratings as a share of
-- the rated ones (support_csat_min_rated).
-- Built as a timeline of changes per account (+1 when a ticket starts to count, -1 when it
-- stops: ticket_count_changes()) whose running sum gives each day's counts. The timeline is
-- the one int_account_service_count_changes keeps (built earlier in the same run, up to D):
-- its rows are the net change per day, or zeros, so their running sum is the same count
-- without reading and deduplicating every ticket again.
{{ config(materialized='ephemeral') }}
with

rebuilt_days as (

    select
        account_id,
        as_of_date
    from {{ ref('int_account_metric_days_to_rebuild') }}

),

ticket_timeline as (

    select
        account_id,
        delta_date,
        open_urgent_tickets,
        bad_csat,
        rated_csat
    from {{ ref('int_account_service_count_changes') }}

),

final as (

    select
        account_id,
        as_of_date,
        cast(open_urgent_tickets as integer) as count_open_urgent_tickets,
        cast(bad_csat as integer) as count_bad_csat_90d,
        cast(rated_csat as integer) as count_rated_csat_90d
    from (
        {{ running_totals_on_days('ticket_timeline', 'rebuilt_days', ['open_urgent_tickets', 'bad_csat', 'rated_csat']) }}
    ) as running_counts

)

select * from final
