{% macro safe_cast(expr, type) %}
    {#- A cast that yields null instead of failing on a bad value. -#}
    {{ return(adapter.dispatch('safe_cast', 'customer_health')(expr, type)) }}
{% endmacro %}

{% macro default__safe_cast(expr, type) %}
    {{ dbt.safe_cast(expr, type) }}
{%- endmacro %}

{% macro duckdb__safe_cast(expr, type) %}
    try_cast({{ expr }} as {{ type }})
{%- endmacro %}
