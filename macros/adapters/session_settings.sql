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
