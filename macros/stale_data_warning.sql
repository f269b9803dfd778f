{% macro warn_if_stale(results) %}
    {#- on-run-end: when this run built data_freshness and as_of_date lies more than
        var('stale_data_warn_days') past the latest loaded event, a warning in the run's
        output naming both dates and the fix. Returns no SQL. -#}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- for result in results
        if result.node.resource_type == 'model' and result.node.name == 'data_freshness'
        and result.status == 'success' -%}
        {%- set relation = api.Relation.create(
            database=result.node.database, schema=result.node.schema, identifier=result.node.alias
        ) -%}
        {%- set rows = run_query(
            'select as_of_date, latest_event_date, days_since_latest_event, stale_data_warn_days, is_stale from '
            ~ relation
        ).rows -%}
        {#- (no row under dbt build --empty) -#}
        {%- set row = rows[0] if rows | length > 0 else [none, none, none, none, false] -%}
        {%- if row[4] -%}
            {%- if row[1] is none -%}
                {%- set behind = 'no event at or before it is loaded' -%}
            {%- else -%}
                {%- set behind = 'the latest loaded event is from ' ~ row[1] ~ ', ' ~ row[2] ~ ' days earlier' -%}
            {%- endif -%}
            {%- do exceptions.warn(
                'Stale data: as_of_date is ' ~ row[0] ~ ' but ' ~ behind ~ ' (more than stale_data_warn_days: '
                ~ row[3] ~ '), so every account scores as inactive. Check that the loaders are running, or build '
                ~ "with the right date (dbt build --vars '{as_of_date: \"YYYY-MM-DD\"}'); the CRM sync and the Slack "
                ~ 'digest refuse to send these scores unless given --force-stale.'
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}
