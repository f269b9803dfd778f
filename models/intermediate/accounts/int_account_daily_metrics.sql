-- One row per account and day of the daily series on which it was a customer, with every
-- input of the health score that comes from product events, tickets and invoices, as that
-- day would have seen it. Built as a timeline of changes per account (a user's 30-day
-- coverage starts, an invoice falls overdue, ...) whose running sums give each day's
-- values, so a day never reads anything dated after it.
-- Incremental: each run rebuilds, per account, the days from the first one that can have
-- changed (see recompute_from) and keeps the earlier ones; a row depends only on data up
-- to its day, so the result equals a full build. Windows only need the 60 days before
-- the first rebuilt day; all-time values (last active day, milestones) come from all
-- history.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['account_id', 'as_of_date'],
    on_schema_change='fail',
    pre_hook="{{ delete_rows_outside('select account_id, as_of_date from ' ~ ref('int_customer_days'), ['account_id', 'as_of_date']) }}"
) }}
-- depends_on: {{ ref('stg_segment__tracks') }}
-- depends_on: {{ ref('stg_segment__groups') }}
{%- set short_w = var('window_short_days') %}
{%- set long_w = var('window_long_days') %}
{%- set freq_w = var('frequency_window_days') %}
{%- set quiet_days = var('champion_dark_days') %}
{%- set lookback = var('champion_lookback_days') %}
{#- how far back a rebuilt day's windows reach: the prior 30 days and the lookback -#}
{%- set reach = [2 * long_w, lookback, freq_w, short_w] | max %}
{%- set cutoff = incremental_cutoff('source_received_at') %}
{%- set config_text = [] %}
{%- for name in [
    'window_short_days', 'window_long_days', 'frequency_window_days', 'champion_dark_days',
    'champion_lookback_days', 'bad_csat_window_days'
] %}
    {%- do config_text.append(name ~ '=' ~ var(name)) %}
{%- endfor %}
with

customer_days as (

    select
        account_id,
        as_of_date
    from {{ ref('int_customer_days') }}

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

-- the product configuration a row depends on: when it changes, every row is rebuilt
config_fingerprint as (

    select {{ fingerprint_agg('row_text') }} as config_hash
    from (
        select 'catalog|' || {{ row_fingerprint(['event', 'feature', 'weight', 'is_meaningful']) }} as row_text
        from {{ ref('event_catalog') }}
        union all
        select 'milestone|' || {{ row_fingerprint(['milestone', 'event']) }}
        from {{ ref('activation_milestones') }}
        union all
        select 'vars|{{ config_text | join(";") }}'
    ) as config_rows

),

-- tickets and invoices, for every customer day: cheap enough to recompute on every run,
-- and compared with the stored values to find the days a changed ticket or invoice moved
service_timeline as (

    -- high and urgent tickets open at the end of the day
    select
        account_id,
        cast(created_at as date) as delta_date,
        'open_urgent_tickets' as metric,
        1 as delta
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

service_per_day as (

    select
        account_id,
        delta_date,
        sum(case when metric = 'open_urgent_tickets' then delta else 0 end) as d_open_urgent,
        sum(case when metric = 'bad_csat' then delta else 0 end) as d_bad_csat,
        sum(case when metric = 'overdue_invoices' then delta else 0 end) as d_overdue
    from service_timeline
    where delta_date <= {{ as_of_date() }}
    group by account_id, delta_date

),

service_running as (

    select
        account_id,
        delta_date as as_of_date,
        sum(d_open_urgent) over running_window as count_open_urgent_tickets,
        sum(d_bad_csat) over running_window as count_bad_csat_90d,
        sum(d_overdue) over running_window as count_overdue_invoices
    from service_per_day
    window running_window as (
        partition by account_id order by delta_date rows between unbounded preceding and current row
    )

),

service_daily as (

    select
        customer_days.account_id,
        customer_days.as_of_date,
        cast(service_running.count_open_urgent_tickets as integer) as count_open_urgent_tickets,
        cast(service_running.count_bad_csat_90d as integer) as count_bad_csat_90d,
        cast(service_running.count_overdue_invoices as integer) as count_overdue_invoices
    from customer_days
    inner join service_running
        on
            customer_days.account_id = service_running.account_id
            and customer_days.as_of_date = service_running.as_of_date

),

{%- if is_incremental() %}

    existing as (

        select
            account_id,
            as_of_date,
            config_hash,
            count_open_urgent_tickets,
            count_bad_csat_90d,
            count_overdue_invoices
        from {{ this }}

    ),

    previous_build as (

        select max(as_of_date) as previous_as_of_date from existing

    ),

    -- every account a user was ever grouped to, and the users whose group calls were loaded
    -- since the cutoff
    user_accounts as (

        select distinct
            user_id,
            account_id
        from {{ ref('stg_segment__groups') }}

    ),

    regrouped_users as (

        select distinct user_id
        from {{ ref('stg_segment__groups') }}
        {%- if cutoff is not none %}
        where {{ loaded_since(cutoff) }}
        {%- else %}
        where false
        {%- endif %}

    ),

    -- the first day to rebuild per account: any day not built yet (a new day, a new
    -- customer), everything when the configuration changed, the first day whose ticket or
    -- invoice counts moved, and the earliest day of any event that was loaded, attributed
    -- again or started to count since the last run
    changes as (

        select
            customer_days.account_id,
            customer_days.as_of_date as from_date
        from customer_days
        left join existing
            on
                customer_days.account_id = existing.account_id
                and customer_days.as_of_date = existing.as_of_date
        where existing.account_id is null

        union all
        select
            customer_days.account_id,
            customer_days.as_of_date
        from customer_days
        cross join config_fingerprint
        where exists (
            select 1 from existing
            where existing.config_hash <> config_fingerprint.config_hash
        )

        -- a ticket or invoice changed (created, solved, rated, paid, voided): from the first
        -- day whose counts moved
        union all
        select
            existing.account_id,
            existing.as_of_date
        from existing
        inner join service_daily
            on
                existing.account_id = service_daily.account_id
                and existing.as_of_date = service_daily.as_of_date
        where
            existing.count_open_urgent_tickets <> service_daily.count_open_urgent_tickets
            or existing.count_bad_csat_90d <> service_daily.count_bad_csat_90d
            or existing.count_overdue_invoices <> service_daily.count_overdue_invoices

        {%- if cutoff is not none %}

        -- events loaded since the cutoff: the account each could belong to (its context
        -- account, or any account its user was ever grouped to) from the event's day; the copy
        -- that wins deduplication, before and after this load, is always one of these rows
        union all
        select
            loads.context_account_id,
            cast(loads.event_at as date)
        from {{ ref('stg_segment__tracks') }} as loads
        where {{ loaded_since(cutoff) }} and loads.context_account_id is not null

        union all
        select
            user_accounts.account_id,
            cast(loads.event_at as date)
        from {{ ref('stg_segment__tracks') }} as loads
        inner join user_accounts
            on loads.user_id = user_accounts.user_id
        where {{ loaded_since(cutoff) }} and loads.context_account_id is null

        -- users whose group calls were loaded since the cutoff: all their events may move
        union all
        select
            user_accounts.account_id,
            min(events.event_date)
        from {{ ref('int_events_attributed') }} as events
        inner join user_accounts
            on events.user_id = user_accounts.user_id
        where user_accounts.user_id in (select regrouped_users.user_id from regrouped_users)
        group by user_accounts.account_id
        {%- endif %}

        -- events that start or stop counting because as_of_date moved (an account that
        -- applies only from a user's first group call, a timestamp in the last millisecond)
        union all
        select
            events.account_id,
            min(events.event_date)
        from {{ ref('int_events_attributed') }} as events
        cross join previous_build as previous
        where
            events.attributed_from_date > events.event_date
            and (
                events.attributed_from_date > previous.previous_as_of_date
                and events.attributed_from_date <= {{ as_of_date() }}
                or events.attributed_from_date > {{ as_of_date() }}
                and events.attributed_from_date <= previous.previous_as_of_date
            )
        group by events.account_id

    ),

    recompute_from as (

        select
            account_id,
            min(from_date) as from_date
        from changes
        where account_id is not null
        group by account_id

    ),
{%- else %}

    recompute_from as (

        select
            account_id,
            min(as_of_date) as from_date
        from customer_days
        group by account_id

    ),
{%- endif %}

batch_days as (

    select customer_days.*
    from customer_days
    inner join recompute_from
        on
            customer_days.account_id = recompute_from.account_id
            and customer_days.as_of_date >= recompute_from.from_date

),

batch_accounts as (

    select
        recompute_from.account_id,
        recompute_from.from_date,
        {{ date_add_days('recompute_from.from_date', 1 - reach) }} as window_start_date
    from recompute_from
    where recompute_from.account_id in (select batch_days.account_id from batch_days)

),

-- product usage in the windows the rebuilt days look back on
user_days as (

    select user_days.*
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
        from (
            select * from active_user_days
            union all
            select * from prior_active_users
        ) as all_active_days
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

milestones_reached as (

    select
        completions.account_id,
        completions.milestone,
        min(completions.completed_date) as completed_date
    from {{ ref('int_user_milestone_completions') }} as completions
    where completions.account_id in (select batch_accounts.account_id from batch_accounts)
    group by completions.account_id, completions.milestone

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

    -- the last meaningful day before the windows (all-time last active day)
    union all
    select
        account_id,
        max(activity_date),
        'prior_active',
        0
    from prior_active_users
    group by account_id

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

    -- every rebuilt day, so each has a row to carry the running values
    union all
    select
        account_id,
        as_of_date,
        'customer_day',
        0
    from batch_days

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
        max(case
            when metric = 'active_days_28d' and delta > 0 or metric = 'prior_active' then delta_date
        end) as active_date
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
        max(active_date) over running_window as last_active_date
    from per_day
    window running_window as (
        partition by account_id order by delta_date rows between unbounded preceding and current row
    )

),

final as (

    select
        batch_days.account_id,
        batch_days.as_of_date,
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
        {{ days_between('running.last_active_date', 'batch_days.as_of_date') }} as days_since_last_active,
        service_daily.count_open_urgent_tickets,
        service_daily.count_bad_csat_90d,
        service_daily.count_overdue_invoices,

        -- what the row was computed from, so an incremental run knows what to rebuild
        cast(config_fingerprint.config_hash as {{ dbt.type_string() }}) as config_hash,
        cast(
            (select max(loaded.received_at) from {{ ref('int_events_attributed') }} as loaded)
            as {{ dbt.type_timestamp() }}
        ) as source_received_at,
        {{ run_started_at_sql() }} as rebuilt_at
    from batch_days
    inner join running
        on
            batch_days.account_id = running.account_id
            and batch_days.as_of_date = running.as_of_date
    left join account_days
        on
            batch_days.account_id = account_days.account_id
            and batch_days.as_of_date = account_days.activity_date
    inner join service_daily
        on
            batch_days.account_id = service_daily.account_id
            and batch_days.as_of_date = service_daily.as_of_date
    cross join config_fingerprint

)

select * from final
