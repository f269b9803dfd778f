-- One row: the denominators of adoption and activation, from the two product seeds.
with

catalog as (

    select * from {{ ref('int_event_catalog') }}

),

milestones as (

    select * from {{ ref('activation_milestones') }}

),

counts as (

    select
        (
            select count(distinct feature) from catalog
            where feature is not null
        ) as count_features,
        (select count(*) from milestones) as count_milestones

)

select * from counts
