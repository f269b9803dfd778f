-- Every point of the score belongs to a named component: on every history row the
-- component points add up exactly to health_score. A row can only break on a day the build
-- wrote: the days from the first one written (every day on a full refresh; the scope is
-- days_the_latest_build_wrote(), as in the where config of account_health_daily's tests).
{%- set components = health_component_names(ref('health_components')) %}
select
    account_id,
    as_of_date,
    health_score,
    {% for c in components %}points_{{ c }} + {% endfor %}0 as sum_of_points
from {{ ref('account_health_daily') }}
where
    {{ days_the_latest_build_wrote('as_of_date', {'int_account_health_scores': 'rebuilt_at', 'int_account_health_bands': 'scores_rebuilt_at'}) }}
    and health_score <> {% for c in components %}points_{{ c }} + {% endfor %}0
