-- One row per account and day of the published history: the health band, with
-- hysteresis, the 7-day average score and the 8-week decline check. A band changes only
-- when the score crosses a boundary by band_hysteresis_points; inside a boundary's zone the
-- band is that of the last day outside it within band_memory_days, and a score that stayed
-- inside for the whole memory is judged, from the first day remembered, by the boundary
-- itself. Every look-back stays inside the daily series (history plus burn-in), so a row
-- depends only on what happened up to its day, never on where the window starts.
-- Incremental: each run rebuilds, per account, the days from the first score rebuilt since
-- the last run (or not built yet, or everything when the band settings changed).
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['account_id', 'as_of_date'],
    on_schema_change='fail',
    pre_hook="{{ delete_non_customer_days(ref('stg_crm__accounts'), first_day=history_start_date()) }}"
) }}
{%- set green = var('band_green_min_score') %}
{%- set red = var('band_red_below_score') %}
{%- set margin = var('band_hysteresis_points') %}
{%- set memory = var('band_memory_days') | int %}
{#- the band vars' values (macros/incremental/rebuild_vars.sql): a change rebuilds every day -#}
{%- set band_settings = rebuild_vars_text('bands') %}
with

scores as (

    select
        account_id,
        as_of_date,
        health_score,
        sum_points_30d,
        rebuilt_at
    from {{ ref('int_account_health_scores') }}

),

{%- if is_incremental() %}

    history_days as (

        select
            account_id,
            as_of_date
        from scores
        where as_of_date >= {{ history_start_date() }}

    ),

    -- the first day to rebuild per account: a day not built yet, the first score rebuilt
    -- since the last run, or everything when the band settings changed. Each branch reads the
    -- kept rows from the table itself: through one CTE read three times, DuckDB materialized
    -- every column of every kept day first (0.15 -> 0.06 s CPU at medium)
    changes as (

        select
            history_days.account_id,
            history_days.as_of_date as from_date
        from history_days
        left join {{ this }} as existing
            on
                history_days.account_id = existing.account_id
                and history_days.as_of_date = existing.as_of_date
        where existing.account_id is null

        union all
        select
            history_days.account_id,
            history_days.as_of_date
        from history_days
        where exists (
            select 1 from {{ this }} as existing
            where existing.band_settings <> '{{ band_settings }}'
        )

        union all
        select
            scores.account_id,
            scores.as_of_date
        from scores
        where scores.rebuilt_at > (select max(existing.scores_rebuilt_at) from {{ this }} as existing)

    ),

    recompute_from as (

        select
            account_id,
            min(from_date) as from_date
        from changes
        group by account_id

    ),
{%- else %}

    recompute_from as (

        select
            account_id,
            {{ history_start_date() }} as from_date
        from scores
        group by account_id

    ),
{%- endif %}

-- the scores the rebuilt days look back on: the band memory before the first rebuilt day
score_series as (

    select
        scores.account_id,
        scores.as_of_date,
        scores.health_score,
        scores.sum_points_30d,
        recompute_from.from_date
    from scores
    inner join recompute_from
        on
            scores.account_id = recompute_from.account_id
            and scores.as_of_date >= {{ date_add_days('recompute_from.from_date', 1 - memory) }}

),

zoned as (

    -- the zones in which a score keeps the band it came from; day_code orders the days and
    -- carries the score, so the latest day outside a zone is one max() away
    select
        *,
        case when health_score >= {{ red - margin }} and health_score < {{ red + margin }} then 1 else 0 end
            as in_red_zone,
        case when health_score >= {{ green - margin }} and health_score < {{ green + margin }} then 1 else 0 end
            as in_green_zone,
        row_number() over (partition by account_id order by as_of_date) * 1000 + health_score as day_code
    from score_series

),

remembered as (

    select
        *,
        max(case when in_red_zone = 0 then day_code end) over memory_window as red_anchor_code,
        max(case when in_green_zone = 0 then day_code end) over memory_window as green_anchor_code,
        first_value(health_score) over memory_window as memory_first_score,
        avg(health_score) over (
            partition by account_id order by as_of_date rows between 6 preceding and current row
        ) as health_score_avg_7d
    from zoned
    window memory_window as (
        partition by account_id order by as_of_date rows between {{ memory - 1 }} preceding and current row
    )

),

banded as (

    select
        *,
        case
            when health_score >= {{ green }} then 'green'
            when health_score < {{ red }} then 'red'
            else 'yellow'
        end as raw_health_band,
        case
            when in_red_zone = 1 and red_anchor_code is not null
                then case when mod(red_anchor_code, 1000) < {{ red - margin }} then 'red' else 'yellow' end
            when in_red_zone = 1
                then case when memory_first_score < {{ red }} then 'red' else 'yellow' end
            when in_green_zone = 1 and green_anchor_code is not null
                then case when mod(green_anchor_code, 1000) >= {{ green + margin }} then 'green' else 'yellow' end
            when in_green_zone = 1
                then case when memory_first_score >= {{ green }} then 'green' else 'yellow' end
            when health_score < {{ red }} then 'red'
            when health_score >= {{ green }} then 'green'
            else 'yellow'
        end as health_band
    from remembered

),

final as (

    select
        cast(banded.account_id as {{ dbt.type_string() }}) as account_id,
        banded.as_of_date,
        cast(banded.health_band as {{ dbt.type_string() }}) as health_band,
        cast(banded.raw_health_band as {{ dbt.type_string() }}) as raw_health_band,
        cast(banded.health_score_avg_7d as decimal(9, 1)) as health_score_avg_7d,
        -- a sustained decline: engagement points down by sustained_decline_drop_pct or more over 8 weeks
        coalesce(
            scores_8_weeks_ago.sum_points_30d > 0
            and banded.sum_points_30d
            <= (1 - {{ var('sustained_decline_drop_pct') }} / 100.0) * scores_8_weeks_ago.sum_points_30d,
            false
        ) as is_sustained_decline,

        -- what the row was built from, so an incremental run knows what to rebuild
        cast('{{ band_settings }}' as {{ dbt.type_string() }}) as band_settings,
        cast((select max(latest.rebuilt_at) from scores as latest) as {{ dbt.type_timestamp() }}) as scores_rebuilt_at
    from banded
    left join scores as scores_8_weeks_ago
        on
            banded.account_id = scores_8_weeks_ago.account_id
            and {{ date_add_days('banded.as_of_date', -sustained_decline_lookback_days()) }}
            = scores_8_weeks_ago.as_of_date
    where banded.as_of_date >= banded.from_date and banded.as_of_date >= {{ history_start_date() }}

)

select * from final
