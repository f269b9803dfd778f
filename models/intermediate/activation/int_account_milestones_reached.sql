-- One row per account and activation milestone it has reached: reached_date, the first UTC
-- day any of its users completed it (int_user_milestone_completions, the user-level version
-- beside it, where completed_date is that user's own day).
-- The numerator of the account's activation %: int_account_milestones_completed_daily counts,
-- per customer day, the milestones reached by then (count_milestones_completed), and
-- int_account_health_inputs divides by the milestones configured.
{{ config(materialized='ephemeral') }}
with

completions as (

    select
        account_id,
        milestone,
        completed_date
    from {{ ref('int_user_milestone_completions') }}

),

final as (

    select
        account_id,
        milestone,
        min(completed_date) as reached_date
    from completions
    group by account_id, milestone

)

select * from final
