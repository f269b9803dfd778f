-- One row per health band: how often an account in that band on a day of the score history
-- had churned (ARR 0) portfolio_outcome_days later, over the days whose outcome is known.
-- The team's own history, measured like the backtest (account-days, a fixed horizon), but by
-- ARR so that it works with and without subscriptions. Null, with a reason, when fewer than
-- portfolio_min_sample_accounts accounts were seen in the band.
with

bands as (

    select 'green' as health_band
    union all
    select 'yellow' as health_band
    union all
    select 'red' as health_band

),

known as (

    select
        health_band,
        count(*) as count_account_days,
        count(distinct account_id) as count_accounts,
        sum(case when outcome = 'churned' then 1 else 0 end) as count_churned_days
    from {{ ref('int_account_band_outcomes') }}
    where outcome is not null
    group by health_band

)

select
    cast(bands.health_band as {{ dbt.type_string() }}) as health_band,
    cast(coalesce(known.count_account_days, 0) as integer) as sample_account_days,
    cast(coalesce(known.count_accounts, 0) as integer) as sample_accounts,
    case
        when coalesce(known.count_accounts, 0) >= {{ var('portfolio_min_sample_accounts') }}
            then {{ pct('known.count_churned_days', 'known.count_account_days') }}
    end as churn_rate_pct,
    cast(case
        when known.count_accounts is null
            then
                'No day of the score history in this band has a known '
                || '{{ var('portfolio_outcome_days') }}-day outcome yet (history too short).'
        when known.count_accounts < {{ var('portfolio_min_sample_accounts') }}
            then
                'Only ' || cast(known.count_accounts as {{ dbt.type_string() }})
                || ' accounts in this band have a known outcome; at least '
                || '{{ var('portfolio_min_sample_accounts') }} are needed (var portfolio_min_sample_accounts).'
    end as {{ dbt.type_string() }}) as churn_rate_null_reason
from bands
left join known
    on bands.health_band = known.health_band
