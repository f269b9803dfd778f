-- For each customer day, the account's latest valid NPS answer on or before that day and
-- no older than nps_max_age_days (the answers per day: int_account_nps_answer_days, where a
-- response without an account is given the user's account and invalid scores are left out).
-- A table: the scores' change detection and batch read it by account and day (a view would
-- spread the answers over every customer day for each of them).
with

customer_days as (

    select * from {{ ref('int_customer_days') }}

),

-- only the answers a customer day can read: every customer day is in the daily series (from
-- series_start_date()), so an answer replaced before the series starts, or older than
-- nps_max_age_days on its first day, matches none (the join below would drop it); without this,
-- the join read every answer of the whole history
answer_days as (

    select *
    from {{ ref('int_account_nps_answer_days') }}
    where
        (valid_to_date is null or valid_to_date > {{ series_start_date() }})
        and valid_from_date >= {{ date_add_days(series_start_date(), -var('nps_max_age_days')) }}

),

final as (

    select
        customer_days.account_id,
        customer_days.as_of_date,
        answer_days.nps_score as latest_nps_score,
        answer_days.valid_from_date as latest_nps_date
    from customer_days
    inner join answer_days
        on
            customer_days.account_id = answer_days.account_id
            and customer_days.as_of_date >= answer_days.valid_from_date
            and (answer_days.valid_to_date is null or customer_days.as_of_date < answer_days.valid_to_date)
            and {{ days_between('answer_days.valid_from_date', 'customer_days.as_of_date') }}
            <= {{ var('nps_max_age_days') }}

)

select * from final
