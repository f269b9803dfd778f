{% macro health_components() %}
    {#- The health components, in display order. Each has a row in
        seeds/health_score_weights.csv and a branch in int_account_health_components. -#}
    {{ return([
        'engagement', 'engagement_trend', 'engagement_vs_baseline', 'silent_users', 'usage_frequency', 'feature_adoption', 'activation',
        'seat_utilisation', 'recency', 'tenure', 'support', 'sentiment', 'billing'
    ]) }}
{% endmacro %}
