-- Configuration error: the health score weights must each be >= 0 and sum to 1.
-- Fix: edit seeds/health_score_weights.csv. Returns one row describing the problem.
with weights as (
    select
        sum(weight) as total_weight,
        min(weight) as min_weight
    from {{ ref('health_score_weights') }}
)

select
    total_weight,
    min_weight,
    case
        when min_weight < 0 then 'a weight in seeds/health_score_weights.csv is negative: weights must be 0 or more'
        else
            'the weights in seeds/health_score_weights.csv sum to ' || cast(total_weight as {{ dbt.type_string() }})
            || ', not 1: adjust them so they add up to exactly 1'
    end as problem
from weights
where min_weight < 0 or abs(total_weight - 1) > 0.000001
