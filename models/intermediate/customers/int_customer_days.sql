-- One row per account and day of the daily series on which the account was a current
-- customer: contract started on or before that day and not churned by it. The series is
-- the published history (D - history_days + 1 .. D) plus the burn-in days before it that
-- the published days look back on (see history_burn_in_days). churned_date decides
-- membership only; no score reads it.
with

accounts as (

    select
        account_id,
        contract_start_date,
        churned_date
    from {{ ref('stg_crm__accounts') }}

),

days as (

    {{ dbt.date_spine(
        datepart='day',
        start_date=series_start_date(),
        end_date=date_add_days(as_of_date(), 1)
    ) }}

),

customer_days as (

    select
        accounts.account_id,
        cast(days.date_day as date) as as_of_date
    from accounts
    cross join days
    where {{ is_customer_day('accounts', 'cast(days.date_day as date)') }}

)

select * from customer_days
