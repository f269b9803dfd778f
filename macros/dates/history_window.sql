{% macro history_start_date() %}
    {#- The first day of the published history: D - history_days + 1. -#}
    {{ return(date_add_days(as_of_date(), 1 - var('history_days'))) }}
{% endmacro %}

{% macro sustained_decline_lookback_days() %}
    {#- A sustained decline compares 30-day engagement points with those 8 weeks earlier. -#}
    {{ return(56) }}
{% endmacro %}

{% macro history_burn_in_days() %}
    {#- Days computed before the published history so that every published day can look
        back as far as it needs (band memory, 7-day average, 8-week comparison) without
        reaching the start of the window: a day's row then depends only on what happened up
        to that day, never on where the window starts, and daily runs can append to it. -#}
    {{ return([var('band_memory_days') | int - 1, sustained_decline_lookback_days(), 6] | max) }}
{% endmacro %}

{% macro series_start_date() %}
    {#- The first day of the daily series: the published history plus its burn-in. -#}
    {{ return(date_add_days(as_of_date(), 1 - var('history_days') - history_burn_in_days())) }}
{% endmacro %}

{% macro history_days_sql() %}
    {#- One row per day of the published history: D - history_days + 1 .. D. -#}
    select cast(date_day as date) as activity_date
    from (
        {{ dbt.date_spine(datepart='day', start_date=history_start_date(), end_date=date_add_days(as_of_date(), 1)) }}
    ) as spine
{%- endmacro %}
