-- One row per current customer on D: the explainable health score, what drives it, why
-- it moved, and the segments a CS team works by.
{{ config(contract={'enforced': true}) }}
with

customers as (

    select * from {{ ref('int_current_customers') }}

),

daily as (

    select * from {{ ref('account_health_daily') }}

),

today as (

    select * from daily
    where as_of_date = {{ as_of_date() }}

),

yesterday as (

    select * from daily
    where as_of_date = {{ date_add_days(as_of_date(), -1) }}

),

week_ago as (

    select * from daily
    where as_of_date = {{ date_add_days(as_of_date(), -7) }}

),

four_weeks_ago as (

    select * from daily
    where as_of_date = {{ date_add_days(as_of_date(), -28) }}

),

components as (

    select * from {{ ref('int_account_health_components') }}
    where as_of_date in ({{ as_of_date() }}, {{ date_add_days(as_of_date(), -7) }})

),

champions as (

    select * from {{ ref('int_account_champions') }}

),

unused_features as (

    select
        account_id,
        {{ dbt.listagg('feature', "', '", 'order by feature') }} as unused_feature_list
    from {{ ref('account_feature_adoption') }}
    where not is_adopted_30d
    group by account_id

),

missing_milestones as (

    select
        account_id,
        {{ dbt.listagg('milestone', "', '", 'order by milestone') }} as missing_milestone_list
    from {{ ref('account_activation') }}
    where not is_completed
    group by account_id

),

