-- One row per account and customer day that int_account_daily_metrics (re)builds in this run
-- (int_account_metric_days_to_rebuild): the activation milestones the account had reached by
-- the end of the day (count_milestones_completed), the numerator of its activation %
-- (int_account_health_inputs divides it by the milestones configured). From
-- int_account_milestones_reached beside it (the first day any of its users completed each):
-- +1 on that day, summed up to each day.
{{ config(materialized='ephemeral') }}
with

rebuilt_days as (

    select
        account_id,
        as_of_date
    from {{ ref('int_account_metric_days_to_rebuild') }}

),

milestone_deltas as (

    select
        account_id,
        reached_date as delta_date,
        1 as milestones_completed
    from {{ ref('int_account_milestones_reached') }}

),

final as (

    select
        account_id,
        as_of_date,
        cast(milestones_completed as integer) as count_milestones_completed
    from (
        {{ running_totals_on_days('milestone_deltas', 'rebuilt_days', ['milestones_completed']) }}
    ) as running_milestones

)

select * from final
