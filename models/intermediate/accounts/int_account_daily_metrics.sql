-- One row per account and history day on which it was a customer, with every input of the
-- health score as that day would have seen it. Built as a timeline of changes per account
-- (a user's 30-day coverage starts, an invoice falls overdue, ...) whose running sums give
-- each day's values, so a day never reads anything dated after it.
{%- set short_w = var('window_short_days') %}
{%- set long_w = var('window_long_days') %}
{%- set freq_w = var('frequency_window_days') %}
{%- set quiet_days = var('champion_dark_days') %}
{%- set lookback = var('champion_lookback_days') %}
with

customer_days as (

    select * from {{ ref('int_customer_days') }}

),

user_days as (

    select * from {{ ref('int_user_account_days') }}

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
        sum(sum_points) as sum_points
    from user_days
    group by account_id, activity_date

),

-- spells in which a user has had no meaningful event for quiet_days days: from the
-- quiet_days-th day after an active day until the next active day (exclusive; null: ongoing)
user_quiet_spells as (

    select
        account_id,
        user_id,
        {{ date_add_days('activity_date', quiet_days) }} as quiet_from_date,
        next_active_date as quiet_until_date
    from (
        select
            account_id,
            user_id,
            activity_date,
            lead(activity_date) over (partition by account_id, user_id order by activity_date) as next_active_date
        from active_user_days
    ) as spaced
    where next_active_date is null or {{ days_between('activity_date', 'next_active_date') }} > {{ quiet_days }}

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
        user_days.sum_points
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

),

account_feature_days as (

    select distinct
        account_id,
        feature,
        used_date
    from {{ ref('int_user_feature_days') }}

),

milestones_reached as (

    select
        account_id,
        milestone,
        min(completed_date) as completed_date
    from {{ ref('int_user_milestone_completions') }}
    group by account_id, milestone

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

timeline as (

    -- one row per (account, day, metric) change; the running sum of a metric's deltas up
    -- to a day is that day's value
    select
        account_id,
        delta_date,
        'active_users_7d' as metric,
        delta
    from ({{ coverage_deltas('active_user_days', 'account_id', 'user_id', 'activity_date', short_w) }}) as short_window

    union all
    select
        account_id,
        delta_date,
        'active_users_30d',
        delta
    from ({{ coverage_deltas('active_user_days', 'account_id', 'user_id', 'activity_date', long_w) }}) as long_window

    -- distinct key features used (any mapped event) in the long window
    union all
    select
        account_id,
        delta_date,
        'features_used_30d',
        delta
    from ({{ coverage_deltas('account_feature_days', 'account_id', 'feature', 'used_date', long_w) }}) as features

    -- milestones reached so far
    union all
    select
        account_id,
        completed_date,
        'milestones_completed',
        1
    from milestones_reached

    -- engagement points and meaningful events in the long window, active days in the frequency window
    union all
    select
        account_id,
        activity_date,
        'points_30d',
        sum_points
    from account_days
    union all
    select
        account_id,
        {{ date_add_days('activity_date', long_w) }},
        'points_30d',
        -sum_points
    from account_days
    union all
    select
        account_id,
        {{ date_add_days('activity_date', long_w) }},
        'points_prior_30d',
        sum_points
    from account_days
    union all
    select
        account_id,
        {{ date_add_days('activity_date', 2 * long_w) }},
        'points_prior_30d',
        -sum_points
    from account_days
    union all
    select
        account_id,
        activity_date,
        'points_lookback',
        sum_points
    from account_days
    union all
    select
        account_id,
        {{ date_add_days('activity_date', lookback) }},
        'points_lookback',
        -sum_points
    from account_days
    union all
    select
        account_id,
        start_date,
        'silent_points_lookback',
        sum_points
    from silent_points
    where start_date < end_date
    union all
    select
        account_id,
        end_date,
        'silent_points_lookback',
        -sum_points
    from silent_points
    where start_date < end_date
    union all
    select
        account_id,
        activity_date,
        'meaningful_events_30d',
        count_meaningful_events
    from account_days
    union all
    select
        account_id,
        {{ date_add_days('activity_date', long_w) }},
        'meaningful_events_30d',
        -count_meaningful_events
    from account_days
    union all
    select
        account_id,
        activity_date,
        'active_days_28d',
        1
    from account_days
    where count_active_users > 0
    union all
    select
        account_id,
        {{ date_add_days('activity_date', freq_w) }},
        'active_days_28d',
        -1
    from account_days
    where count_active_users > 0

    -- high and urgent tickets open at the end of the day
    union all
    select
        account_id,
        cast(created_at as date),
        'open_urgent_tickets',
        1
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

    -- invoices overdue: from the day after the due date until the day paid
    union all
    select
        account_id,
        {{ date_add_days('due_date', 1) }},
        'overdue_invoices',
        1
    from invoices
    where not is_void and due_date is not null and (paid_date is null or paid_date > due_date)
    union all
    select
        account_id,
        paid_date,
        'overdue_invoices',
        -1
    from invoices
    where not is_void and due_date is not null and paid_date > due_date

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
        sum(case when metric = 'active_users_7d' then delta else 0 end) as d_users_short,
        sum(case when metric = 'active_users_30d' then delta else 0 end) as d_users_long,
        sum(case when metric = 'features_used_30d' then delta else 0 end) as d_features,
        sum(case when metric = 'milestones_completed' then delta else 0 end) as d_milestones,
        sum(case when metric = 'points_30d' then delta else 0 end) as d_points,
        sum(case when metric = 'points_prior_30d' then delta else 0 end) as d_points_prior,
        sum(case when metric = 'points_lookback' then delta else 0 end) as d_points_lookback,
        sum(case when metric = 'silent_points_lookback' then delta else 0 end) as d_silent_points_lookback,
        sum(case when metric = 'meaningful_events_30d' then delta else 0 end) as d_meaningful,
        sum(case when metric = 'active_days_28d' then delta else 0 end) as d_active_days,
        sum(case when metric = 'open_urgent_tickets' then delta else 0 end) as d_open_urgent,
        sum(case when metric = 'bad_csat' then delta else 0 end) as d_bad_csat,
        sum(case when metric = 'overdue_invoices' then delta else 0 end) as d_overdue,
        max(case when metric = 'active_days_28d' and delta > 0 then delta_date end) as active_date
    from timeline
    where delta_date <= {{ as_of_date() }}
    group by account_id, delta_date

),

running as (

    select
        account_id,
        delta_date as as_of_date,
        sum(d_users_short) over running_window as active_users_7d,
        sum(d_users_long) over running_window as active_users_30d,
        sum(d_features) over running_window as count_features_used_30d,
        sum(d_milestones) over running_window as count_milestones_completed,
        round(sum(d_points) over running_window, 4) as sum_points_30d,
        round(sum(d_points_prior) over running_window, 4) as sum_points_prior_30d,
        round(sum(d_points_lookback) over running_window, 4) as sum_points_lookback,
        round(sum(d_silent_points_lookback) over running_window, 4) as sum_silent_points_lookback,
        sum(d_meaningful) over running_window as count_meaningful_events_30d,
        sum(d_active_days) over running_window as count_active_days_28d,
        sum(d_open_urgent) over running_window as count_open_urgent_tickets,
        sum(d_bad_csat) over running_window as count_bad_csat_90d,
        sum(d_overdue) over running_window as count_overdue_invoices,
        max(active_date) over running_window as last_active_date
    from per_day
    window running_window as (
        partition by account_id order by delta_date rows between unbounded preceding and current row
    )

),

final as (

    select
        customer_days.account_id,
        customer_days.as_of_date,
        coalesce(account_days.count_active_users, 0) as active_users_1d,
        cast(running.active_users_7d as integer) as active_users_7d,
        cast(running.active_users_30d as integer) as active_users_30d,
        coalesce(account_days.count_events, 0) as count_events_1d,
        coalesce(account_days.count_meaningful_events, 0) as count_meaningful_events_1d,
        coalesce(account_days.sum_points, 0) as sum_points_1d,
        cast(running.count_meaningful_events_30d as integer) as count_meaningful_events_30d,
        cast(running.sum_points_30d as {{ type_double() }}) as sum_points_30d,
        cast(running.sum_points_prior_30d as {{ type_double() }}) as sum_points_prior_30d,
        cast(running.sum_points_lookback as {{ type_double() }}) as sum_points_60d,
        cast(running.sum_silent_points_lookback as {{ type_double() }}) as sum_silent_points_60d,
        cast(running.count_active_days_28d as integer) as count_active_days_28d,
        cast(running.count_features_used_30d as integer) as count_features_used_30d,
        cast(running.count_milestones_completed as integer) as count_milestones_completed,
        running.last_active_date,
        {{ days_between('running.last_active_date', 'customer_days.as_of_date') }} as days_since_last_active,
        cast(running.count_open_urgent_tickets as integer) as count_open_urgent_tickets,
        cast(running.count_bad_csat_90d as integer) as count_bad_csat_90d,
        cast(running.count_overdue_invoices as integer) as count_overdue_invoices
    from customer_days
    inner join running
        on
            customer_days.account_id = running.account_id
            and customer_days.as_of_date = running.as_of_date
    left join account_days
        on
            customer_days.account_id = account_days.account_id
            and customer_days.as_of_date = account_days.activity_date

)

select * from final
