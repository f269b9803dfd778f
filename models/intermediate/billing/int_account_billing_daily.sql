-- One row per account and customer day of the daily series: the invoices overdue at the end
-- of the day (from the day after the due date until the day paid; void invoices never).
-- Built as a timeline of changes per account (+1 when an invoice falls overdue, -1 when it is
-- paid) whose running sum gives each day's count. Cheap enough to compute for every day on
-- every run: int_account_daily_metrics compares it with the count it stored to find the days
-- a paid or voided invoice moved.
{{ config(materialized='ephemeral') }}
with

customer_days as (

    select
        account_id,
        as_of_date
    from {{ ref('int_customer_days') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

invoice_timeline as (

    select
        account_id,
        {{ date_add_days('due_date', 1) }} as delta_date,
        1 as delta
    from invoices
    where not is_void and due_date is not null and (paid_date is null or paid_date > due_date)
    union all
    select
        account_id,
        paid_date,
        -1
    from invoices
    where not is_void and due_date is not null and paid_date > due_date

    -- every customer day, so each has a row to carry the running value
    union all
    select
        account_id,
        as_of_date,
        0
    from customer_days

),

per_day as (

    select
        account_id,
        delta_date,
        sum(delta) as d_overdue
    from invoice_timeline
    where delta_date <= {{ as_of_date() }}
    group by account_id, delta_date

),

running as (

    select
        account_id,
        delta_date as as_of_date,
        sum(d_overdue) over running_window as count_overdue_invoices
    from per_day
    window running_window as (
        partition by account_id order by delta_date rows between unbounded preceding and current row
    )

),

final as (

    select
        customer_days.account_id,
        customer_days.as_of_date,
        cast(running.count_overdue_invoices as integer) as count_overdue_invoices
    from customer_days
    inner join running
        on
            customer_days.account_id = running.account_id
            and customer_days.as_of_date = running.as_of_date

)

select * from final
