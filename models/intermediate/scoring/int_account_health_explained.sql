-- One row per current customer on D: the explainable health score, what drives it, why it
-- moved, what puts it at risk, and the segments a CS team works by: every column of
-- account_health but the attention rank (which needs today's alerts, and the alerts need
-- these columns). The sentences' parts come from int_account_health_drivers, the coverage
-- tier from int_account_coverage_tiers. A table of D's rows, built once: account_health and the
-- alerts (int_health_alert_triggers, health_alerts) all read it.
{{ config(materialized='table') }}
with

customers as (

    select * from {{ ref('int_current_customers') }}

),

-- the four days read below (the range lets each scan skip older days), not the whole view
daily as (

    select * from {{ ref('account_health_daily') }}
    where as_of_date between {{ date_add_days(as_of_date(), -28) }} and {{ as_of_date() }} and as_of_date in (
        {{ as_of_date() }}, {{ date_add_days(as_of_date(), -1) }},
        {{ date_add_days(as_of_date(), -7) }}, {{ date_add_days(as_of_date(), -28) }}
    )

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

champions as (

    select * from {{ ref('int_account_champions') }}

),

drivers as (

    select * from {{ ref('int_account_health_drivers') }}

),

tiers as (

    select * from {{ ref('int_account_coverage_tiers') }}

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
        drivers.fact_list,
        drivers.not_scored_list,
        drivers.change_list,
        drivers.scorecard_change,
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
    left join drivers
        on customers.account_id = drivers.account_id
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
