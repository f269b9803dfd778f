{{ config(materialized='view') }}
-- The first UTC date each user reached each activation milestone for an account, by any
-- counted event with the milestone's event name (meaningful or not).
with

events as (

    select * from {{ ref('int_events_mapped_to_accounts') }}

),

milestones as (

    select
        cast(milestone as {{ dbt.type_string() }}) as milestone,
        cast(event as {{ dbt.type_string() }}) as event_name
    from {{ ref('activation_milestones') }}

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
