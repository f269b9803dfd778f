-- One row per account that int_account_daily_metrics (re)builds in this run and day with
-- engagement points from its window_start_date up to the user-level rows
-- (int_account_metric_user_days start account_metrics_user_reach_days() before the first
-- rebuilt day): the account's points that day in whole millionths. Only the points windows
-- (the 30 days before the last 30, the baseline) reach these days, so the activity part reads
-- them per account and day instead of per user: the same millionths per user day, summed.
{{ config(materialized='ephemeral') }}
with

windows as (

    select * from {{ ref('int_account_metric_windows') }}

),

final as (

    select
        user_account_days.account_id,
        user_account_days.activity_date,
        sum(
            {{ micro_points('user_account_days.sum_points') }}
        ) as sum_micro_points
    from {{ ref('int_user_account_days') }} as user_account_days
    inner join windows
        on
            user_account_days.account_id = windows.account_id
            and user_account_days.activity_date >= windows.window_start_date
            and user_account_days.activity_date
            < {{ date_add_days('windows.first_rebuilt_date', 1 - account_metrics_user_reach_days()) }}
    group by user_account_days.account_id, user_account_days.activity_date

)

select * from final
