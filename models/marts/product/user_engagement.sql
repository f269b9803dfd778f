-- One row per (current customer, user) with at least one meaningful event attributed to
-- that account at or before D: how engaged each user is, as of D.
{{ config(contract={'enforced': true}) }}
{%- set window_start = date_add_days(as_of_date(), 1 - var('window_long_days')) %}
{%- set frequency_start = date_add_days(as_of_date(), 1 - var('frequency_window_days')) %}
with

customers as (

    select account_id from {{ ref('int_current_customers') }}

),

-- the window's sums per user, and the latest meaningful day from the running state's horizon
-- on (user_state_horizon_date(), never after the windows' starts): the user days read are
-- those from the horizon, not every stored day
windowed as (

    select
        user_days.account_id,
        user_days.user_id,
        max(case when user_days.count_meaningful_events > 0 then user_days.activity_date end) as last_active_date,
        -- summed as decimals: exact, so the same in any order and on every engine
        sum(case
            when user_days.activity_date >= {{ window_start }} then cast(user_days.sum_points as decimal(18, 6)) else 0
        end) as sum_points_30d,
        sum(case
            when user_days.activity_date >= {{ window_start }} then user_days.count_meaningful_events else 0
        end) as count_meaningful_events_30d,
        sum(case
            when user_days.activity_date >= {{ frequency_start }} and user_days.count_meaningful_events > 0 then 1
            else 0
        end) as count_active_days_28d
    from {{ ref('int_user_account_days') }} as user_days
    inner join customers
        on user_days.account_id = customers.account_id
    where user_days.activity_date >= {{ user_state_horizon_date() }}
    group by user_days.account_id, user_days.user_id

),

-- every user with a meaningful day for the account, and the latest one: the running state
-- (int_user_last_active_days) holds it for the days before the horizon, the window's rows
-- the later ones
last_active as (

    select
        account_id,
        user_id,
        max(last_active_date) as last_active_date
    from (
        select
            state.account_id,
            state.user_id,
            state.last_active_date
        from {{ ref('int_user_last_active_days') }} as state
        inner join customers
            on state.account_id = customers.account_id

        union all
        select
            account_id,
            user_id,
            last_active_date
        from windowed
        where last_active_date is not null
    ) as active_days
    group by account_id, user_id

),

per_user as (

    select
        last_active.account_id,
        last_active.user_id,
        last_active.last_active_date,
        coalesce(windowed.sum_points_30d, 0) as sum_points_30d,
        coalesce(windowed.count_meaningful_events_30d, 0) as count_meaningful_events_30d,
        coalesce(windowed.count_active_days_28d, 0) as count_active_days_28d
    from last_active
    left join windowed
        on
            last_active.account_id = windowed.account_id
            and last_active.user_id = windowed.user_id

),

engaged_users as (

    select
        *,
        last_active_date >= {{ window_start }} as is_active_30d,
        {{ round_to('sum_points_30d', 4) }} as sum_points_30d_rounded,
        sum(case when last_active_date >= {{ window_start }} then sum_points_30d else 0 end)
            over (partition by account_id) as account_points_30d
    from per_user
    where last_active_date is not null

),

features_used as (

    select
        account_id,
        user_id,
        count(distinct feature) as count_features_used_30d
    from {{ ref('int_user_feature_days') }}
    where used_date >= {{ window_start }}
    group by account_id, user_id

),

config_counts as (

    select * from {{ ref('int_product_config_counts') }}

),

milestones_reached as (

    select
        account_id,
        user_id,
        -- one row per account, user and milestone (its grain): a count, not a distinct count
        count(*) as count_milestones_completed
    from {{ ref('int_user_milestone_completions') }}
    group by account_id, user_id

),

traits as (

    select * from {{ ref('int_user_traits') }}

),

final as (

    select
        -- ids
        cast(engaged_users.account_id as {{ dbt.type_string() }}) as account_id,
        cast(engaged_users.user_id as {{ dbt.type_string() }}) as user_id,
        cast(traits.email as {{ dbt.type_string() }}) as email,
        cast(traits.user_name as {{ dbt.type_string() }}) as user_name,
        cast(traits.user_role as {{ dbt.type_string() }}) as role,

        -- engagement
        cast(case
            when engaged_users.is_active_30d then greatest(1, least(100, {{ round_to(
                '100 * ln(1 + engaged_users.sum_points_30d_rounded) / ln(1 + '
                ~ var('engagement_user_target_points') ~ ')'
            ) }}))
        end as integer) as engagement_score,
        cast(engaged_users.sum_points_30d_rounded as {{ type_double() }}) as sum_points_30d,
        cast(engaged_users.count_meaningful_events_30d as integer) as count_meaningful_events_30d,
        {{ pct('case when engaged_users.is_active_30d then engaged_users.sum_points_30d else 0 end',
               'engaged_users.account_points_30d') }} as pct_account_points_30d,
        coalesce(
            engaged_users.is_active_30d
            and engaged_users.sum_points_30d > 0
            and 100.0 * engaged_users.sum_points_30d / nullif(engaged_users.account_points_30d, 0)
            >= {{ var('power_user_min_share_pct') }},
            false
        ) as is_power_user,

        -- activity
        engaged_users.last_active_date,
        engaged_users.is_active_30d,
        cast({{ days_between('engaged_users.last_active_date', as_of_date()) }} as integer) as days_inactive,
        cast(engaged_users.count_active_days_28d as integer) as count_active_days_28d,
        cast(case
            when engaged_users.count_active_days_28d >= {{ var('frequency_daily_min_days') }} then 'daily'
            when engaged_users.count_active_days_28d >= {{ var('frequency_weekly_min_days') }} then 'weekly'
            when engaged_users.count_active_days_28d >= 1 then 'monthly'
            else 'dormant'
        end as {{ dbt.type_string() }}) as usage_frequency,

        -- adoption and activation
        {{ pct('coalesce(features_used.count_features_used_30d, 0)', 'config_counts.count_features') }}
            as feature_adoption_pct,
        {{ pct('coalesce(milestones_reached.count_milestones_completed, 0)', 'config_counts.count_milestones') }}
            as activation_pct,

        {{ as_of_date() }} as as_of_date

    from engaged_users
    cross join config_counts
    left join features_used
        on
            engaged_users.account_id = features_used.account_id
            and engaged_users.user_id = features_used.user_id
    left join milestones_reached
        on
            engaged_users.account_id = milestones_reached.account_id
            and engaged_users.user_id = milestones_reached.user_id
    left join traits
        on engaged_users.user_id = traits.user_id

)

select * from final
