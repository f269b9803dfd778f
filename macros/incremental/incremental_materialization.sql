{% macro incremental_materialization() %}
    {#- How the incremental models are materialized. Incremental (delete+insert) where the
        engine can delete rows; a plain table where it cannot (Spark on parquet), so the
        same project runs there with a full rebuild each time. -#}
    {{ return(adapter.dispatch('incremental_materialization', 'customer_health')()) }}
{% endmacro %}

{% macro default__incremental_materialization() %}{{ return('incremental') }}{% endmacro %}

{% macro spark__incremental_materialization() %}{{ return('table') }}{% endmacro %}

{% macro incremental_relation_of(model_name) %}
    {#- The table of the incremental model `model_name` when it is built incrementally (it
        exists as a table, is materialized incremental and no full refresh was asked), else
        none: is_incremental() for another model. For the ephemeral parts of an incremental
        model, which have no `this` of their own but compile into that model's SQL: they read
        the rows it kept from its last run, as `this` would in the model. Such a part must be
        read only by that model. -#}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set nodes = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
        | selectattr('name', 'equalto', model_name) | list -%}
    {%- if nodes | length != 1 -%}
        {{ exceptions.raise_compiler_error("incremental_relation_of: no model named " ~ model_name ~ "; name an incremental model of this project") }}
    {%- endif -%}
    {%- set node = nodes[0] -%}
    {%- set full_refresh = node.config.get('full_refresh') -%}
    {%- if full_refresh is none -%}
        {%- set full_refresh = flags.FULL_REFRESH -%}
    {%- endif -%}
    {%- if node.config.materialized != 'incremental' or full_refresh -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(node.database, node.schema, node.alias or node.name) -%}
    {{ return(relation if relation is not none and relation.type == 'table' else none) }}
{% endmacro %}
