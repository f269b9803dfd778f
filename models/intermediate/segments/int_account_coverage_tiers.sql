-- One row per current customer on D: its coverage tier. By ARR: the top high_touch_top_pct
-- of accounts are high_touch, the next pooled_next_pct pooled, the rest tech_touch; usage
-- far above the ARR tier (at least the average active users of the tier above) moves an
-- account up one tier.
{{ config(materialized='ephemeral') }}
with

customers as (

    select * from {{ ref('int_current_customers') }}

),

today as (

    select * from {{ ref('account_health_daily') }}
    where as_of_date = {{ as_of_date() }}

),

arr_ranked as (

    select
        customers.account_id,
        customers.arr,
        today.active_users_30d,
        (row_number() over (order by customers.arr desc, customers.account_id asc) - 1) * 100.0
        / count(*) over () as arr_rank_pct
    from customers
    inner join today
        on customers.account_id = today.account_id

),

arr_tiers as (

    select
        *,
        case
            when arr_rank_pct < {{ var('high_touch_top_pct') }} then 'high_touch'
            when arr_rank_pct < {{ var('high_touch_top_pct') + var('pooled_next_pct') }} then 'pooled'
            else 'tech_touch'
        end as arr_coverage_tier
    from arr_ranked

),

tier_usage as (

    select
        arr_coverage_tier,
        avg(active_users_30d) as avg_active_users_30d
    from arr_tiers
    group by arr_coverage_tier

),

final as (

    -- usage far above the ARR tier (at least the average of the tier above) moves an account up one tier
    select
        arr_tiers.account_id,
        arr_tiers.arr_coverage_tier,
        case
            when arr_tiers.arr_coverage_tier = 'tech_touch' and arr_tiers.active_users_30d >= pooled.avg_active_users_30d
                then 'pooled'
            when arr_tiers.arr_coverage_tier = 'pooled' and arr_tiers.active_users_30d >= high.avg_active_users_30d
                then 'high_touch'
            else arr_tiers.arr_coverage_tier
        end as coverage_tier
    from arr_tiers
    left join tier_usage as pooled
        on pooled.arr_coverage_tier = 'pooled'
    left join tier_usage as high
        on high.arr_coverage_tier = 'high_touch'

)

select * from final
