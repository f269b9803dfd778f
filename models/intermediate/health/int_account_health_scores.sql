-- One row per account and day of the daily series (the published history and the burn-in
-- days before it): the inputs of the health score, every component's score and points, the
-- score, its band and the 7-day average. account_health_daily publishes the history days.
-- A day's band looks back at most band_memory_days days and its other look-backs (7-day
-- average, 8-week comparison) stay inside the series, so a published row depends only on
-- what happened up to its day, never on where the window starts. Burn-in days keep their
-- score; their band and look-backs, which would reach before the series, stay empty.
-- Incremental: each run rebuilds, per account, the days from the first one whose inputs
-- changed (or that is not built yet, or everything when the configuration changed) and keeps
-- the earlier ones; the rebuilt days' bands and averages read the kept scores before them.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['account_id', 'as_of_date'],
    on_schema_change='fail',
    pre_hook=[
        "{{ delete_rows_outside('select account_id, as_of_date from ' ~ ref('int_customer_days'), ['account_id', 'as_of_date']) }}",
        "{{ clear_burn_in_looks_back() }}"
    ]
) }}
-- depends_on: {{ ref('int_customer_days') }}
{%- set components = health_components() %}
{%- set green = var('band_green_min_score') %}
{%- set red = var('band_red_below_score') %}
{%- set margin = var('band_hysteresis_points') %}
{%- set memory = var('band_memory_days') | int %}
{%- set input_columns = [
    'active_users_7d', 'active_users_30d', 'sum_points_30d', 'sum_points_prior_30d', 'sum_points_60d',
    'sum_silent_points_60d', 'silent_points_pct', 'count_active_days_28d', 'count_features_used_30d',
    'count_milestones_completed', 'last_active_date', 'days_since_last_active', 'licensed_seats',
    'engagement_basis_users', 'feature_adoption_pct', 'activation_pct', 'active_user_pct', 'active_days_pct',
    'tenure_days', 'count_open_urgent_tickets', 'count_bad_csat_90d', 'latest_nps_score', 'latest_nps_date',
    'count_overdue_invoices', 'has_invoices'
] %}
{%- set config_text = [] %}
{%- for name in ['band_memory_days', 'sustained_decline_drop_pct'] %}
    {%- do config_text.append(name ~ '=' ~ var(name)) %}
{%- endfor %}
with

inputs as (

    select * from {{ ref('int_account_health_inputs') }}

),

config_version as (

    {{ score_version_sql(ref('health_score_weights')) }}

),

-- the scoring configuration a row depends on (weights and thresholds, and the look-backs):
-- when it changes, every row is rebuilt
config_fingerprint as (

    select
        score_version,
        {{ dbt.hash(
            "score_version || '|" ~ config_text | join(';') ~ "'"
        ) }}
            as config_hash
    from config_version

),

{%- if is_incremental() %}

    existing as (

        select * from {{ this }}

    ),

    -- the first day to rebuild per account: a day not built yet, any input that differs from
    -- what the kept row was computed from, or everything when the configuration changed
    changes as (

        select
            inputs.account_id,
            inputs.as_of_date as from_date
        from inputs
        left join existing
            on
                inputs.account_id = existing.account_id
                and inputs.as_of_date = existing.as_of_date
        where existing.account_id is null

        union all
        select
            inputs.account_id,
            inputs.as_of_date
        from inputs
        cross join config_fingerprint
        where exists (
            select 1 from existing
            where existing.config_hash <> config_fingerprint.config_hash
        )

        -- a burn-in day that is now in the published history (as_of_date moved back)
        union all
        select
            existing.account_id,
            existing.as_of_date
        from existing
        where existing.as_of_date >= {{ history_start_date() }} and existing.health_band is null

        union all
        select
            existing.account_id,
            existing.as_of_date
        from existing
        inner join inputs
            on
                existing.account_id = inputs.account_id
                and existing.as_of_date = inputs.as_of_date
        where
            {%- for column in input_columns %}
                existing.{{ column }} is distinct from inputs.{{ column }}{% if not loop.last %} or{% endif %}
            {%- endfor %}

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
            min(as_of_date) as from_date
        from inputs
        group by account_id

    ),
{%- endif %}

