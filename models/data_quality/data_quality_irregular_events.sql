-- The product events that data_quality_issues may count, whatever the as-of date: no user, no
-- account, attributed only after they are due (a first-membership fallback), an account the CRM
-- does not know, or a name outside the catalog (a null name too). Every other event counts as a
-- normal event on each D from its due_date on, so on D it is either future (due_date > D: counted
-- on int_events_attributed itself) or clean. Kept incrementally (macros/events/irregular_events.sql):
-- a run examines only the rows int_events_attributed wrote since the latest kept rebuilt_at, after
-- its pre-hook deleted the kept rows under their keys; a new CRM or catalog (config_hash), a
-- rebuilt int_events_attributed or no kept row starts over.
{#- in the intermediate schema: running state, not a report (event_key is each engine's own hash) -#}
{{ config(
    schema='intermediate',
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ irregular_events_hook_sql(ref('int_events_attributed')) }}"
) }}
{%- set state = irregular_events_state(ref('int_events_attributed')) %}
with

catalog as (

    select distinct event_name from {{ ref('int_event_catalog') }}

),

accounts as (

    select distinct account_id from {{ ref('stg_crm__accounts') }}

),

fingerprint as (

    {{ irregular_events_fingerprint_sql() }}

),

events as (

    select
        events.event_key,
        events.user_id,
        events.account_id,
        events.event_name,
        events.due_date,
        events.attributed_from_date,
        events.rebuilt_at
    from {{ ref('int_events_attributed') }} as events
    {%- if not state.full %}
        -- written since the latest kept row's (the pre-hook deleted the kept rows under their keys)
        where events.rebuilt_at > {{ state.since }}
    {%- endif %}

),

-- left joins to the two small lists (a null name or account matches neither, as `not exists`)
irregular as (

    select events.*
    from events
    left join accounts
        on events.account_id = accounts.account_id
    left join catalog
        on events.event_name = catalog.event_name
    where
        events.user_id is null
        or events.account_id is null
        or events.attributed_from_date > events.due_date
        or accounts.account_id is null
        or catalog.event_name is null

),

final as (

    select
        cast(event_key as {{ dbt.type_bigint() }}) as event_key,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(event_name as {{ dbt.type_string() }}) as event_name,
        due_date,
        attributed_from_date,
        -- the int_events_attributed row's: the next run examines the rows written after it
        rebuilt_at,
        -- the CRM's account ids and the catalog's names the rows were classified against
        fingerprint.config_hash
    from irregular
    cross join fingerprint

)

select * from final