-- drivers: the components that cost the most points today, each with its facts (the
-- sentence from seeds/health_components.csv, the account's list, the points lost)
component_lists as (

    select
        account_id,
        'feature_adoption' as component,
        unused_feature_list as item_list
    from unused_features
    union all
    select
        account_id,
        'activation' as component,
        missing_milestone_list as item_list
    from missing_milestones

),

component_facts as (

    select
        components.account_id,
        components.component,
        components.max_points - components.points as points_lost,
        components.driver_text
        || coalesce(replace(components.driver_list_template, '{list}', component_lists.item_list), '')
        || ' (-' || cast(cast(round(components.max_points - components.points) as integer) as {{ dbt.type_string() }})
        || ' points)' as fact
    from components
    left join component_lists
        on
            components.account_id = component_lists.account_id
            and components.component = component_lists.component
    where components.as_of_date = {{ as_of_date() }} and components.is_available

),

ranked_facts as (

    select
        *,
        row_number() over (partition by account_id order by points_lost desc, component asc) as loss_rank
    from component_facts
    where points_lost >= 1

),

top_facts as (

    select
        account_id,
        {{ dbt.listagg('fact', "'; '", 'order by loss_rank') }} as fact_list
    from ranked_facts
    where loss_rank <= 3
    group by account_id

),

not_scored as (

    select
        account_id,
        {{ dbt.listagg('label', "', '", 'order by component') }} as not_scored_list
    from components
    where as_of_date = {{ as_of_date() }} and not is_available
    group by account_id

),

-- movement: each component's change in points, which add up exactly to the score change
component_changes as (

    select
        now_c.account_id,
        now_c.component,
        now_c.points - before_c.points as delta_points,
        -- 'engagement trend 111.5% → 73.6% of the previous 30 days' activity (-6)': the unit once
        now_c.label || ' ' || coalesce(before_c.raw_value_text, 'n/a') || ' → '
        || coalesce(now_c.raw_value_text, 'n/a') || now_c.raw_value_unit
        || ' (' || {{ signed_number('now_c.points - before_c.points') }} || ')' as change_text
    from components as now_c
    inner join components as before_c
        on
            now_c.account_id = before_c.account_id
            and now_c.component = before_c.component
            and before_c.as_of_date = {{ date_add_days(as_of_date(), -7) }}
    where now_c.as_of_date = {{ as_of_date() }}

),

change_reasons as (

    select
        account_id,
        {{ dbt.listagg('change_text', "', '", 'order by abs(delta_points) desc, component') }} as change_list
    from component_changes
    where delta_points <> 0
    group by account_id

),

-- a lifecycle stage change is said as one: 'scorecard changed: onboarding → established'
scorecard_changes as (

    select distinct
        now_c.account_id,
        'scorecard changed: ' || before_c.scorecard || ' → ' || now_c.scorecard as scorecard_change
    from components as now_c
    inner join components as before_c
        on
            now_c.account_id = before_c.account_id
            and now_c.component = before_c.component
            and before_c.as_of_date = {{ date_add_days(as_of_date(), -7) }}
    where now_c.as_of_date = {{ as_of_date() }} and now_c.scorecard <> before_c.scorecard

),

-- segments
arr_ranked as (

    select
        customers.account_id,
        customers.arr,
        today.active_users_30d,
        (row_number() over (order by customers.arr desc, customers.account_id asc) - 1) * 100.0
        / count(*) over () as arr_rank_pct
    from customers
    inner join today
        on customers.account_id = today.account_id

),

arr_tiers as (

    select
        *,
        case
            when arr_rank_pct < {{ var('high_touch_top_pct') }} then 'high_touch'
            when arr_rank_pct < {{ var('high_touch_top_pct') + var('pooled_next_pct') }} then 'pooled'
            else 'tech_touch'
        end as arr_coverage_tier
    from arr_ranked

),

tier_usage as (

    select
        arr_coverage_tier,
        avg(active_users_30d) as avg_active_users_30d
    from arr_tiers
    group by arr_coverage_tier

),

tiers as (

    -- usage far above the ARR tier (at least the average of the tier above) moves an account up one tier
    select
        arr_tiers.account_id,
        arr_tiers.arr_coverage_tier,
        case
            when arr_tiers.arr_coverage_tier = 'tech_touch' and arr_tiers.active_users_30d >= pooled.avg_active_users_30d
                then 'pooled'
            when arr_tiers.arr_coverage_tier = 'pooled' and arr_tiers.active_users_30d >= high.avg_active_users_30d
                then 'high_touch'
            else arr_tiers.arr_coverage_tier
        end as coverage_tier
    from arr_tiers
    left join tier_usage as pooled
        on pooled.arr_coverage_tier = 'pooled'
    left join tier_usage as high
        on high.arr_coverage_tier = 'high_touch'

),

joined as (

    select
        customers.*,
        today.health_score,
        today.health_band,
        today.engagement_score,
        today.feature_adoption_pct,
        today.activation_pct,
        today.active_user_pct,
        today.active_users_7d,
        today.active_users_30d,
        today.licensed_seats as daily_licensed_seats,
        today.days_since_last_active,
        today.last_active_date,
        today.tenure_days,
        today.health_score_avg_7d,
        today.is_sustained_decline,
        today.count_open_urgent_tickets,
        today.latest_nps_score,
        today.count_overdue_invoices,
        today.score_version,
        yesterday.health_band as health_band_yesterday,
        today.health_score - week_ago.health_score as score_change_7d,
        today.health_score - four_weeks_ago.health_score as score_change_28d,
        four_weeks_ago.active_users_30d as active_users_30d_4_weeks_ago,
        {{ days_between(as_of_date(), 'customers.renewal_date') }} as days_to_renewal,
        champions.champion_user_id,
        champions.champion_email,
        champions.champion_days_inactive,
        coalesce(champions.is_champion_gone_dark, false) as is_champion_gone_dark,
        top_facts.fact_list,
        not_scored.not_scored_list,
        change_reasons.change_list,
        scorecard_changes.scorecard_change,
        tiers.coverage_tier,
        tiers.arr_coverage_tier
    from customers
    inner join today
        on customers.account_id = today.account_id
    left join yesterday
        on customers.account_id = yesterday.account_id
    left join week_ago
        on customers.account_id = week_ago.account_id
    left join four_weeks_ago
        on customers.account_id = four_weeks_ago.account_id
    left join champions
        on customers.account_id = champions.account_id
    left join top_facts
        on customers.account_id = top_facts.account_id
    left join not_scored
        on customers.account_id = not_scored.account_id
    left join change_reasons
        on customers.account_id = change_reasons.account_id
    left join scorecard_changes
        on customers.account_id = scorecard_changes.account_id
    left join tiers
        on customers.account_id = tiers.account_id

),

-- what puts an account at risk, in words: the flag and the drivers say the same thing
flagged as (

    select
        *,
        case
            when is_champion_gone_dark
                then
                    'champion ' || coalesce(champion_email, champion_user_id) || ' inactive '
                    || cast(champion_days_inactive as {{ dbt.type_string() }}) || ' days'
        end as champion_text,
        -- a decline the score has since recovered from (up over 28 days) is no longer a risk
        case
            when is_sustained_decline and coalesce(score_change_28d, 0) <= 0
                then
                    'activity down {{ var("sustained_decline_drop_pct") }}% or more against 8 weeks ago'
        end as decline_text,
        case
            when health_band = 'red' then 'red band'
            when health_band = 'yellow' and score_change_28d <= -{{ var('at_risk_28d_drop_points') }}
                then 'yellow and down ' || cast(-score_change_28d as {{ dbt.type_string() }}) || ' points in 28 days'
        end as band_text
    from joined

),

explained as (

    select
        *,
        -- each part is '; ' || text, so substr(.., 3) drops the first separator
        nullif(coalesce('; ' || champion_text, '') || coalesce('; ' || decline_text, '') || coalesce('; ' || fact_list, ''), '')
            as driver_parts,
        nullif(coalesce('; ' || band_text, '') || coalesce('; ' || champion_text, '') || coalesce('; ' || decline_text, ''), '')
            as risk_parts
    from flagged

),

final as (

    select
        -- the account
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(crm_id as {{ dbt.type_string() }}) as crm_id,
        cast(account_name as {{ dbt.type_string() }}) as account_name,
        cast(arr as decimal(18, 2)) as arr,
        cast(plan as {{ dbt.type_string() }}) as plan,
        cast(region as {{ dbt.type_string() }}) as region,
        cast(industry as {{ dbt.type_string() }}) as industry,
        cast(csm_email as {{ dbt.type_string() }}) as csm_email,
        renewal_date,
        {{ as_of_date() }} as as_of_date,

        -- the score
        health_score,
        health_band,
        engagement_score,
        feature_adoption_pct,
        activation_pct,
        active_user_pct,
        active_users_7d,
        active_users_30d,
        cast(daily_licensed_seats as integer) as licensed_seats,
        days_since_last_active,
        last_active_date,
        tenure_days,
        cast(score_change_7d as integer) as score_change_7d,
        cast(score_change_28d as integer) as score_change_28d,
        health_score_avg_7d,

        -- the explanation
        cast(
            'Score ' || cast(health_score as {{ dbt.type_string() }}) || ' (' || health_band || '): '
            || coalesce(substr(driver_parts, 3), 'every component is at or near full points')
            || coalesce('. Not scored (no data, weight spread over the rest): ' || not_scored_list, '')
            as {{ dbt.type_string() }}
        ) as health_drivers,
        cast(
            case
                when score_change_7d is null then 'No score 7 days ago to compare with.'
                when score_change_7d = 0 and change_list is null then 'No change since last week.'
                else
                    {{ signed_number('score_change_7d') }} || ' since last week: '
                    || coalesce(scorecard_change || '; ', '')
                    || coalesce(change_list, 'components moved but cancelled out')
            end
            as {{ dbt.type_string() }}
        ) as score_change_reason,
        cast(champion_user_id as {{ dbt.type_string() }}) as champion_user_id,
        cast(champion_email as {{ dbt.type_string() }}) as champion_email,
        champion_days_inactive,
        is_champion_gone_dark,
        is_sustained_decline,

        -- segments
        cast(coverage_tier as {{ dbt.type_string() }}) as coverage_tier,
        cast(arr_coverage_tier as {{ dbt.type_string() }}) as arr_coverage_tier,
        cast(
            case
                when days_to_renewal between 0 and {{ var('renewal_window_days') }} then 'renewal_window'
                when tenure_days < {{ var('onboarding_days') }} then 'onboarding'
                when tenure_days < {{ var('adopting_days') }} then 'adopting'
                else 'mature'
            end as {{ dbt.type_string() }}
        ) as lifecycle_stage,
        cast(days_to_renewal as integer) as days_to_renewal,
        risk_parts is not null as is_at_risk,
        cast(substr(risk_parts, 3) as {{ dbt.type_string() }}) as at_risk_reason,
        coalesce(
            health_band = 'green'
            and active_user_pct >= {{ var('expansion_seat_utilisation_pct') }}
            and active_users_30d > active_users_30d_4_weeks_ago,
            false
        ) as is_expansion_ready,
        cast(health_band_yesterday as {{ dbt.type_string() }}) as health_band_yesterday,
        cast(score_version as {{ dbt.type_string() }}) as score_version

    from explained

)

select * from final
