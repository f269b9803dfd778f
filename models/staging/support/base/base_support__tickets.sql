-- Every support.tickets row as loaded (none when the table is optional and absent: see
-- macros/optional_sources.sql), typed, with what is wrong with it. stg_support__tickets keeps
-- the rows without an exclusion_reason; data_quality_issues counts both columns by kind.
-- - missing_id: no ticket id (left out);
-- - duplicate_id: of several rows with one id, the kept one is the latest state of the ticket:
--   solved over open, then the latest solved_at, then the latest created_at (then every other
--   column, so the choice never depends on load order);
-- - missing_created_at: cannot be placed in time (left out);
-- - solved_before_created: impossible dates, which would make the open-ticket count negative
--   between the two (left out);
-- - unknown_category (a correction, the row is kept): a priority, status or satisfaction
--   outside the known values is kept as loaded; it is not high priority and not a bad rating.
with

source as (

    select * from {{ optional_source('support', 'tickets', 'using_tickets') }}

),

renamed as (

    select
        -- ids
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(requester_user_id as {{ dbt.type_string() }}) as requester_user_id,

        -- categories
        cast(lower(trim(priority)) as {{ dbt.type_string() }}) as priority,
        cast(lower(trim(status)) as {{ dbt.type_string() }}) as status,
        cast(lower(trim(satisfaction)) as {{ dbt.type_string() }}) as satisfaction,

        -- timestamps
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(solved_at as {{ dbt.type_timestamp() }}) as solved_at

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by ticket_id
            order by
                case when solved_at is null then 1 else 0 end, solved_at desc,
                case when created_at is null then 1 else 0 end, created_at desc,
                status desc, priority desc, satisfaction desc, account_id desc, requester_user_id desc
        ) as id_rank
    from renamed

),

classified as (

    select
        ticket_id,
        account_id,
        requester_user_id,
        priority,
        status,
        satisfaction,
        coalesce(priority in ('high', 'urgent'), false) as is_high_priority,
        created_at,
        solved_at,
        cast(case
            when ticket_id is null then 'missing_id'
            when id_rank > 1 then 'duplicate_id'
            when created_at is null then 'missing_created_at'
            when solved_at < created_at then 'solved_before_created'
        end as {{ dbt.type_string() }}) as exclusion_reason,
        cast(case
            when
                coalesce(priority not in ('low', 'normal', 'high', 'urgent'), true)
                or coalesce(status not in ('new', 'open', 'pending', 'solved', 'closed'), true)
                or coalesce(satisfaction not in ('good', 'bad'), false)
                then 'unknown_category'
        end as {{ dbt.type_string() }}) as correction
    from ranked

)

select * from classified
