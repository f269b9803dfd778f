-- One row per account, customer day and health component: the component's raw value, the
-- short texts its sentences quote, whether it has data, and its 0..100 score. This is the
-- one place a component is defined: each block below is one component, its curve a plain
-- `case` (or least/greatest) over int_account_health_inputs. Its label, unit and sentence
-- templates are in seeds/health_components.csv, its weight per scorecard in
-- seeds/health_score_weights.csv; int_account_health_scores turns the scores into points.
-- A component without data (is_available false) is not scored as zero: its weight is
-- spread over the others. Texts: value_text is the value as a change quotes it
-- ('73.6%'); driver_figure and driver_note fill the {figure} and {note} of the driver
-- template. Scores are cast to decimal(38, 10) here and rounded to one decimal below.
{{ config(materialized='ephemeral') }}
{%- set text = dbt.type_string() %}
{%- set low = var('adoption_low_pct') %}
{%- set high = var('adoption_high_pct') %}
{%- set trend_zero = var('trend_zero_ratio_pct') %}
{%- set baseline_zero = var('baseline_zero_ratio_pct') %}
{%- set recency_zero = var('recency_zero_days') %}
with

inputs as (

    select
        *,
        {{ round_to('sum_points_30d / engagement_basis_users', 2) }} as points_per_seat
    from {{ ref('int_account_health_inputs') }}

),

