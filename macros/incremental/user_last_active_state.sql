{#-
    Running state of each user's latest meaningful day per account (int_user_last_active_days),
    so that the daily run reads the state plus the recent days instead of every stored day.

    The state holds, per account and user, the latest meaningful day of int_user_account_days
    BEFORE the horizon user_state_horizon_date() (user_state_horizon_days() before D, D counted).
    A reader takes the latest of the state and of the rows from the horizon on: the latest over
    all history. Rows of int_user_account_days can go (a moved user's), so the state is not
    rolled forward blindly: int_user_account_days' pre-hook logs each run's change list
    (user_day_change_log_sql(): per account, the first day whose rows were rebuilt; a row with
    no account when the whole table was rebuilt), and the state recomputes from all history
    only the accounts whose rows changed before the horizon, rolls the others forward over the
    days the horizon passed, and empties the log.

    The same machinery keeps int_account_feature_use (first and last use per account and key
    feature, macros/incremental/feature_use_state.sql) from int_user_feature_days: each days
    table has its own log (its name + '__change_log'), written by its own pre-hook and emptied
    by its one state model.
-#}

{% macro user_day_change_log(days) %}
    {#- The change log a days table writes and its state model reads and empties
        (int_user_account_days -> int_user_last_active_days, int_user_feature_days ->
        int_account_feature_use): a table beside the days table (`days`, its relation: its
        name + '__change_log'). -#}
    {{ return(api.Relation.create(database=days.database, schema=days.schema,
                                  identifier=days.identifier ~ '__change_log', type='table')) }}
{% endmacro %}

{% macro user_day_change_log_create_sql(log) %}
    {#- Create the change log if it is not there yet (either model may run first). -#}
        create table if not exists {{ log }} (
            account_id {{ dbt.type_string() }},
            from_date date,
            logged_at {{ dbt.type_timestamp() }}
        )
{%- endmacro %}

{% macro user_day_change_log_sql(state) %}
    {#- Appended to a days table's pre-hook (int_user_account_days, int_user_feature_days), after
        account_day_delete_sql() (same connection, so the change list's temporary table is
        there): log this run's change list (account_day_changes_table()) for its state model
        (int_user_last_active_days, int_account_feature_use), or, when every row is
        rebuilt, one row without an account. Nothing where the model is a table rebuilt every
        run (Spark): the state is a table there too. Starts with ';' when it writes. -#}
    {%- if incremental_materialization() == 'incremental' -%}
        {%- set log = user_day_change_log(this) -%}
        ;
        {{ user_day_change_log_create_sql(log) }};
        insert into {{ log }} (account_id, from_date, logged_at)
        {%- if is_incremental() and not state.full %}
        select account_id, from_date, {{ run_started_at_sql() }} from {{ account_day_changes_table() }}
        {%- else %}
        values (null, null, {{ run_started_at_sql() }})
        {%- endif %}
    {%- endif -%}
{%- endmacro %}

{% macro user_state_previous(days) %}
    {#- For a state model (int_user_last_active_days, int_account_feature_use; `days`, its days
        table): how its incremental run proceeds, a dict with full
        (recompute every account) and the latest horizon among the kept rows (from_date, a
        SQL date literal: the last build's horizon, or an earlier one if that build wrote no
        row, so rolling forward from it misses no day). Full on a full build, with no kept row
        or no log, when the log names a rebuild of every row, or when D moved back. -#}
    {%- set previous = {'full': true, 'from_date': none} -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(previous) }}
    {%- endif -%}
    {%- set log = user_day_change_log(days) -%}
    {%- if adapter.get_relation(log.database, log.schema, log.identifier) is none -%}
        {{ return(previous) }}
    {%- endif -%}
    {%- set row = run_query(
        "select (select max(horizon_date) from " ~ this ~ "), "
        ~ "(select count(*) from " ~ log ~ " where account_id is null)"
    ).rows[0] -%}
    {%- if row[0] is none or row[1] > 0 -%}
        {{ return(previous) }}
    {%- endif -%}
    {%- set latest = row[0] if row[0] is string else row[0].isoformat() -%}
    {%- if latest > user_state_horizon_str() -%}
        {{ return(previous) }}
    {%- endif -%}
    {%- do previous.update({'full': false, 'from_date': "cast('" ~ latest ~ "' as date)"}) -%}
    {{ return(previous) }}
{% endmacro %}

{% macro user_state_hook_sql(days, step) %}
    {#- A state model's hooks where it is incremental (`days`: its days table,
        ref('int_user_account_days') or ref('int_user_feature_days')). step 'pre': create the log if it is missing, then
        delete the kept rows this run recomputes (all of them when it recomputes every account,
        else those of the accounts whose rows changed before the horizon). step 'post': empty
        the log, now applied. -#}
    {%- set log = user_day_change_log(days) -%}
    {%- if incremental_materialization() != 'incremental' -%}
        select 1
    {%- elif step == 'pre' -%}
        {{ user_day_change_log_create_sql(log) }}
        {%- if is_incremental() -%}
            {%- set previous = user_state_previous(days) -%}
            ;
            {%- if previous.full %}
            delete from {{ this }}
            {%- else %}
            delete from {{ this }} as kept_rows
            where kept_rows.account_id in (
                select changed.account_id from {{ log }} as changed
                where changed.from_date < {{ user_state_horizon_date() }}
            )
            {%- endif -%}
        {%- endif -%}
    {%- else -%}
        delete from {{ log }}
    {%- endif -%}
{%- endmacro %}
