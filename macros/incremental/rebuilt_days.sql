{% macro delete_rows_outside(keys_relation_sql, key_columns) %}
    {#- A pre-hook for the incremental daily models: delete the rows whose key is no longer
        expected (left the history window, or no longer a customer day), so the table holds
        exactly the keys a full build would. Does nothing on a full build. -#}
    {%- if is_incremental() -%}
        delete from {{ this }} as kept_rows
        where not exists (
            select 1 from ({{ keys_relation_sql }}) as expected_keys
            where
                {%- for key in key_columns %}
                    expected_keys.{{ key }} = kept_rows.{{ key }}{% if not loop.last %} and{% endif %}
                {%- endfor %}
        )
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{% macro days_not_built_or_reconfigured(keys, existing, reconfigured, config=none) %}
    {#- The first two reasons an incremental daily model rebuilds an (account_id, as_of_date)
        day, as (account_id, from_date) rows: the day is not in the table yet, or the
        configuration it was built with changed (`reconfigured`: a condition on `existing`
        rows and the one-row CTE `config`, if named), which rebuilds every day. `keys`,
        `existing` and `config` are CTE names.
        The config CTE is cross joined, not read by a scalar subquery inside the exists:
        that form made DuckDB 2.0.0 hang (every thread asleep) on the 1 M-event benchmark. -#}
        select
            {{ keys }}.account_id,
            {{ keys }}.as_of_date as from_date
        from {{ keys }}
        left join {{ existing }}
            on
                {{ keys }}.account_id = {{ existing }}.account_id
                and {{ keys }}.as_of_date = {{ existing }}.as_of_date
        where {{ existing }}.account_id is null

        union all
        select
            {{ keys }}.account_id,
            {{ keys }}.as_of_date
        from {{ keys }}
        {%- if config is not none %}
        cross join {{ config }}
        {%- endif %}
        where exists (
            select 1 from {{ existing }}
            where {{ reconfigured }}
        )
{%- endmacro %}

{% macro days_with_changed_values(existing, current, columns) %}
    {#- (account_id, from_date) rows for the stored days whose `columns` differ (nulls
        included) from the values computed now: inputs that change in place. `existing` and
        `current` are CTE names keyed by account_id and as_of_date. -#}
        select
            {{ existing }}.account_id,
            {{ existing }}.as_of_date
        from {{ existing }}
        inner join {{ current }}
            on
                {{ existing }}.account_id = {{ current }}.account_id
                and {{ existing }}.as_of_date = {{ current }}.as_of_date
        where
            {%- for column in columns %}
            {{ existing }}.{{ column }} is distinct from {{ current }}.{{ column }}{% if not loop.last %} or{% endif %}
            {%- endfor %}
{%- endmacro %}
