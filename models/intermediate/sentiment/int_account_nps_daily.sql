{{ config(materialized='view') }}
-- For each customer day, the account's latest valid NPS answer on or before that day and
-- no older than nps_max_age_days. A response without an account belongs to the user's
-- account at the time it was submitted. Scores outside 0..10 never count.
with

customer_days as (

    select * from {{ ref('int_customer_days') }}

),

memberships as (

    select * from {{ ref('int_user_group_memberships') }}

),

responses as (

    select
        coalesce(nps.account_id, memberships.account_id) as account_id,
        nps.response_id,
        nps.nps_score,
        nps.submitted_at,
        cast(nps.submitted_at as date) as submitted_date
    from {{ ref('stg_surveys__nps_responses') }} as nps
    left join memberships
        on
            nps.account_id is null
            and nps.user_id = memberships.user_id
            and (memberships.valid_to_at is null or nps.submitted_at < memberships.valid_to_at)
            and (nps.submitted_at >= memberships.valid_from_at or memberships.membership_number = 1)
            and memberships.valid_from_at <= {{ as_of_end_at() }}
    where
        nps.is_valid_score
        and nps.submitted_at <= {{ as_of_end_at() }}

),

sequenced as (

    select
        account_id,
        nps_score,
        submitted_date,
        row_number() over (
            partition by account_id, submitted_date order by submitted_at desc, response_id desc
        ) as day_rank
    from responses
    where account_id is not null

),

latest_per_day as (

    -- the last answer of each day holds until the next day with an answer
    select
        account_id,
        nps_score,
        submitted_date as valid_from_date,
        lead(submitted_date) over (partition by account_id order by submitted_date) as valid_to_date
    from sequenced
    where day_rank = 1

),

final as (

    select
        customer_days.account_id,
        customer_days.as_of_date,
        latest_per_day.nps_score as latest_nps_score,
        latest_per_day.valid_from_date as latest_nps_date
    from customer_days
    inner join latest_per_day
        on
            customer_days.account_id = latest_per_day.account_id
            and customer_days.as_of_date >= latest_per_day.valid_from_date
            and (latest_per_day.valid_to_date is null or customer_days.as_of_date < latest_per_day.valid_to_date)
            and {{ days_between('latest_per_day.valid_from_date', 'customer_days.as_of_date') }}
            <= {{ var('nps_max_age_days') }}

)

select * from final
