-- The thin, stable shape the reverse-ETL reads (health-sync): one row per current
-- customer, only the fields that are written to the CRM.
{{ config(contract={'enforced': true}) }}
with

health as (

    select * from {{ ref('account_health') }}

),

final as (

    select
        account_id,
        crm_id,
        account_name,
        as_of_date,
        health_score,
        health_band,
        health_drivers,
        score_change_7d,
        score_change_reason,
        cast(feature_adoption_pct as {{ type_double() }}) as feature_adoption_pct,
        cast(activation_pct as {{ type_double() }}) as activation_pct,
        cast(active_user_pct as {{ type_double() }}) as active_user_pct,
        last_active_date,
        coverage_tier,
        is_at_risk,
        is_expansion_ready,
        score_version,
        arr,
        csm_email,
        renewal_date,
        days_to_renewal
    from health

)

select * from final
