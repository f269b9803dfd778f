-- One row per day: the calendar MetricFlow joins metrics to (cumulative windows, filled
-- gaps, metric_time). It spans the published score history and two years before it (the
-- portfolio's 365-day retention periods look back that far), and one year after as_of_date
-- (renewal dates). Built with dbt's own cross-database date_spine, so it runs on every engine.
{%- set spine_start = date_add_days(as_of_date(), -(var('history_days') | int) - 730) %}
{%- set spine_end = date_add_days(as_of_date(), 366) %}
with

days as (

    {{ dbt.date_spine('day', spine_start, spine_end) }}

),

final as (

    select cast(days.date_day as date) as date_day
    from days

)

select * from final
