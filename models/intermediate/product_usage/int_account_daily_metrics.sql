-- One row per account and day of the daily series on which it was a customer: the
-- account-level product usage as that day saw it, with the support and billing counts of
-- int_account_support_daily and int_account_billing_daily beside it. Built as a timeline of
-- changes per account (a user's 7-day coverage starts, a quiet spell begins, ...) whose
-- running sums give each day's values, so a day never reads anything dated after it.
--
-- Where each column is computed (CTE -> column):
--   active users 7d / 30d     short_window_deltas, long_window_deltas -> cumulative
--   active users 1d, events   account_days -> grid_values
--   engagement points windows cumulative_micro_points -> running (30d, prior 30d, 60d,
--                             recent and baseline: the running total minus the one n days back)
--   quiet users' points       active_user_sequence -> user_quiet_spells -> silent_points
--                             -> silent_deltas (sum_silent_points_60d)
--   active days in 28         is_active_day -> running (count_active_days_28d)
--   last active day           active_date, prior_active_accounts -> cumulative
--   feature adoption (count)  account_feature_days -> feature_deltas (count_features_used_30d)
--   activation (count)        int_account_milestones_reached -> milestone_deltas
--   tickets, invoices         support_days, billing_days (int_account_support_daily, int_account_billing_daily)
--
-- Incremental: each run rebuilds, per account, the days from the first one that can have
-- changed (int_account_metric_days_to_rebuild) and keeps the earlier ones; a row depends only on data up
-- to its day, so the result equals a full build. Windows only need the 60 days before
-- the first rebuilt day; all-time values (last active day, milestones) come from all
-- history. The product-usage concepts share that one rebuild scope, which is why they stay
-- in one model (DECISIONLOG "Metric folders (issue 14)").
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['account_id', 'as_of_date'],
    on_schema_change='fail',
    pre_hook="{{ delete_rows_outside('select account_id, as_of_date from ' ~ ref('int_customer_days'), ['account_id', 'as_of_date']) }}"
) }}
{%- set short_w = var('window_short_days') %}
{%- set long_w = var('window_long_days') %}
{%- set freq_w = var('frequency_window_days') %}
{%- set quiet_days = var('champion_dark_days') %}
{%- set lookback = var('champion_lookback_days') %}
{%- set recent_w = var('baseline_recent_days') %}
{%- set baseline_w = var('baseline_days') %}
{%- set reach = account_metrics_reach_days() %}
with

-- the days this run (re)builds (every customer day on a full build) and what they are built from
batch_days as (

    select
        account_id,
        as_of_date,
        config_hash,
        source_received_at
    from {{ ref('int_account_metric_days_to_rebuild') }}

),

-- per rebuilt account, the start of the windows its first rebuilt day looks back on
batch_accounts as (

    select
        account_id,
        min(window_start_date) as window_start_date
    from {{ ref('int_account_metric_days_to_rebuild') }}
    group by account_id

),

support_days as (

    select * from {{ ref('int_account_support_daily') }}

),

billing_days as (

    select * from {{ ref('int_account_billing_daily') }}

),

-- product usage in the windows the rebuilt days look back on
user_days as (

    select
        user_days.account_id,
        user_days.user_id,
        user_days.activity_date,
        user_days.count_events,
        user_days.count_meaningful_events,
        -- points in millionths: whole numbers, so sums are exact and fast in any order
        cast({{ round_to('user_days.sum_points * 1000000') }} as {{ dbt.type_bigint() }}) as sum_micro_points
    from {{ ref('int_user_account_days') }} as user_days
    inner join batch_accounts
        on
            user_days.account_id = batch_accounts.account_id
            and user_days.activity_date >= batch_accounts.window_start_date
    where user_days.activity_date <= {{ as_of_date() }}

),

-- each user's last meaningful day before the window, and the account's
prior_active_users as (

    select
        user_days.account_id,
        user_days.user_id,
        max(user_days.activity_date) as activity_date
    from {{ ref('int_user_account_days') }} as user_days
    inner join batch_accounts
        on
            user_days.account_id = batch_accounts.account_id
            and user_days.activity_date < batch_accounts.window_start_date
    where user_days.count_meaningful_events > 0
    group by user_days.account_id, user_days.user_id

),

