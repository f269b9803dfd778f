-- One row per current customer and trigger that fires on D: what changed, with the
-- severity, why it matters and what to do from seeds/alert_playbooks.csv. health_alerts
-- publishes them; account_health ranks the accounts that need attention by them.
{{ config(materialized='ephemeral') }}
with

health as (

    select * from {{ ref('int_account_health_explained') }}

),

last_milestones as (

    select
        account_id,
        max(completed_date) as last_completed_date
    from {{ ref('account_activation') }}
    group by account_id

),

playbooks as (

    select * from {{ ref('alert_playbooks') }}

),

band_order as (

    select
        *,
        case health_band when 'green' then 3 when 'yellow' then 2 else 1 end as band_rank,
        case health_band_yesterday when 'green' then 3 when 'yellow' then 2 when 'red' then 1 end as band_rank_yesterday
    from health

),

triggers as (

    select
        account_id,
        'band_worsened' as alert_type,
        'Health band fell from ' || health_band_yesterday || ' to ' || health_band || ' (score '
        || cast(health_score as {{ dbt.type_string() }}) || '). ' || score_change_reason as what_changed
    from band_order
    where band_rank < band_rank_yesterday

    union all
    select
        account_id,
        'score_drop',
        'Score fell ' || cast(-score_change_7d as {{ dbt.type_string() }}) || ' points in 7 days to '
        || cast(health_score as {{ dbt.type_string() }}) || '. ' || score_change_reason
    from health
    where score_change_7d <= -{{ var('score_drop_alert_points') }}

    union all
    select
        account_id,
        'champion_gone_dark',
        'Champion ' || coalesce(champion_email, champion_user_id) || ' has had no meaningful activity for '
        || cast(champion_days_inactive as {{ dbt.type_string() }}) || ' days while the account is still active.'
    from health
    where is_champion_gone_dark

    union all
    select
        health.account_id,
        'activation_stalled',
        'Onboarding account ' || cast(health.tenure_days as {{ dbt.type_string() }}) || ' days in, activation '
        || cast(health.activation_pct as {{ dbt.type_string() }}) || '% and no new milestone for '
        || cast({{ var('activation_stall_days') }} as {{ dbt.type_string() }}) || '+ days.'
    from health
    left join last_milestones
        on health.account_id = last_milestones.account_id
    where
        health.tenure_days < {{ var('onboarding_days') }}
        and health.tenure_days >= {{ var('activation_stall_days') }}
        and health.activation_pct < {{ var('activation_stalled_pct') }}
        and (
            last_milestones.last_completed_date is null
            or last_milestones.last_completed_date < {{ date_add_days(as_of_date(), -var('activation_stall_days')) }}
        )

    union all
    select
        account_id,
        'renewal_at_risk',
        'Renewal in ' || cast(days_to_renewal as {{ dbt.type_string() }}) || ' days while red (score '
        || cast(health_score as {{ dbt.type_string() }}) || '). ' || health_drivers
    from health
    where health_band = 'red' and days_to_renewal between 0 and {{ var('renewal_window_days') }}

    union all
    select
        account_id,
        'expansion_ready',
        'Green (score ' || cast(health_score as {{ dbt.type_string() }}) || ') with '
        || cast(active_users_30d as {{ dbt.type_string() }}) || ' active users on '
        || cast(licensed_seats as {{ dbt.type_string() }}) || ' seats (' || cast(active_user_pct as {{ dbt.type_string() }})
        || '%) and growing.'
    from health
    where is_expansion_ready

),

final as (

    select
        triggers.account_id,
        triggers.alert_type,
        triggers.what_changed,
        playbooks.severity,
        playbooks.severity_rank,
        playbooks.why_it_matters,
        playbooks.what_to_do
    from triggers
    inner join playbooks
        on triggers.alert_type = playbooks.alert_type

)

select * from final
