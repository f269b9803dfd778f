-- How early the fully observed churners were warned, once over all of a scorer's churners
-- (is_all_stages: the summary's lead-time columns) and once per lifecycle stage at churn
-- (health_backtest_lead_times_by_scorecard): counts, warned-in-time counts and the median
-- lead time (the middle value, or the mean of the two middle values), for red and for
-- yellow-or-red. Ephemeral: both models read it, and they round and divide.
{{ config(materialized='ephemeral') }}
with

lead_times as (

    select * from {{ ref('health_backtest_lead_times') }}
    where is_window_observed

),

grouped as (

    -- each churner twice: in its scorer's group of every stage, and in its stage's group
    select
        scorer,
        true as is_all_stages,
        cast(null as {{ dbt.type_string() }}) as scorecard_at_churn,
        lead_days_red,
        lead_days_yellow_or_red,
        is_warned_red_in_time,
        is_warned_yellow_or_red_in_time
    from lead_times

    union all
    select
        scorer,
        false as is_all_stages,
        scorecard_at_churn,
        lead_days_red,
        lead_days_yellow_or_red,
        is_warned_red_in_time,
        is_warned_yellow_or_red_in_time
    from lead_times

),

warned as (

    select
        scorer,
        is_all_stages,
        scorecard_at_churn,
        count(*) as count_churners_observed,
        sum(case when lead_days_red is not null then 1 else 0 end) as count_warned_red,
        sum(case when is_warned_red_in_time then 1 else 0 end) as count_warned_red_in_time,
        sum(case when lead_days_yellow_or_red is not null then 1 else 0 end) as count_warned_yellow_or_red,
        sum(case when is_warned_yellow_or_red_in_time then 1 else 0 end) as count_warned_yellow_or_red_in_time
    from grouped
    group by scorer, is_all_stages, scorecard_at_churn

),

lead_values as (

    select
        scorer,
        is_all_stages,
        scorecard_at_churn,
        'red' as warning,
        lead_days_red as lead_days
    from grouped
    where lead_days_red is not null

    union all
    select
        scorer,
        is_all_stages,
        scorecard_at_churn,
        'yellow_or_red' as warning,
        lead_days_yellow_or_red as lead_days
    from grouped
    where lead_days_yellow_or_red is not null

),

lead_ordered as (

    select
        scorer,
        is_all_stages,
        scorecard_at_churn,
        warning,
        lead_days,
        row_number() over (
            partition by scorer, is_all_stages, scorecard_at_churn, warning order by lead_days
        ) as lead_rank,
        count(*) over (partition by scorer, is_all_stages, scorecard_at_churn, warning) as count_values
    from lead_values

),

medians as (

    -- a median of whole days is whole or a half: rounding to one decimal changes no value and
    -- gives every engine the same form (PostgreSQL's avg has sixteen decimals)
    select
        scorer,
        is_all_stages,
        scorecard_at_churn,
        round(avg(case when warning = 'red' then lead_days end), 1) as median_lead_days_red,
        round(avg(case when warning = 'yellow_or_red' then lead_days end), 1) as median_lead_days_yellow_or_red
    from lead_ordered
    where lead_rank in (floor((count_values + 1) / 2.0), ceiling((count_values + 1) / 2.0))
    group by scorer, is_all_stages, scorecard_at_churn

),

final as (

    select
        warned.scorer,
        warned.is_all_stages,
        warned.scorecard_at_churn,
        warned.count_churners_observed,
        warned.count_warned_red,
        warned.count_warned_red_in_time,
        warned.count_warned_yellow_or_red,
        warned.count_warned_yellow_or_red_in_time,
        medians.median_lead_days_red,
        medians.median_lead_days_yellow_or_red
    from warned
    left join medians
        on
            warned.scorer = medians.scorer
            and warned.is_all_stages = medians.is_all_stages
            and coalesce(warned.scorecard_at_churn, '') = coalesce(medians.scorecard_at_churn, '')

)

select * from final
