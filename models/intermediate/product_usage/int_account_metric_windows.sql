-- One row per account that int_account_daily_metrics (re)builds in this run
-- (int_account_metric_days_to_rebuild) with the start of the windows its first rebuilt day looks
-- back on: the earliest day whose data any rebuilt day of the account reads
-- (account_metrics_reach_days() before it). The parts of int_account_daily_metrics read their
-- inputs from there on (int_account_metric_user_days, int_account_features_used_daily), and the
-- all-time values from before it (int_account_metric_prior_active_users). With the first rebuilt
-- day (first_rebuilt_date), so that each window reads only as far back as it reaches: the
-- user-level rows only account_metrics_user_reach_days(), the points of the days before those
-- (int_account_metric_early_points) only at account level.
--
-- The seed of the additive windows (account_metric_window_columns(): points, meaningful events,
-- active days) and of the last active day: the kept row of the day before the first rebuilt day,
-- when an incremental run kept it (a customer day, the same config_hash) and the account is
-- rebuilt from fewer than account_metrics_seeded_chain_days() days back. No row before the first
-- rebuilt day changes in this run (int_account_metric_days_to_rebuild), so that row equals a full
-- build's; the activity part then adds the days entering each window from first_rebuilt_date on
-- and takes out the ones leaving it (chain_start_date = first_rebuilt_date, values from
-- account_metrics_reach_days() before it). Otherwise (a full build, a new customer, a gap in the
-- customer days, a move from further back) the seed is zero and the windows start empty at
-- window_start_date (chain_start_date = values_start_date = window_start_date): the same sums,
-- read from every day of the windows. Stored doubles are millionths (m / 1e6): rounding x * 1e6
-- recovers m exactly while |m| < 2^50.
{{ config(materialized='ephemeral') }}
{%- set stored = incremental_relation_of('int_account_daily_metrics') %}
with

rebuilt_days as (

    select * from {{ ref('int_account_metric_days_to_rebuild') }}

),

accounts as (

    select
        account_id,
        min(window_start_date) as window_start_date,
        min(as_of_date) as first_rebuilt_date,
        min(config_hash) as config_hash
    from rebuilt_days
    group by account_id

),

-- the kept rows a chain can start from
stored_rows as (

    {%- if stored is not none %}

        select
            account_id,
            as_of_date,
            config_hash,
            sum_points_30d,
            sum_points_prior_30d,
            sum_points_60d,
            sum_points_recent,
            sum_points_baseline,
            count_meaningful_events_30d,
            count_active_days_28d,
            last_active_date
        from {{ stored }}
    {%- else %}

        select
            cast(null as {{ dbt.type_string() }}) as account_id,
            cast(null as date) as as_of_date,
            cast(null as {{ dbt.type_string() }}) as config_hash,
            cast(null as {{ type_double() }}) as sum_points_30d,
            cast(null as {{ type_double() }}) as sum_points_prior_30d,
            cast(null as {{ type_double() }}) as sum_points_60d,
            cast(null as {{ type_double() }}) as sum_points_recent,
            cast(null as {{ type_double() }}) as sum_points_baseline,
            cast(null as integer) as count_meaningful_events_30d,
            cast(null as integer) as count_active_days_28d,
            cast(null as date) as last_active_date
        where 1 = 0
    {%- endif %}

),

seeded as (

    select
        accounts.account_id,
        accounts.window_start_date,
        accounts.first_rebuilt_date,
        stored_rows.account_id is not null as has_seed,
        stored_rows.sum_points_30d,
        stored_rows.sum_points_prior_30d,
        stored_rows.sum_points_60d,
        stored_rows.sum_points_recent,
        stored_rows.sum_points_baseline,
        stored_rows.count_meaningful_events_30d,
        stored_rows.count_active_days_28d,
        stored_rows.last_active_date
    from accounts
    left join stored_rows
        on
            accounts.account_id = stored_rows.account_id
            and stored_rows.as_of_date = {{ date_add_days('accounts.first_rebuilt_date', -1) }}
            and accounts.config_hash = stored_rows.config_hash
            and {{ days_between('accounts.first_rebuilt_date', as_of_date()) }}
            < {{ account_metrics_seeded_chain_days() }}

),

final as (

    select
        account_id,
        window_start_date,
        first_rebuilt_date,
        has_seed,
        -- the first day the windows' changes are counted from, and the first day whose values they read
        case when has_seed then first_rebuilt_date else window_start_date end as chain_start_date,
        case
            when has_seed then {{ date_add_days('first_rebuilt_date', -account_metrics_reach_days()) }}
            else window_start_date
        end as values_start_date,
        {%- for column in account_metric_window_columns() %}
            {%- if column.stored.startswith('sum_points') %}
                case
                    when has_seed then cast({{ round_to(column.stored ~ ' * 1000000') }} as {{ dbt.type_bigint() }})
                    else 0
                end as seed_{{ column.name }},
            {%- else %}
                case when has_seed then cast({{ column.stored }} as {{ dbt.type_bigint() }}) else 0 end as seed_{{ column.name }},
            {%- endif %}
        {%- endfor %}
        -- the account's last active day up to the day before the chain (none without a seed)
        case when has_seed then last_active_date end as seed_last_active_date
    from seeded

)

select * from final
