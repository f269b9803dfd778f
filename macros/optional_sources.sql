{#-
    Optional raw tables (Fivetran's `using_*` style). A var per optional table:
    - unset (null): use the table when it exists in the warehouse;
    - true: the table is required; a missing table stops the build with a clear message;
    - false: never read it; the staging model is an empty relation with the same columns.
    At parse time (before anything is executed) the table counts as enabled, so its
    source() is always part of the lineage.
-#}

{% macro source_enabled(source_name, table_name, using_var) %}
    {%- set setting = var(using_var, none) -%}
    {%- if setting is not none and setting | string | lower not in ['true', 'false'] -%}
        {{ exceptions.raise_compiler_error(
            "var '" ~ using_var ~ "' must be true, false or unset, got '" ~ setting ~ "'."
        ) }}
    {%- endif -%}
    {%- if setting is not none and setting | string | lower == 'false' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {#- the source's location from the graph (not source(), which would make every caller
        depend on the table) -#}
    {%- set node = (graph.get('sources', {}).values() | selectattr('source_name', 'equalto', source_name)
                    | selectattr('name', 'equalto', table_name) | list | first) -%}
    {%- if node is not defined or node is none -%}
        {#- no graph to look in (a unit test): only an explicit true enables the table -#}
        {{ return(setting is not none) }}
    {%- endif -%}
    {%- set found = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.identifier) -%}
    {%- if found is none and setting is not none -%}
        {{ exceptions.raise_compiler_error(
            "var '" ~ using_var ~ "' is true but the table " ~ node.schema ~ "." ~ node.identifier
            ~ " does not exist; load it, or set " ~ using_var ~ ": false (or leave it unset) to run without it."
        ) }}
    {%- endif -%}
    {{ return(found is not none) }}
{% endmacro %}

{% macro empty_relation(columns) %}
    {#- A query with the given columns ([(name, type), ...]) and no rows: what the staging
        model of a disabled optional table selects, so its readers work unchanged. -#}
    select
    {%- for name, data_type in columns %}
        cast(null as {{ data_type }}) as {{ name }}{{ "," if not loop.last }}
    {%- endfor %}
    from (select 1 as one) as no_rows
    where 1 = 0
{%- endmacro %}
