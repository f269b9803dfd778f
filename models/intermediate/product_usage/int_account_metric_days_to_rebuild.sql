-- One row per account and customer day that this run (re)builds in int_account_daily_metrics:
-- the rebuild scope that model's parts (active users and engagement, quiet users' points,
-- features used, milestones, tickets, invoices) compute their values for, with the start of
-- the windows the account's first rebuilt day looks back on and what the rows are built from.
--
-- A full build takes every customer day. An incremental run takes, per account, every day
-- from the first one that can have changed and keeps the earlier ones; a row depends only on
-- data up to its day, so the result equals a full build. Windows only need the
-- account_metrics_reach_days() days up to the first rebuilt day; all-time values (last active
-- day, milestones) come from all history. The days int_account_daily_metrics kept are read from its table, as `this` would
-- in the model (incremental_relation_of): this model is read only by its parts.
{{ config(materialized='ephemeral') }}
{#- what an incremental run reads to find the events that changed (account_day_changes_sql) -#}
{%- set inputs = {
    'tracks': ref('stg_segment__tracks'),
    'groups': ref('stg_segment__groups'),
    'events': ref('int_events_attributed')
} %}
{#- the ticket and invoice count changes per account and day, with when each was last seen changed -#}
{%- set service_changes = ref('int_account_service_count_changes') %}
{%- set stored = incremental_relation_of('int_account_daily_metrics') %}
with

customer_days as (

    select
        account_id,
        as_of_date
    from {{ ref('int_customer_days') }}

),

config_hash as (

    select config_hash from {{ ref('int_account_metrics_config_hash') }}

),

{%- if stored is not none %}
    {%- set cutoff = incremental_cutoff('source_received_at', stored) %}

    existing as (

        select
            account_id,
            as_of_date,
            config_hash
        from {{ stored }}

    ),

    -- when the kept rows were last rebuilt, and whether the ticket and invoice state is younger
    -- (built from scratch since: then it cannot say what changed, and every day is rebuilt)
    last_build as (

        select
            {{ latest_value_sql(stored, 'rebuilt_at') }} as rebuilt_at,
            (select min(changed_at) from {{ service_changes }}) as first_seen_at

    ),

    -- the first day to rebuild per account: any day not built yet (a new day, a new
    -- customer), everything when the configuration changed, the first day whose ticket or
    -- invoice counts moved, and the earliest day of any event that was loaded, attributed
    -- again or started to count since the last run
    changes as (

        {{ days_not_built_or_reconfigured(
            'customer_days', 'existing',
            'existing.config_hash <> config_hash.config_hash', config='config_hash'
        ) }}

        -- a ticket or invoice changed (created, solved, rated, paid, voided, deleted) since the
        -- last build: from the first day whose counts it moves
        union all
        select
            service_changes.account_id,
            service_changes.delta_date
        from {{ service_changes }} as service_changes
        cross join last_build
        where service_changes.changed_at > last_build.rebuilt_at

        -- the ticket and invoice state was built anew after the kept rows: every day
        union all
        select
            customer_days.account_id,
            customer_days.as_of_date
        from customer_days
        cross join last_build
        where last_build.first_seen_at > last_build.rebuilt_at

        -- ... and, built anew with no row at all (no ticket or invoice counts now), the kept
        -- days that still count some
        union all
        select
            kept_counts.account_id,
            kept_counts.as_of_date
        from {{ stored }} as kept_counts
        cross join last_build
        where
            last_build.first_seen_at is null
            and (
                kept_counts.count_open_urgent_tickets <> 0
                or kept_counts.count_bad_csat_90d <> 0
                or kept_counts.count_rated_csat_90d <> 0
                or kept_counts.count_overdue_invoices <> 0
            )

        {%- if cutoff is not none %}

        -- events loaded, attributed again or counted differently since the last run: the list
        -- int_user_account_days' pre-hook saved in this invocation when its state is not later
        -- than this one's (the same inputs: a list from an earlier state only names more accounts
        -- or earlier days, and rebuilding more days gives the same rows), else computed here
        -- (account_day_changes_for(), macros/incremental/saved_day_changes.sql)
        union all
        select
            changed_events.account_id,
            changed_events.from_date
        from (
            {%- set change_state = {'cutoff': cutoff, 'previous_as_of': incremental_max_date('as_of_date', stored)} %}
            {%- do change_state.update(inputs) %}
            {{ account_day_changes_for(change_state) }}
        ) as changed_events
        {%- endif %}

    ),

    recompute_from as (

        select
            account_id,
            min(from_date) as from_date
        from changes
        where account_id is not null
        group by account_id

    ),
{%- else %}

    recompute_from as (

        select
            account_id,
            min(as_of_date) as from_date
        from customer_days
        group by account_id

    ),
{%- endif %}

rebuilt_days as (

    select customer_days.*
    from customer_days
    inner join recompute_from
        on
            customer_days.account_id = recompute_from.account_id
            and customer_days.as_of_date >= recompute_from.from_date

),

-- per rebuilt account, the start of the windows its first rebuilt day looks back on
rebuilt_accounts as (

    select
        account_id,
        {{ date_add_days('min(as_of_date)', 1 - account_metrics_reach_days()) }} as window_start_date
    from rebuilt_days
    group by account_id

),

final as (

    select
        rebuilt_days.account_id,
        rebuilt_days.as_of_date,
        rebuilt_accounts.window_start_date,
        -- what the rows are computed from, so the next incremental run knows what to rebuild
        cast(config_hash.config_hash as {{ dbt.type_string() }}) as config_hash,
        cast(
            {{ latest_value_sql(inputs.events, 'received_at') }}
            as {{ dbt.type_timestamp() }}
        ) as source_received_at
    from rebuilt_days
    inner join rebuilt_accounts
        on rebuilt_days.account_id = rebuilt_accounts.account_id
    cross join config_hash

)

select * from final
