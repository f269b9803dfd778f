-- Each user's traits as of D: those of their latest identify at or before D
-- (ties: latest received_at, then greatest id).
with

identifies as (

    select * from {{ ref('stg_segment__identifies') }}
    where
        user_id is not null
        and identified_at <= {{ as_of_end_at() }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by user_id
            order by identified_at desc, received_at desc nulls last, identify_id desc nulls last
        ) as recency_rank
    from identifies

),

traits as (

    select
        user_id,
        email,
        user_name,
        user_role
    from ranked
    where recency_rank = 1

)

select * from traits
