-- One row per scorer and account that churned on or before the as-of date: how early the
-- scorer warned. Lead time = churn date minus the first day, within the horizon before
-- the churn (the days labelled "churns within the horizon"), that the account was red
-- (or yellow-or-worse); null when it never was. An account whose horizon starts before
-- account_health_daily does (and which was a customer then) is only partly observed:
-- is_window_observed is false and the summary leaves it out. scorecard_at_churn is the
-- lifecycle stage that scored its last day before the churn (onboarding or established).
{%- set horizon = var('backtest_horizon_days') %}
{%- set in_time = var('backtest_warning_lead_days') %}
with

days as (

    select * from {{ ref('health_backtest_scored_days') }}

),

history as (

    select min(as_of_date) as history_start_date
    from days

),

churners as (

    select
        scorer,
        account_id,
        churned_date,
        min(as_of_date) as first_history_date,
        max(as_of_date) as last_history_date
    from days
    where churned_date is not null
    group by scorer, account_id, churned_date

),

warnings as (

    select
        scorer,
        account_id,
        min(case when risk_band = 'red' then as_of_date end) as first_red_date,
        min(case when risk_band in ('red', 'yellow') then as_of_date end) as first_yellow_or_red_date
    from days
    where
        churned_date is not null
        and as_of_date >= {{ date_add_days('churned_date', -horizon) }}
        and as_of_date < churned_date
    group by scorer, account_id

),

lead_times as (

    select
        churners.scorer,
        churners.account_id,
        churners.churned_date,
        churners.first_history_date,
        churners.last_history_date,
        last_days.scorecard as scorecard_at_churn,
        {{ date_add_days('churners.churned_date', -horizon) }} as warning_window_start_date,
        (
            churners.first_history_date > history.history_start_date
            or {{ date_add_days('churners.churned_date', -horizon) }} >= history.history_start_date
        ) as is_window_observed,
        warnings.first_red_date,
        warnings.first_yellow_or_red_date,
        {{ days_between('warnings.first_red_date', 'churners.churned_date') }} as lead_days_red,
        {{ days_between('warnings.first_yellow_or_red_date', 'churners.churned_date') }} as lead_days_yellow_or_red
    from churners
    cross join history
    left join days as last_days
        on
            churners.scorer = last_days.scorer
            and churners.account_id = last_days.account_id
            and churners.last_history_date = last_days.as_of_date
    left join warnings
        on
            churners.scorer = warnings.scorer
            and churners.account_id = warnings.account_id

),

final as (

    select
        cast(scorer as {{ dbt.type_string() }}) as scorer,
        account_id,
        churned_date,
        first_history_date,
        last_history_date,
        cast(scorecard_at_churn as {{ dbt.type_string() }}) as scorecard_at_churn,
        warning_window_start_date,
        is_window_observed,
        first_red_date,
        first_yellow_or_red_date,
        cast(lead_days_red as integer) as lead_days_red,
        cast(lead_days_yellow_or_red as integer) as lead_days_yellow_or_red,
        coalesce(lead_days_red >= {{ in_time }}, false) as is_warned_red_in_time,
        coalesce(lead_days_yellow_or_red >= {{ in_time }}, false) as is_warned_yellow_or_red_in_time
    from lead_times

)

select * from final
