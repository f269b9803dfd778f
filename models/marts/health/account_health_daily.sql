-- One row per account and day of the last history_days days on which it was a customer:
-- the health score, band and components as that day would have seen them. The days are
-- kept by int_account_health_scores and int_account_health_bands, which build
-- incrementally (new days, and the days late data changed); this view publishes the
-- history window of them.
{{ config(materialized='view', contract={'enforced': true}) }}
{%- set components = health_component_names(ref('health_components')) %}
with

scores as (

    select * from {{ ref('int_account_health_scores') }}
    where as_of_date >= {{ history_start_date() }}

),

bands as (

    select * from {{ ref('int_account_health_bands') }}

),

final as (

    select
        scores.account_id,
        scores.as_of_date,
        scores.health_score,
        bands.health_band,
        bands.raw_health_band,
        scores.scorecard,
        scores.engagement_score,
        {%- for c in components %}
            scores.score_{{ c }},
            scores.points_{{ c }},
            scores.max_points_{{ c }},
        {%- endfor %}
        scores.active_users_7d,
        scores.active_users_30d,
        scores.licensed_seats,
        scores.feature_adoption_pct,
        scores.activation_pct,
        scores.active_user_pct,
        scores.active_days_pct,
        cast(scores.sum_points_prior_30d as {{ type_double() }}) as sum_points_prior_30d,
        cast(scores.sum_points_30d as {{ type_double() }}) as sum_points_30d,
        scores.silent_points_pct,
        cast(scores.days_since_last_active as integer) as days_since_last_active,
        scores.last_active_date,
        scores.tenure_days,
        scores.count_open_urgent_tickets,
        scores.count_bad_csat_90d,
        scores.count_rated_csat_90d,
        scores.latest_nps_score,
        scores.count_overdue_invoices,
        bands.health_score_avg_7d,
        bands.is_sustained_decline,
        scores.score_version
    from scores
    inner join bands
        on
            scores.account_id = bands.account_id
            and scores.as_of_date = bands.as_of_date

)

select * from final
