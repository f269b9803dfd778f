-- One row per day of the history window: product-wide DAU, WAU and MAU (distinct users
-- with a meaningful event in the trailing 1, 7 and 30 days), active accounts over the same
-- windows, and stickiness (DAU / MAU). Counts every attributed event of a CRM account.
-- Incremental (see macros/incremental/account_day_scope.sql): each run rebuilds the days from the first
-- one that can have changed (a new day, or the earliest day of any account's changed
-- events) and keeps the earlier ones; a new CRM account list or catalog rebuilds all.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key='activity_date',
    on_schema_change='fail',
    contract={'enforced': true},
    pre_hook="{{ delete_rows_outside(history_days_sql(), ['activity_date']) }}"
) }}
{%- set inputs = {
    'tracks': ref('stg_segment__tracks'),
    'groups': ref('stg_segment__groups'),
    'events': ref('int_events_attributed')
} %}
{%- set config_sql = catalog_config_hash_sql(ref('event_catalog')) ~ ' union all ' ~ crm_accounts_hash_sql(ref('stg_crm__accounts')) %}
{%- set config_hash_sql = 'select ' ~ fingerprint_agg('config_part') ~ ' from (' ~ config_sql ~ ') as config_parts' %}
{%- set state = account_day_state(config_hash_sql, inputs) %}
{%- set windows = [1, 7, 30] %}
with

history_days as (

    {{ history_days_sql() }}

),

{%- if not state.full %}

    recompute_from as (

        select min(from_date) as from_date
        from (
            select from_date from ({{ account_day_changes_for(state) }}) as changes
            union all
            select history_days.activity_date
            from history_days
            where history_days.activity_date not in (select kept.activity_date from {{ this }} as kept)
        ) as changed

    ),
{%- else %}

    recompute_from as (

        select {{ history_start_date() }} as from_date

    ),
{%- endif %}

crm_accounts as (

    select account_id from {{ ref('stg_crm__accounts') }}

),

active_user_days as (

    select
        user_days.account_id,
        user_days.user_id,
        user_days.activity_date
    from {{ ref('int_user_account_days') }} as user_days
    inner join crm_accounts
        on user_days.account_id = crm_accounts.account_id
    cross join recompute_from
    where
        user_days.count_meaningful_events > 0
        and user_days.activity_date >= {{ date_add_days('recompute_from.from_date', 1 - windows | max) }}
        and user_days.activity_date <= {{ as_of_date() }}

),

distinct_user_days as (

    select distinct
        user_id,
        activity_date
    from active_user_days

),

distinct_account_days as (

    select distinct
        account_id,
        activity_date
    from active_user_days

),

-- each member's active days in order, with the previous and next one: the trailing-window
-- counts of every length share this one sort
user_sequence as (

    select
        'product' as product,
        activity_date,
        lag(activity_date) over (partition by user_id order by activity_date) as previous_date,
        lead(activity_date) over (partition by user_id order by activity_date) as next_date
    from distinct_user_days

),

account_sequence as (

    select
        'product' as product,
        activity_date,
        lag(activity_date) over (partition by account_id order by activity_date) as previous_date,
        lead(activity_date) over (partition by account_id order by activity_date) as next_date
    from distinct_account_days

),

-- every day from the windows of the first rebuilt day to D, so each has a row to carry the running values
days as (

    {{ dbt.date_spine(
        datepart='day',
        start_date=date_add_days(history_start_date(), 1 - windows | max),
        end_date=date_add_days(as_of_date(), 1)
    ) }}

),

timeline as (

    {%- for window_days in windows %}
        select
            delta_date,
            'users_{{ window_days }}d' as metric,
            delta
        from ({{ coverage_deltas_from_sequence('user_sequence', 'product', 'activity_date', window_days) }}) as users_{{ window_days }}d
        union all
        select
            delta_date,
            'accounts_{{ window_days }}d' as metric,
            delta
        from ({{ coverage_deltas_from_sequence('account_sequence', 'product', 'activity_date', window_days) }})
            as accounts_{{ window_days }}d
        union all
    {%- endfor %}
    select
        cast(days.date_day as date) as delta_date,
        'day' as metric,
        0 as delta
    from days
    cross join recompute_from
    where cast(days.date_day as date) >= {{ date_add_days('recompute_from.from_date', 1 - windows | max) }}

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
        {{ pct('running.dau', 'running.mau') }} as pct_stickiness_dau_mau,

        -- what the rows were built from, so an incremental run knows what to rebuild
        cast(
            {{ latest_value_sql(inputs.events, 'received_at') }}
            as {{ dbt.type_timestamp() }}
        ) as source_received_at,
        {{ as_of_date() }} as built_as_of_date,
        cast(({{ config_hash_sql }}) as {{ dbt.type_string() }}) as config_hash
    from running
    inner join history_days
        on running.activity_date = history_days.activity_date
    cross join recompute_from
    where running.activity_date >= recompute_from.from_date

)

select * from final
