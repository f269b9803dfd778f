{{ config(materialized='view') }}
-- One row per account, user, key feature and UTC day on which the user did any event
-- mapped to that feature (meaningful or not: feature use is not the same as "active").
with

events as (

    select * from {{ ref('int_events_mapped_to_accounts') }}
    where feature is not null

),

feature_days as (

    select
        account_id,
        user_id,
        feature,
        event_date as used_date,
        count(*) as count_events
    from events
    group by account_id, user_id, feature, event_date

)

select * from feature_days
