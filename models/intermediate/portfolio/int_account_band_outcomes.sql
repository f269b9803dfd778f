-- One row per account and day of the score history on which the account had ARR: its health
-- band that day and what its ARR did over the next portfolio_outcome_days days (retained,
-- expanded, contracted or churned). The outcome is null while those days are not over yet
-- (start day + portfolio_outcome_days after D). Outcome reporting: reads churn through ARR;
-- no score reads this model.
{%- set outcome_days = var('portfolio_outcome_days') %}
with

-- the bands of the score history: the days account_health_daily publishes, read from the bands
-- table itself (that view joins every band row to its score row, one per key, for columns not
-- needed here: a third join of 700 k rows at medium)
bands as (

    select
        account_id,
        as_of_date,
        health_band
    from {{ ref('int_account_health_bands') }}
    where as_of_date >= {{ history_start_date() }}

),

-- the days of the score history and later only: every start day is one (the bands
-- start there), and every outcome day is later (the ARR history reaches further back)
arr_daily as (

    select
        account_id,
        as_of_date,
        arr
    from {{ ref('int_account_arr_daily') }}
    where as_of_date >= {{ history_start_date() }}

),

outcomes as (

    select
        bands.account_id,
        bands.as_of_date as start_date,
        bands.health_band,
        on_start.arr as start_arr,
        on_outcome.arr as outcome_arr,
        case
            when on_outcome.arr is null then null
            when on_outcome.arr = 0 then 'churned'
            when on_outcome.arr < on_start.arr then 'contracted'
            when on_outcome.arr > on_start.arr then 'expanded'
            else 'retained'
        end as outcome
    from bands
    inner join arr_daily as on_start
        on
            bands.account_id = on_start.account_id
            and bands.as_of_date = on_start.as_of_date
    left join arr_daily as on_outcome
        on
            bands.account_id = on_outcome.account_id
            and on_outcome.as_of_date = {{ date_add_days('bands.as_of_date', outcome_days) }}
    where on_start.arr > 0

)

select
    account_id,
    start_date,
    cast(health_band as {{ dbt.type_string() }}) as health_band,
    cast(start_arr as decimal(18, 2)) as start_arr,
    cast(outcome_arr as decimal(18, 2)) as outcome_arr,
    cast(outcome as {{ dbt.type_string() }}) as outcome
from outcomes
