-- One row per account that int_account_daily_metrics (re)builds in this run and user with a
-- meaningful day before the user-level rows of the account's windows (int_account_metric_user_days:
-- from account_metrics_user_reach_days() before the first rebuilt day): that user's last
-- meaningful day before them, over all history. The all-time values the windows do not hold:
-- the account's last active day so far (the latest of its users', in the activity part) and
-- the quiet spell a user was in when the window starts (quiet users' part). One pass over the
-- history for both.
{{ config(materialized='ephemeral') }}
with

windows as (

    select * from {{ ref('int_account_metric_windows') }}

),

final as (

    select
        user_account_days.account_id,
        user_account_days.user_id,
        max(user_account_days.activity_date) as activity_date
    from {{ ref('int_user_account_days') }} as user_account_days
    inner join windows
        on
            user_account_days.account_id = windows.account_id
            and user_account_days.activity_date
            < {{ date_add_days('windows.first_rebuilt_date', 1 - account_metrics_user_reach_days()) }}
    where user_account_days.count_meaningful_events > 0
    group by user_account_days.account_id, user_account_days.user_id

)

select * from final
