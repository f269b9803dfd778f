-- One row per scorer and lifecycle stage at churn (the scorecard that scored the churner's
-- last day: onboarding or established): how early the churners of that stage were warned.
-- Same measures as the summary's lead-time columns (both from health_backtest_lead_time_stats),
-- over the fully observed churners only: median lead time and the share warned
-- backtest_warning_lead_days or more ahead, for red and for yellow-or-red.
with

lead_time_stats as (

    select * from {{ ref('health_backtest_lead_time_stats') }}
    where not is_all_stages

),

final as (

    select
        cast(scorer as {{ dbt.type_string() }}) as scorer,
        case scorer when 'health_score' then 1 when 'activity_events_30d' then 2 else 3 end as scorer_order,
        cast(scorecard_at_churn as {{ dbt.type_string() }}) as scorecard_at_churn,
        cast(count_churners_observed as integer) as count_churners_observed,
        cast(count_warned_red as integer) as count_warned_red,
        cast(round(median_lead_days_red, 1) as decimal(9, 1)) as median_lead_days_red,
        {{ pct('count_warned_red_in_time', 'count_churners_observed') }} as pct_warned_red_in_time,
        cast(count_warned_yellow_or_red as integer) as count_warned_yellow_or_red,
        cast(round(median_lead_days_yellow_or_red, 1) as decimal(9, 1)) as median_lead_days_yellow_or_red,
        {{ pct('count_warned_yellow_or_red_in_time', 'count_churners_observed') }}
            as pct_warned_yellow_or_red_in_time
    from lead_time_stats

)

select * from final
