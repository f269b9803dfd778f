{#-
    Rows one model's pre-hook saves for the other models of the same run (dbt invocation), so a
    figure computed once is not computed again: a real table holding one invocation's rows at a
    time, each stamped with that invocation's id and with what it was computed from (the caller's
    columns: the raw table's name, a cutoff). A reader uses the rows only when they are this
    invocation's; rows saved by another invocation are never read (a --select without the saver,
    a full build, a compile, Spark, where the savers are tables and never save): those readers
    compute their own. Used for the raw event counts (macros/events/raw_counts.sql) and the
    account-day change list (saved_day_changes.sql), whose headers say why each is exact.
-#}

{% macro invocation_saved_table(beside, identifier) %}
    {#- The saved rows' table `identifier`, in the schema of the relation `beside`. -#}
    {{ return(api.Relation.create(database=beside.database, schema=beside.schema, identifier=identifier)) }}
{%- endmacro %}

{% macro invocation_rows_save_sql(saved, columns, rows_sql) %}
    {#- Appended to a pre-hook (starts with ';'): replace the rows of the table `saved` (created
        when missing) by those of the select `rows_sql`, stamped with this invocation. `columns`:
        the columns rows_sql names, as [name, type] pairs. -#}
    ;
    create table if not exists {{ saved }} (
        invocation_id {{ dbt.type_string() }}{% for column in columns %}, {{ column[0] }} {{ column[1] }}{% endfor %}
    );
    delete from {{ saved }};
    insert into {{ saved }} (invocation_id{% for column in columns %}, {{ column[0] }}{% endfor %})
    select '{{ invocation_id }}'{% for column in columns %}, saved_rows.{{ column[0] }}{% endfor %}
    from ({{ rows_sql }}) as saved_rows
{%- endmacro %}

{% macro invocation_saved_rows_sql(saved, columns, condition=none) %}
    {#- A select of `columns` (names) of the rows this invocation saved in `saved` (that also
        meet the SQL `condition`, if given), or none when nothing was saved there yet (or at
        parse time). -#}
    {%- if not execute or adapter.get_columns_in_relation(saved) | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(
        "select " ~ columns | join(', ') ~ " from " ~ saved
        ~ " where invocation_id = '" ~ invocation_id ~ "'"
        ~ ("" if condition is none else " and " ~ condition)
    ) }}
{%- endmacro %}
