-- One row per scorer and lifecycle stage at churn (the scorecard that scored the churner's
-- last day: onboarding or established): how early the churners of that stage were warned.
-- Same measures as the summary's lead-time columns, over the fully observed churners only:
-- median lead time (the middle value, or the mean of the two middle values) and the share
-- warned backtest_warning_lead_days or more ahead, for red and for yellow-or-red.
with

lead_times as (

    select * from {{ ref('health_backtest_lead_times') }}
    where is_window_observed

),

warned as (

    select
        scorer,
        scorecard_at_churn,
        count(*) as count_churners_observed,
        sum(case when lead_days_red is not null then 1 else 0 end) as count_warned_red,
        sum(case when is_warned_red_in_time then 1 else 0 end) as count_warned_red_in_time,
        sum(case when lead_days_yellow_or_red is not null then 1 else 0 end) as count_warned_yellow_or_red,
        sum(case when is_warned_yellow_or_red_in_time then 1 else 0 end) as count_warned_yellow_or_red_in_time
    from lead_times
    group by scorer, scorecard_at_churn

),

lead_values as (

    select
        scorer,
        scorecard_at_churn,
        'red' as warning,
        lead_days_red as lead_days
    from lead_times
    where lead_days_red is not null

    union all
    select
        scorer,
        scorecard_at_churn,
        'yellow_or_red' as warning,
        lead_days_yellow_or_red as lead_days
    from lead_times
    where lead_days_yellow_or_red is not null

),

lead_ordered as (

    select
        scorer,
        scorecard_at_churn,
        warning,
        lead_days,
        row_number() over (partition by scorer, scorecard_at_churn, warning order by lead_days) as lead_rank,
        count(*) over (partition by scorer, scorecard_at_churn, warning) as count_values
    from lead_values

),

medians as (

    select
        scorer,
        scorecard_at_churn,
        avg(case when warning = 'red' then lead_days end) as median_lead_days_red,
        avg(case when warning = 'yellow_or_red' then lead_days end) as median_lead_days_yellow_or_red
    from lead_ordered
    where lead_rank in (floor((count_values + 1) / 2.0), ceiling((count_values + 1) / 2.0))
    group by scorer, scorecard_at_churn

),

final as (

    select
        cast(warned.scorer as {{ dbt.type_string() }}) as scorer,
        case warned.scorer when 'health_score' then 1 when 'activity_events_30d' then 2 else 3 end as scorer_order,
        cast(warned.scorecard_at_churn as {{ dbt.type_string() }}) as scorecard_at_churn,
        cast(warned.count_churners_observed as integer) as count_churners_observed,
        cast(warned.count_warned_red as integer) as count_warned_red,
        cast(round(medians.median_lead_days_red, 1) as decimal(9, 1)) as median_lead_days_red,
        {{ pct('warned.count_warned_red_in_time', 'warned.count_churners_observed') }} as pct_warned_red_in_time,
        cast(warned.count_warned_yellow_or_red as integer) as count_warned_yellow_or_red,
        cast(round(medians.median_lead_days_yellow_or_red, 1) as decimal(9, 1)) as median_lead_days_yellow_or_red,
        {{ pct('warned.count_warned_yellow_or_red_in_time', 'warned.count_churners_observed') }}
            as pct_warned_yellow_or_red_in_time
    from warned
    left join medians
        on
            warned.scorer = medians.scorer
            and coalesce(warned.scorecard_at_churn, '') = coalesce(medians.scorecard_at_churn, '')

)

select * from final
