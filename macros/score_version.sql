{% macro score_scoring_vars() %}
    {#- The vars that change how a score is computed; part of score_version. -#}
    {{ return([
        'window_short_days', 'window_long_days', 'frequency_window_days',
        'adoption_low_pct', 'adoption_high_pct', 'engagement_user_target_points',
        'engagement_seat_target_points', 'trend_zero_ratio_pct', 'silent_share_zero_pct',
        'champion_dark_days', 'champion_lookback_days', 'frequency_target_pct', 'seat_utilisation_target_pct',
        'recency_zero_days', 'tenure_mature_days', 'support_points_per_open_urgent_ticket',
        'support_points_per_bad_csat', 'bad_csat_window_days', 'nps_max_age_days',
        'billing_points_per_overdue_invoice', 'band_green_min_score', 'band_red_below_score',
        'band_hysteresis_points', 'baseline_recent_days', 'baseline_days', 'baseline_smoothing_points',
        'baseline_zero_ratio_pct', 'baseline_full_ratio_pct', 'onboarding_days'
    ]) }}
{% endmacro %}

{% macro score_version_sql(weights_relation) %}
    {#- A short hash of the component weights and the scoring thresholds: when the
        configuration changes, every row shows a new score_version. -#}
    {%- set parts = [] -%}
    {%- for name in score_scoring_vars() -%}
        {%- do parts.append(name ~ '=' ~ var(name)) -%}
    {%- endfor -%}
    select
        substring(
            {{ dbt.hash(dbt.concat([
                dbt.listagg(
                    dbt.concat(["coalesce(scorecard, 'established')", "':'", 'component', "'='", 'cast(cast(weight as decimal(18, 6)) as ' ~ dbt.type_string() ~ ')']),
                    "','",
                    "order by coalesce(scorecard, 'established'), component"
                ),
                "'|" ~ parts | join(';') ~ "'"
            ])) }},
            1, 12
        ) as score_version
    from {{ weights_relation }}
{%- endmacro %}
