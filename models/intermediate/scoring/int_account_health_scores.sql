-- One row per account and day of the daily series (history and burn-in): the health score,
-- per component its 0..100 score, whole points and maximum points, and the inputs it was
-- computed from (a row depends only on its own day's inputs and the configuration). The
-- curves are in int_account_health_component_scores; here components are weighted: one
-- without data is left out and its weight spread over the rest, and whole points go by
-- largest remainder, so they add up exactly to the score (weighted sums are decimal: exact
-- on every engine). Incremental: per account, the days from the first one whose inputs
-- changed (or not built yet; all when the configuration changed); days no longer in the
-- inputs are deleted first. int_account_health_bands adds the band.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['account_id', 'as_of_date'],
    on_schema_change='fail',
    pre_hook="{{ delete_rows_outside('select account_id, as_of_date from ' ~ ref('int_account_health_inputs'), ['account_id', 'as_of_date']) }}"
) }}
{%- set components = health_component_names(ref('health_components')) %}
{%- set input_columns = [
    'active_users_7d', 'active_users_30d', 'sum_points_30d', 'sum_points_prior_30d', 'sum_points_60d',
    'sum_points_recent', 'sum_points_baseline', 'baseline_ratio_pct',
    'sum_silent_points_60d', 'silent_points_pct', 'count_active_days_28d', 'count_features_used_30d',
    'count_milestones_completed', 'last_active_date', 'days_since_last_active', 'licensed_seats',
    'engagement_basis_users', 'feature_adoption_pct', 'activation_pct', 'active_user_pct', 'active_days_pct',
    'tenure_days', 'count_open_urgent_tickets', 'count_bad_csat_90d', 'has_tickets', 'latest_nps_score', 'latest_nps_date',
    'count_overdue_invoices', 'has_invoices'
] %}
with

inputs as (

    select * from {{ ref('int_account_health_inputs') }}

),

component_scores as (

    select * from {{ ref('int_account_health_component_scores') }}

),

weights as (  -- per scorecard; an empty scorecard is the established one

    select
        coalesce(scorecard, 'established') as scorecard,
        component,
        cast(weight as {{ type_double() }}) as weight,
        cast(weight as decimal(18, 6)) as decimal_weight
    from {{ ref('health_score_weights') }}

),

-- the weights and scoring thresholds: when they change, every row is rebuilt
config_version as (

    {{ score_version_sql('weights') }}

),

{%- if is_incremental() %}

    existing as (

        select * from {{ this }}

    ),

    -- the first day to rebuild per account: a day not built yet, any input that differs from
    -- what the kept row was computed from, or everything when the configuration changed
    changes as (

        {{ days_not_built_or_reconfigured(
            'inputs', 'existing',
            'existing.score_version <> config_version.score_version', config='config_version'
        ) }}

        union all
        {{ days_with_changed_values('existing', 'inputs', input_columns) }}

    ),

    recompute_from as (

        select
            account_id,
            min(from_date) as from_date
        from changes
        group by account_id

    ),

    batch_inputs as (

        select inputs.*
        from inputs
        inner join recompute_from
            on
                inputs.account_id = recompute_from.account_id
                and inputs.as_of_date >= recompute_from.from_date

    ),
{%- else %}

    batch_inputs as (

        select * from inputs

    ),
{%- endif %}

has_onboarding as (

    select max(case when scorecard = 'onboarding' then 1 else 0 end) as flag from weights

),

-- the scorecard of each day: onboarding while younger than onboarding_days (if the seed has one)
scorecards as (

    select
        batch_inputs.account_id,
        batch_inputs.as_of_date,
        case
            when batch_inputs.tenure_days < {{ var('onboarding_days') }} and has_onboarding.flag = 1 then 'onboarding'
            else 'established'
        end as scorecard
    from batch_inputs
    cross join has_onboarding

),

-- each component that has a weight in the day's scorecard, and the weight of those with data
weighted as {{ materialized_cte() }} (

    select
        component_scores.*,
        scorecards.scorecard,
        weights.weight,
        cast(
            sum(case when component_scores.is_available then weights.decimal_weight else 0 end) over (
                partition by component_scores.account_id, component_scores.as_of_date
            ) as {{ type_double() }}
        ) as available_weight
    from component_scores
    inner join scorecards
        on
            component_scores.account_id = scorecards.account_id
            and component_scores.as_of_date = scorecards.as_of_date
    inner join weights
        on
            scorecards.scorecard = weights.scorecard
            and component_scores.component = weights.component

),

exact as (

    select
        *,
        case when is_available then weight / nullif(available_weight, 0) else 0 end as effective_weight,
        cast(
            case
                when is_available then {{ round_to('component_score * weight / nullif(available_weight, 0)', 6) }}
                else 0
            end as decimal(18, 6)
        ) as exact_points
    from weighted

),

-- the score is the rounded sum of exact points; the whole points left after flooring go to
-- the largest remainders, ties by component name
floored as (

    select
        *,
        floor(exact_points) as floor_points,
        round(sum(exact_points) over (partition by account_id, as_of_date)) as health_score,
        sum(floor(exact_points)) over (partition by account_id, as_of_date) as floor_total,
        row_number() over (
            partition by account_id, as_of_date
            order by exact_points - floor(exact_points) desc nulls last, component asc
        ) as remainder_rank
    from exact

),

points as (

    select
        account_id,
        as_of_date,
        component,
        scorecard,
        health_score,
        case when is_available then component_score end as component_score,
        cast({{ round_to('100 * effective_weight', 1) }} as decimal(9, 1)) as max_points,
        cast(
            floor_points + case when remainder_rank <= health_score - floor_total then 1 else 0 end
            as integer
        ) as points
    from floored

),

-- a row per account and day, columns per component (in the order of seeds/health_components.csv)
scores as (

    select
        account_id,
        as_of_date,
        max(scorecard) as scorecard,
        {%- for c in components %}
            max(case when component = '{{ c }}' then component_score end) as component_score_{{ c }},
            max(case when component = '{{ c }}' then points end) as points_{{ c }},
            max(case when component = '{{ c }}' then max_points end) as max_points_{{ c }},
        {%- endfor %}
        max(health_score) as health_score
    from points
    group by account_id, as_of_date

),

final as (

    select
        cast(scores.account_id as {{ dbt.type_string() }}) as account_id,
        scores.as_of_date,
        cast(scores.health_score as integer) as health_score,
        cast(scores.scorecard as {{ dbt.type_string() }}) as scorecard,
        cast({{ round_to('scores.component_score_engagement') }} as integer) as engagement_score,
        {%- for c in components %}
            cast(scores.component_score_{{ c }} as {{ type_double() }}) as score_{{ c }},
            cast(scores.points_{{ c }} as integer) as points_{{ c }},
            cast(scores.max_points_{{ c }} as decimal(9, 1)) as max_points_{{ c }},
        {%- endfor %}
        {%- for column in input_columns %}
            batch_inputs.{{ column }},
        {%- endfor %}
        cast(config_version.score_version as {{ dbt.type_string() }}) as score_version,
        {{ run_started_at_sql() }} as rebuilt_at
    from scores
    inner join batch_inputs
        on
            scores.account_id = batch_inputs.account_id
            and scores.as_of_date = batch_inputs.as_of_date
    cross join config_version

)

select * from final
