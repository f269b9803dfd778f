-- The first UTC date each user reached each activation milestone for an account, by any
-- event counted on D with the milestone's event name (meaningful or not), for every
-- account events name (the models that read this keep the CRM's). Rebuilt on every run:
-- it reads only the milestone events.
with

milestones as (

    select
        cast(milestone as {{ dbt.type_string() }}) as milestone,
        cast(event as {{ dbt.type_string() }}) as event_name
    from {{ ref('activation_milestones') }}

),

events as (

    select
        account_id,
        user_id,
        event_name,
        event_date
    from {{ ref('int_events_attributed') }}
    where
        {{ counts_on_as_of_date() }}
        and event_name in (select milestones.event_name from milestones)

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

)

select * from completions
