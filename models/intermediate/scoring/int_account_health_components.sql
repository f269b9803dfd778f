-- One row per account, customer day from D-7 to D and health component with a weight in that
-- day's scorecard: the component's value, its 0..100 score, the weight, the whole points it
-- earns and its maximum points, and the sentences that explain it. The points and the
-- score are read from int_account_health_scores (computed once, there); the value and the
-- texts from int_account_health_component_scores; the label, unit and sentence templates
-- from seeds/health_components.csv. driver_text is the component's driver sentence (the
-- mart adds the lists of unused features or missing milestones and the points lost).
{{ config(materialized='ephemeral') }}
{%- set components = health_component_names(ref('health_components')) %}
{#- each table is read once, for the days from D-7 to D only (the range of what its one reader
    takes: D and D-7 in int_account_health_drivers), into a CTE that every branch of the unpivot
    below reads: a CTE of the whole table read 13 times was materialized whole (every stored day),
    and a filtered scan in each branch read the date column of every stored day 13 times (the
    tables are not stored in date order, so a scan skips no row group). -#}
{%- set scores_relation = ref('int_account_health_scores') %}
{%- set definitions_relation = ref('int_account_health_component_scores') %}
{%- set first_day = date_add_days(as_of_date(), -7) %}
with

scores_in_range as (

    select *
    from {{ scores_relation }}
    where as_of_date between {{ first_day }} and {{ as_of_date() }}

),

definitions_in_range as (

    select *
    from {{ definitions_relation }}
    where as_of_date between {{ first_day }} and {{ as_of_date() }}

),

weights as (

    select
        coalesce(scorecard, 'established') as scorecard,
        component,
        cast(weight as {{ type_double() }}) as weight
    from {{ ref('health_score_weights') }}

),

-- the seed's texts with their {var_name} placeholders filled in
texts as (

    select
        component,
        cast(label as {{ dbt.type_string() }}) as component_label,
        cast(' ' || {{ render_component_text('unit') }} as {{ dbt.type_string() }}) as unit_phrase,
        {{ render_component_text('driver_template') }} as driver_template,
        cast(driver_list_template as {{ dbt.type_string() }}) as driver_list_template
    from {{ ref('health_components') }}

),

-- the stored points, value and texts, one row per component
stored as (

    {%- for c in components %}
        select
            scores.account_id,
            scores.as_of_date,
            scores.scorecard,
            scores.health_score,
            '{{ c }}' as component,
            definitions.raw_value_{{ c }} as raw_value,
            definitions.value_text_{{ c }} as value_text,
            definitions.driver_figure_{{ c }} as driver_figure,
            definitions.driver_note_{{ c }} as driver_note,
            definitions.is_available_{{ c }} as is_available,
            scores.score_{{ c }} as component_score,
            scores.points_{{ c }} as points,
            scores.max_points_{{ c }} as max_points
        from scores_in_range as scores
        inner join definitions_in_range as definitions
            on scores.account_id = definitions.account_id and scores.as_of_date = definitions.as_of_date
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- else %}
        -- seeds/health_components.csv is not loaded yet (dbt parse, lint): no rows
        select
            scores.account_id,
            scores.as_of_date,
            scores.scorecard,
            scores.health_score,
            cast(null as {{ dbt.type_string() }}) as component,
            cast(null as {{ type_double() }}) as raw_value,
            cast(null as {{ dbt.type_string() }}) as value_text,
            cast(null as {{ dbt.type_string() }}) as driver_figure,
            cast(null as {{ dbt.type_string() }}) as driver_note,
            cast(null as boolean) as is_available,
            cast(null as {{ type_double() }}) as component_score,
            cast(null as integer) as points,
            cast(null as decimal(9, 1)) as max_points
        from scores_in_range as scores
        inner join definitions_in_range as definitions
            on scores.account_id = definitions.account_id and scores.as_of_date = definitions.as_of_date
        where 1 = 0
    {%- endfor %}

),

joined as (

    select
        stored.account_id,
        stored.as_of_date,
        stored.scorecard,
        stored.component,
        stored.raw_value,
        stored.value_text,
        stored.driver_figure,
        stored.driver_note,
        stored.is_available,
        stored.component_score,
        weights.weight,
        stored.max_points,
        stored.points,
        stored.health_score,
        texts.component_label,
        texts.unit_phrase,
        texts.driver_template,
        texts.driver_list_template
    from stored
    inner join weights
        on
            stored.scorecard = weights.scorecard
            and stored.component = weights.component
    inner join texts
        on stored.component = texts.component

),

-- the driver template with {value}, {unit}, {figure} and {note} filled in, one at a time
-- (a placeholder the template uses, with no value, leaves no sentence)
with_value as (

    select
        *,
        case
            when driver_template like '%{value}%' then replace(driver_template, '{value}', value_text)
            else driver_template
        end as driver_step_1
    from joined

),

with_unit as (

    select
        *,
        replace(driver_step_1, '{unit}', unit_phrase) as driver_step_2
    from with_value

),

with_figure as (

    select
        *,
        case
            when driver_step_2 like '%{figure}%' then replace(driver_step_2, '{figure}', driver_figure)
            else driver_step_2
        end as driver_step_3
    from with_unit

),

with_note as (

    select
        *,
        case
            when driver_step_3 like '%{note}%' then replace(driver_step_3, '{note}', driver_note)
            else driver_step_3
        end as driver_text
    from with_figure

),

final as (

    select
        account_id,
        as_of_date,
        scorecard,
        component,
        raw_value,
        value_text as raw_value_text,
        unit_phrase as raw_value_unit,
        is_available,
        component_score,
        weight,
        max_points,
        points,
        health_score,
        component_label,
        cast(driver_text as {{ dbt.type_string() }}) as driver_text,
        driver_list_template
    from with_note

)

select * from final
