-- One row per account with a day to rebuild in int_account_health_component_scores on an
-- incremental run: the first such day (from_date); that model rebuilds every day from it.
-- Read only by that model: the days it kept are read from its table, as `this` would in the model
-- (incremental_relation_of). Empty on a full build (the model then reads every input row).
-- A row of the curves depends on its day's inputs, the configuration and the account's daily points
-- of up to 140 days before it (engagement_vs_baseline's spread, decline_persistence). A change to
-- a day's points changes that day's daily metrics, and every day from the first changed one is
-- rebuilt, so the later days that look back at it are too. The changes are found without comparing
-- every stored day:
--   the daily metrics (usage, adoption, activation, tickets, invoices): the days
--     int_account_daily_metrics rebuilt since the curves were last built (its rebuilt_at later
--     than theirs; the days it did not rebuild are unchanged, new days are among the rebuilt ones;
--     after a run that stopped between the two models, the later stamps are still later);
--   seats, NPS, contract start, first invoice, first ticket: per account one fingerprint
--     (int_account_score_state). Every run that rebuilds any day of an account rebuilds its latest
--     day too, so the fingerprint on the latest stored row is the state all its rows agree with;
--     where today's differs, the account's stored days are compared with the inputs, column by
--     column, and the first differing day is taken;
--   weights and thresholds (score_version): where the latest stored row's differs, every day.
{{ config(materialized='ephemeral') }}
{%- set input_columns = health_input_columns() %}
{#- named here, outside the branch, so the lineage is the same on a full build -#}
{%- set inputs_relation = ref('int_account_health_inputs') %}
{%- set metrics_relation = ref('int_account_daily_metrics') %}
{%- set state_relation = ref('int_account_score_state') %}
{%- set weights_relation = ref('health_score_weights') %}
{%- set stored = incremental_relation_of('int_account_health_component_scores') %}
with

{%- if stored is not none %}
    {#- the curves' last build: metrics rows stamped later were rebuilt since (a literal, so the
        engine skips the older row groups) -#}
    {%- set latest = run_query('select max(rebuilt_at) from ' ~ stored).columns[0].values()[0] %}
    {%- set watermark = "cast('" ~ (latest if latest is string else latest.strftime('%Y-%m-%d %H:%M:%S.%f'))
        ~ "' as " ~ dbt.type_timestamp() ~ ")" if latest is not none else "cast('1900-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")" %}

    config_version as (

        {{ score_version_sql(weights_relation) }}

    ),

    state as (

        select
            account_id,
            state_fingerprint
        from {{ state_relation }}

    ),

    -- per account, its latest stored day: the configuration and the state its rows were built with
    stored_latest as (

        select
            existing.account_id,
            existing.score_version,
            existing.state_fingerprint
        from {{ stored }} as existing
        inner join (
            select
                account_id,
                max(as_of_date) as as_of_date
            from {{ stored }}
            group by account_id
        ) as latest
            on existing.account_id = latest.account_id and existing.as_of_date = latest.as_of_date

    ),

    -- the accounts whose configuration or in-place inputs moved since their latest stored day
    moved_accounts as (

        select
            stored_latest.account_id,
            stored_latest.score_version <> config_version.score_version as is_reconfigured
        from stored_latest
        cross join config_version
        left join state
            on stored_latest.account_id = state.account_id
        where
            stored_latest.score_version <> config_version.score_version
            or stored_latest.state_fingerprint is distinct from state.state_fingerprint

    ),

    moved_existing as (

        select existing.*
        from {{ stored }} as existing
        inner join moved_accounts
            on existing.account_id = moved_accounts.account_id

    ),

    moved_inputs as (

        select inputs.*
        from {{ inputs_relation }} as inputs
        inner join moved_accounts
            on inputs.account_id = moved_accounts.account_id

    ),

    changes as (

        -- the days int_account_daily_metrics rebuilt since the curves were last built
        select
            account_id,
            as_of_date as from_date
        from {{ metrics_relation }}
        where rebuilt_at > {{ watermark }}

        -- every day of an account when the weights or thresholds changed
        union all
        select
            account_id,
            {{ series_start_date() }} as from_date
        from moved_accounts
        where is_reconfigured

        -- the stored days of the accounts whose in-place inputs moved, where any input differs
        union all
        {{ days_with_changed_values('moved_existing', 'moved_inputs', input_columns) }}

    ),

    recompute_from as (

        select
            account_id,
            min(from_date) as from_date
        from changes
        group by account_id

    )

{%- else %}

    recompute_from as (

        select
            account_id,
            as_of_date as from_date
        from {{ metrics_relation }}
        where 1 = 0

    )

{%- endif %}

select * from recompute_from
