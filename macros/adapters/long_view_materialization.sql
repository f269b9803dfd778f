{% macro long_view_materialization() %}
    {#- A view whose SQL is very long: a table on Spark, whose Hive metastore cannot store
        view text that long; a view elsewhere. -#}
    {{ return(adapter.dispatch('long_view_materialization', 'customer_health')()) }}
{% endmacro %}

{% macro default__long_view_materialization() %}{{ return('view') }}{% endmacro %}

{% macro spark__long_view_materialization() %}{{ return('table') }}{% endmacro %}
