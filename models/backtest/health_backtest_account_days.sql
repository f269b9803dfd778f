-- One row per account and day of account_health_daily, with what happened next. This is
-- evaluation, never scoring: the churn outcome is read here (and in the other backtest
-- models) only, to check the score against it. Alongside the health score sit the two
-- baselines it is compared with: a naive activity count and NPS alone.
-- A day's label is knowable only when its whole horizon lies at or before the as-of date;
-- otherwise is_churn_within_horizon is null and the metrics leave the day out.
{%- set horizon = var('backtest_horizon_days') %}
{%- set window = var('window_long_days') %}
with

health as (

    select
        account_id,
        as_of_date,
        health_score,
        health_band,
        scorecard,
        latest_nps_score
    from {{ ref('account_health_daily') }}

),

accounts as (

    select
        account_id,
        -- a churn recorded after the as-of date is not known yet: treat it as no churn
        case when churned_date <= {{ as_of_date() }} then churned_date end as churned_date
    from {{ ref('stg_crm__accounts') }}

),

account_event_days as (

    -- every counted event, logins and page views included: the naive baseline
    select
        account_id,
        activity_date,
        sum(count_events) as count_events
    from {{ ref('int_user_account_days') }}
    group by account_id, activity_date

),

activity as (

    select
        health.account_id,
        health.as_of_date,
        sum(account_event_days.count_events) as count_events_window
    from health
    inner join account_event_days
        on
            health.account_id = account_event_days.account_id
            and account_event_days.activity_date
            between {{ date_add_days('health.as_of_date', 1 - window) }} and health.as_of_date
    group by health.account_id, health.as_of_date

),

labelled as (

    select
        health.account_id,
        health.as_of_date,
        accounts.churned_date,
        {{ date_add_days('health.as_of_date', horizon) }} <= {{ as_of_date() }} as is_label_known,
        case
            when {{ date_add_days('health.as_of_date', horizon) }} <= {{ as_of_date() }}
                then coalesce(
                    accounts.churned_date > health.as_of_date
                    and accounts.churned_date <= {{ date_add_days('health.as_of_date', horizon) }},
                    false
                )
        end as is_churn_within_horizon,
        health.health_score,
        health.health_band,
        health.scorecard,
        coalesce(activity.count_events_window, 0) as count_events_30d,
        health.latest_nps_score as nps_score
    from health
    left join accounts
        on health.account_id = accounts.account_id
    left join activity
        on
            health.account_id = activity.account_id
            and health.as_of_date = activity.as_of_date

),

final as (

    select
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        as_of_date,
        churned_date,
        case when churned_date is not null then {{ days_between('as_of_date', 'churned_date') }} end as days_to_churn,
        is_label_known,
        is_churn_within_horizon,
        cast(health_score as integer) as health_score,
        cast(health_band as {{ dbt.type_string() }}) as health_band,
        cast(scorecard as {{ dbt.type_string() }}) as scorecard,
        cast(count_events_30d as {{ dbt.type_bigint() }}) as count_events_30d,
        cast(nps_score as integer) as nps_score
    from labelled

)

select * from final
