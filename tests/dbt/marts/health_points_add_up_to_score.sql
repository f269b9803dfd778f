-- Every point of the score belongs to a named component: on every history row the
-- component points add up exactly to health_score.
{%- set components = health_component_names(ref('health_components')) %}
select
    account_id,
    as_of_date,
    health_score,
    {% for c in components %}points_{{ c }} + {% endfor %}0 as sum_of_points
from {{ ref('account_health_daily') }}
where health_score <> {% for c in components %}points_{{ c }} + {% endfor %}0
