-- The first UTC date each user reached each activation milestone for an account, by any
-- event counted on D with the milestone's event name (meaningful or not), for every
-- account events name (the models that read this keep the CRM's).
-- Incremental like int_user_account_days (see macros/incremental/account_day_scope.sql): a
-- completion is the user's first milestone event for the account, so a run keeps each listed
-- account's completions dated before its first changed day (the events before that day did
-- not change), deletes the later ones and recomputes them from that day's events on, keeping
-- only the users and milestones that have no earlier completion left. A changed milestone list
-- (activation_milestones) or other source tables rebuild all (milestones_config_hash_sql()).
-- A run that appends no row leaves the table's state at an earlier run's: the next run then
-- computes a longer change list of its own (from the earlier cutoff): slower, never wrong.
{#- the pre-hook rebuilds the same state as the model below: a hook cannot read the model's variables.
    It runs after int_user_account_days (the ref in `inputs`), whose pre-hook saved this run's
    account-day change list: the hook reads that list instead of computing it again
    (account_day_changes_for(), macros/incremental/saved_day_changes.sql) -#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{%- set state = account_day_state(milestones_config_hash_sql(ref('activation_milestones')), {'tracks': ref('stg_segment__tracks'), 'groups': ref('stg_segment__groups'), 'events': ref('int_events_attributed')}) -%}
        {{ account_day_delete_sql(state, 'completed_date') }}"
) }}
{%- set inputs = {
    'tracks': ref('stg_segment__tracks'),
    'groups': ref('stg_segment__groups'),
    'events': ref('int_events_attributed'),
    'changes_owner': ref('int_user_account_days')
} %}
{%- set state = account_day_state(milestones_config_hash_sql(ref('activation_milestones')), inputs) %}
with

milestones as (

    select
        cast(milestone as {{ dbt.type_string() }}) as milestone,
        cast(event as {{ dbt.type_string() }}) as event_name
    from {{ ref('activation_milestones') }}

),

events as (

    {{ account_day_events_sql(state) }}

),

completions as (

    select
        events.account_id,
        events.user_id,
        milestones.milestone,
        min(events.event_date) as completed_date
    from events
    inner join milestones
        on events.event_name = milestones.event_name
    group by events.account_id, events.user_id, milestones.milestone

),

final as (

    select
        completions.*,
        -- what the rows were built from, so an incremental run knows what to rebuild
        {{ account_day_bookkeeping_columns(state) }}
    from completions
    {%- if not state.full %}
    -- the kept completions (dated before the account's first changed day) are earlier than any
    -- recomputed one: a user and milestone that has one keeps it
    where not exists (
        select 1
        from {{ this }} as kept
        where
            kept.account_id = completions.account_id
            and kept.user_id = completions.user_id
            and kept.milestone = completions.milestone
    )
    {%- endif %}

)

select * from final
