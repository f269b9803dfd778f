-- One row per CSM (csm_email; the accounts without one together, csm_email null), as of D:
-- the book's accounts and ARR, per health band and per coverage tier, the accounts needing
-- attention today (an alert today), the ARR renewing in the next renewal_window_days days and
-- the ARR at risk in it (each renewing account's ARR times its band's churn rate), and the load
-- against the capacity ranges per tier (high-touch 20-40 accounts per CSM, pooled 200-400:
-- vars csm_capacity_*). Tech-touch accounts take no CSM capacity.
{%- set bands = ['green', 'yellow', 'red'] %}
{%- set tiers = ['high_touch', 'pooled', 'tech_touch'] %}
with

accounts as (

    select
        health.account_id,
        health.csm_email,
        health.health_band,
        health.coverage_tier,
        health.days_to_renewal,
        arr_today.arr,
        rates.churn_rate_pct
    from {{ ref('account_health') }} as health
    inner join {{ ref('int_account_arr_daily') }} as arr_today
        on
            health.account_id = arr_today.account_id
            and arr_today.as_of_date = {{ as_of_date() }}
    left join {{ ref('int_band_churn_rates') }} as rates
        on health.health_band = rates.health_band

),

attention as (

    select distinct account_id
    from {{ ref('health_alerts') }}
    where alert_date = {{ as_of_date() }}

),

books as (

    select
        accounts.csm_email,
        count(*) as count_accounts,
        sum(accounts.arr) as arr,
        {%- for band in bands %}
            sum(case when accounts.health_band = '{{ band }}' then 1 else 0 end) as count_accounts_{{ band }},
            sum(case when accounts.health_band = '{{ band }}' then accounts.arr else 0 end) as arr_{{ band }},
        {%- endfor %}
        {%- for tier in tiers %}
            sum(case when accounts.coverage_tier = '{{ tier }}' then 1 else 0 end) as count_accounts_{{ tier }},
            sum(case when accounts.coverage_tier = '{{ tier }}' then accounts.arr else 0 end) as arr_{{ tier }},
        {%- endfor %}
        sum(case when attention.account_id is not null then 1 else 0 end) as count_accounts_needing_attention,
        sum(case
            when accounts.days_to_renewal between 0 and {{ var('renewal_window_days') }} then accounts.arr else 0
        end) as arr_renewing_90d,
        sum(case
            when accounts.days_to_renewal between 0 and {{ var('renewal_window_days') }}
                then accounts.arr * accounts.churn_rate_pct / 100
            else 0
        end) as arr_at_risk_renewing_90d
    from accounts
    left join attention
        on accounts.account_id = attention.account_id
    group by accounts.csm_email

),

final as (

    select
        {{ as_of_date() }} as as_of_date,
        cast(csm_email as {{ dbt.type_string() }}) as csm_email,
        csm_email is null as is_unassigned,
        cast(count_accounts as integer) as count_accounts,
        cast(arr as decimal(18, 2)) as arr,
        {%- for band in bands %}
            cast(count_accounts_{{ band }} as integer) as count_accounts_{{ band }},
            cast(arr_{{ band }} as decimal(18, 2)) as arr_{{ band }},
        {%- endfor %}
        {%- for tier in tiers %}
            cast(count_accounts_{{ tier }} as integer) as count_accounts_{{ tier }},
            cast(arr_{{ tier }} as decimal(18, 2)) as arr_{{ tier }},
        {%- endfor %}
        cast(count_accounts_needing_attention as integer) as count_accounts_needing_attention,
        cast(arr_renewing_90d as decimal(18, 2)) as arr_renewing_90d,
        cast({{ round_to('arr_at_risk_renewing_90d', 2) }} as decimal(18, 2)) as arr_at_risk_renewing_90d,
        -- the book's load: high-touch accounts against the high-touch maximum plus pooled accounts
        -- against the pooled maximum, as a percent of one full book; null for unassigned accounts
        case
            when csm_email is not null
                then {{ pct(
                    'count_accounts_high_touch * 1.0 / ' ~ var('csm_capacity_high_touch_max_accounts')
                    ~ ' + count_accounts_pooled * 1.0 / ' ~ var('csm_capacity_pooled_max_accounts'), 1) }}
        end as pct_capacity_used,
        coalesce(
            csm_email is not null
            and (
                count_accounts_high_touch > {{ var('csm_capacity_high_touch_max_accounts') }}
                or count_accounts_pooled > {{ var('csm_capacity_pooled_max_accounts') }}
                or count_accounts_high_touch * 1.0 / {{ var('csm_capacity_high_touch_max_accounts') }}
                + count_accounts_pooled * 1.0 / {{ var('csm_capacity_pooled_max_accounts') }} > 1
            ),
            false
        ) as is_overloaded
    from books

)

select * from final
