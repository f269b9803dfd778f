-- One row per account and day of the last history_days days on which it was a customer:
-- the health score, band and components as that day would have seen them. The days are
-- kept by int_account_health_scores, which builds incrementally (new days, and the days
-- late data changed); this view publishes the history window of it.
{{ config(materialized='view', contract={'enforced': true}) }}
{%- set components = health_components() %}
with

scores as (

    select * from {{ ref('int_account_health_scores') }}
    where as_of_date >= {{ history_start_date() }}

),

final as (

    select
        account_id,
        as_of_date,
        health_score,
        health_band,
        raw_health_band,
        engagement_score,
        {%- for c in components %}
            score_{{ c }},
            points_{{ c }},
            max_points_{{ c }},
        {%- endfor %}
        active_users_7d,
        active_users_30d,
        licensed_seats,
        feature_adoption_pct,
        activation_pct,
        active_user_pct,
        active_days_pct,
        cast(sum_points_prior_30d as {{ type_double() }}) as sum_points_prior_30d,
        cast(sum_points_30d as {{ type_double() }}) as sum_points_30d,
        silent_points_pct,
        cast(days_since_last_active as integer) as days_since_last_active,
        last_active_date,
        tenure_days,
        count_open_urgent_tickets,
        count_bad_csat_90d,
        latest_nps_score,
        count_overdue_invoices,
        health_score_avg_7d,
        is_sustained_decline,
        score_version
    from scores

)

select * from final
