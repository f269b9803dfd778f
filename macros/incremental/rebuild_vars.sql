{% macro rebuild_vars(table=none) %}
    {#- The one list of the vars that change what an incremental table stores, each with the
        tables it rebuilds when its value changes: 'account_metrics' (int_account_daily_metrics),
        'score' (score_version: int_account_health_scores and everything scored), 'bands'
        (int_account_health_bands). With `table`, the names of that table's vars, in this
        list's order (the order is part of each table's configuration hash, so a var is
        appended at the end, never inserted). -#}
    {%- set all_vars = [
        ('window_short_days', ['account_metrics', 'score']),
        ('window_long_days', ['account_metrics', 'score']),
        ('frequency_window_days', ['account_metrics', 'score']),
        ('adoption_low_pct', ['score']),
        ('adoption_high_pct', ['score']),
        ('engagement_user_target_points', ['score']),
        ('engagement_seat_target_points', ['score']),
        ('trend_zero_ratio_pct', ['score']),
        ('silent_share_zero_pct', ['score']),
        ('champion_dark_days', ['account_metrics', 'score']),
        ('champion_lookback_days', ['account_metrics', 'score']),
        ('frequency_target_pct', ['score']),
        ('seat_utilisation_target_pct', ['score']),
        ('recency_zero_days', ['score']),
        ('tenure_mature_days', ['score']),
        ('support_points_per_open_urgent_ticket', ['score']),
        ('support_points_per_bad_csat', ['score']),
        ('bad_csat_window_days', ['account_metrics', 'score']),
        ('nps_max_age_days', ['score']),
        ('billing_points_per_overdue_invoice', ['score']),
        ('band_green_min_score', ['score', 'bands']),
        ('band_red_below_score', ['score', 'bands']),
        ('band_hysteresis_points', ['score', 'bands']),
        ('baseline_recent_days', ['account_metrics', 'score']),
        ('baseline_days', ['account_metrics', 'score']),
        ('baseline_smoothing_points', ['score']),
        ('baseline_zero_ratio_pct', ['score']),
        ('baseline_full_ratio_pct', ['score']),
        ('onboarding_days', ['score']),
        ('band_memory_days', ['bands']),
        ('sustained_decline_drop_pct', ['bands']),
        ('baseline_spread_cv', ['score']),
        ('persistence_below_ratio_pct', ['score']),
        ('persistence_full_days', ['score']),
        ('persistence_zero_days', ['score']),
        ('support_csat_min_rated', ['score']),
    ] -%}
    {%- if table is none -%}
        {{ return(all_vars) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for name, tables in all_vars if table in tables -%}
        {%- do names.append(name) -%}
    {%- endfor -%}
    {%- if not names -%}
        {{ exceptions.raise_compiler_error("rebuild_vars: no var rebuilds '" ~ table ~ "'; use one of account_metrics, score, bands.") }}
    {%- endif -%}
    {{ return(names) }}
{% endmacro %}

{% macro rebuild_vars_text(table) %}
    {#- The values of the vars that rebuild `table`, as one text "name=value;...", for a
        configuration hash. -#}
    {%- set parts = [] -%}
    {%- for name in rebuild_vars(table) -%}
        {%- do parts.append(name ~ '=' ~ var(name)) -%}
    {%- endfor -%}
    {{ return(parts | join(';')) }}
{% endmacro %}
