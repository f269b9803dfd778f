-- One row per account and day of the daily series (history and burn-in): the health score, per component
-- its 0..100 score, whole points and maximum points, and the inputs (a row depends only on its day's inputs
-- and the configuration). The curves are in int_account_health_component_scores; here, in one wide row per
-- account and day, they are weighted (a component without data is left out, its weight spread over the
-- rest) and whole points go by largest remainder, adding up exactly to the score (decimal sums: exact on
-- every engine). Incremental: the curves model chooses the batch (the days whose inputs or configuration
-- changed); this table rebuilds the rows it rebuilt since this one was last built (a filter on rebuilt_at,
-- which reads only the newly written row groups) and deletes the days that are no longer customer days
-- (the days the curves model no longer has, found without joining the two tables).
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['account_id', 'as_of_date'],
    on_schema_change='fail',
    pre_hook="{{ delete_non_customer_days(ref('stg_crm__accounts')) }}"
) }}
{%- set components = health_component_names(ref('health_components')) %}
{%- set input_columns = health_input_columns() %}
with

weights as (  -- per scorecard; an empty scorecard is the established one

    select
        coalesce(scorecard, 'established') as scorecard,
        component,
        cast(weight as {{ type_double() }}) as weight,
        cast(weight as decimal(18, 6)) as decimal_weight
    from {{ ref('health_score_weights') }}

),

-- the weights and scoring thresholds (the curves model rebuilds every day when they change)
config_version as (

    {{ score_version_sql('weights') }}

),

-- the days the curves model rebuilt since this table was last built (all on a full build)
batch as (

    select * from {{ ref('int_account_health_component_scores') }}
    {%- if is_incremental() %}
        where rebuilt_at > {{ incremental_max_timestamp('rebuilt_at') }}
    {%- endif %}

),

-- the weights of both scorecards in one row, a column per scorecard and component (null: not in it)
scorecard_weights as (

    select
        max(case when scorecard = 'onboarding' then 1 else 0 end) as has_onboarding,
        {%- for card in ['established', 'onboarding'] %}{% for c in components %}
            max(case when scorecard = '{{ card }}' and component = '{{ c }}' then weight end) as {{ card }}_weight_{{ c }},
            max(case when scorecard = '{{ card }}' and component = '{{ c }}' then decimal_weight end) as {{ card }}_decimal_weight_{{ c }},
        {%- endfor %}{% endfor %}
        max(case when scorecard = 'established' then 1 else 0 end) as has_established
    from weights

),

-- one wide row per account and day: per component (one join each, in the order of seeds/health_components.csv;
-- none before the seed is loaded: dbt parse, lint) its score and whether it has data; and the day's scorecard
pivoted as (

    select
        batch.account_id,
        batch.as_of_date,
        {%- for c in components %}
            batch.score_{{ c }},
            case when batch.is_available_{{ c }} then 1 else 0 end as available_{{ c }},
        {%- endfor %}
        case
            when batch.tenure_days < {{ var('onboarding_days') }} and scorecard_weights.has_onboarding = 1 then 'onboarding'
            else 'established'
        end as scorecard
    from batch
    cross join scorecard_weights

),

-- the day's scorecard weights and the weight of the components with data (decimal: exact)
weighted as {{ materialized_cte() }} (

    select
        pivoted.*,
        {%- for c in components %}
            case pivoted.scorecard when 'onboarding' then onboarding_weight_{{ c }} else established_weight_{{ c }} end as weight_{{ c }},
        {%- endfor %}
        cast(
            {%- for c in components %}
                case when pivoted.available_{{ c }} = 0 then 0 when pivoted.scorecard = 'onboarding' then coalesce(onboarding_decimal_weight_{{ c }}, 0) else coalesce(established_decimal_weight_{{ c }}, 0) end +
            {%- endfor %}
            0 as {{ type_double() }}
        ) as available_weight
    from pivoted
    cross join scorecard_weights
    where pivoted.scorecard = 'onboarding' or scorecard_weights.has_established = 1  -- no weights: not scored

),

-- a component without data is left out: its weight is spread over those with data
exact as {{ materialized_cte() }} (

    select
        account_id,
        as_of_date,
        scorecard,
        {%- for c in components %}
            score_{{ c }},
            available_{{ c }},
            weight_{{ c }},
            case when available_{{ c }} = 1 then weight_{{ c }} / nullif(available_weight, 0) else 0 end as effective_weight_{{ c }},
            cast(case when available_{{ c }} = 1 then {{ round_to('score_' ~ c ~ ' * weight_' ~ c ~ ' / nullif(available_weight, 0)', 6) }}
                else 0 end as decimal(18, 6)) as exact_points_{{ c }},
        {%- endfor %}
        available_weight
    from weighted

),

-- the score is the rounded sum of exact points
floored as {{ materialized_cte() }} (

    select
        exact.*,
        {%- for c in components %}
            exact_points_{{ c }} - floor(exact_points_{{ c }}) as remainder_{{ c }},
        {%- endfor %}
        round({% for c in components %}coalesce(exact_points_{{ c }}, 0) + {% endfor %}0) as health_score,
        {% for c in components %}coalesce(floor(exact_points_{{ c }}), 0) + {% endfor %}0 as floor_total
    from exact

),

-- whole points: the floor of the exact points, plus one for the largest remainders until they add up to
-- the score (ties by component name); a component's remainder rank is 1 + the components ahead of it
scores as (

    select
        account_id,
        as_of_date,
        scorecard,
        {%- for c in components %}
            case when weight_{{ c }} is not null and available_{{ c }} = 1 then score_{{ c }} end as component_score_{{ c }},
            case when weight_{{ c }} is not null then cast({{ round_to('100 * effective_weight_' ~ c, 1) }} as decimal(9, 1)) end as max_points_{{ c }},
            case when weight_{{ c }} is not null then floor(exact_points_{{ c }}) + case
                when 1
                    {%- for other in components if other != c %}
                        + case when weight_{{ other }} is not null and remainder_{{ other }} {{ '>=' if other < c else '>' }} remainder_{{ c }} then 1 else 0 end
                    {%- endfor %}
                    <= health_score - floor_total then 1 else 0
            end end as points_{{ c }},
        {%- endfor %}
        health_score
    from floored

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
            batch.{{ column }},
        {%- endfor %}
        cast(config_version.score_version as {{ dbt.type_string() }}) as score_version,
        {{ run_started_at_sql() }} as rebuilt_at
    from scores
    inner join batch
        on scores.account_id = batch.account_id and scores.as_of_date = batch.as_of_date
    cross join config_version

)

select * from final
