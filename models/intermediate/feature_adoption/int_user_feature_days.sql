-- One row per account, user, key feature and UTC day on which the user did any event
-- counted on D that is mapped to that feature (meaningful or not: feature use is not the
-- same as "active"), for every account events name (the models that read this keep the
-- CRM's).
-- Incremental like int_user_account_days (see macros/incremental/account_day_scope.sql).
{#- the pre-hook rebuilds the same state as the model below: a hook cannot read the model's variables.
    After the delete it logs this run's change list for int_account_feature_use
    (user_day_change_log_sql(), macros/incremental/user_last_active_state.sql).
    It runs after int_user_account_days (the ref in `inputs`), whose pre-hook saved this run's
    account-day change list: the hook reads that list instead of computing it again
    (account_day_changes_for(), macros/incremental/saved_day_changes.sql) -#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{%- set state = account_day_state(catalog_config_hash_sql(ref('event_catalog')), {'tracks': ref('stg_segment__tracks'), 'groups': ref('stg_segment__groups'), 'events': ref('int_events_attributed')}) -%}
        {{ account_day_delete_sql(state, 'used_date') }}{{ user_day_change_log_sql(state) }}"
) }}
{%- set inputs = {
    'tracks': ref('stg_segment__tracks'),
    'groups': ref('stg_segment__groups'),
    'events': ref('int_events_attributed'),
    'changes_owner': ref('int_user_account_days')
} %}
{%- set state = account_day_state(catalog_config_hash_sql(ref('event_catalog')), inputs) %}
with

events as (

    {{ account_day_events_sql(state) }}

),

catalog as (

    select * from {{ ref('int_event_catalog') }}
    where feature is not null

),

feature_days as (

    select
        events.account_id,
        events.user_id,
        catalog.feature,
        events.event_date as used_date,
        count(*) as count_events
    from events
    inner join catalog
        on events.event_name = catalog.event_name
    group by events.account_id, events.user_id, catalog.feature, events.event_date

),

final as (

    select
        feature_days.*,
        -- what the rows were built from, so an incremental run knows what to rebuild
        {{ account_day_bookkeeping_columns(state) }}
    from feature_days

)

select * from final
