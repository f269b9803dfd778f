{% macro incremental_materialization() %}
    {#- How the incremental models are materialized. Incremental (delete+insert) where the
        engine can delete rows; a plain table where it cannot (Spark on parquet), so the
        same project runs there with a full rebuild each time. -#}
    {{ return(adapter.dispatch('incremental_materialization', 'customer_health')()) }}
{% endmacro %}

{% macro default__incremental_materialization() %}{{ return('incremental') }}{% endmacro %}

{% macro spark__incremental_materialization() %}{{ return('table') }}{% endmacro %}
