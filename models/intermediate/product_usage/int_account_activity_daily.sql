-- One row per account and customer day that int_account_daily_metrics (re)builds in this run
-- (int_account_metric_days_to_rebuild): active users 1d/7d/30d, events, engagement points
-- 1d/30d/prior 30d/60d and the recent days against their baseline, active days in the last
-- frequency_window_days and the last active day, as that day saw them, from the user-level
-- int_user_account_days. Active users in a window are a running sum of +1/-1 changes (a
-- user's coverage starts, ends); a window of points or events is the running total minus the
-- one n days back. Each reads only as far back as it reaches: the user days
-- (int_account_metric_user_days) account_metrics_user_reach_days(), the points before them per
-- account (int_account_metric_early_points). Carries config_hash and source_received_at on.
{{ config(materialized='ephemeral') }}
{%- set short_w = var('window_short_days') %}
{%- set long_w = var('window_long_days') %}
{%- set freq_w = var('frequency_window_days') %}
{%- set lookback = var('champion_lookback_days') %}
{%- set recent_w = var('baseline_recent_days') %}
{%- set baseline_w = var('baseline_days') %}
with

rebuilt_days as (

    select * from {{ ref('int_account_metric_days_to_rebuild') }}

),

-- per rebuilt account, the start of the windows its first rebuilt day looks back on
rebuilt_accounts as (

    select * from {{ ref('int_account_metric_windows') }}

),

-- product usage in the windows the rebuilt days look back on
user_days as (

    select * from {{ ref('int_account_metric_user_days') }}

),

-- the account's last meaningful day before the window (all-time last active day so far)
prior_active_accounts as (

    select
        account_id,
        max(activity_date) as activity_date
    from {{ ref('int_account_metric_prior_active_users') }}
    group by account_id

),

account_days as (

    select
        account_id,
        activity_date,
        -- one row per account, user and day (int_user_account_days' grain): a count, not a distinct count
        sum(case when count_meaningful_events > 0 then 1 else 0 end) as count_active_users,
        sum(count_events) as count_events,
        sum(count_meaningful_events) as count_meaningful_events,
        sum(sum_micro_points) as sum_micro_points
    from user_days
    group by account_id, activity_date

    -- the days before the user days, which only the points windows reach
    union all
    select
        account_id,
        activity_date,
        0,
        0,
        0,
        sum_micro_points
    from {{ ref('int_account_metric_early_points') }}

),

-- each user's meaningful days from the first rebuilt day on, and the last one before it within
-- the longest window, with the previous and next one (active_user_sequence_sql(): the days before
-- that last one change no window of a rebuilt day)
active_user_sequence as (

    {{ active_user_sequence_sql('user_days', 'rebuilt_accounts', since_days=[short_w, long_w] | max) }}

),

-- distinct active users in the trailing windows, as changes per day
short_window_deltas as (

    {{ coverage_deltas_from_sequence('active_user_sequence', 'account_id', 'activity_date', short_w) }}

),

long_window_deltas as (

    {{ coverage_deltas_from_sequence('active_user_sequence', 'account_id', 'activity_date', long_w) }}

),

-- every day from each rebuilt account's window start to D, so window frames count days
calendar as (

    {{ dbt.date_spine(
        datepart='day',
        start_date=date_add_days(series_start_date(), 1 - account_metrics_reach_days()),
        end_date=date_add_days(as_of_date(), 1)
    ) }}

),

grid as (

    select
        rebuilt_accounts.account_id,
        cast(calendar.date_day as date) as grid_date,
        rebuilt_accounts.window_start_date
    from rebuilt_accounts
    inner join calendar
        on cast(calendar.date_day as date) >= rebuilt_accounts.window_start_date

),

grid_values as (

    select
        grid.account_id,
        grid.grid_date,
        coalesce(account_days.count_active_users, 0) as count_active_users,
        coalesce(account_days.count_events, 0) as count_events,
        coalesce(account_days.count_meaningful_events, 0) as count_meaningful_events,
        coalesce(account_days.sum_micro_points, 0) as sum_micro_points,
        case when account_days.count_active_users > 0 then 1 else 0 end as is_active_day,
        case
            when account_days.count_active_users > 0 then grid.grid_date
            when grid.grid_date = grid.window_start_date then prior_active_accounts.activity_date
        end as active_date,
        coalesce(short_window_deltas.delta, 0) as d_users_short,
        coalesce(long_window_deltas.delta, 0) as d_users_long
    from grid
    left join account_days
        on grid.account_id = account_days.account_id and grid.grid_date = account_days.activity_date
    left join short_window_deltas
        on grid.account_id = short_window_deltas.account_id and grid.grid_date = short_window_deltas.delta_date
    left join long_window_deltas
        on grid.account_id = long_window_deltas.account_id and grid.grid_date = long_window_deltas.delta_date
    left join prior_active_accounts
        on grid.account_id = prior_active_accounts.account_id

),

-- running totals per account over the grid; a window of n days is the running total minus
-- the one n rows (days) earlier, so every window shares one ordering
cumulative as (

    select
        account_id,
        grid_date,
        count_active_users,
        count_events,
        count_meaningful_events,
        sum_micro_points,
        sum(d_users_short) over all_days as active_users_7d,
        sum(d_users_long) over all_days as active_users_30d,
        max(active_date) over all_days as last_active_date,
        sum(sum_micro_points) over all_days as cumulative_micro_points,
        sum(count_meaningful_events) over all_days as cumulative_meaningful_events,
        sum(is_active_day) over all_days as cumulative_active_days
    from grid_values
    window all_days as (
        partition by account_id order by grid_date rows between unbounded preceding and current row
    )

),

running as (

    select
        account_id,
        grid_date as as_of_date,
        count_active_users,
        count_events,
        count_meaningful_events,
        sum_micro_points,
        active_users_7d,
        active_users_30d,
        last_active_date,
        cumulative_micro_points
        - coalesce(lag(cumulative_micro_points, {{ long_w }}) over grid_days, 0) as sum_micro_points_30d,
        coalesce(lag(cumulative_micro_points, {{ long_w }}) over grid_days, 0)
        - coalesce(lag(cumulative_micro_points, {{ 2 * long_w }}) over grid_days, 0) as sum_micro_points_prior_30d,
        cumulative_micro_points
        - coalesce(lag(cumulative_micro_points, {{ lookback }}) over grid_days, 0) as sum_micro_points_60d,
        -- the account's own baseline: the recent days against the baseline_days before them
        cumulative_micro_points
        - coalesce(lag(cumulative_micro_points, {{ recent_w }}) over grid_days, 0) as sum_micro_points_recent,
        coalesce(lag(cumulative_micro_points, {{ recent_w }}) over grid_days, 0)
        - coalesce(lag(cumulative_micro_points, {{ recent_w + baseline_w }}) over grid_days, 0)
            as sum_micro_points_baseline,
        cumulative_meaningful_events
        - coalesce(lag(cumulative_meaningful_events, {{ long_w }}) over grid_days, 0) as count_meaningful_events_30d,
        cumulative_active_days
        - coalesce(lag(cumulative_active_days, {{ freq_w }}) over grid_days, 0) as count_active_days_28d
    from cumulative
    window grid_days as (partition by account_id order by grid_date)

),

final as (

    select
        rebuilt_days.account_id,
        rebuilt_days.as_of_date,
        cast(running.count_active_users as integer) as active_users_1d,
        cast(running.active_users_7d as integer) as active_users_7d,
        cast(running.active_users_30d as integer) as active_users_30d,
        cast(running.count_events as integer) as count_events_1d,
        cast(running.count_meaningful_events as integer) as count_meaningful_events_1d,
        cast(running.sum_micro_points as {{ type_double() }}) / 1000000 as sum_points_1d,
        cast(running.count_meaningful_events_30d as integer) as count_meaningful_events_30d,
        cast(coalesce(running.sum_micro_points_30d, 0) as {{ type_double() }}) / 1000000 as sum_points_30d,
        cast(coalesce(running.sum_micro_points_prior_30d, 0) as {{ type_double() }}) / 1000000 as sum_points_prior_30d,
        cast(coalesce(running.sum_micro_points_60d, 0) as {{ type_double() }}) / 1000000 as sum_points_60d,
        cast(coalesce(running.sum_micro_points_recent, 0) as {{ type_double() }}) / 1000000 as sum_points_recent,
        cast(coalesce(running.sum_micro_points_baseline, 0) as {{ type_double() }}) / 1000000 as sum_points_baseline,
        cast(running.count_active_days_28d as integer) as count_active_days_28d,
        running.last_active_date,
        {{ days_between('running.last_active_date', 'rebuilt_days.as_of_date') }} as days_since_last_active,
        rebuilt_days.config_hash,
        rebuilt_days.source_received_at
    from rebuilt_days
    inner join running
        on
            rebuilt_days.account_id = running.account_id
            and rebuilt_days.as_of_date = running.as_of_date

)

select * from final
