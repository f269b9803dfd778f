-- One row per retention period and segment, as of D (CONTRACT.md section 6). For a period of
-- P days, S = D - P. The cohort is the accounts with ARR on S; each cohort account's ARR on D
-- makes it retained, expanded, contracted or churned; accounts without ARR on S and with ARR
-- on D are new. Segment 'all' is exact. The other segments are taken as they stood on S: the
-- coverage tier by ARR rank on S, the health band on S (only while S is inside the score
-- history), and the CRM's plan, CSM, industry and region (current values: the CRM keeps no
-- history of them; see DECISIONLOG "Portfolio").
-- Outcome reporting: reads churn through ARR, like the backtest; no score reads this model.
{%- set period_days_read = [as_of_date()] %}
{%- for period in portfolio_period_days() %}{% do period_days_read.append(date_add_days(as_of_date(), -period)) %}{% endfor %}
with

periods as (

    {% for period in portfolio_period_days() -%}
        select
            {{ period }} as period_days,
            {{ date_add_days(as_of_date(), -period) }} as period_start_date
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

-- only the days read below (D and each period's S): not every day of either history
arr_daily as (

    select * from {{ ref('int_account_arr_daily') }}
    where as_of_date in ({{ period_days_read | join(', ') }})

),

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

bands as (

    select
        account_id,
        as_of_date,
        health_band
    from {{ ref('account_health_daily') }}
    where as_of_date in ({{ period_days_read | join(', ') }})

),

account_periods as (

    select
        periods.period_days,
        periods.period_start_date,
        on_start.account_id,
        on_start.arr as start_arr,
        on_end.arr as end_arr
    from periods
    inner join arr_daily as on_start
        on periods.period_start_date = on_start.as_of_date
    inner join arr_daily as on_end
        on
            on_start.account_id = on_end.account_id
            and on_end.as_of_date = {{ as_of_date() }}

),

-- the coverage tier on S by ARR alone (top high_touch_top_pct of the accounts with ARR, then
-- pooled_next_pct); account_health's usage bump needs usage on S and is not applied here
start_tiers as (

    select
        account_id,
        period_days,
        case
            when start_arr <= 0 then 'no_arr_on_start'
            when arr_rank_pct < {{ var('high_touch_top_pct') }} then 'high_touch'
            when arr_rank_pct < {{ var('high_touch_top_pct') + var('pooled_next_pct') }} then 'pooled'
            else 'tech_touch'
        end as coverage_tier
    from (
        select
            account_id,
            period_days,
            start_arr,
            (row_number() over (partition by period_days order by start_arr desc, account_id asc) - 1) * 100.0
            / nullif(sum(case when start_arr > 0 then 1 else 0 end) over (partition by period_days), 0)
                as arr_rank_pct
        from account_periods
    ) as ranked

),

account_segments as (

    select
        account_periods.*,
        start_tiers.coverage_tier,
        case
            when account_periods.period_start_date < {{ history_start_date() }} then null
            else coalesce(bands.health_band, 'no_band')
        end as health_band,
        coalesce(accounts.plan, 'unknown') as plan,
        coalesce(accounts.csm_email, 'unassigned') as csm_email,
        coalesce(accounts.industry, 'unknown') as industry,
        coalesce(accounts.region, 'unknown') as region
    from account_periods
    inner join start_tiers
        on
            account_periods.account_id = start_tiers.account_id
            and account_periods.period_days = start_tiers.period_days
    inner join accounts
        on account_periods.account_id = accounts.account_id
    left join bands
        on
            account_periods.account_id = bands.account_id
            and account_periods.period_start_date = bands.as_of_date

),

segmented as (

    {% for segment_type in ['coverage_tier', 'health_band', 'plan', 'csm_email', 'industry', 'region'] -%}
        select
            period_days,
            period_start_date,
            '{{ 'csm' if segment_type == 'csm_email' else segment_type }}' as segment_type,
            {{ segment_type }} as segment_value,
            start_arr,
            end_arr
        from account_segments
        where {{ segment_type }} is not null
        union all
    {% endfor -%}
    select
        period_days,
        period_start_date,
        'all' as segment_type,
        'all' as segment_value,
        start_arr,
        end_arr
    from account_segments

),

-- every period has its 'all' row, also over an empty CRM
segment_keys as (

    select distinct
        period_days,
        period_start_date,
        segment_type,
        segment_value
    from segmented
    union
    select
        period_days,
        period_start_date,
        'all' as segment_type,
        'all' as segment_value
    from periods

),

movements as (

    select
        segment_keys.period_days,
        segment_keys.period_start_date,
        segment_keys.segment_type,
        segment_keys.segment_value,
        sum(case when segmented.start_arr > 0 then 1 else 0 end) as count_accounts_start,
        sum(case when segmented.start_arr > 0 and segmented.end_arr > 0 then 1 else 0 end) as count_accounts_retained,
        sum(case when segmented.start_arr > 0 then segmented.start_arr else 0 end) as starting_arr,
        sum(case
            when segmented.start_arr > 0 and segmented.end_arr > segmented.start_arr
                then segmented.end_arr - segmented.start_arr
            else 0
        end) as expansion_arr,
        sum(case
            when segmented.start_arr > 0 and segmented.end_arr > 0 and segmented.end_arr < segmented.start_arr
                then segmented.start_arr - segmented.end_arr
            else 0
        end) as contraction_arr,
        sum(case when segmented.start_arr > 0 and segmented.end_arr = 0 then segmented.start_arr else 0 end)
            as churned_arr,
        sum(case when segmented.start_arr = 0 and segmented.end_arr > 0 then segmented.end_arr else 0 end) as new_arr,
        sum(case when segmented.start_arr > 0 then segmented.end_arr else 0 end) as ending_arr
    from segment_keys
    left join segmented
        on
            segment_keys.period_days = segmented.period_days
            and segment_keys.segment_type = segmented.segment_type
            and segment_keys.segment_value = segmented.segment_value
    group by
        segment_keys.period_days,
        segment_keys.period_start_date,
        segment_keys.segment_type,
        segment_keys.segment_value

),

final as (

    select
        {{ as_of_date() }} as as_of_date,
        cast(period_days as integer) as period_days,
        period_start_date,
        cast(segment_type as {{ dbt.type_string() }}) as segment_type,
        cast(segment_value as {{ dbt.type_string() }}) as segment_value,
        cast(coalesce(count_accounts_start, 0) as integer) as count_accounts_start,
        cast(coalesce(count_accounts_retained, 0) as integer) as count_accounts_retained,
        cast(coalesce(starting_arr, 0) as decimal(18, 2)) as starting_arr,
        cast(coalesce(expansion_arr, 0) as decimal(18, 2)) as expansion_arr,
        cast(coalesce(contraction_arr, 0) as decimal(18, 2)) as contraction_arr,
        cast(coalesce(churned_arr, 0) as decimal(18, 2)) as churned_arr,
        cast(coalesce(new_arr, 0) as decimal(18, 2)) as new_arr,
        cast(coalesce(ending_arr, 0) as decimal(18, 2)) as ending_arr,
        case when count_accounts_start > 0 then {{ pct('ending_arr', 'starting_arr') }} end as nrr_pct,
        case
            when count_accounts_start > 0 then {{ pct('starting_arr - churned_arr - contraction_arr', 'starting_arr') }}
        end as grr_pct,
        case
            when count_accounts_start > 0 then {{ pct('count_accounts_retained', 'count_accounts_start') }}
        end as logo_retention_pct
    from movements

)

select * from final
