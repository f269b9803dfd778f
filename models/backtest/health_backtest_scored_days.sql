-- One row per scorer, account and day: the health score and each baseline side by side in
-- one shape, so every backtest metric is computed the same way for all of them. Lower
-- scores mean higher risk for every scorer. risk_band is the health band for the health
-- score and, for a baseline, its band at the health score's alert volume (see
-- health_backtest_baseline_cutoffs); a baseline with no score that day is 'no_score'.
with

days as (

    select * from {{ ref('health_backtest_account_days') }}

),

cutoffs as (

    select * from {{ ref('health_backtest_baseline_cutoffs') }}

),

scores as (

    select
        'health_score' as scorer,
        account_id,
        as_of_date,
        churned_date,
        is_label_known,
        is_churn_within_horizon,
        scorecard,
        cast(health_score as {{ type_double() }}) as score,
        health_band as risk_band
    from days

    union all
    select
        'activity_events_30d' as scorer,
        account_id,
        as_of_date,
        churned_date,
        is_label_known,
        is_churn_within_horizon,
        scorecard,
        cast(count_events_30d as {{ type_double() }}) as score,
        cast(null as {{ dbt.type_string() }}) as risk_band
    from days

    union all
    select
        'nps_score' as scorer,
        account_id,
        as_of_date,
        churned_date,
        is_label_known,
        is_churn_within_horizon,
        scorecard,
        cast(nps_score as {{ type_double() }}) as score,
        cast(null as {{ dbt.type_string() }}) as risk_band
    from days

),

final as (

    select
        cast(scores.scorer as {{ dbt.type_string() }}) as scorer,
        scores.account_id,
        scores.as_of_date,
        scores.churned_date,
        scores.is_label_known,
        scores.is_churn_within_horizon,
        scores.scorecard,
        scores.score,
        cast(case
            when scores.risk_band is not null then scores.risk_band
            when scores.score is null then 'no_score'
            when scores.score <= cutoffs.red_max_score then 'red'
            when scores.score <= cutoffs.yellow_max_score then 'yellow'
            else 'green'
        end as {{ dbt.type_string() }}) as risk_band
    from scores
    left join cutoffs
        on scores.scorer = cutoffs.scorer

)

select * from final