batch_inputs as (

    select inputs.*
    from inputs
    inner join recompute_from
        on
            inputs.account_id = recompute_from.account_id
            and inputs.as_of_date >= recompute_from.from_date

),

-- a full build scores every day through int_account_health_components; an incremental
-- run scores only the rebuilt days, with the same macro that model is made of
components as (

    {%- if is_incremental() %}
        {{ health_components_sql('batch_inputs') }}
    {%- else %}
        select * from {{ ref('int_account_health_components') }}
    {%- endif %}

),

pivoted as (

    select
        account_id,
        as_of_date,
        max(health_score) as health_score,
        {%- for c in components %}
            max(case when component = '{{ c }}' then component_score end) as score_{{ c }},
            max(case when component = '{{ c }}' then points end) as points_{{ c }},
            max(case when component = '{{ c }}' then max_points end) as max_points_{{ c }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from components
    group by account_id, as_of_date

),

-- the rebuilt days' scores, after the kept scores the band memory and the average look back on
score_series as (

    select
        account_id,
        as_of_date,
        health_score,
        1 as is_rebuilt
    from pivoted
    {%- if is_incremental() %}

    union all
    select
        existing.account_id,
        existing.as_of_date,
        existing.health_score,
        0
    from existing
    inner join recompute_from
        on
            existing.account_id = recompute_from.account_id
            and existing.as_of_date < recompute_from.from_date
            and existing.as_of_date >= {{ date_add_days('recompute_from.from_date', 1 - memory) }}
    {%- endif %}

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

    -- inside a zone the band is that of the last day outside it within the memory; a score
    -- that stayed inside for the whole memory is judged, from the first day remembered, by
    -- the boundary itself
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
        cast(pivoted.account_id as {{ dbt.type_string() }}) as account_id,
        pivoted.as_of_date,
        cast(pivoted.health_score as integer) as health_score,
        -- the look-backs of a burn-in day would reach before the series: left empty
        cast(
            case when pivoted.as_of_date >= {{ history_start_date() }} then banded.health_band end
            as {{ dbt.type_string() }}
        ) as health_band,
        cast(banded.raw_health_band as {{ dbt.type_string() }}) as raw_health_band,
        cast(round(pivoted.score_engagement) as integer) as engagement_score,
        {%- for c in components %}
            cast(pivoted.score_{{ c }} as {{ type_double() }}) as score_{{ c }},
            cast(pivoted.points_{{ c }} as integer) as points_{{ c }},
            cast(pivoted.max_points_{{ c }} as decimal(9, 1)) as max_points_{{ c }},
        {%- endfor %}
        cast(
            case when pivoted.as_of_date >= {{ history_start_date() }} then banded.health_score_avg_7d end
            as decimal(9, 1)
        ) as health_score_avg_7d,
        -- a sustained decline: engagement points down by sustained_decline_drop_pct or more over 8 weeks
        case
            when pivoted.as_of_date >= {{ history_start_date() }}
                then coalesce(
                    inputs_8_weeks_ago.sum_points_30d > 0
                    and batch_inputs.sum_points_30d
                    <= (1 - {{ var('sustained_decline_drop_pct') }} / 100.0) * inputs_8_weeks_ago.sum_points_30d,
                    false
                )
        end as is_sustained_decline,
        {%- for column in input_columns %}
            batch_inputs.{{ column }},
        {%- endfor %}
        cast(config_fingerprint.score_version as {{ dbt.type_string() }}) as score_version,
        cast(config_fingerprint.config_hash as {{ dbt.type_string() }}) as config_hash,
        {{ run_started_at_sql() }} as rebuilt_at
    from pivoted
    inner join banded
        on
            pivoted.account_id = banded.account_id
            and pivoted.as_of_date = banded.as_of_date
    inner join batch_inputs
        on
            pivoted.account_id = batch_inputs.account_id
            and pivoted.as_of_date = batch_inputs.as_of_date
    left join inputs as inputs_8_weeks_ago
        on
            pivoted.account_id = inputs_8_weeks_ago.account_id
            and {{ date_add_days('pivoted.as_of_date', -sustained_decline_lookback_days()) }}
            = inputs_8_weeks_ago.as_of_date
    cross join config_fingerprint

)

select * from final
