-- One row per account and customer day that int_account_daily_metrics (re)builds in this run
-- (int_account_metric_days_to_rebuild: every customer day on a full build, the days from the
-- first changed one on an incremental run): the invoices overdue at the end of the day (from
-- the day after the due date until the day paid; void invoices never).
-- Built as a timeline of changes per account (+1 when an invoice falls overdue, -1 when it is
-- paid: overdue_invoice_changes()) whose running sum gives each day's count. The timeline is
-- the one int_account_service_count_changes keeps (built earlier in the same run, up to D), so
-- the invoices are not read and deduplicated again.
{{ config(materialized='ephemeral') }}
with

rebuilt_days as (

    select
        account_id,
        as_of_date
    from {{ ref('int_account_metric_days_to_rebuild') }}

),

invoice_timeline as (

    select
        account_id,
        delta_date,
        overdue_invoices
    from {{ ref('int_account_service_count_changes') }}

),

final as (

    select
        account_id,
        as_of_date,
        cast(overdue_invoices as integer) as count_overdue_invoices
    from (
        {{ running_totals_on_days('invoice_timeline', 'rebuilt_days', ['overdue_invoices']) }}
    ) as running_counts

)

select * from final
