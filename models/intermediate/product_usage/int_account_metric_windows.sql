-- One row per account that int_account_daily_metrics (re)builds in this run
-- (int_account_metric_days_to_rebuild) with the start of the windows its first rebuilt day looks
-- back on: the earliest day whose data any rebuilt day of the account reads
-- (account_metrics_reach_days() before it). The parts of int_account_daily_metrics read their
-- inputs from there on (int_account_metric_user_days, int_account_features_used_daily), and the
-- all-time values from before it (int_account_metric_prior_active_users). With the first rebuilt
-- day (first_rebuilt_date), so that each window reads only as far back as it reaches: the
-- user-level rows only account_metrics_user_reach_days(), the points of the days before those
-- (int_account_metric_early_points) only at account level.
{{ config(materialized='ephemeral') }}
with

rebuilt_days as (

    select * from {{ ref('int_account_metric_days_to_rebuild') }}

),

final as (

    select
        account_id,
        min(window_start_date) as window_start_date,
        min(as_of_date) as first_rebuilt_date
    from rebuilt_days
    group by account_id

)

select * from final
