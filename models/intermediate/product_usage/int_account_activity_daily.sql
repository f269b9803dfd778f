-- One row per account and customer day that int_account_daily_metrics (re)builds in this run
-- (int_account_metric_days_to_rebuild): active users 1d/7d/30d, events, engagement points
-- 1d/30d/prior 30d/60d and the recent days against their baseline, active days in the last
-- frequency_window_days and the last active day, as that day saw them, from the user-level
-- int_user_account_days. Active users in a window are a running sum of +1/-1 changes (a
-- user's coverage starts, ends), from the user days (int_account_metric_user_days). The
-- additive windows (points, meaningful events, active days: account_metric_window_columns())
-- and the last active day: for an account with a seed (int_account_metric_windows: the kept
-- row of the day before its first rebuilt day), the seed plus each day's value on the day it
-- enters a window, minus it on the day it leaves, reading only those days
-- (account_metric_windows_chained); for the others (every account of a full build), running
-- totals over every day of the windows (account_metric_windows_gridded). Carries config_hash
-- and source_received_at on.
{{ config(materialized='ephemeral') }}
{%- set short_w = var('window_short_days') %}
{%- set long_w = var('window_long_days') %}
with

rebuilt_days as (

    select * from {{ ref('int_account_metric_days_to_rebuild') }}

),

-- per rebuilt account, its windows' start and seed
rebuilt_accounts as (

    select * from {{ ref('int_account_metric_windows') }}

),

user_days as (

    select * from {{ ref('int_account_metric_user_days') }}

),

-- the account's active users, events, meaningful events and points per day
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

),

-- the values of the days that enter or leave an additive window on a day the chain counts
-- (is_account_metric_window_day; without a seed, every day of the windows)
day_values as (

    select
        account_days.account_id,
        account_days.activity_date,
        account_days.count_meaningful_events,
        account_days.sum_micro_points,
        case when account_days.count_active_users > 0 then 1 else 0 end as is_active_day
    from account_days
    inner join rebuilt_accounts
        on
            account_days.account_id = rebuilt_accounts.account_id
            and {{ is_account_metric_window_day('account_days.activity_date', 'rebuilt_accounts') }}

    -- the days before the user days, which only the points windows reach
    union all
    select
        account_id,
        activity_date,
        0,
        sum_micro_points,
        0
    from {{ ref('int_account_metric_early_points') }}

),

-- each active day with the user's previous and next active day in the windows of distinct
-- users (from the longest before the first rebuilt day: later days need no earlier one)
active_user_sequence as (

    select
        user_days.account_id,
        user_days.user_id,
        user_days.activity_date,
        lag(user_days.activity_date) over user_days_in_order as previous_date,
        lead(user_days.activity_date) over user_days_in_order as next_date
    from user_days
    inner join rebuilt_accounts
        on
            user_days.account_id = rebuilt_accounts.account_id
            and user_days.activity_date
            >= {{ date_add_days('rebuilt_accounts.first_rebuilt_date', 1 - [short_w, long_w] | max) }}
    where user_days.count_meaningful_events > 0
    window user_days_in_order as (
        partition by user_days.account_id, user_days.user_id order by user_days.activity_date
    )

),

-- distinct active users in the trailing windows, as changes per day
user_deltas as (

    select
        account_id,
        delta_date,
        delta as d_users_short,
        0 as d_users_long
    from ({{ coverage_deltas_from_sequence('active_user_sequence', 'account_id', 'activity_date', short_w) }})
        as short_window_deltas
    union all
    select
        account_id,
        delta_date,
        0,
        delta
    from ({{ coverage_deltas_from_sequence('active_user_sequence', 'account_id', 'activity_date', long_w) }})
        as long_window_deltas

),

-- the account's last meaningful day before the user days (int_account_metric_prior_active_users)
prior_active_accounts as (

    select
        account_id,
        max(activity_date) as activity_date
    from {{ ref('int_account_metric_prior_active_users') }}
    group by account_id

),

-- the windows on each day: from the seed and the changes since, or over every day of the windows
-- (no kept rows, as in a full build or on Spark's whole tables: no seed, so only the latter)
running as (

    {#- (unit tests have no graph of nodes: they give int_account_metric_windows, seeds included) #}
    {%- if graph.get('nodes') is none or incremental_relation_of('int_account_daily_metrics') is not none %}
        select * from (
            {{ account_metric_windows_chained(
                'day_values', 'user_deltas', 'rebuilt_accounts', 'rebuilt_days', 'prior_active_accounts'
            ) }}
        ) as chained
        union all
    {%- endif %}
    select * from (
        {{ account_metric_windows_gridded('day_values', 'user_deltas', 'rebuilt_accounts', 'prior_active_accounts') }}
    ) as gridded

),

final as (

    select
        rebuilt_days.account_id,
        rebuilt_days.as_of_date,
        cast(coalesce(account_days.count_active_users, 0) as integer) as active_users_1d,
        cast(running.active_users_7d as integer) as active_users_7d,
        cast(running.active_users_30d as integer) as active_users_30d,
        cast(coalesce(account_days.count_events, 0) as integer) as count_events_1d,
        cast(coalesce(account_days.count_meaningful_events, 0) as integer) as count_meaningful_events_1d,
        cast(coalesce(account_days.sum_micro_points, 0) as {{ type_double() }}) / 1000000 as sum_points_1d,
        cast(running.meaningful_events_30d as integer) as count_meaningful_events_30d,
        cast(running.micro_points_30d as {{ type_double() }}) / 1000000 as sum_points_30d,
        cast(running.micro_points_prior_30d as {{ type_double() }}) / 1000000 as sum_points_prior_30d,
        cast(running.micro_points_60d as {{ type_double() }}) / 1000000 as sum_points_60d,
        cast(running.micro_points_recent as {{ type_double() }}) / 1000000 as sum_points_recent,
        cast(running.micro_points_baseline as {{ type_double() }}) / 1000000 as sum_points_baseline,
        cast(running.active_days_28d as integer) as count_active_days_28d,
        running.last_active_date,
        {{ days_between('running.last_active_date', 'rebuilt_days.as_of_date') }} as days_since_last_active,
        rebuilt_days.config_hash,
        rebuilt_days.source_received_at
    from rebuilt_days
    inner join running
        on
            rebuilt_days.account_id = running.account_id
            and rebuilt_days.as_of_date = running.as_of_date
    left join account_days
        on
            rebuilt_days.account_id = account_days.account_id
            and rebuilt_days.as_of_date = account_days.activity_date

)

select * from final
