{% macro health_component_names(components_seed=none) %}
    {#- The health components, in display order: the rows of seeds/health_components.csv, the
        one list of components. A model passes ref('health_components'), so the seed is a
        visible parent of it. The rows are read from the loaded seed (found in the graph, because in a
        unit test ref() names a fixture); before the seed is loaded (dbt parse, a lint on an
        empty warehouse) the list is empty. Used where a component becomes a column name. -#}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- if graph.nodes is defined -%}
        {%- set seeds = graph.nodes.values() | selectattr('resource_type', 'equalto', 'seed')
            | selectattr('package_name', 'equalto', project_name) | selectattr('name', 'equalto', 'health_components') | list -%}
        {%- if seeds | length == 0 -%}{{ return([]) }}{%- endif -%}
        {%- set loaded = adapter.get_relation(database=seeds[0].database, schema=seeds[0].schema, identifier=seeds[0].alias) -%}
    {%- else -%}
        {#- a unit test has no graph: the seed is where dbt_project.yml puts seeds (+schema: config) -#}
        {%- set loaded = adapter.get_relation(
            database=target.database, schema=generate_schema_name('config', none) | trim, identifier='health_components') -%}
    {%- endif -%}
    {%- if loaded is none -%}{{ return([]) }}{%- endif -%}
    {%- set result = run_query('select component from ' ~ loaded ~ ' order by display_order, component') -%}
    {{ return(result.columns[0].values() | list) }}
{% endmacro %}

{% macro render_component_text(text_sql) %}
    {#- A text column of seeds/health_components.csv with its {var_name} placeholders replaced
        by the values of those vars (any var of score_scoring_vars), e.g. '{champion_dark_days}'
        becomes '14'. The other placeholders ({value}, {unit}, {figure}, {note}, {list}) are
        filled by the models that have those values. -#}
    {%- set names = score_scoring_vars() -%}
    {%- for name in names %}replace({% endfor %}{{ text_sql }}
    {%- for name in names %}, '{{ "{" ~ name ~ "}" }}', '{{ var(name) }}'){% endfor %}
{%- endmacro %}
