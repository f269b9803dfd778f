-- One row per NPS response. Scores outside 0..10 (or null) are flagged here, left out of
-- every score downstream and counted in data_quality_issues.
with

source as (

    select * from {{ source('surveys', 'nps_responses') }}

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

)

select * from renamed
