-- One row per scorer: how well it ranks risk, as the AUC over every labelled account-day
-- (the chance that a day followed by churn scores lower than a day that was not; 0.5 is
-- a coin flip, 1.0 perfect). Mann-Whitney: rank the scores ascending, ties get the average
-- of the ranks they span, and U = (sum of the non-churn days' ranks) - n(n + 1) / 2 counts
-- the (churn, no churn) pairs ordered the right way, ties as one half; AUC = U / (P x N).
-- A day a scorer cannot score (no NPS answer) says nothing: in auc its pairs count as
-- coin flips (one half each); auc_scored_only leaves such days out.
with

days as (

    select
        scorer,
        score,
        is_churn_within_horizon
    from {{ ref('health_backtest_scored_days') }}
    where is_label_known

),

totals as (

    select
        scorer,
        count(*) as count_days,
        sum(case when is_churn_within_horizon then 1 else 0 end) as count_churn_days,
        sum(case when is_churn_within_horizon then 0 else 1 end) as count_other_days,
        sum(case when score is not null then 1 else 0 end) as count_scored_days
    from days
    group by scorer

),

value_counts as (

    select
        scorer,
        score,
        count(*) as count_days,
        sum(case when is_churn_within_horizon then 1 else 0 end) as count_churn_days,
        sum(case when is_churn_within_horizon then 0 else 1 end) as count_other_days
    from days
    where score is not null
    group by scorer, score

),

ranked as (

    -- the tied days of one value span ranks below + 1 .. below + n: their average
    select
        *,
        coalesce(sum(count_days) over (
            partition by scorer order by score rows between unbounded preceding and 1 preceding
        ), 0) + (count_days + 1) / 2.0 as avg_rank
    from value_counts

),

rank_sums as (

    select
        scorer,
        sum(cast(count_churn_days as {{ type_double() }})) as scored_churn_days,
        sum(cast(count_other_days as {{ type_double() }})) as scored_other_days,
        sum(count_other_days * avg_rank) as sum_other_ranks
    from ranked
    group by scorer

),

u_statistic as (

    select
        totals.scorer,
        totals.count_days,
        totals.count_churn_days,
        totals.count_other_days,
        totals.count_scored_days,
        cast(totals.count_churn_days as {{ type_double() }}) * totals.count_other_days as count_pairs,
        coalesce(rank_sums.scored_churn_days * rank_sums.scored_other_days, 0) as count_scored_pairs,
        coalesce(
            rank_sums.sum_other_ranks - rank_sums.scored_other_days * (rank_sums.scored_other_days + 1) / 2.0,
            0
        ) as u_value
    from totals
    left join rank_sums
        on totals.scorer = rank_sums.scorer

),

final as (

    select
        cast(scorer as {{ dbt.type_string() }}) as scorer,
        cast(count_days as integer) as count_labelled_days,
        cast(count_churn_days as integer) as count_churn_days,
        cast(count_other_days as integer) as count_other_days,
        cast(count_scored_days as integer) as count_scored_days,
        {{ pct('count_scored_days', 'count_days') }} as pct_days_scored,
        cast(u_value as {{ type_double() }}) as u_value,
        -- round() takes an exact numeric on every engine (PostgreSQL has no round(double, int))
        cast(round(cast(
            (u_value + 0.5 * (count_pairs - count_scored_pairs)) / nullif(count_pairs, 0) as {{ dbt.type_numeric() }}
        ), 4) as {{ type_double() }}) as auc,
        cast(round(cast(u_value / nullif(count_scored_pairs, 0) as {{ dbt.type_numeric() }}), 4) as {{ type_double() }})
            as auc_scored_only
    from u_statistic

)

select * from final
