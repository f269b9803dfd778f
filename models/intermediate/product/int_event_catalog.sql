-- The event catalog seed, typed, with empty features as null.
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