active_user_days as (

    select
        account_id,
        user_id,
        activity_date
    from user_days
    where count_meaningful_events > 0

),

account_days as (

    select
        account_id,
        activity_date,
        count(distinct case when count_meaningful_events > 0 then user_id end) as count_active_users,
        sum(count_events) as count_events,
        sum(count_meaningful_events) as count_meaningful_events,
        sum(sum_micro_points) as sum_micro_points
    from user_days
    group by account_id, activity_date

),

first_in_window as (

    select
        account_id,
        user_id,
        min(activity_date) as activity_date
    from active_user_days
    group by account_id, user_id

),

-- each active day with the user's previous and next active day in the window: read by the
-- trailing-window user counts and by the quiet spells
active_user_sequence as (

    select
        account_id,
        user_id,
        activity_date,
        lag(activity_date) over user_days_in_order as previous_date,
        lead(activity_date) over user_days_in_order as next_date
    from active_user_days
    window user_days_in_order as (partition by account_id, user_id order by activity_date)

),

-- spells in which a user has had no meaningful event for quiet_days days: from the
-- quiet_days-th day after an active day until the next active day (exclusive; null: ongoing),
-- the last active day before the window included
user_quiet_spells as (

    select
        account_id,
        user_id,
        {{ date_add_days('activity_date', quiet_days) }} as quiet_from_date,
        next_date as quiet_until_date
    from active_user_sequence
    where next_date is null or {{ days_between('activity_date', 'next_date') }} > {{ quiet_days }}

    union all
    select
        prior_active_users.account_id,
        prior_active_users.user_id,
        {{ date_add_days('prior_active_users.activity_date', quiet_days) }},
        first_in_window.activity_date
    from prior_active_users
    left join first_in_window
        on
            prior_active_users.account_id = first_in_window.account_id
            and prior_active_users.user_id = first_in_window.user_id
    where
        first_in_window.activity_date is null
        or {{ days_between('prior_active_users.activity_date', 'first_in_window.activity_date') }} > {{ quiet_days }}

),

-- a user's points count as "silent" on the days of the lookback window that fall inside a quiet spell
silent_points as (

    select
        user_days.account_id,
        case
            when user_days.activity_date > user_quiet_spells.quiet_from_date then user_days.activity_date
            else user_quiet_spells.quiet_from_date
        end as start_date,
        case
            when
                user_quiet_spells.quiet_until_date is not null
                and user_quiet_spells.quiet_until_date < {{ date_add_days('user_days.activity_date', lookback) }}
                then user_quiet_spells.quiet_until_date
            else {{ date_add_days('user_days.activity_date', lookback) }}
        end as end_date,
        user_days.sum_micro_points
    from user_days
    inner join user_quiet_spells
        on
            user_days.account_id = user_quiet_spells.account_id
            and user_days.user_id = user_quiet_spells.user_id
            and {{ date_add_days('user_days.activity_date', lookback) }} > user_quiet_spells.quiet_from_date
            and (
                user_quiet_spells.quiet_until_date is null
                or user_days.activity_date < user_quiet_spells.quiet_until_date
            )
    where user_days.sum_micro_points > 0

),

silent_deltas as (

    select
        account_id,
        delta_date,
        sum(delta) as delta
    from (
        select
            account_id,
            start_date as delta_date,
            sum_micro_points as delta
        from silent_points
        where start_date < end_date
        union all
        select
            account_id,
            end_date,
            -sum_micro_points
        from silent_points
        where start_date < end_date
    ) as silent_changes
    group by account_id, delta_date

),

account_feature_days as (

    select distinct
        feature_days.account_id,
        feature_days.feature,
        feature_days.used_date
    from {{ ref('int_user_feature_days') }} as feature_days
    inner join batch_accounts
        on
            feature_days.account_id = batch_accounts.account_id
            and feature_days.used_date >= batch_accounts.window_start_date
    where feature_days.used_date <= {{ as_of_date() }}

),

-- distinct active users and features in the trailing windows, as changes per day
short_window_deltas as (

    {{ coverage_deltas_from_sequence('active_user_sequence', 'account_id', 'activity_date', short_w) }}

),

long_window_deltas as (

    {{ coverage_deltas_from_sequence('active_user_sequence', 'account_id', 'activity_date', long_w) }}

),

