{% macro get_where_subquery(relation) -%}
    {#- dbt's own get_where_subquery (a data test reads `select * from model where <where>`), with
        one addition: a `where` config written inside {% raw %}...{% endraw %} keeps its Jinja
        until the test runs, and is rendered then, so it can read what this run wrote
        (days_the_latest_build_wrote() below). Every other `where` works as in dbt. -#}
    {%- set where = config.get('where', '') -%}
    {%- if where and '{{' in where -%}
        {%- set where = render(where) -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{% macro days_the_latest_build_wrote(date_column, stamps) %}
    {#- A data test's scope on an account-day history table: `<date_column> >= the earliest day
        the latest build wrote`, the days written being the rows of the incremental models named
        in `stamps` (the tested model, or the tables a view publishes: {model name: the column
        that stamps a row with the run that wrote it}) that carry their table's latest stamp (in
        `dbt build`, this run's rows; after `dbt run`, a separate `dbt test` checks what that
        run wrote). A test of one row (not_null, accepted_values,
        in_range) or of a key that holds the date (one row per account and day) can only fail on
        such a day, unless an earlier build left a failing row (its test failed then; rebuild
        with --full-refresh). On a full refresh (make test), a first build, and where the models
        are plain tables (Spark): the whole table, `1 = 1`.
        Used in a `where` config inside {% raw %}...{% endraw %} (get_where_subquery above). -#}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return('1 = 1') }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for name, stamp in stamps.items() -%}
        {%- set stored = incremental_relation_of(name) -%}
        {%- if stored is none -%}
            {{ return('1 = 1') }}
        {%- endif -%}
        {%- do parts.append(
            'select min(' ~ date_column ~ ') as first_day from ' ~ stored
            ~ ' where ' ~ stamp ~ ' >= ' ~ latest_value_sql(stored, stamp)
        ) -%}
    {%- endfor -%}
    {%- set first_day = run_query('select min(first_day) from (' ~ parts | join(' union all ') ~ ') as written').columns[0].values()[0] -%}
    {%- if first_day is none -%}
        {{ return('1 = 1') }}
    {%- endif -%}
    {{ return(date_column ~ " >= cast('" ~ (first_day if first_day is string else first_day.isoformat()) ~ "' as date)") }}
{% endmacro %}
