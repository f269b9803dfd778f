{#-
    Incremental upkeep of the tables keyed by account and day (int_user_account_days,
    int_user_feature_days; int_user_milestone_completions, whose rows are dated by the day a
    milestone was completed): each run rebuilds, per account, every day from the first one
    that can have changed since the table was last built, and keeps the days before it.

    What can change a day's rows:
    - events loaded since the cutoff (the latest received_at the table was built from,
      minus var('incremental_lookback_days')): for the account they name, or, without one,
      for every account their user was ever grouped to, from the event's day;
    - group calls loaded since the cutoff: every event of those users can move account;
    - events that start or stop counting because as_of_date moved (new days, events whose
      account applies only from the user's first group call, the last millisecond of a day).
    A group call moves its user's events from its timestamp on (all of them when it is the
    user's first). The copy of an id that wins deduplication, before and after a load, is
    always one of the rows loaded since the cutoff (or an older one that keeps winning).
    A changed product configuration (the catalog), other source tables (a *_schema var)
    or as_of_date moving back rebuilds all.
-#}

{% macro account_day_state(config_hash_sql, inputs) %}
    {#- What the table was built from, read before the run changes it: a dict with
        full (rebuild everything), cutoff and previous_as_of (SQL literals), the SQL of the
        configuration's hash, and the model's input relations (`inputs`: tracks, groups and
        events, the model's own ref()s of stg_segment__tracks, stg_segment__groups and
        int_events_attributed), which the macros below read. -#}
    {%- set state = {'full': true, 'cutoff': none, 'previous_as_of': none, 'config_hash_sql': config_hash_sql} -%}
    {%- do state.update(inputs) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(state) }}
    {%- endif -%}
    {%- set existing_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- if 'built_as_of_date' not in existing_columns -%}
        {{ exceptions.raise_compiler_error(
            this ~ " was built by an older version of this project. Rebuild it once with: "
            ~ "dbt build --full-refresh --select " ~ this.identifier
        ) }}
    {%- endif -%}
    {#- the configuration check counts the kept rows built from another one (the model writes one
        non-null hash per run, so this is min/max(config_hash) <> current without min/max over every
        row's string: the comparison runs on DuckDB's compressed dictionary, 0.11 -> 0.05 s at medium) -#}
    {%- set row = run_query(
        "select max(source_received_at), max(built_as_of_date), "
        ~ "(select count(*) from " ~ this ~ " as kept where kept.config_hash <> (" ~ config_hash_sql ~ ") "
        ~ "or kept.config_hash is null), "
        ~ "(" ~ config_hash_sql ~ ") from " ~ this
    ).rows[0] -%}
    {%- if row[0] is none or row[1] is none -%}
        {{ return(state) }}
    {%- endif -%}
    {%- set previous = row[1] if row[1] is string else row[1].isoformat() -%}
    {%- set moved_back = previous > as_of_date_str() -%}
    {%- set config_changed = row[2] > 0 -%}
    {%- if moved_back or config_changed -%}
        {{ return(state) }}
    {%- endif -%}
    {%- set cutoff = row[0] - modules.datetime.timedelta(days=var('incremental_lookback_days') | int) -%}
    {%- do state.update({
        'full': false,
        'cutoff': "cast('" ~ cutoff.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as " ~ dbt.type_timestamp() ~ ")",
        'previous_as_of': "cast('" ~ previous ~ "' as date)"
    }) -%}
    {{ return(state) }}
{% endmacro %}

{% macro account_day_changes_sql(state) %}
    {#- One row per account with the first day whose rows can have changed. -#}
    select
        account_id,
        min(from_date) as from_date
    from (
        select
            loads.context_account_id as account_id,
            cast(loads.event_at as date) as from_date
        from {{ state.tracks }} as loads
        where {{ loaded_since(state.cutoff) }} and loads.context_account_id is not null

        union all
        select
            user_accounts.account_id,
            cast(loads.event_at as date)
        from {{ state.tracks }} as loads
        inner join (
            select distinct
                user_id,
                account_id
            from {{ state.groups }}
        ) as user_accounts
            on loads.user_id = user_accounts.user_id
        where {{ loaded_since(state.cutoff) }} and loads.context_account_id is null

        -- a group call moves the user's events from its timestamp on; the user's first call
        -- (and a tie with it) also those before it, which fall back to the first membership
        -- (regrouped_users_sql, macros/events/group_memberships.sql). The kept events are
        -- found by user_key (a hash of user_id): 8 bytes read per event, not a 36-character
        -- id; an event of another user under a colliding key only adds
        -- days to rebuild (rebuilding from an earlier day gives the same rows)
        union all
        select
            user_accounts.account_id,
            events.event_date
        from {{ state.events }} as events
        inner join (
            {{ regrouped_users_sql(state.groups, state.cutoff) }}
        ) as regrouped_users
            on events.user_key = regrouped_users.user_key
        inner join (
            select distinct
                user_id,
                account_id
            from {{ state.groups }}
        ) as user_accounts
            on regrouped_users.user_id = user_accounts.user_id
        where
            regrouped_users.is_first_call = 1
            or events.event_date >= cast(regrouped_users.moved_from_at as date)

        union all
        select
            events.account_id,
            events.event_date
        from {{ state.events }} as events
        where
            events.attributed_from_date > {{ state.previous_as_of }}
            and events.attributed_from_date <= {{ as_of_date() }}
            or events.attributed_from_date > {{ as_of_date() }}
            and events.attributed_from_date <= {{ state.previous_as_of }}
    ) as changed
    where account_id is not null
    group by account_id
{%- endmacro %}

{% macro account_day_bookkeeping_columns(state) %}
    {#- What an account-day row was built from, read back by account_day_state(): the
        latest load in int_events_attributed, the as-of date and the configuration's hash. -#}
        cast(
            {{ latest_value_sql(state.events, 'received_at') }}
            as {{ dbt.type_timestamp() }}
        ) as source_received_at,
        {{ as_of_date() }} as built_as_of_date,
        cast(({{ state.config_hash_sql }}) as {{ dbt.type_string() }}) as config_hash
{%- endmacro %}

{% macro account_day_events_sql(state) %}
    {#- The signed-in events counted on D that an account-day model (re)builds: all of
        them on a full build; on an incremental run those on or after their account's
        first changed day. changes has one row per account, so the join keeps each event
        once (an inner join: a correlated exists with the date range runs ~20x slower). -#}
    select
        events.account_id,
        events.user_id,
        events.event_name,
        events.event_date
    from {{ state.events }} as events
    {%- if not state.full %}
    inner join {{ account_day_changes_table() }} as changes
        on changes.account_id = events.account_id and events.event_date >= changes.from_date
    {%- endif %}
    where {{ counts_on_as_of_date('events') }}
{%- endmacro %}

{% macro account_day_changes_table() %}
    {#- Where the pre-hook (account_day_delete_sql) keeps this run's change list for the model
        to read: a temporary table of the node's connection (dbt runs a node's pre-hooks and its
        statement on one connection), named after the model. The list is computed once per run
        instead of once in the hook and once in the model; a temporary table leaves nothing in
        the warehouse. Only an incremental, not-full run writes and reads it (never on Spark,
        where these models are tables). -#}
    {{ return(this.identifier ~ '__day_changes') }}
{%- endmacro %}

{% macro account_day_delete_sql(state, date_column) %}
    {#- A pre-hook: delete the rows an incremental run rebuilds (nothing on a full build). On an
        incremental run it first stores the change list in account_day_changes_table(), which
        the model's account_day_events_sql() reads: one computation per run, or none when this
        invocation saved a usable list already (account_day_changes_for(), saved_day_changes.sql). -#}
    {%- if is_incremental() -%}
        {%- if state.full -%}
            delete from {{ this }}
        {%- else -%}
            drop table if exists {{ account_day_changes_table() }};
            create temporary table {{ account_day_changes_table() }} as
            {{ account_day_changes_for(state) }};
            delete from {{ this }} as kept_rows
            using {{ account_day_changes_table() }} as changes
            where changes.account_id = kept_rows.account_id and kept_rows.{{ date_column }} >= changes.from_date
        {%- endif -%}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
