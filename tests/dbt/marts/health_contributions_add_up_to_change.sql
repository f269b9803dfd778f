-- Every point of movement is attributed: for each account with a score 7 days ago, the
-- per-component changes in points add up exactly to score_change_7d.
{%- set components = health_component_names(ref('health_components')) %}
with

health as (

    select * from {{ ref('account_health') }}
    where score_change_7d is not null

),

-- the two days compared (account_health's rows are all of D), not the whole history
daily as (

    select * from {{ ref('account_health_daily') }}
    where as_of_date in ({{ as_of_date() }}, {{ date_add_days(as_of_date(), -7) }})

)

select
    health.account_id,
    health.score_change_7d,
    {% for c in components %}(today.points_{{ c }} - week_ago.points_{{ c }}) + {% endfor %}0
        as sum_of_contributions
from health
inner join daily as today
    on health.account_id = today.account_id and health.as_of_date = today.as_of_date
inner join daily as week_ago
    on
        health.account_id = week_ago.account_id
        and week_ago.as_of_date = {{ date_add_days('health.as_of_date', -7) }}
where
    health.score_change_7d
    <> {% for c in components %}(today.points_{{ c }} - week_ago.points_{{ c }}) + {% endfor %}0
