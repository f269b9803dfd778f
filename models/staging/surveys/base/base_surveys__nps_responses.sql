-- Every surveys.nps_responses row as loaded (none when the table is optional and absent: see
-- macros/optional_sources.sql), typed, with what is wrong with it. stg_surveys__nps_responses
-- keeps the rows without an exclusion_reason; data_quality_issues counts them by kind.
-- - missing_id: no response id (left out);
-- - duplicate_id: of several rows with one id, the kept one is the first answer (earliest
--   submitted_at, then a valid score over an invalid one, then the greatest score; then the
--   other columns), so a later re-send never rewrites what earlier days saw;
-- - missing_submitted_at: cannot be placed in time (left out).
-- Scores outside 0..10 are kept here, flagged by is_valid_score, and counted downstream.
with

source as (

    select * from {{ optional_source('surveys', 'nps_responses', 'using_nps') }}

),

renamed as (

    select
        -- ids
        cast(response_id as {{ dbt.type_string() }}) as response_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,

        -- numerics
        cast(score as integer) as nps_score,
        coalesce(score between 0 and 10, false) as is_valid_score,

        -- text
        cast(comment as {{ dbt.type_string() }}) as comment,

        -- timestamps
        cast(submitted_at as {{ dbt.type_timestamp() }}) as submitted_at

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by response_id
            order by
                case when submitted_at is null then 1 else 0 end, submitted_at asc,
                case when is_valid_score then 0 else 1 end, nps_score desc,
                account_id desc, user_id desc, comment desc
        ) as id_rank
    from renamed

),

classified as (

    select
        response_id,
        user_id,
        account_id,
        nps_score,
        is_valid_score,
        comment,
        submitted_at,
        cast(case
            when response_id is null then 'missing_id'
            when id_rank > 1 then 'duplicate_id'
            when submitted_at is null then 'missing_submitted_at'
        end as {{ dbt.type_string() }}) as exclusion_reason
    from ranked

)

select * from classified
