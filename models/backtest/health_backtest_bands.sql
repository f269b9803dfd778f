-- One row per scorer and band (red, yellow, green, the yellow_or_red union, and no_score
-- for a baseline without a value): over the labelled account-days, how many days and
-- accounts sat in the band, how many of them churned within the horizon, the churn rate
-- (precision: of the days in the band, the share followed by churn) and the share of all
-- churn caught (recall: of the days followed by churn, the share in the band; and of the
-- accounts that churned, the share that sat in the band at some point before).
with

days as (

    select
        scorer,
        account_id,
        risk_band,
        is_churn_within_horizon
    from {{ ref('health_backtest_scored_days') }}
    where is_label_known

),

banded as (

    select
        scorer,
        account_id,
        risk_band as band,
        is_churn_within_horizon
    from days

    union all
    select
        scorer,
        account_id,
        'yellow_or_red' as band,
        is_churn_within_horizon
    from days
    where risk_band in ('red', 'yellow')

),

totals as (

    select
        scorer,
        count(*) as count_days,
        sum(case when is_churn_within_horizon then 1 else 0 end) as count_churn_days,
        count(distinct case when is_churn_within_horizon then account_id end) as count_churners
    from days
    group by scorer

),

per_band as (

    select
        scorer,
        band,
        count(*) as count_days,
        count(distinct account_id) as count_accounts,
        sum(case when is_churn_within_horizon then 1 else 0 end) as count_churn_days,
        count(distinct case when is_churn_within_horizon then account_id end) as count_churners
    from banded
    group by scorer, band

),

final as (

    select
        cast(per_band.scorer as {{ dbt.type_string() }}) as scorer,
        cast(per_band.band as {{ dbt.type_string() }}) as band,
        case per_band.band
            when 'red' then 1
            when 'yellow_or_red' then 2
            when 'yellow' then 3
            when 'green' then 4
            else 5
        end as band_order,
        cast(per_band.count_days as integer) as count_account_days,
        {{ pct('per_band.count_days', 'totals.count_days') }} as pct_account_days,
        cast(per_band.count_accounts as integer) as count_accounts,
        cast(per_band.count_churn_days as integer) as count_churn_days,
        cast(per_band.count_churners as integer) as count_churners,
        {{ pct('per_band.count_churn_days', 'per_band.count_days') }} as pct_precision,
        {{ pct('per_band.count_churn_days', 'totals.count_churn_days') }} as pct_recall,
        {{ pct('per_band.count_churners', 'totals.count_churners') }} as pct_churners_caught
    from per_band
    inner join totals
        on per_band.scorer = totals.scorer

)

select * from final
