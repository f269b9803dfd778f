-- One row per account, customer day and health component: the raw value, a 0..100
-- component score, the weight it gets that day and the points it earns. A component with
-- no data (no NPS answer, no licensed seats, no invoices) is not scored as zero: it is
-- left out and its weight is spread over the available ones. Points are whole numbers
-- allocated by largest remainder, so they always add up exactly to the health score and
-- every point of movement belongs to a named component.
{%- set low = var('adoption_low_pct') %}
{%- set high = var('adoption_high_pct') %}
with

inputs as (

    select * from {{ ref('int_account_health_inputs') }}

),

weights as (

    select
        cast(component as {{ dbt.type_string() }}) as component,
        cast(weight as {{ type_double() }}) as weight
    from {{ ref('health_score_weights') }}

),

engagement as (

    select
        *,
        round(sum_points_30d / engagement_basis_users, 2) as points_per_seat
    from inputs

),

scored as (

    -- one branch per component: raw value, a short fact, availability and the 0..100 score
    select
        account_id,
        as_of_date,
        'engagement' as component,
        cast(points_per_seat as {{ type_double() }}) as raw_value,
        cast(points_per_seat as {{ dbt.type_string() }}) || ' points per seat' as raw_value_text,
        true as is_available,
        least(100.0, 100.0 * ln(1 + points_per_seat) / ln(1 + {{ var('engagement_seat_target_points') }}))
            as component_score
    from engagement

    union all
    select
        account_id,
        as_of_date,
        'engagement_trend',
        cast({{ pct('sum_points_30d', 'sum_points_prior_30d') }} as {{ type_double() }}),
        cast({{ pct('sum_points_30d', 'sum_points_prior_30d') }} as {{ dbt.type_string() }})
        || '% of the previous 30 days'' points',
        coalesce(sum_points_prior_30d > 0, false),
        case
            when sum_points_prior_30d > 0
                then greatest(0.0, least(
                    100.0,
                    100.0 * (100.0 * sum_points_30d / sum_points_prior_30d - {{ var('trend_zero_ratio_pct') }})
                    / (100 - {{ var('trend_zero_ratio_pct') }})
                ))
        end
    from inputs

    union all
    select
        account_id,
        as_of_date,
        'silent_users',
        cast(silent_points_pct as {{ type_double() }}),
        cast(silent_points_pct as {{ dbt.type_string() }})
        || '% of 60-day engagement from users silent {{ var("champion_dark_days") }}+ days',
        coalesce(sum_points_60d > 0, false),
        case
            when sum_points_60d > 0
                then greatest(0.0, 100.0 - 100.0 * silent_points_pct / {{ var('silent_share_zero_pct') }})
        end
    from inputs

    union all
    select
        account_id,
        as_of_date,
        'usage_frequency',
        cast(active_days_pct as {{ type_double() }}),
        'active ' || cast(count_active_days_28d as {{ dbt.type_string() }}) || ' of 28 days',
        true,
        least(100.0, 100.0 * active_days_pct / {{ var('frequency_target_pct') }})
    from inputs

    union all
    select
        account_id,
        as_of_date,
        'feature_adoption',
        cast(feature_adoption_pct as {{ type_double() }}),
        cast(feature_adoption_pct as {{ dbt.type_string() }}) || '% of key features',
        true,
        case
            when feature_adoption_pct >= {{ high }} then 100.0
            when feature_adoption_pct < {{ low }} then 50.0 * feature_adoption_pct / {{ low }}
            else 50.0 + 50.0 * (feature_adoption_pct - {{ low }}) / ({{ high }} - {{ low }})
        end
    from inputs

    union all
    select
        account_id,
        as_of_date,
        'activation',
        cast(activation_pct as {{ type_double() }}),
        'milestones reached: ' || cast(count_milestones_completed as {{ dbt.type_string() }}),
        true,
        cast(activation_pct as {{ type_double() }})
    from inputs

    union all
    select
        account_id,
        as_of_date,
        'seat_utilisation',
        cast(active_user_pct as {{ type_double() }}),
        cast(active_users_30d as {{ dbt.type_string() }}) || ' of '
        || cast(licensed_seats as {{ dbt.type_string() }}) || ' seats active',
        coalesce(licensed_seats > 0, false),
        case
            when licensed_seats > 0
                then least(100.0, 100.0 * active_user_pct / {{ var('seat_utilisation_target_pct') }})
        end
    from inputs

    union all
    select
        account_id,
        as_of_date,
        'recency',
        cast(days_since_last_active as {{ type_double() }}),
        case
            when days_since_last_active is null then 'never active'
            else cast(days_since_last_active as {{ dbt.type_string() }}) || ' days since last activity'
        end,
        true,
        case
            when days_since_last_active is null then 0.0
            else greatest(0.0, least(
                100.0,
                100.0 * ({{ var('recency_zero_days') }} - days_since_last_active)
                / ({{ var('recency_zero_days') }} - 1)
            ))
        end
    from inputs

    union all
    select
        account_id,
        as_of_date,
        'tenure',
        cast(tenure_days as {{ type_double() }}),
        cast(tenure_days as {{ dbt.type_string() }}) || ' days a customer',
        true,
        least(100.0, 100.0 * tenure_days / {{ var('tenure_mature_days') }})
    from inputs

    union all
    select
        account_id,
        as_of_date,
        'support',
        cast(count_open_urgent_tickets + count_bad_csat_90d as {{ type_double() }}),
        'open high/urgent tickets: ' || cast(count_open_urgent_tickets as {{ dbt.type_string() }})
        || ', rated bad in 90 days: ' || cast(count_bad_csat_90d as {{ dbt.type_string() }}),
        true,
        greatest(
            0.0, 100.0
            - {{ var('support_points_per_open_urgent_ticket') }} * count_open_urgent_tickets
            - {{ var('support_points_per_bad_csat') }} * count_bad_csat_90d
        )
    from inputs

    union all
    select
        account_id,
        as_of_date,
        'sentiment',
        cast(latest_nps_score as {{ type_double() }}),
        'latest NPS ' || cast(latest_nps_score as {{ dbt.type_string() }}),
        latest_nps_score is not null,
        10.0 * latest_nps_score
    from inputs

    union all
    select
        account_id,
        as_of_date,
        'billing',
        cast(count_overdue_invoices as {{ type_double() }}),
        'overdue invoices: ' || cast(count_overdue_invoices as {{ dbt.type_string() }}),
        has_invoices,
        case
            when has_invoices then greatest(
                0.0,
                100.0 - {{ var('billing_points_per_overdue_invoice') }} * count_overdue_invoices
            )
        end
    from inputs

),

