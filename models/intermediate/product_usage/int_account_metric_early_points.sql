-- One row per account that int_account_daily_metrics (re)builds in this run and day with
-- engagement points from its values_start_date (int_account_metric_windows: the window start,
-- or a day earlier for a chain from a kept row, of which only the days leaving a window on a
-- rebuilt day) up to the user-level rows
-- (int_account_metric_user_days start account_metrics_user_reach_days() before the first
-- rebuilt day): the account's points that day in whole millionths. Only the points windows
-- (the 30 days before the last 30, the baseline) reach these days, so the activity part reads
-- them per account and day instead of per user: the same millionths per user day, summed.
{{ config(materialized='ephemeral') }}
with

windows as (

    select * from {{ ref('int_account_metric_windows') }}

),

calendar as (

    {{ dbt.date_spine(
        datepart='day',
        start_date=date_add_days(series_start_date(), -account_metrics_reach_days()),
        end_date=date_add_days(as_of_date(), 1)
    ) }}

),

-- the days read: every day of the windows before the user days, or, for a chain from a kept
-- row, only the days whose points leave a window on a rebuilt day (is_account_metric_window_day)
read_days as (

    select
        windows.account_id,
        cast(calendar.date_day as date) as activity_date
    from windows
    inner join calendar
        on
            cast(calendar.date_day as date) >= windows.values_start_date
            and cast(calendar.date_day as date)
            < {{ date_add_days('windows.first_rebuilt_date', 1 - account_metrics_user_reach_days()) }}
    where {{ is_account_metric_window_day('cast(calendar.date_day as date)', 'windows') }}

),

final as (

    select
        user_account_days.account_id,
        user_account_days.activity_date,
        sum(
            cast({{ round_to('user_account_days.sum_points * 1000000') }} as {{ dbt.type_bigint() }})
        ) as sum_micro_points
    from {{ ref('int_user_account_days') }} as user_account_days
    inner join read_days
        on
            user_account_days.account_id = read_days.account_id
            and user_account_days.activity_date = read_days.activity_date
    group by user_account_days.account_id, user_account_days.activity_date

)

select * from final
