{% macro assert_catalog_events_unique(catalog_relation) %}
    {#- Stops the run with a sentence a user can act on when an event is listed more than
        once in seeds/event_catalog.csv (it would otherwise count twice). -#}
    {#- Skipped when the seed is not loaded yet (e.g. dbt compile or docs on a new warehouse). -#}
    {%- set loaded = adapter.get_relation(
        database=catalog_relation.database, schema=catalog_relation.schema, identifier=catalog_relation.identifier
    ) if execute else none -%}
    {%- if loaded is not none -%}
        {%- set duplicates = run_query(
            "select event, count(*) as times_listed from " ~ catalog_relation
            ~ " group by event having count(*) > 1 order by event"
        ) -%}
        {%- if duplicates.rows | length > 0 -%}
            {%- set listed = [] -%}
            {%- for row in duplicates.rows -%}
                {%- do listed.append('"' ~ row[0] ~ '" (' ~ row[1] ~ ' times)') -%}
            {%- endfor -%}
            {{ exceptions.raise_compiler_error(
                "Configuration error in seeds/event_catalog.csv: each event must be listed once, but "
                ~ ("this one is" if listed | length == 1 else "these are") ~ " listed more than once: "
                ~ listed | join(', ') ~ ". Keep one row per event and run dbt seed again."
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
