-- One row per account, user and UTC day with any event counted on D (for every account
-- events name, known to the CRM or not: the models that read this keep the CRM's): the
-- grain every active-user, engagement and frequency metric is built from.
-- Incremental (see macros/incremental/account_day_scope.sql): each run rebuilds, per account, the days
-- from the first one that can have changed and keeps the earlier ones.
{#- the pre-hook rebuilds the same state as the model below: a hook cannot read the model's variables.
    After the delete it logs this run's change list for int_user_last_active_days
    (user_day_change_log_sql(), macros/incremental/user_last_active_state.sql) and saves it for
    the run's other readers (account_day_save_changes_sql(), macros/incremental/saved_day_changes.sql) -#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{%- set state = account_day_state(catalog_config_hash_sql(ref('event_catalog')), {'tracks': ref('stg_segment__tracks'), 'groups': ref('stg_segment__groups'), 'events': ref('int_events_attributed')}) -%}
        {{ account_day_delete_sql(state, 'activity_date') }}{{ user_day_change_log_sql(state) }}{{ account_day_save_changes_sql(state) }}"
) }}
{%- set inputs = {
    'tracks': ref('stg_segment__tracks'),
    'groups': ref('stg_segment__groups'),
    'events': ref('int_events_attributed')
} %}
{%- set state = account_day_state(catalog_config_hash_sql(ref('event_catalog')), inputs) %}
with

events as (

    {{ account_day_events_sql(state) }}

),

catalog as (

    select * from {{ ref('int_event_catalog') }}

),

user_days as (

    select
        events.account_id,
        events.user_id,
        events.event_date as activity_date,
        count(*) as count_events,
        sum(case when catalog.is_meaningful then 1 else 0 end) as count_meaningful_events,
        -- points are summed as decimals: exact, so the same in any order and on every engine
        cast(sum(cast(coalesce(catalog.weight, 0) as decimal(18, 6))) as {{ type_double() }}) as sum_points
    from events
    left join catalog
        on events.event_name = catalog.event_name
    group by events.account_id, events.user_id, events.event_date

),

final as (

    select
        user_days.*,
        -- what the rows were built from, so an incremental run knows what to rebuild
        {{ account_day_bookkeeping_columns(state) }}
    from user_days

)

select * from final
