-- One row per account and day of the history window on which it was a customer:
-- active users over 1, 7 and 30 days, events and engagement points, as that day saw them.
-- A view on int_account_daily_metrics, which builds incrementally.
{{ config(materialized='view', contract={'enforced': true}) }}
with

metrics as (

    select * from {{ ref('int_account_daily_metrics') }}
    where as_of_date >= {{ history_start_date() }}

),

final as (

    select
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        as_of_date,
        cast(active_users_1d as integer) as active_users_1d,
        active_users_7d,
        active_users_30d,
        cast(count_events_1d as integer) as count_events_1d,
        cast(count_meaningful_events_1d as integer) as count_meaningful_events_1d,
        cast({{ round_to('sum_points_1d', 4) }} as {{ type_double() }}) as sum_points_1d,
        count_meaningful_events_30d,
        sum_points_30d,
        count_active_days_28d,
        count_features_used_30d,
        count_milestones_completed,
        last_active_date,
        cast(days_since_last_active as integer) as days_since_last_active,
        active_users_30d > 0 as is_active_30d
    from metrics

)

select * from final
