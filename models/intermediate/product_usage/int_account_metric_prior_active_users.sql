-- One row per account that int_account_daily_metrics (re)builds in this run and user with a
-- meaningful day before the user-level rows of the account's windows (int_account_metric_user_days:
-- from account_metrics_user_reach_days() before the first rebuilt day): that user's last
-- meaningful day before them, over all history. The all-time values the windows do not hold:
-- the account's last active day so far (the latest of its users', in the activity part) and
-- the quiet spell a user was in when the window starts (quiet users' part). Where the user
-- rows start at or after the running state's horizon (user_state_horizon_date(): the daily
-- run's accounts), the state's latest day before the horizon and the user days between; else
-- (a full build, a rebuild reaching further back) one pass over the account's older days.
{{ config(materialized='ephemeral') }}
{%- set horizon = user_state_horizon_date() %}
with

windows as (

    select
        account_id,
        {{ date_add_days('first_rebuilt_date', 1 - account_metrics_user_reach_days()) }} as user_days_start_date
    from {{ ref('int_account_metric_windows') }}

),

prior_days as (

    -- from the state: the latest meaningful day before the horizon
    select
        state.account_id,
        state.user_id,
        state.last_active_date as activity_date
    from {{ ref('int_user_last_active_days') }} as state
    inner join windows
        on state.account_id = windows.account_id
    where windows.user_days_start_date >= {{ horizon }}

    -- ... and the meaningful days from the horizon up to the user rows
    union all
    select
        user_account_days.account_id,
        user_account_days.user_id,
        user_account_days.activity_date
    from {{ ref('int_user_account_days') }} as user_account_days
    inner join windows
        on
            user_account_days.account_id = windows.account_id
            and user_account_days.activity_date < windows.user_days_start_date
    where
        windows.user_days_start_date >= {{ horizon }}
        and user_account_days.activity_date >= {{ horizon }}
        and user_account_days.count_meaningful_events > 0

    -- the accounts whose user rows start before the horizon: every older day
    union all
    select
        user_account_days.account_id,
        user_account_days.user_id,
        user_account_days.activity_date
    from {{ ref('int_user_account_days') }} as user_account_days
    inner join windows
        on
            user_account_days.account_id = windows.account_id
            and user_account_days.activity_date < windows.user_days_start_date
    where
        windows.user_days_start_date < {{ horizon }}
        and user_account_days.count_meaningful_events > 0

),

final as (

    select
        account_id,
        user_id,
        max(activity_date) as activity_date
    from prior_days
    group by account_id, user_id

)

select * from final