weighted as (

    select
        scored.account_id,
        scored.as_of_date,
        scored.component,
        scored.raw_value,
        scored.raw_value_text,
        scored.is_available,
        round(cast(scored.component_score as {{ type_double() }}), 1) as component_score,
        weights.weight,
        sum(case when scored.is_available then weights.weight else 0 end)
            over (partition by scored.account_id, scored.as_of_date) as available_weight
    from scored
    inner join weights
        on scored.component = weights.component

),

exact as (

    select
        *,
        case when is_available then weight / nullif(available_weight, 0) else 0 end as effective_weight,
        case
            when is_available then round(component_score * weight / nullif(available_weight, 0), 6)
            else 0
        end as exact_points
    from weighted

),

floored as (

    select
        *,
        floor(exact_points) as floor_points,
        exact_points - floor(exact_points) as remainder_points,
        round(sum(exact_points) over (partition by account_id, as_of_date)) as health_score,
        sum(floor(exact_points)) over (partition by account_id, as_of_date) as floor_total
    from exact

),

allocated as (

    select
        *,
        row_number() over (
            partition by account_id, as_of_date order by remainder_points desc, component asc
        ) as remainder_rank
    from floored

),

final as (

    select
        account_id,
        as_of_date,
        component,
        raw_value,
        raw_value_text,
        is_available,
        case when is_available then component_score end as component_score,
        weight,
        cast(round(effective_weight, 6) as {{ type_double() }}) as effective_weight,
        cast(round(100 * effective_weight, 1) as decimal(9, 1)) as max_points,
        cast(exact_points as {{ type_double() }}) as exact_points,
        cast(floor_points + case when remainder_rank <= health_score - floor_total then 1 else 0 end as integer)
            as points,
        cast(health_score as integer) as health_score
    from allocated

)

select * from final