components as (

    -- engagement: points per licensed seat on a log curve, 100 at engagement_seat_target_points
    select
        account_id, as_of_date, 'engagement' as component,
        cast(points_per_seat as {{ type_double() }}) as raw_value,
        cast(points_per_seat as {{ text }}) as value_text,
        cast(null as {{ text }}) as driver_figure,
        cast(null as {{ text }}) as driver_note,
        true as is_available,
        cast(
            least(100.0, 100.0 * ln(1 + points_per_seat) / ln(1 + {{ var('engagement_seat_target_points') }}))
            as decimal(38, 10)
        ) as score
    from inputs

    -- engagement_trend: the last 30 days' points against the 30 before; 0 at trend_zero_ratio_pct, 100 at 100 %
    union all
    select
        account_id, as_of_date, 'engagement_trend',
        cast({{ pct('sum_points_30d', 'sum_points_prior_30d') }} as {{ type_double() }}),
        cast({{ pct('sum_points_30d', 'sum_points_prior_30d') }} as {{ text }}) || '%',
        null, null,
        coalesce(sum_points_prior_30d > 0, false),
        cast(case
            when sum_points_prior_30d > 0
                then greatest(
                    0.0,
                    least(
                        100.0,
                        100.0 * (100.0 * sum_points_30d / sum_points_prior_30d - {{ trend_zero }}) / (100 - {{ trend_zero }})
                    )
                )
        end as decimal(38, 10))
    from inputs

    -- engagement_vs_baseline: recent points per day against the account's own baseline;
    -- 0 at baseline_zero_ratio_pct, 100 at baseline_full_ratio_pct
    union all
    select
        account_id, as_of_date, 'engagement_vs_baseline',
        cast(baseline_ratio_pct as {{ type_double() }}),
        cast(baseline_ratio_pct as {{ text }}) || '%',
        null, null,
        coalesce(sum_points_baseline > 0, false),
        cast(case
            when sum_points_baseline > 0
                then greatest(
                    0.0,
                    least(
                        100.0,
                        100.0 * (baseline_ratio_pct - {{ baseline_zero }})
                        / ({{ var('baseline_full_ratio_pct') }} - {{ baseline_zero }})
                    )
                )
        end as decimal(38, 10))
    from inputs

    -- silent_users: the share of 60-day points from users now silent; 100 at none, 0 at silent_share_zero_pct
    union all
    select
        account_id, as_of_date, 'silent_users',
        cast(silent_points_pct as {{ type_double() }}),
        cast(silent_points_pct as {{ text }}) || '%',
        null, null,
        coalesce(sum_points_60d > 0, false),
        cast(case
            when sum_points_60d > 0 then greatest(0.0, 100.0 - 100.0 * silent_points_pct / {{ var('silent_share_zero_pct') }})
        end as decimal(38, 10))
    from inputs

    -- usage_frequency: the share of the last 28 days with an active user; 100 at frequency_target_pct
    union all
    select
        account_id, as_of_date, 'usage_frequency',
        cast(active_days_pct as {{ type_double() }}),
        cast(count_active_days_28d as {{ text }}),
        cast(active_days_pct as {{ text }}),
        null,
        true,
        cast(least(100.0, 100.0 * active_days_pct / {{ var('frequency_target_pct') }}) as decimal(38, 10))
    from inputs

    -- feature_adoption: 50 at adoption_low_pct, 100 at adoption_high_pct, linear between
    union all
    select
        account_id, as_of_date, 'feature_adoption',
        cast(feature_adoption_pct as {{ type_double() }}),
        cast(feature_adoption_pct as {{ text }}) || '%',
        null,
        case when feature_adoption_pct < {{ low }} then ' (below {{ low }}%)' else '' end,
        true,
        cast(case
            when feature_adoption_pct >= {{ high }} then 100.0
            when feature_adoption_pct < {{ low }} then 50.0 * feature_adoption_pct / {{ low }}
            else 50.0 + 50.0 * (feature_adoption_pct - {{ low }}) / ({{ high }} - {{ low }})
        end as decimal(38, 10))
    from inputs

    -- activation: the share of onboarding milestones reached
    union all
    select
        account_id, as_of_date, 'activation',
        cast(activation_pct as {{ type_double() }}),
        cast(count_milestones_completed as {{ text }}),
        cast(activation_pct as {{ text }}),
        null,
        true,
        cast(cast(activation_pct as {{ type_double() }}) as decimal(38, 10))
    from inputs

    -- seat_utilisation: active users in 30 days per licensed seat; 100 at seat_utilisation_target_pct
    union all
    select
        account_id, as_of_date, 'seat_utilisation',
        cast(active_user_pct as {{ type_double() }}),
        cast(active_users_30d as {{ text }}) || ' of ' || cast(licensed_seats as {{ text }}),
        cast(active_user_pct as {{ text }}),
        null,
        coalesce(licensed_seats > 0, false),
        cast(case
            when licensed_seats > 0 then least(100.0, 100.0 * active_user_pct / {{ var('seat_utilisation_target_pct') }})
        end as decimal(38, 10))
    from inputs

    -- recency: 100 when active yesterday, 0 at recency_zero_days or never active
    union all
    select
        account_id, as_of_date, 'recency',
        cast(days_since_last_active as {{ type_double() }}),
        coalesce(cast(days_since_last_active as {{ text }}), 'never active'),
        null,
        case
            when days_since_last_active is null then 'yet'
            else 'for ' || cast(days_since_last_active as {{ text }}) || ' days'
        end,
        true,
        cast(case
            when days_since_last_active is null then 0.0
            else greatest(
                0.0,
                least(100.0, 100.0 * ({{ recency_zero }} - days_since_last_active) / ({{ recency_zero }} - 1))
            )
        end as decimal(38, 10))
    from inputs

    -- tenure: days a customer; 100 at tenure_mature_days
    union all
    select
        account_id, as_of_date, 'tenure',
        cast(tenure_days as {{ type_double() }}),
        cast(tenure_days as {{ text }}),
        null, null,
        true,
        cast(least(100.0, 100.0 * tenure_days / {{ var('tenure_mature_days') }}) as decimal(38, 10))
    from inputs

    -- support: 100 less points per open high/urgent ticket and per ticket rated bad in 90 days
    union all
    select
        account_id, as_of_date, 'support',
        cast(count_open_urgent_tickets + count_bad_csat_90d as {{ type_double() }}),
        cast(count_open_urgent_tickets as {{ text }}) || ' open high/urgent, '
        || cast(count_bad_csat_90d as {{ text }}) || ' rated bad',
        cast(count_open_urgent_tickets as {{ text }}),
        cast(count_bad_csat_90d as {{ text }}),
        has_tickets,
        cast(case
            when has_tickets
                then greatest(
                    0.0,
                    100.0
                    - {{ var('support_points_per_open_urgent_ticket') }} * count_open_urgent_tickets
                    - {{ var('support_points_per_bad_csat') }} * count_bad_csat_90d
                )
        end as decimal(38, 10))
    from inputs

    -- sentiment: the latest NPS answer (0..10) times 10
    union all
    select
        account_id, as_of_date, 'sentiment',
        cast(latest_nps_score as {{ type_double() }}),
        cast(latest_nps_score as {{ text }}),
        null,
        case when latest_nps_score <= {{ var('nps_detractor_max_score') }} then ' (a detractor)' else '' end,
        latest_nps_score is not null,
        cast(10.0 * latest_nps_score as decimal(38, 10))
    from inputs

    -- billing: 100 less points per overdue invoice
    union all
    select
        account_id, as_of_date, 'billing',
        cast(count_overdue_invoices as {{ type_double() }}),
        cast(count_overdue_invoices as {{ text }}),
        null, null,
        has_invoices,
        cast(case
            when has_invoices then greatest(0.0, 100.0 - {{ var('billing_points_per_overdue_invoice') }} * count_overdue_invoices)
        end as decimal(38, 10))
    from inputs

),

final as (

    select
        cast(account_id as {{ text }}) as account_id,
        as_of_date,
        cast(component as {{ text }}) as component,
        raw_value,
        value_text,
        driver_figure,
        driver_note,
        is_available,
        cast(round(score, 1) as {{ type_double() }}) as component_score
    from components

)

select * from final
