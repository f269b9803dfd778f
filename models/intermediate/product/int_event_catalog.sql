-- The event catalog seed, typed, with empty features as null. An event listed twice is a
-- configuration error that stops the run here, with a message naming it.
{{ assert_catalog_events_unique(ref('event_catalog')) }}
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
