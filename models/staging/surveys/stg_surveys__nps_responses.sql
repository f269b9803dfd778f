-- One row per NPS response. Scores outside 0..10 (or null) are flagged here, left out of
-- every score downstream and counted in data_quality_issues. Responses without an id or a
-- submission time and duplicates of an id are left out by base_surveys__nps_responses (and
-- counted too).
with

responses as (

    select * from {{ ref('base_surveys__nps_responses') }}
    where exclusion_reason is null

),

final as (

    select
        -- ids
        response_id,
        user_id,
        account_id,

        -- numerics
        nps_score,
        is_valid_score,

        -- text
        comment,

        -- timestamps
        submitted_at

    from responses

)

select * from final
