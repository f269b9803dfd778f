-- One row per baseline: the score cut-offs that turn it into red / yellow / green bands
-- raising as many alerts as the health score does. Over the labelled account-days, the
-- baseline's lowest scores are flagged red until they cover the health score's share of
-- red days (and yellow-or-red likewise), so that precision, recall and lead time compare
-- scorers at the same alert volume. A tie at the boundary is flagged whole, so a baseline
-- with few distinct values (NPS) may flag a little more; its actual share is reported.
with

days as (

    select * from {{ ref('health_backtest_account_days') }}
    where is_label_known

),

health_shares as (

    select
        count(*) as count_days,
        sum(case when health_band = 'red' then 1 else 0 end) as count_red_days,
        sum(case when health_band in ('red', 'yellow') then 1 else 0 end) as count_yellow_or_red_days
    from days

),

baseline_scores as (

    select
        'activity_events_30d' as scorer,
        cast(count_events_30d as {{ type_double() }}) as score
    from days

    union all
    select
        'nps_score' as scorer,
        cast(nps_score as {{ type_double() }}) as score
    from days

),

value_counts as (

    select
        scorer,
        score,
        count(*) as count_days
    from baseline_scores
    where score is not null
    group by scorer, score

),

cumulative as (

    select
        scorer,
        score,
        coalesce(sum(count_days) over (
            partition by scorer order by score rows between unbounded preceding and 1 preceding
        ), 0) as count_days_below
    from value_counts

),

final as (

    select
        cast(cumulative.scorer as {{ dbt.type_string() }}) as scorer,
        max(case when cumulative.count_days_below < health_shares.count_red_days then cumulative.score end)
            as red_max_score,
        max(case when cumulative.count_days_below < health_shares.count_yellow_or_red_days then cumulative.score end)
            as yellow_max_score,
        max(health_shares.count_days) as count_labelled_days,
        max(health_shares.count_red_days) as count_health_red_days,
        max(health_shares.count_yellow_or_red_days) as count_health_yellow_or_red_days
    from cumulative
    cross join health_shares
    group by cumulative.scorer

)

select * from final
