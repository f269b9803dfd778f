{% macro health_component_definitions() %}
    {#- Per health component, over one row of int_account_health_inputs (plus points_per_seat):
        its raw value, a short fact, whether it has data, and its 0..100 score. A component
        without data is not scored as zero: its weight is spread over the others. -#}
    {%- set low = var('adoption_low_pct') -%}
    {%- set high = var('adoption_high_pct') -%}
    {%- set trend_zero = var('trend_zero_ratio_pct') -%}
    {{ return({
        'engagement': {
            'raw_value': 'points_per_seat',
            'value': "cast(points_per_seat as " ~ dbt.type_string() ~ ")",
            'unit': " activity points per licensed seat in 30 days",
            'available': 'true',
            'score': "least(100.0, 100.0 * ln(1 + points_per_seat) / ln(1 + " ~ var('engagement_seat_target_points') ~ "))"
        },
        'engagement_trend': {
            'raw_value': pct('sum_points_30d', 'sum_points_prior_30d'),
            'value': "cast(" ~ pct('sum_points_30d', 'sum_points_prior_30d') ~ " as " ~ dbt.type_string() ~ ") || '%'",
            'unit': " of the previous 30 days' activity",
            'available': 'coalesce(sum_points_prior_30d > 0, false)',
            'score': "case when sum_points_prior_30d > 0 then greatest(0.0, least(100.0, 100.0 * (100.0 * sum_points_30d"
                ~ " / sum_points_prior_30d - " ~ trend_zero ~ ") / (100 - " ~ trend_zero ~ "))) end"
        },
        'engagement_vs_baseline': {
            'raw_value': 'baseline_ratio_pct',
            'value': "cast(baseline_ratio_pct as " ~ dbt.type_string() ~ ") || '%'",
            'unit': " of the account's own usual activity (last " ~ var('baseline_recent_days') ~ " days against the "
                ~ var('baseline_days') ~ " before)",
            'available': 'coalesce(sum_points_baseline > 0, false)',
            'score': "case when sum_points_baseline > 0 then greatest(0.0, least(100.0, 100.0 * (baseline_ratio_pct - "
                ~ var('baseline_zero_ratio_pct') ~ ") / (" ~ var('baseline_full_ratio_pct') ~ " - "
                ~ var('baseline_zero_ratio_pct') ~ "))) end"
        },
        'silent_users': {
            'raw_value': 'silent_points_pct',
            'value': "cast(silent_points_pct as " ~ dbt.type_string() ~ ") || '%'",
            'unit': " of the last 60 days' activity from users silent for " ~ var('champion_dark_days') ~ "+ days",
            'available': 'coalesce(sum_points_60d > 0, false)',
            'score': "case when sum_points_60d > 0 then greatest(0.0, 100.0 - 100.0 * silent_points_pct / "
                ~ var('silent_share_zero_pct') ~ ") end"
        },
        'usage_frequency': {
            'raw_value': 'active_days_pct',
            'value': "cast(count_active_days_28d as " ~ dbt.type_string() ~ ")",
            'unit': " of the last 28 days with an active user",
            'available': 'true',
            'score': "least(100.0, 100.0 * active_days_pct / " ~ var('frequency_target_pct') ~ ")"
        },
        'feature_adoption': {
            'raw_value': 'feature_adoption_pct',
            'value': "cast(feature_adoption_pct as " ~ dbt.type_string() ~ ") || '%'",
            'unit': " of key features used in 30 days",
            'available': 'true',
            'score': "case when feature_adoption_pct >= " ~ high ~ " then 100.0 when feature_adoption_pct < " ~ low
                ~ " then 50.0 * feature_adoption_pct / " ~ low ~ " else 50.0 + 50.0 * (feature_adoption_pct - " ~ low
                ~ ") / (" ~ high ~ " - " ~ low ~ ") end"
        },
        'activation': {
            'raw_value': 'activation_pct',
            'value': "cast(count_milestones_completed as " ~ dbt.type_string() ~ ")",
            'unit': " onboarding milestones reached",
            'available': 'true',
            'score': "cast(activation_pct as " ~ type_double() ~ ")"
        },
        'seat_utilisation': {
            'raw_value': 'active_user_pct',
            'value': "cast(active_users_30d as " ~ dbt.type_string() ~ ") || ' of ' || cast(licensed_seats as "
                ~ dbt.type_string() ~ ")",
            'unit': " licensed seats active in 30 days",
            'available': 'coalesce(licensed_seats > 0, false)',
            'score': "case when licensed_seats > 0 then least(100.0, 100.0 * active_user_pct / "
                ~ var('seat_utilisation_target_pct') ~ ") end"
        },
        'recency': {
            'raw_value': 'days_since_last_active',
            'value': "coalesce(cast(days_since_last_active as " ~ dbt.type_string() ~ "), 'never active')",
            'unit': " days since the last meaningful activity",
            'available': 'true',
            'score': "case when days_since_last_active is null then 0.0 else greatest(0.0, least(100.0, 100.0 * ("
                ~ var('recency_zero_days') ~ " - days_since_last_active) / (" ~ var('recency_zero_days') ~ " - 1))) end"
        },
        'tenure': {
            'raw_value': 'tenure_days',
            'value': "cast(tenure_days as " ~ dbt.type_string() ~ ")",
            'unit': " days a customer",
            'available': 'true',
            'score': "least(100.0, 100.0 * tenure_days / " ~ var('tenure_mature_days') ~ ")"
        },
        'support': {
            'raw_value': 'count_open_urgent_tickets + count_bad_csat_90d',
            'value': "cast(count_open_urgent_tickets as " ~ dbt.type_string() ~ ") || ' open high/urgent, ' || cast("
                ~ "count_bad_csat_90d as " ~ dbt.type_string() ~ ") || ' rated bad'",
            'unit': " tickets",
            'available': 'has_tickets',
            'score': "case when has_tickets then greatest(0.0, 100.0 - " ~ var('support_points_per_open_urgent_ticket')
                ~ " * count_open_urgent_tickets - " ~ var('support_points_per_bad_csat') ~ " * count_bad_csat_90d) end"
        },
        'sentiment': {
            'raw_value': 'latest_nps_score',
            'value': "cast(latest_nps_score as " ~ dbt.type_string() ~ ")",
            'unit': " out of 10 on the latest NPS answer",
            'available': 'latest_nps_score is not null',
            'score': '10.0 * latest_nps_score'
        },
        'billing': {
            'raw_value': 'count_overdue_invoices',
            'value': "cast(count_overdue_invoices as " ~ dbt.type_string() ~ ")",
            'unit': " overdue invoices",
            'available': 'has_invoices',
            'score': "case when has_invoices then greatest(0.0, 100.0 - " ~ var('billing_points_per_overdue_invoice')
                ~ " * count_overdue_invoices) end"
        }
    }) }}
{% endmacro %}

{% macro health_scores_wide_sql(inputs_relation, with_text=false) %}
{#- The health score of every row of inputs_relation (shaped like int_account_health_inputs),
    one row per account and day with, per component c: raw_value_c, is_available_c,
    component_score_c (0..100), weight_c, effective_weight_c (its weight after spreading the
    weight of components without data), max_points_c, exact_points_c and points_c (whole
    points). Points are allocated by largest remainder, so they add up exactly to
    health_score and every point of movement belongs to a named component. Weighted sums are
    decimal, so they are exact on every engine and in any order. With with_text, also the
    short fact: its value raw_value_text_c (e.g. '73.6%') and its unit, a fixed text per
    component (' of the previous 30 days' activity'), so a change reads 'before -> after unit'. A component missing from seeds/health_score_weights is left
    out (its columns are null). -#}
{%- set components = health_components() %}
{%- set definitions = health_component_definitions() %}
with

weights as (

    select
        coalesce(scorecard, 'established') as scorecard,
        {%- for c in components %}
            max(case when component = '{{ c }}' then cast(weight as {{ type_double() }}) end) as weight_{{ c }},
            max(case when component = '{{ c }}' then cast(weight as decimal(18, 6)) end) as decimal_weight_{{ c }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('health_score_weights') }}
    group by coalesce(scorecard, 'established')

),

-- the scorecard of each row: onboarding while younger than onboarding_days (when the seed has
-- an onboarding scorecard), established after
inputs as (

    select
        inputs.*,
        {{ round_to('inputs.sum_points_30d / inputs.engagement_basis_users', 2) }} as points_per_seat,
        case
            when inputs.tenure_days < {{ var('onboarding_days') }} and scorecards.has_onboarding = 1 then 'onboarding'
            else 'established'
        end as scorecard
    from {{ inputs_relation }} as inputs
    cross join (
        select max(case when scorecard = 'onboarding' then 1 else 0 end) as has_onboarding from weights
    ) as scorecards

),

scored as {{ materialized_cte() }} (

    select
        inputs.account_id,
        inputs.as_of_date,
        inputs.scorecard,
        {%- for c in components %}
            cast({{ definitions[c].raw_value }} as {{ type_double() }}) as raw_value_{{ c }},
            {%- if with_text %}
                {{ definitions[c].value }} as raw_value_text_{{ c }},
            {%- endif %}
            {{ definitions[c].available }} as is_available_{{ c }},
            cast({{ round_to(definitions[c].score, 1) }} as {{ type_double() }}) as component_score_{{ c }},
            weights.weight_{{ c }},
            weights.decimal_weight_{{ c }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from inputs
    inner join weights
        on inputs.scorecard = weights.scorecard

),

weighted as (

    select
        *,
        cast(
            {%- for c in components %}
                case when is_available_{{ c }} then coalesce(decimal_weight_{{ c }}, 0) else 0 end
                {%- if not loop.last %} +{% endif %}
            {%- endfor %}
            as {{ type_double() }}
        ) as available_weight
    from scored

),

exact as {{ materialized_cte() }} (

    select
        *,
        {%- for c in components %}
            case
                when is_available_{{ c }} then weight_{{ c }} / nullif(available_weight, 0) else 0
            end as effective_weight_{{ c }},
            cast(
                case
                    when is_available_{{ c }}
                        then {{ round_to('component_score_' ~ c ~ ' * weight_' ~ c ~ ' / nullif(available_weight, 0)', 6) }}
                    else 0
                end as decimal(18, 6)
            ) as exact_points_{{ c }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from weighted

),

floored as {{ materialized_cte() }} (

    select
        *,
        {%- for c in components %}
            floor(exact_points_{{ c }}) as floor_points_{{ c }},
            exact_points_{{ c }} - floor(exact_points_{{ c }}) as remainder_points_{{ c }},
        {%- endfor %}
        round(
            {%- for c in components %}
                coalesce(exact_points_{{ c }}, 0){% if not loop.last %} +{% endif %}
            {%- endfor %}
        ) as health_score,
        {%- for c in components %}
            coalesce(floor(exact_points_{{ c }}), 0){% if not loop.last %} +{% endif %}
        {%- endfor %} as floor_total
    from exact

),

-- largest remainder first, ties by component name: the whole points left after flooring go
-- to the components with the largest remainders
allocated as (

    select
        *,
        {%- for c in components %}
            1
            {%- for other in components if other != c %}
                + case
                    when
                        weight_{{ other }} is not null
                        and (
                            remainder_points_{{ other }} > remainder_points_{{ c }}
                            {%- if other < c %}
                                or remainder_points_{{ other }} = remainder_points_{{ c }}
                            {%- endif %}
                        )
                        then 1
                    else 0
                end
            {%- endfor %} as remainder_rank_{{ c }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from floored

),

final as (

    select
        account_id,
        as_of_date,
        cast(scorecard as {{ dbt.type_string() }}) as scorecard,
        cast(health_score as integer) as health_score,
        {%- for c in components %}
            raw_value_{{ c }},
            {%- if with_text %}
                raw_value_text_{{ c }},
            {%- endif %}
            is_available_{{ c }},
            case when is_available_{{ c }} and weight_{{ c }} is not null then component_score_{{ c }} end
                as component_score_{{ c }},
            weight_{{ c }},
            case when weight_{{ c }} is not null then cast({{ round_to('effective_weight_' ~ c, 6) }} as {{ type_double() }}) end
                as effective_weight_{{ c }},
            case when weight_{{ c }} is not null then cast({{ round_to('100 * effective_weight_' ~ c, 1) }} as decimal(9, 1)) end
                as max_points_{{ c }},
            case when weight_{{ c }} is not null then cast(exact_points_{{ c }} as {{ type_double() }}) end
                as exact_points_{{ c }},
            case
                when weight_{{ c }} is not null
                    then cast(
                        floor_points_{{ c }}
                        + case when remainder_rank_{{ c }} <= health_score - floor_total then 1 else 0 end
                        as integer
                    )
            end as points_{{ c }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from allocated

)

select * from final
{% endmacro %}

{% macro health_components_sql(inputs_relation) %}
{#- int_account_health_components: health_scores_wide_sql turned into one row per account,
    day and component (those with a weight), with the short fact of each. -#}
{%- set components = health_components() %}
{%- set definitions = health_component_definitions() %}
with

wide as (

    {{ health_scores_wide_sql(inputs_relation, with_text=true) }}

),

components as (

    {%- for c in components %}
        select
            account_id,
            as_of_date,
            scorecard,
            '{{ c }}' as component,
            raw_value_{{ c }} as raw_value,
            raw_value_text_{{ c }} as raw_value_text,
            cast('{{ definitions[c].unit | replace("'", "''") }}' as {{ dbt.type_string() }}) as raw_value_unit,
            is_available_{{ c }} as is_available,
            component_score_{{ c }} as component_score,
            weight_{{ c }} as weight,
            effective_weight_{{ c }} as effective_weight,
            max_points_{{ c }} as max_points,
            exact_points_{{ c }} as exact_points,
            points_{{ c }} as points,
            health_score
        from wide
        where weight_{{ c }} is not null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

)

select * from components
{% endmacro %}
