{% macro materialized_cte() %}
    {#- Put before a CTE's body ("name as {{ materialized_cte() }} (...)") when later steps
        reference its columns many times: PostgreSQL otherwise inlines the CTE and
        re-evaluates each column's expression at every reference. -#}
    {{ return(adapter.dispatch('materialized_cte', 'customer_health')()) }}
{% endmacro %}

{% macro default__materialized_cte() %}{{ return('') }}{% endmacro %}

{% macro postgres__materialized_cte() %}{{ return('materialized') }}{% endmacro %}
