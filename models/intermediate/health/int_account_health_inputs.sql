{{ config(materialized='view') }}
-- One row per account and customer day: the raw value behind each health component, as
-- that day saw it. Scoring happens in int_account_health_components.
with

metrics as (

    select * from {{ ref('int_account_daily_metrics') }}

),

-- per CRM account: contract start, first invoice, the help desk's first ticket (int_account_score_state)
accounts as (

    select * from {{ ref('int_account_score_state') }}

),

-- the seats each day had (from subscriptions when there are any; see int_account_seats_daily)
seats as (

    select * from {{ ref('int_account_seats_daily') }}

),

nps as (

    select * from {{ ref('int_account_nps_daily') }}

),

config_counts as (

    select * from {{ ref('int_product_config_counts') }}

),

inputs as (

    select
        metrics.account_id,
        metrics.as_of_date,

        -- product usage
        metrics.active_users_7d,
        metrics.active_users_30d,
        metrics.sum_points_30d,
        metrics.sum_points_prior_30d,
        metrics.sum_points_60d,
        metrics.sum_points_recent,
        metrics.sum_points_baseline,
        -- recent activity per day as a share of the account's own baseline per day, both with
        -- baseline_smoothing_points added, so a few events more or less in a quiet account are no decline
        {{ pct(
            '(metrics.sum_points_recent + ' ~ var('baseline_smoothing_points') ~ ') * ' ~ var('baseline_days'),
            'metrics.sum_points_baseline * ' ~ var('baseline_recent_days') ~ ' + '
            ~ var('baseline_smoothing_points') ~ ' * ' ~ var('baseline_days')
        ) }} as baseline_ratio_pct,
        metrics.sum_silent_points_60d,
        {{ pct('metrics.sum_silent_points_60d', 'metrics.sum_points_60d') }} as silent_points_pct,
        metrics.count_active_days_28d,
        metrics.count_features_used_30d,
        metrics.count_milestones_completed,
        metrics.last_active_date,
        metrics.days_since_last_active,
        seats.licensed_seats,
        -- engagement is measured per licensed seat; without seats, per active user
        case
            when seats.licensed_seats > 0 then seats.licensed_seats
            else greatest(metrics.active_users_30d, 1)
        end as engagement_basis_users,
        {{ pct('metrics.count_features_used_30d', 'config_counts.count_features') }} as feature_adoption_pct,
        {{ pct('metrics.count_milestones_completed', 'config_counts.count_milestones') }} as activation_pct,
        {{ pct('metrics.active_users_30d', 'seats.licensed_seats') }} as active_user_pct,
        {{ pct('metrics.count_active_days_28d', var('frequency_window_days')) }} as active_days_pct,
        cast({{ days_between('accounts.contract_start_date', 'metrics.as_of_date') }} as integer) as tenure_days,

        -- support, sentiment, billing
        metrics.count_open_urgent_tickets,
        metrics.count_bad_csat_90d,
        metrics.count_rated_csat_90d,
        coalesce(accounts.first_ticket_date <= metrics.as_of_date, false) as has_tickets,
        nps.latest_nps_score,
        nps.latest_nps_date,
        metrics.count_overdue_invoices,
        coalesce(accounts.first_invoice_date <= metrics.as_of_date, false) as has_invoices

    from metrics
    cross join config_counts
    inner join accounts
        on metrics.account_id = accounts.account_id
    left join seats
        on
            metrics.account_id = seats.account_id
            and metrics.as_of_date = seats.as_of_date
    left join nps
        on
            metrics.account_id = nps.account_id
            and metrics.as_of_date = nps.as_of_date

)

select * from inputs
