{#-
    The account-day change list (account_day_changes_sql) computed once per run instead of once
    per model. int_user_account_days' pre-hook saves the list it computed in a real table next to
    int_events_attributed (account_day_changes_saved), with the run's invocation_id and the state
    it was computed from (cutoff, previous_as_of); the other readers in the same run
    (the pre-hooks of int_user_feature_days and int_user_milestone_completions,
    product_activity_daily) read it instead of recomputing it when their own state is not older.

    Why that is exact. The list's inputs (stg_segment__tracks, stg_segment__groups,
    int_events_attributed) are the same relations for every reader and, within one invocation,
    each is built at most once and before any reader (the readers ref them), so the only
    differences between two readers' lists are their cutoff and previous_as_of (as_of_date is
    the invocation's). Every part of the list grows as the cutoff moves earlier (more loads and
    group calls since it; a user's earliest call since it is earlier, is_first_call only turns
    on) and as previous_as_of moves earlier (attributed_from_date in a longer (previous_as_of, D],
    D >= previous_as_of on an incremental, not-full run): a list from a cutoff and
    previous_as_of at or before a reader's names every account the reader's would, from the
    same day or an earlier one. Every reader deletes and rebuilds the listed account-days (or,
    product_activity_daily, every day from the earliest listed one) from its sources, so
    rebuilding more gives the same rows. A reader whose state is older (an earlier cutoff or
    previous_as_of: built in another invocation than the owner, e.g. a --select of one model or
    a failed run), or that finds no list of this invocation (the owner not run, or full, or
    running in parallel and not yet committed), computes its own list. Only an incremental,
    not-full run writes or reads it (never on Spark, where these models are tables).
-#}

{% macro account_day_saved_changes(state) %}
    {#- The saved list's relation: in the schema of int_events_attributed (state.events). -#}
    {{ return(invocation_saved_table(state.events, 'account_day_changes_saved')) }}
{%- endmacro %}

{% macro account_day_changes_for(state) %}
    {#- This run's change list for a not-full incremental state: the saved list when it was saved
        by this invocation from a state at or before this one, else account_day_changes_sql(). -#}
    {%- set saved = invocation_saved_rows_sql(
        account_day_saved_changes(state), ['account_id', 'from_date', 'cutoff', 'previous_as_of']
    ) -%}
    {%- if saved is not none and run_query(
        "select count(*) from (" ~ saved ~ ") as saved where account_id is null"
        ~ " and cutoff <= " ~ state.cutoff ~ " and previous_as_of <= " ~ state.previous_as_of
    ).rows[0][0] > 0 -%}
        {{ return("select account_id, from_date from (" ~ saved ~ ") as saved where account_id is not null") }}
    {%- endif -%}
    {{ return(account_day_changes_sql(state)) }}
{%- endmacro %}

{% macro account_day_save_changes_sql(state) %}
    {#- Appended to int_user_account_days' pre-hook after account_day_delete_sql() (same
        connection: its temporary table holds the list): replace the saved list by this run's
        (macros/incremental/invocation_saved_rows.sql), with a row without an account that
        carries the state it was computed from (so an empty list is saved too). Starts with ';'
        when it writes. -#}
    {%- if incremental_materialization() == 'incremental' and is_incremental() and not state.full -%}
        {{ return(invocation_rows_save_sql(
            account_day_saved_changes(state),
            [['account_id', dbt.type_string()], ['from_date', 'date'],
             ['cutoff', dbt.type_timestamp()], ['previous_as_of', 'date']],
            "select account_id, from_date, " ~ state.cutoff ~ " as cutoff, " ~ state.previous_as_of
            ~ " as previous_as_of from " ~ account_day_changes_table()
            ~ " union all select null, null, " ~ state.cutoff ~ ", " ~ state.previous_as_of
        )) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
