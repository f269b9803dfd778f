-- Current customers by health band and renewal window, as of D: how many, their ARR, the
-- band's churn rate on the team's own history (int_band_churn_rates: churned within
-- portfolio_outcome_days of a day in the band) with its sample size, and the ARR at risk that
-- rate implies. Every band and window has a row (zeros included). Outcome reporting: reads
-- churn through its rates; no score reads this model.
with

customers as (

    select
        health.account_id,
        health.health_band,
        arr_today.arr,
        case
            when health.days_to_renewal is null then 'unknown'
            when health.days_to_renewal < 0 then 'overdue'
            when health.days_to_renewal <= 30 then '0_30_days'
            when health.days_to_renewal <= 90 then '31_90_days'
            when health.days_to_renewal <= 180 then '91_180_days'
            else '181_plus_days'
        end as renewal_window
    from {{ ref('account_health') }} as health
    inner join {{ ref('int_account_arr_daily') }} as arr_today
        on
            health.account_id = arr_today.account_id
            and arr_today.as_of_date = {{ as_of_date() }}

),

windows as (

    select
        'overdue' as renewal_window,
        1 as window_order
    union all
    select
        '0_30_days',
        2
    union all
    select
        '31_90_days',
        3
    union all
    select
        '91_180_days',
        4
    union all
    select
        '181_plus_days',
        5
    union all
    select
        'unknown',
        6

),

rates as (

    select * from {{ ref('int_band_churn_rates') }}

),

grid as (

    select
        rates.health_band,
        windows.renewal_window,
        windows.window_order,
        rates.churn_rate_pct,
        rates.sample_accounts,
        rates.sample_account_days,
        rates.churn_rate_null_reason
    from rates
    cross join windows

),

final as (

    select
        {{ as_of_date() }} as as_of_date,
        grid.health_band,
        cast(grid.renewal_window as {{ dbt.type_string() }}) as renewal_window,
        cast(grid.window_order as integer) as window_order,
        cast(count(customers.account_id) as integer) as count_accounts,
        cast(coalesce(sum(customers.arr), 0) as decimal(18, 2)) as arr,
        grid.churn_rate_pct,
        grid.sample_accounts,
        grid.sample_account_days,
        cast({{ round_to('coalesce(sum(customers.arr), 0) * grid.churn_rate_pct / 100', 2) }} as decimal(18, 2))
            as arr_at_risk,
        grid.churn_rate_null_reason
    from grid
    left join customers
        on
            grid.health_band = customers.health_band
            and grid.renewal_window = customers.renewal_window
    group by
        grid.health_band,
        grid.renewal_window,
        grid.window_order,
        grid.churn_rate_pct,
        grid.sample_accounts,
        grid.sample_account_days,
        grid.churn_rate_null_reason

)

select * from final
