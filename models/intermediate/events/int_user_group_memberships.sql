{{ config(materialized='view') }}
-- Which account each user belonged to, and from when, over every group call loaded.
-- A call without a group_id still counts as the user's latest call (its events then have
-- no account and are counted as unattributed). Of several calls for a user at the same
-- timestamp the latest received_at (then the greatest id) wins; the others never apply.
-- Not filtered by as_of_date: a membership that starts after D has no effect on D, and the
-- models that read this one check valid_from_at against the end of D (events keep it as
-- attributed_from_date).
with

group_calls as (

    select
        user_id,
        account_id,
        grouped_at,
        received_at,
        group_call_id
    from {{ ref('stg_segment__groups') }}
    where
        user_id is not null
        and grouped_at is not null

),

ranked as (

    select
        *,
        row_number() over (
            partition by user_id, grouped_at
            order by received_at desc nulls last, group_call_id desc nulls last
        ) as tie_rank
    from group_calls

),

memberships as (

    select
        user_id,
        account_id,
        grouped_at as valid_from_at,
        lead(grouped_at) over (partition by user_id order by grouped_at) as valid_to_at,
        row_number() over (partition by user_id order by grouped_at) as membership_number
    from ranked
    where tie_rank = 1

)

select * from memberships
