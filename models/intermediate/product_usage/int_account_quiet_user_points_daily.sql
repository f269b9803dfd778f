-- One row per account and customer day that int_account_daily_metrics (re)builds in this run
-- (int_account_metric_days_to_rebuild): the engagement points, over the last
-- champion_lookback_days, of the users who have had no meaningful event for
-- champion_dark_days (sum_silent_points_60d): how much of the account's recent engagement
-- came from people who have since gone quiet. From the user-level int_user_account_days.
-- A user's quiet spell runs from the champion_dark_days-th day after an active day until their
-- next active day; their points count as silent on the days of the lookback window that fall
-- inside a spell: +points when that starts, -points when it ends, summed up to each day.
{{ config(materialized='ephemeral') }}
{%- set quiet_days = var('champion_dark_days') %}
{%- set lookback = var('champion_lookback_days') %}
with

rebuilt_days as (

    select
        account_id,
        as_of_date
    from {{ ref('int_account_metric_days_to_rebuild') }}

),

-- product usage in the windows the rebuilt days look back on
user_days as (

    select * from {{ ref('int_account_metric_user_days') }}

),

-- each user's last meaningful day before the window
prior_active_users as (

    select * from {{ ref('int_account_metric_prior_active_users') }}

),

-- each active day in the window with the user's next one
active_user_sequence as (

    select
        account_id,
        user_id,
        activity_date,
        lead(activity_date) over (partition by account_id, user_id order by activity_date) as next_date
    from user_days
    where count_meaningful_events > 0

),

first_in_window as (

    select
        account_id,
        user_id,
        min(activity_date) as activity_date
    from active_user_sequence
    group by account_id, user_id

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

-- only the spells still open on the account's first rebuilt day: a spell that ended by then adds
-- its points and takes them back (start_date < end_date <= quiet_until_date) on days before every
-- rebuilt day, so it moves no running total read below
spells_reaching_rebuilt_days as (

    select user_quiet_spells.*
    from user_quiet_spells
    inner join {{ ref('int_account_metric_windows') }} as rebuilt_accounts
        on user_quiet_spells.account_id = rebuilt_accounts.account_id
    where
        user_quiet_spells.quiet_until_date is null
        or user_quiet_spells.quiet_until_date > rebuilt_accounts.first_rebuilt_date

),

-- a user's points count as "silent" on the days of the lookback window that fall inside a quiet spell
silent_points as (

    select
        user_days.account_id,
        case
            when user_days.activity_date > quiet_spells.quiet_from_date then user_days.activity_date
            else quiet_spells.quiet_from_date
        end as start_date,
        case
            when
                quiet_spells.quiet_until_date is not null
                and quiet_spells.quiet_until_date < {{ date_add_days('user_days.activity_date', lookback) }}
                then quiet_spells.quiet_until_date
            else {{ date_add_days('user_days.activity_date', lookback) }}
        end as end_date,
        user_days.sum_micro_points
    from user_days
    inner join spells_reaching_rebuilt_days as quiet_spells
        on
            user_days.account_id = quiet_spells.account_id
            and user_days.user_id = quiet_spells.user_id
            and {{ date_add_days('user_days.activity_date', lookback) }} > quiet_spells.quiet_from_date
            and (
                quiet_spells.quiet_until_date is null
                or user_days.activity_date < quiet_spells.quiet_until_date
            )
    where user_days.sum_micro_points > 0

),

silent_deltas as (

    select
        account_id,
        start_date as delta_date,
        sum_micro_points as silent_micro_points
    from silent_points
    where start_date < end_date
    union all
    select
        account_id,
        end_date,
        -sum_micro_points
    from silent_points
    where start_date < end_date

),

final as (

    select
        account_id,
        as_of_date,
        cast(silent_micro_points as {{ type_double() }}) / 1000000 as sum_silent_points_60d
    from (
        {{ running_totals_on_days('silent_deltas', 'rebuilt_days', ['silent_micro_points']) }}
    ) as running_points

)

select * from final
