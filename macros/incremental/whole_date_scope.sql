{#-
    The scope of an incremental account-day model where whole date partitions are replaced
    (replaces_whole_dates(), date_partitions.sql). Elsewhere each macro returns what it is given,
    so DuckDB and PostgreSQL run the same SQL as before.
    Why rebuilding more is exact: every row of these models is computed from its own day's inputs
    (the ARR history: its day's subscriptions and CRM row), never from the rows the table kept, so a day
    rebuilt without need comes out as it was. What must not happen is a date partition replaced
    by only some of its accounts' rows: hence whole dates, for every account.
-#}

{% macro whole_dates_scope(scope_sql, accounts_sql, stale_dates_sql=none) %}
    {#- The per-account rebuild scope (rows of account_id, from_date: the first day to rebuild)
        of an incremental account-day model. Where whole dates are replaced: every row of
        `accounts_sql` (one row per account: account_id and any per-account columns) with the
        earliest from_date of the scope, or the earliest date of a kept row that must disappear
        (`stale_dates_sql`: a query of one date column; arr_accounts_gone_dates_sql()), whichever
        comes first; no row when nothing is to be rebuilt. Elsewhere: `scope_sql` itself. -#}
    {%- if replaces_whole_dates() -%}
        select
            scope_accounts.*,
            scope_start.from_date
        from (select distinct listed.* from ({{ accounts_sql }}) as listed) as scope_accounts
        cross join (
            select min(starts.from_date) as from_date
            from (
                select per_account.from_date from ({{ scope_sql }}) as per_account
                {%- if stale_dates_sql is not none %}
                    union all
                    select * from ({{ stale_dates_sql }}) as stale
                {%- endif %}
            ) as starts
        ) as scope_start
        where scope_start.from_date is not null
    {%- else -%}
        {{ scope_sql }}
    {%- endif -%}
{%- endmacro %}

{% macro drop_date_partitions_outside(first_day, date_column='as_of_date') %}
    {#- The pre-hook's part where whole dates are replaced and rows cannot be deleted: drop the
        partitions of the dates that left the table's window (before `first_day`, a SQL date, or
        after as_of_date), which no rebuild would replace; one statement, `select 1` when there is
        none (or on a full build). Rows to remove inside the window are removed by rebuilding their
        dates (whole_dates_scope()'s stale dates). -#}
    {%- if execute and is_incremental() -%}
        {%- set outside = run_query(
            'select distinct ' ~ date_column ~ ' from ' ~ this ~ ' where ' ~ date_column ~ ' < ' ~ first_day
            ~ ' or ' ~ date_column ~ ' > ' ~ as_of_date() ~ ' order by 1'
        ).columns[0].values() -%}
        {%- if outside | length > 0 -%}
            {%- set specs = [] -%}
            {%- for day in outside -%}
                {%- do specs.append("partition (" ~ date_column ~ " = '" ~ (day if day is string else day.isoformat()) ~ "')") -%}
            {%- endfor -%}
            alter table {{ this }} drop if exists {{ specs | join(', ') }}
        {%- else -%}
            select 1
        {%- endif -%}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{% macro kept_rows_of_rebuilt_dates(kept, rebuilt, columns, key_columns, date_column) %}
    {#- For a model whose rebuilt rows are scattered over dates and that keeps the others as they
        are (a state table: `rebuilt` the rows written again, `kept` the rows kept from the last
        run, both CTE names). Where whole dates are replaced: `union all` the kept rows of every
        date `rebuilt` writes that it does not write again (`columns` in the model's order), so
        each written date holds all its rows. Elsewhere nothing (the kept rows stay in the table). -#}
    {%- if replaces_whole_dates() %}
    union all
    select
        {%- for column in columns %}
            {{ kept }}.{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ kept }}
    where
        {{ kept }}.{{ date_column }} in (select {{ rebuilt }}.{{ date_column }} from {{ rebuilt }})
        and not exists (
            select 1 from {{ rebuilt }}
            where
                {%- for key in key_columns %}
                    {{ rebuilt }}.{{ key }} = {{ kept }}.{{ key }}{% if not loop.last %} and{% endif %}
                {%- endfor %}
        )
    {%- endif %}
{%- endmacro %}
