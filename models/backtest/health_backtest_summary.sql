-- One row per scorer: the backtest on one line. How well it ranks risk (AUC), what its
-- red and yellow-or-red bands catch (precision, recall), how early it warned the accounts
-- that churned (median lead time, share warned backtest_warning_lead_days ahead) and how
-- often it cried wolf (share of the never-churned accounts' days spent red). The health
-- score's row is the product; the baselines' rows are what it has to beat.
with

auc as (

    select * from {{ ref('health_backtest_auc') }}

),

bands as (

    select * from {{ ref('health_backtest_bands') }}

),

lead_time_stats as (

    -- the lead times over every stage (the per-stage rows are health_backtest_lead_times_by_scorecard's)
    select * from {{ ref('health_backtest_lead_time_stats') }}
    where is_all_stages

),

days as (

    select * from {{ ref('health_backtest_scored_days') }}
    where is_label_known

),

populations as (

    select
        scorer,
        min(as_of_date) as first_labelled_date,
        max(as_of_date) as last_labelled_date,
        count(distinct account_id) as count_accounts,
        count(distinct case when is_churn_within_horizon then account_id end) as count_churners,
        count(distinct case when churned_date is null then account_id end) as count_never_churned_accounts,
        count(distinct case when churned_date is null and risk_band = 'red' then account_id end)
            as count_never_churned_accounts_ever_red,
        sum(case when churned_date is null then 1 else 0 end) as count_never_churned_days,
        sum(case when churned_date is null and risk_band = 'red' then 1 else 0 end) as count_never_churned_red_days
    from days
    group by scorer

),

band_pivot as (

    select
        scorer,
        max(case when band = 'red' then pct_account_days end) as pct_days_red,
        max(case when band = 'red' then pct_precision end) as pct_precision_red,
        max(case when band = 'red' then pct_recall end) as pct_recall_red,
        max(case when band = 'yellow_or_red' then pct_precision end) as pct_precision_yellow_or_red,
        max(case when band = 'yellow_or_red' then pct_recall end) as pct_recall_yellow_or_red
    from bands
    group by scorer

),

final as (

    select
        cast(auc.scorer as {{ dbt.type_string() }}) as scorer,
        case auc.scorer when 'health_score' then 1 when 'activity_events_30d' then 2 else 3 end as scorer_order,
        {{ as_of_date() }} as as_of_date,
        populations.first_labelled_date,
        populations.last_labelled_date,
        {{ var('backtest_horizon_days') }} as horizon_days,
        {{ var('backtest_warning_lead_days') }} as warning_lead_days,
        auc.auc,
        auc.auc_scored_only,
        auc.pct_days_scored,
        auc.count_labelled_days,
        auc.count_churn_days,
        cast(populations.count_accounts as integer) as count_accounts,
        cast(populations.count_churners as integer) as count_churners,
        band_pivot.pct_days_red,
        band_pivot.pct_precision_red,
        band_pivot.pct_recall_red,
        band_pivot.pct_precision_yellow_or_red,
        band_pivot.pct_recall_yellow_or_red,
        cast(coalesce(lead_time_stats.count_churners_observed, 0) as integer) as count_churners_observed,
        cast(coalesce(lead_time_stats.count_warned_red, 0) as integer) as count_warned_red,
        cast(round(lead_time_stats.median_lead_days_red, 1) as decimal(9, 1)) as median_lead_days_red,
        {{ pct('lead_time_stats.count_warned_red_in_time', 'lead_time_stats.count_churners_observed') }}
            as pct_warned_red_in_time,
        cast(coalesce(lead_time_stats.count_warned_yellow_or_red, 0) as integer) as count_warned_yellow_or_red,
        cast(round(lead_time_stats.median_lead_days_yellow_or_red, 1) as decimal(9, 1))
            as median_lead_days_yellow_or_red,
        {{ pct('lead_time_stats.count_warned_yellow_or_red_in_time', 'lead_time_stats.count_churners_observed') }}
            as pct_warned_yellow_or_red_in_time,
        cast(populations.count_never_churned_accounts as integer) as count_never_churned_accounts,
        {{ pct('populations.count_never_churned_red_days', 'populations.count_never_churned_days') }}
            as pct_never_churned_days_red,
        {{ pct('populations.count_never_churned_accounts_ever_red', 'populations.count_never_churned_accounts') }}
            as pct_never_churned_accounts_ever_red
    from auc
    left join populations
        on auc.scorer = populations.scorer
    left join band_pivot
        on auc.scorer = band_pivot.scorer
    left join lead_time_stats
        on auc.scorer = lead_time_stats.scorer

)

select * from final
