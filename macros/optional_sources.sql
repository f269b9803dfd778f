{#-
    Optional sources (Fivetran's using_* style). A team without a help desk, a survey tool or a
    billing system runs the project unchanged: the staging model of a missing table reads an
    empty, typed stand-in, so the component it feeds has no data and drops out of the score
    (its weight is spread over the others and the drivers say so).

    A staging model reads an optional table with one line:
        select * from {{ optional_source('support', 'tickets', 'using_tickets') }}
    The var (declared in dbt_project.yml) is true (the table must exist), false (never read it)
    or null/unset (read it when it exists). The stand-in's columns and types are the
    data_type of the source's columns in its _<source>__sources.yml.
-#}

{% macro source_enabled(source_name, table_name, using_var) %}
    {#- True when the project reads source_name.table_name: var(using_var) is true, or unset
        and the table exists. Stops with a sentence when the var is true and the table is
        missing, or when the var is not true, false or null. The table is found through the
        graph, not source(), so a model that only asks (int_account_arr_daily) does not
        depend on the table. -#}
    {%- set using = var(using_var) -%}
    {%- set using_text = (using | string | lower) if using is not none else 'null' -%}
    {%- if using_text not in ['true', 'false', 'null', 'none', ''] -%}
        {{ exceptions.raise_compiler_error(
            "Configuration error: var " ~ using_var ~ " is '" ~ using ~ "', but it must be true, false or unset (null). "
            ~ "Set it in dbt_project.yml or with --vars '{" ~ using_var ~ ": false}'."
        ) }}
    {%- endif -%}
    {%- if using_text == 'false' -%}
        {{ return(false) }}
    {%- endif -%}
    {#- at parse time nothing can be looked up: the table counts as read, so the lineage shows it -#}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set node = (graph.get('sources', {}).values() | selectattr('source_name', 'equalto', source_name)
                    | selectattr('name', 'equalto', table_name) | list | first) -%}
    {%- if node is not defined or node is none -%}
        {#- no graph to look in (a unit test): only an explicit true reads the table -#}
        {{ return(using_text == 'true') }}
    {%- endif -%}
    {%- set found = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.identifier) -%}
    {%- if found is none and using_text == 'true' -%}
        {{ exceptions.raise_compiler_error(
            "Configuration error: var " ~ using_var ~ " is true, but the table " ~ node.schema ~ "."
            ~ node.identifier ~ " does not exist. Load it, point " ~ source_name ~ "_schema at the schema that "
            ~ "holds it, or set " ~ using_var ~ ": false (or leave it unset) to run without it."
        ) }}
    {%- endif -%}
    {{ return(found is not none) }}
{% endmacro %}

{% macro optional_source(source_name, table_name, using_var) %}
    {#- What a staging model selects from: the source relation when source_enabled(), else an
        empty select with the source's columns and types (empty_source_sql), as a subquery. -#}
    {#- at parse time the source is always named, so the lineage shows it whatever the var;
        a unit test's fixture (a CTE) is always read -#}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute or relation.is_cte or source_enabled(source_name, table_name, using_var) -%}
        {{ return(relation) }}
    {%- endif -%}
    {{ return('(' ~ empty_source_sql(source_name, table_name) ~ ') as missing_' ~ table_name) }}
{% endmacro %}

{% macro empty_source_sql(source_name, table_name) %}
    {#- A select of no rows with the columns of source_name.table_name, typed by the data_type
        of each column in the sources YAML (string, integer, decimal(p,s), date, timestamp). -#}
    {%- set columns = [] -%}
    {%- for node in graph.sources.values()
        if node.source_name == source_name and node.name == table_name -%}
        {%- for column in node.columns.values() -%}
            {%- if column.data_type is none -%}
                {{ exceptions.raise_compiler_error(
                    "Column " ~ column.name ~ " of source " ~ source_name ~ "." ~ table_name
                    ~ " has no data_type in its sources YAML; an optional source needs one per column."
                ) }}
            {%- endif -%}
            {%- do columns.append('cast(null as ' ~ source_column_type(column.data_type) ~ ') as '
                ~ adapter.quote(column.name)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if columns | length == 0 -%}
        {{ exceptions.raise_compiler_error("Source " ~ source_name ~ "." ~ table_name ~ " declares no columns.") }}
    {%- endif -%}
    {{ return('select ' ~ columns | join(', ') ~ ' where 1 = 0') }}
{% endmacro %}

{% macro source_column_type(data_type) %}
    {#- The engine's name for a portable type written in a sources YAML. -#}
    {%- set name = data_type | lower | trim -%}
    {%- if name == 'string' -%}
        {{ return(dbt.type_string()) }}
    {%- elif name == 'timestamp' -%}
        {{ return(dbt.type_timestamp()) }}
    {%- elif name == 'integer' -%}
        {{ return(dbt.type_int()) }}
    {%- endif -%}
    {{ return(name) }}
{% endmacro %}
