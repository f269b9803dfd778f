-- The event catalog seed, typed, with empty features as null. A configuration error in the
-- product seeds (an event listed twice, weights that do not sum to 1, ...) stops dbt run
-- here, with a sentence naming it; dbt build stops earlier, at the seeds' config test.
{{ assert_product_configuration(ref('event_catalog'), ref('activation_milestones'), ref('health_score_weights')) }}
with

catalog as (

    select * from {{ ref('event_catalog') }}

),

typed as (

    select
        cast(event as {{ dbt.type_string() }}) as event_name,
        cast(nullif(trim(feature), '') as {{ dbt.type_string() }}) as feature,
        cast(weight as {{ type_double() }}) as weight,
        cast(is_meaningful as boolean) as is_meaningful
    from catalog

)

select * from typed
