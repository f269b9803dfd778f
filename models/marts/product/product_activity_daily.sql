-- One row per day of the history window: product-wide DAU, WAU and MAU (distinct users
-- with a meaningful event in the trailing 1, 7 and 30 days), active accounts over the same
-- windows, and stickiness (DAU / MAU). Counts every attributed event of a CRM account.
{{ config(contract={'enforced': true}) }}
with

user_days as (

    select distinct
        'product' as product,
        user_id,
        activity_date
    from {{ ref('int_user_account_days') }}
    where count_meaningful_events > 0

),

account_days as (

    select distinct
        'product' as product,
        account_id,
        activity_date
    from {{ ref('int_user_account_days') }}
    where count_meaningful_events > 0

),

days as (

    {{ dbt.date_spine(
        datepart='day',
        start_date=date_add_days(as_of_date(), 1 - var('history_days')),
        end_date=date_add_days(as_of_date(), 1)
    ) }}

),

timeline as (

    {%- for window_days in [1, 7, 30] %}
        select
            delta_date,
            'users_{{ window_days }}d' as metric,
            delta
        from ({{ coverage_deltas('user_days', 'product', 'user_id', 'activity_date', window_days) }}) as users_{{ window_days }}d
        union all
        select
            delta_date,
            'accounts_{{ window_days }}d' as metric,
            delta
        from ({{ coverage_deltas('account_days', 'product', 'account_id', 'activity_date', window_days) }})
            as accounts_{{ window_days }}d
        union all
    {%- endfor %}
    select
        cast(date_day as date) as delta_date,
        'day' as metric,
        0 as delta
    from days

),

per_day as (

    select
        delta_date,
        sum(case when metric = 'users_1d' then delta else 0 end) as d_users_1d,
        sum(case when metric = 'users_7d' then delta else 0 end) as d_users_7d,
        sum(case when metric = 'users_30d' then delta else 0 end) as d_users_30d,
        sum(case when metric = 'accounts_1d' then delta else 0 end) as d_accounts_1d,
        sum(case when metric = 'accounts_7d' then delta else 0 end) as d_accounts_7d,
        sum(case when metric = 'accounts_30d' then delta else 0 end) as d_accounts_30d
    from timeline
    where delta_date <= {{ as_of_date() }}
    group by delta_date

),

running as (

    select
        delta_date as activity_date,
        sum(d_users_1d) over running_window as dau,
        sum(d_users_7d) over running_window as wau,
        sum(d_users_30d) over running_window as mau,
        sum(d_accounts_1d) over running_window as active_accounts_1d,
        sum(d_accounts_7d) over running_window as active_accounts_7d,
        sum(d_accounts_30d) over running_window as active_accounts_30d
    from per_day
    window running_window as (order by delta_date rows between unbounded preceding and current row)

),

final as (

    select
        running.activity_date,
        cast(running.dau as integer) as dau,
        cast(running.wau as integer) as wau,
        cast(running.mau as integer) as mau,
        cast(running.active_accounts_1d as integer) as active_accounts_1d,
        cast(running.active_accounts_7d as integer) as active_accounts_7d,
        cast(running.active_accounts_30d as integer) as active_accounts_30d,
        {{ pct('running.dau', 'running.mau') }} as pct_stickiness_dau_mau
    from running
    inner join days
        on running.activity_date = cast(days.date_day as date)

)

select * from final
