-- One row per account and user of int_user_account_days with a meaningful day before the
-- horizon (user_state_horizon_date(): user_state_horizon_days() before D, D counted): the
-- latest such day. Running state, so that the daily run's readers (user_engagement's latest
-- active day, the prior active users of int_account_daily_metrics) read it plus the days from
-- the horizon on instead of every stored day (macros/incremental/user_last_active_state.sql).
--
-- Incremental as int_account_feature_use: both are horizon_state_ctes
-- (macros/incremental/horizon_state.sql) over their aggregate (last_meaningful_days_sql).
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['account_id', 'user_id'],
    on_schema_change='fail',
    pre_hook="{{ user_state_hook_sql(ref('int_user_account_days'), 'pre') }}",
    post_hook="{{ user_state_hook_sql(ref('int_user_account_days'), 'post') }}"
) }}
{%- set horizon = user_state_horizon_date() %}
with
{{ horizon_state_ctes(
    ref('int_user_account_days'), 'user_days', 'activity_date', 'user_id', last_meaningful_days_sql,
    [('last_active_date', 'max')], name='last_active'
) }}

final as (

    select
        account_id,
        user_id,
        last_active_date,
        -- the days before this one are covered: the next run rolls forward from it
        {{ horizon }} as horizon_date
    from last_active

)

select * from final
