-- One row per account and day of the daily series (the published history and the burn-in
-- days before it): the inputs of the health score and, per component, its score, points
-- and maximum points, and the score itself. A row depends only on its own day's inputs and
-- the configuration. int_account_health_bands adds the band; account_health_daily
-- publishes the history days of both.
-- Incremental: each run rebuilds, per account, the days from the first one whose inputs
-- changed (or that is not built yet, or everything when the configuration changed) and
-- keeps the earlier ones.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['account_id', 'as_of_date'],
    on_schema_change='fail',
    pre_hook="{{ delete_rows_outside('select account_id, as_of_date from ' ~ ref('int_customer_days'), ['account_id', 'as_of_date']) }}"
) }}
-- depends_on: {{ ref('int_customer_days') }}
{%- set components = health_components() %}
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

-- the weights and scoring thresholds: when they change, every row is rebuilt
config_version as (

    {{ score_version_sql(ref('health_score_weights')) }}

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

scores as (

    {{ health_scores_wide_sql('batch_inputs') }}

),

final as (

    select
        cast(scores.account_id as {{ dbt.type_string() }}) as account_id,
        scores.as_of_date,
        scores.health_score,
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