feature_deltas as (

    {{ coverage_deltas('account_feature_days', 'account_id', 'feature', 'used_date', long_w) }}

),

-- milestones reached so far; those reached before the window count from its first day
milestone_deltas as (

    select
        batch_accounts.account_id,
        case
            when milestones_reached.completed_date < batch_accounts.window_start_date
                then batch_accounts.window_start_date
            else milestones_reached.completed_date
        end as delta_date,
        count(*) as delta
    from {{ ref('int_account_milestones_reached') }} as milestones_reached
    inner join batch_accounts
        on milestones_reached.account_id = batch_accounts.account_id
    group by
        batch_accounts.account_id,
        case
            when milestones_reached.completed_date < batch_accounts.window_start_date
                then batch_accounts.window_start_date
            else milestones_reached.completed_date
        end

),

-- the last meaningful day before the window (all-time last active day so far)
prior_active_accounts as (

    select
        account_id,
        max(activity_date) as activity_date
    from prior_active_users
    group by account_id

),

-- every day from each rebuilt account's window start to D, so window frames count days
calendar as (

    {{ dbt.date_spine(
        datepart='day',
        start_date=date_add_days(series_start_date(), 1 - reach),
        end_date=date_add_days(as_of_date(), 1)
    ) }}

),

grid as (

    select
        batch_accounts.account_id,
        cast(calendar.date_day as date) as grid_date,
        batch_accounts.window_start_date
    from batch_accounts
    inner join calendar
        on cast(calendar.date_day as date) >= batch_accounts.window_start_date

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
        coalesce(long_window_deltas.delta, 0) as d_users_long,
        coalesce(feature_deltas.delta, 0) as d_features,
        coalesce(milestone_deltas.delta, 0) as d_milestones,
        coalesce(silent_deltas.delta, 0) as d_silent_points
    from grid
    left join account_days
        on grid.account_id = account_days.account_id and grid.grid_date = account_days.activity_date
    left join short_window_deltas
        on grid.account_id = short_window_deltas.account_id and grid.grid_date = short_window_deltas.delta_date
    left join long_window_deltas
        on grid.account_id = long_window_deltas.account_id and grid.grid_date = long_window_deltas.delta_date
    left join feature_deltas
        on grid.account_id = feature_deltas.account_id and grid.grid_date = feature_deltas.delta_date
    left join milestone_deltas
        on grid.account_id = milestone_deltas.account_id and grid.grid_date = milestone_deltas.delta_date
    left join silent_deltas
        on grid.account_id = silent_deltas.account_id and grid.grid_date = silent_deltas.delta_date
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
        sum(d_features) over all_days as count_features_used_30d,
        sum(d_milestones) over all_days as count_milestones_completed,
        sum(d_silent_points) over all_days as sum_silent_micro_points_60d,
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
        count_features_used_30d,
        count_milestones_completed,
        sum_silent_micro_points_60d,
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
        batch_days.account_id,
        batch_days.as_of_date,
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
        cast(running.sum_silent_micro_points_60d as {{ type_double() }}) / 1000000 as sum_silent_points_60d,
        cast(running.count_active_days_28d as integer) as count_active_days_28d,
        cast(running.count_features_used_30d as integer) as count_features_used_30d,
        cast(running.count_milestones_completed as integer) as count_milestones_completed,
        running.last_active_date,
        {{ days_between('running.last_active_date', 'batch_days.as_of_date') }} as days_since_last_active,
        support_days.count_open_urgent_tickets,
        support_days.count_bad_csat_90d,
        billing_days.count_overdue_invoices,

        -- what the row was computed from, so an incremental run knows what to rebuild
        batch_days.config_hash,
        batch_days.source_received_at,
        {{ run_started_at_sql() }} as rebuilt_at
    from batch_days
    inner join running
        on
            batch_days.account_id = running.account_id
            and batch_days.as_of_date = running.as_of_date
    inner join support_days
        on
            batch_days.account_id = support_days.account_id
            and batch_days.as_of_date = support_days.as_of_date
    inner join billing_days
        on
            batch_days.account_id = billing_days.account_id
            and batch_days.as_of_date = billing_days.as_of_date

)

select * from final
