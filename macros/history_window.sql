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

{% macro row_fingerprint(columns) %}
    {#- One text value naming every column's value, nulls included, for change detection. -#}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '~')") -%}
    {%- endfor -%}
    {{ parts | join(" || '|' || ") }}
{%- endmacro %}

{% macro fingerprint_agg(text_column) %}
    {#- An order-independent hash of a group's row fingerprints. -#}
    {{ dbt.hash(dbt.listagg(text_column, "';'", 'order by ' ~ text_column)) }}
{%- endmacro %}
