-- One row per account and key feature of int_user_feature_days with a feature day before the
-- horizon (user_state_horizon_date(): user_state_horizon_days() before D, D counted): the first
-- and the latest such day. Running state, so that account_feature_adoption reads it plus the
-- feature days from the horizon on instead of every stored day.
--
-- Incremental as int_user_last_active_days: both are horizon_state_ctes
-- (macros/incremental/horizon_state.sql) over their aggregate (feature_use_sql).
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['account_id', 'feature'],
    on_schema_change='fail',
    pre_hook="{{ user_state_hook_sql(ref('int_user_feature_days'), 'pre') }}",
    post_hook="{{ user_state_hook_sql(ref('int_user_feature_days'), 'post') }}"
) }}
{%- set horizon = user_state_horizon_date() %}
with
{{ horizon_state_ctes(
    ref('int_user_feature_days'), 'feature_days', 'used_date', 'feature', feature_use_sql,
    [('first_used_date', 'min'), ('last_used_date', 'max')], name='feature_use'
) }}

final as (

    select
        account_id,
        feature,
        first_used_date,
        last_used_date,
        -- the days before this one are covered: the next run rolls forward from it
        {{ horizon }} as horizon_date
    from feature_use

)

select * from final
