-- One row per account and customer day of the daily series: the support tickets the health
-- score counts, as that day saw them: high and urgent tickets open at the end of the day,
-- and tickets rated bad in the bad_csat_window_days since they were solved.
-- Built as a timeline of changes per account (+1 when a ticket starts to count, -1 when it
-- stops) whose running sum gives each day's counts. Cheap enough to compute for every day on
-- every run: int_account_daily_metrics compares it with the counts it stored to find the
-- days a created, solved or rated ticket moved.
{{ config(materialized='ephemeral') }}
with

customer_days as (

    select
        account_id,
        as_of_date
    from {{ ref('int_customer_days') }}

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

ticket_timeline as (

    -- high and urgent tickets open at the end of the day
    select
        account_id,
        cast(created_at as date) as delta_date,
        'open_urgent_tickets' as metric,
        1 as delta
    from tickets
    where is_high_priority and created_at is not null
    union all
    select
        account_id,
        cast(solved_at as date),
        'open_urgent_tickets',
        -1
    from tickets
    where is_high_priority and created_at is not null and solved_at is not null

    -- tickets rated bad, counted for bad_csat_window_days from when they were solved
    union all
    select
        account_id,
        cast(solved_at as date),
        'bad_csat',
        1
    from tickets
    where satisfaction = 'bad' and solved_at is not null
    union all
    select
        account_id,
        {{ date_add_days('cast(solved_at as date)', var('bad_csat_window_days')) }},
        'bad_csat',
        -1
    from tickets
    where satisfaction = 'bad' and solved_at is not null

    -- every customer day, so each has a row to carry the running values
    union all
    select
        account_id,
        as_of_date,
        'customer_day',
        0
    from customer_days

),

per_day as (

    select
        account_id,
        delta_date,
        sum(case when metric = 'open_urgent_tickets' then delta else 0 end) as d_open_urgent,
        sum(case when metric = 'bad_csat' then delta else 0 end) as d_bad_csat
    from ticket_timeline
    where delta_date <= {{ as_of_date() }}
    group by account_id, delta_date

),

running as (

    select
        account_id,
        delta_date as as_of_date,
        sum(d_open_urgent) over running_window as count_open_urgent_tickets,
        sum(d_bad_csat) over running_window as count_bad_csat_90d
    from per_day
    window running_window as (
        partition by account_id order by delta_date rows between unbounded preceding and current row
    )

),

final as (

    select
        customer_days.account_id,
        customer_days.as_of_date,
        cast(running.count_open_urgent_tickets as integer) as count_open_urgent_tickets,
        cast(running.count_bad_csat_90d as integer) as count_bad_csat_90d
    from customer_days
    inner join running
        on
            customer_days.account_id = running.account_id
            and customer_days.as_of_date = running.as_of_date

)

select * from final
