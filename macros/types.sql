{% macro type_double() %}
    {#- An 8-byte float on every engine (dbt.type_float() is a 4-byte REAL on DuckDB). -#}
    {{ return(adapter.dispatch('type_double', 'customer_health')()) }}
{% endmacro %}

{% macro default__type_double() %}double precision{% endmacro %}
{% macro spark__type_double() %}double{% endmacro %}
{% macro bigquery__type_double() %}float64{% endmacro %}

{% macro materialized_cte() %}
    {#- Put before a CTE's body ("name as {{ materialized_cte() }} (...)") when later steps
        reference its columns many times: PostgreSQL otherwise inlines the CTE and
        re-evaluates each column's expression at every reference. -#}
    {{ return(adapter.dispatch('materialized_cte', 'customer_health')()) }}
{% endmacro %}

{% macro default__materialized_cte() %}{{ return('') }}{% endmacro %}
{% macro postgres__materialized_cte() %}{{ return('materialized') }}{% endmacro %}

{% macro session_settings() %}
    {#- Settings every model runs with (a project-wide pre-hook); engine-specific. -#}
    {{ return(adapter.dispatch('session_settings', 'customer_health')()) }}
{% endmacro %}

{% macro default__session_settings() %}{{ return('') }}{% endmacro %}

{% macro postgres__session_settings() %}
    {#- The scoring views are wide expressions whose row counts PostgreSQL overestimates,
        which switches on JIT compilation: compiling them takes far longer than running them.
        Time zone UTC: casting a timestamptz source column to timestamp (staging) goes through
        the session's time zone, which is the server's (often the machine's) unless set. -#}
    {{ return("set local jit = off; set local time zone 'UTC'") }}
{% endmacro %}
