-- One row per account, user and day of int_user_account_days that the days
-- int_account_daily_metrics (re)builds in this run look back on at user level: from
-- account_metrics_user_reach_days() before the account's first rebuilt day
-- (int_account_metric_windows), that day included, to D. Only the points windows reach
-- further back; int_account_metric_early_points holds those days per account. Events, meaningful events and engagement
-- points in whole millionths, so sums are exact and fast in any order. Read by the activity and
-- quiet users' parts of int_account_daily_metrics.
{{ config(materialized='ephemeral') }}
with

windows as (

    select * from {{ ref('int_account_metric_windows') }}

),

final as (

    select
        user_account_days.account_id,
        user_account_days.user_id,
        user_account_days.activity_date,
        user_account_days.count_events,
        user_account_days.count_meaningful_events,
        {{ micro_points('user_account_days.sum_points') }} as sum_micro_points
    from {{ ref('int_user_account_days') }} as user_account_days
    inner join windows
        on
            user_account_days.account_id = windows.account_id
            and user_account_days.activity_date
            >= {{ date_add_days('windows.first_rebuilt_date', 1 - account_metrics_user_reach_days()) }}
    where user_account_days.activity_date <= {{ as_of_date() }}

)

select * from final
