-- One row per account with a component row on D: the words that explain its score. fact_list:
-- the (up to three) components that cost the most points today, each its driver sentence
-- (int_account_health_components, from the template in seeds/health_components.csv) with
-- the account's unused features or missing milestones and the points lost; not_scored_list:
-- the components without data; change_list: each component's change in points since 7
-- days ago, largest first (they add up exactly to the score change); scorecard_change: a
-- lifecycle stage change said as one. account_health builds its sentences from these.
{{ config(materialized='ephemeral') }}
with

components as (

    select * from {{ ref('int_account_health_components') }}
    where as_of_date in ({{ as_of_date() }}, {{ date_add_days(as_of_date(), -7) }})

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
        {{ dbt.listagg('component_label', "', '", 'order by component') }} as not_scored_list
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
        now_c.component_label || ' ' || coalesce(before_c.raw_value_text, 'n/a') || ' → '
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

accounts as (

    select account_id from components
    union
    select account_id from ranked_facts

),

final as (

    select
        accounts.account_id,
        top_facts.fact_list,
        not_scored.not_scored_list,
        change_reasons.change_list,
        scorecard_changes.scorecard_change
    from accounts
    left join top_facts
        on accounts.account_id = top_facts.account_id
    left join not_scored
        on accounts.account_id = not_scored.account_id
    left join change_reasons
        on accounts.account_id = change_reasons.account_id
    left join scorecard_changes
        on accounts.account_id = scorecard_changes.account_id

)

select * from final
