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

-- each user's meaningful days from the account's first rebuilt day on and the last one before it
-- (from the user days or, before them, the prior active users), with the next one
-- (active_user_sequence_sql(), macros/metrics/active_user_sequence.sql)
active_user_sequence as (

    {{ active_user_sequence_sql('user_days', ref('int_account_metric_windows'), prior_users='prior_active_users') }}

),

-- spells in which a user has had no meaningful event for quiet_days days: from the
-- quiet_days-th day after an active day until the next active day (exclusive; null: ongoing).
-- Only the spells still open on the account's first rebuilt day x: a spell that ended by then adds
-- its points and takes them back (start_date < end_date <= quiet_until_date <= x) on days before
-- every rebuilt day, so it moves no running total read below; an open one starts from the last
-- meaningful day before x or a later one, which the sequence holds with the same next day
quiet_spells as (

    select
        account_id,
        user_id,
        {{ date_add_days('activity_date', quiet_days) }} as quiet_from_date,
        next_date as quiet_until_date
    from active_user_sequence
    where
        (next_date is null or {{ days_between('activity_date', 'next_date') }} > {{ quiet_days }})
        and (next_date is null or next_date > first_rebuilt_date)

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
    inner join quiet_spells
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
