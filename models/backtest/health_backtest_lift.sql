-- One row per scorer and score decile (1 = the lowest tenth of scores, the riskiest;
-- null = days the scorer could not score): how often the labelled account-days in it were
-- followed by churn within the horizon, and the lift, that churn rate over the rate of
-- all labelled days. A good score has its churn piled up in the first deciles. Deciles
-- come from average ranks, so tied scores share a decile and a decile may be empty.
with

days as (

    select
        scorer,
        score,
        is_churn_within_horizon
    from {{ ref('health_backtest_scored_days') }}
    where is_label_known

),

overall as (

    select
        scorer,
        sum(case when score is not null then 1 else 0 end) as count_scored_days,
        {{ safe_divide('sum(case when is_churn_within_horizon then 1 else 0 end)', 'count(*)') }} as churn_rate
    from days
    group by scorer

),

value_counts as (

    select
        scorer,
        score,
        count(*) as count_days,
        sum(case when is_churn_within_horizon then 1 else 0 end) as count_churn_days
    from days
    group by scorer, score

),

ranked as (

    select
        *,
        coalesce(sum(count_days) over (
            partition by scorer order by score rows between unbounded preceding and 1 preceding
        ), 0) + (count_days + 1) / 2.0 as avg_rank
    from value_counts
    where score is not null

),

deciled as (

    select
        ranked.scorer,
        cast(ceiling(10.0 * ranked.avg_rank / overall.count_scored_days) as integer) as decile,
        ranked.score,
        ranked.count_days,
        ranked.count_churn_days
    from ranked
    inner join overall
        on ranked.scorer = overall.scorer

    union all
    select
        scorer,
        cast(null as integer) as decile,
        score,
        count_days,
        count_churn_days
    from value_counts
    where score is null

),

per_decile as (

    select
        scorer,
        decile,
        min(score) as min_score,
        max(score) as max_score,
        sum(count_days) as count_days,
        sum(count_churn_days) as count_churn_days
    from deciled
    group by scorer, decile

),

final as (

    select
        cast(per_decile.scorer as {{ dbt.type_string() }}) as scorer,
        per_decile.decile,
        cast(per_decile.min_score as {{ type_double() }}) as min_score,
        cast(per_decile.max_score as {{ type_double() }}) as max_score,
        cast(per_decile.count_days as integer) as count_account_days,
        cast(per_decile.count_churn_days as integer) as count_churn_days,
        {{ pct('per_decile.count_churn_days', 'per_decile.count_days') }} as pct_churn_rate,
        cast(round(cast(
            {{ safe_divide('per_decile.count_churn_days', 'per_decile.count_days') }}
            / nullif(overall.churn_rate, 0) as {{ dbt.type_numeric() }}
        ), 2) as {{ type_double() }}) as lift
    from per_decile
    inner join overall
        on per_decile.scorer = overall.scorer

)

select * from final
