-- One row per account and customer day that int_account_daily_metrics (re)builds in this run
-- (int_account_metric_days_to_rebuild): active users 1d/7d/30d, events, engagement points
-- 1d/30d/prior 30d/60d and the recent days against their baseline, active days in the last
-- frequency_window_days and the last active day, as that day saw them, from the user-level
-- int_user_account_days. Active users in a window are a running sum of +1/-1 changes (a
-- user's coverage starts, ends), from the user days (int_account_metric_user_days). The
-- additive windows (points, meaningful events, active days) are a running sum too: the seed
-- of int_account_metric_windows (the kept row of the day before the first rebuilt day, or
-- zero), plus each day's value on the days it enters a window, minus it on the day it leaves
-- (account_metric_window_changes); only those days' values are read (the user days, the early
-- points before them). Carries config_hash and source_received_at on.
{{ config(materialized='ephemeral') }}
{%- set short_w = var('window_short_days') %}
{%- set long_w = var('window_long_days') %}
{%- set window_columns = account_metric_window_columns() %}
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
        account_id,
        activity_date,
        count_meaningful_events,
        sum_micro_points,
        case when count_active_users > 0 then 1 else 0 end as is_active_day
    from account_days
    where exists (
        select 1 from rebuilt_accounts
        where
            rebuilt_accounts.account_id = account_days.account_id
            and {{ is_account_metric_window_day('account_days.activity_date', 'rebuilt_accounts') }}
    )

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

-- the additive windows' changes from each account's chain start (account_metric_window_changes)
window_changes as (

    {{ account_metric_window_changes('day_values', 'rebuilt_accounts') }}

),

-- every change per account and day: the additive windows', the distinct active users' (+1/-1
-- as a user's coverage starts and ends), the seed at the chain start, the active days, and a
-- row per rebuilt day, so a running sum over the account's rows up to a day is that day's value
changes as (

    select
        account_id,
        delta_date,
        {{ window_columns | map(attribute='name') | join(', ') }},
        0 as d_users_short, 0 as d_users_long, cast(null as date) as active_date
    from window_changes

    union all
    select
        account_id,
        delta_date,
        {{ '0, ' * (window_columns | length) }}
        delta, 0, cast(null as date)
    from ({{ coverage_deltas_from_sequence('active_user_sequence', 'account_id', 'activity_date', short_w) }})
        as short_window_deltas

    union all
    select
        account_id,
        delta_date,
        {{ '0, ' * (window_columns | length) }}
        0, delta, cast(null as date)
    from ({{ coverage_deltas_from_sequence('active_user_sequence', 'account_id', 'activity_date', long_w) }})
        as long_window_deltas

    -- the seed (zero without one) and the last active day before the chain: the seed's, or
    -- before the user days (int_account_metric_prior_active_users; never later than the seed's)
    union all
    select
        rebuilt_accounts.account_id,
        rebuilt_accounts.chain_start_date,
        {%- for column in window_columns %}
        rebuilt_accounts.seed_{{ column.name }},
        {%- endfor %}
        0, 0, coalesce(rebuilt_accounts.seed_last_active_date, prior_active_accounts.activity_date)
    from rebuilt_accounts
    left join (
        select account_id, max(activity_date) as activity_date
        from {{ ref('int_account_metric_prior_active_users') }}
        group by account_id
    ) as prior_active_accounts
        on rebuilt_accounts.account_id = prior_active_accounts.account_id

    -- the active days (those before a seeded chain are at most its seed's last active day)
    union all
    select
        account_id,
        activity_date,
        {{ '0, ' * (window_columns | length) }}
        0, 0, activity_date
    from day_values
    where is_active_day = 1

    union all
    select
        account_id,
        as_of_date,
        {{ '0, ' * (window_columns | length) }}
        0, 0, cast(null as date)
    from rebuilt_days

),

-- running sums per account over its days in order (one row per account and day)
running as (

    select
        account_id,
        delta_date as as_of_date,
        {%- for column in window_columns %}
        sum({{ column.name }}) over all_days as {{ column.name }},
        {%- endfor %}
        sum(d_users_short) over all_days as active_users_7d,
        sum(d_users_long) over all_days as active_users_30d,
        max(active_date) over all_days as last_active_date
    from (
        select
            account_id,
            delta_date,
                {%- for column in window_columns %}
            sum({{ column.name }}) as {{ column.name }},
            {%- endfor %}
            sum(d_users_short) as d_users_short,
            sum(d_users_long) as d_users_long,
            max(active_date) as active_date
        from changes
        where delta_date <= {{ as_of_date() }}
        group by account_id, delta_date
    ) as changes_per_day
    window all_days as (
        partition by account_id order by delta_date rows between unbounded preceding and current row
    )

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
