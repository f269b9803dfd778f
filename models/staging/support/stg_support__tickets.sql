-- One row per support ticket. Whether a ticket was open on a day is decided by its
-- timestamps (created_at, solved_at), never by the current status, so history is honest.
-- Tickets without an id or a creation time, duplicates of an id and tickets solved before
-- they were created are left out by base_support__tickets (and counted in data_quality_issues).
with

tickets as (

    select * from {{ ref('base_support__tickets') }}
    where exclusion_reason is null

),

final as (

    select
        -- ids
        ticket_id,
        account_id,
        requester_user_id,

        -- categories
        priority,
        status,
        satisfaction,
        is_high_priority,

        -- timestamps
        created_at,
        solved_at

    from tickets

)

select * from final
