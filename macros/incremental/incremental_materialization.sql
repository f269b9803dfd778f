{% macro incremental_materialization(date_column=none) %}
    {#- How the incremental models are materialized. Incremental (delete+insert) where the
        engine can delete rows. Where it cannot (Spark on parquet): incremental by whole date
        partitions (insert_overwrite, date_partitions.sql) for a model that names its date
        column and is written for it; a plain table, rebuilt whole each run, for the others. -#}
    {{ return(adapter.dispatch('incremental_materialization', 'customer_health')(date_column)) }}
{% endmacro %}

{% macro default__incremental_materialization(date_column=none) %}{{ return('incremental') }}{% endmacro %}

{% macro spark__incremental_materialization(date_column=none) %}
    {{ return('table' if date_column is none else 'incremental') }}
{% endmacro %}

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
