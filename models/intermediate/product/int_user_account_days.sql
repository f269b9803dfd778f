{{ config(materialized='view') }}
-- One row per account, user and UTC day with any counted event: the grain every
-- active-user, engagement and frequency metric is built from.
with

events as (

    select * from {{ ref('int_events_mapped_to_accounts') }}

),

user_days as (

    select
        account_id,
        user_id,
        event_date as activity_date,
        count(*) as count_events,
        sum(case when is_meaningful then 1 else 0 end) as count_meaningful_events,
        -- points are summed as decimals: exact, so the same on every engine and in any order
        sum(cast(weight as decimal(18, 6))) as sum_points
    from events
    group by account_id, user_id, event_date

)

select * from user_days
