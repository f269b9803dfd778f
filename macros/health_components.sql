{% macro health_component_names(components_seed=none) %}
    {#- The health components, in display order: the rows of seeds/health_components.csv, the
        one list of components. A model passes ref('health_components'), so the seed is a
        visible parent of it. Used where a component becomes a column name. Before the seed
        is loaded (dbt parse, a lint on an empty warehouse) the list is empty. -#}
    {%- set seed = _loaded_health_components_seed() -%}
    {%- if seed is none -%}{{ return([]) }}{%- endif -%}
    {%- set result = run_query('select component from ' ~ seed ~ ' order by display_order, component') -%}
    {{ return(result.columns[0].values() | list) }}
{% endmacro %}

{% macro render_component_text(text_sql) %}
    {#- A text column of seeds/health_components.csv with its {var_name} placeholders replaced
        by the values of those vars, e.g. '{champion_dark_days}' becomes '14'. The other
        placeholders ({value}, {unit}, {figure}, {note}, {list}) are filled by the models that
        have those values. A placeholder that names no var stops the run with a sentence. -#}
    {%- set names = [] -%}
    {%- set seed = _loaded_health_components_seed() -%}
    {%- if seed is not none -%}
        {%- set texts = run_query('select unit, driver_template, driver_list_template from ' ~ seed) -%}
        {%- for row in texts.rows -%}
            {%- for text in row if text is not none -%}
                {%- for name in modules.re.findall('[{]([a-z0-9_]+)[}]', text) -%}
                    {%- if name not in ['value', 'unit', 'figure', 'note', 'list'] and name not in names -%}
                        {%- if var(name, none) is none -%}
                            {{ exceptions.raise_compiler_error(
                                'seeds/health_components.csv names the placeholder {' ~ name ~ '}, which is neither a var of dbt_project.yml nor one of {value}, {unit}, {figure}, {note}, {list}: correct the name or declare the var.'
                            ) }}
                        {%- endif -%}
                        {%- do names.append(name) -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for name in names | sort %}replace({% endfor %}{{ text_sql }}
    {%- for name in names | sort %}, '{{ "{" ~ name ~ "}" }}', '{{ var(name) }}'){% endfor %}
{%- endmacro %}

{% macro _loaded_health_components_seed() %}
    {#- The relation of seeds/health_components.csv when it is loaded, else none. A unit test
        has no graph: there the seed is where dbt_project.yml puts seeds (+schema: config). -#}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- if graph.nodes is defined -%}
        {%- set seeds = graph.nodes.values() | selectattr('resource_type', 'equalto', 'seed')
            | selectattr('package_name', 'equalto', project_name) | selectattr('name', 'equalto', 'health_components') | list -%}
        {%- if seeds | length == 0 -%}{{ return(none) }}{%- endif -%}
        {{ return(adapter.get_relation(database=seeds[0].database, schema=seeds[0].schema, identifier=seeds[0].alias)) }}
    {%- else -%}
        {{ return(adapter.get_relation(
            database=target.database, schema=generate_schema_name('config', none) | trim, identifier='health_components')) }}
    {%- endif -%}
{% endmacro %}

{% macro health_input_columns() %}
    {#- The inputs a health score is computed from (int_account_health_inputs' columns besides the
        keys), kept on every row of int_account_health_component_scores and
        int_account_health_scores: a stored day whose inputs differ from these is rebuilt. -#}
    {{ return([
        'active_users_7d', 'active_users_30d', 'sum_points_30d', 'sum_points_prior_30d', 'sum_points_60d',
        'sum_points_recent', 'sum_points_baseline', 'baseline_ratio_pct', 'sum_silent_points_60d', 'silent_points_pct',
        'count_active_days_28d', 'count_features_used_30d', 'count_milestones_completed', 'last_active_date',
        'days_since_last_active', 'licensed_seats', 'engagement_basis_users', 'feature_adoption_pct', 'activation_pct',
        'active_user_pct', 'active_days_pct', 'tenure_days', 'count_open_urgent_tickets', 'count_bad_csat_90d',
        'count_rated_csat_90d', 'has_tickets', 'latest_nps_score', 'latest_nps_date', 'count_overdue_invoices', 'has_invoices'
    ]) }}
{% endmacro %}
