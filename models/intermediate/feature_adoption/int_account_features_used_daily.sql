-- One row per account and customer day that int_account_daily_metrics (re)builds in this run
-- (int_account_metric_days_to_rebuild): the key features any of its users used in the last
-- window_long_days (count_features_used_30d), the numerator of the account's feature
-- adoption % (int_account_health_inputs divides it by the key features in the catalog).
-- From the user-level int_user_feature_days beside it: a feature used on day a covers days
-- a .. a + window_long_days - 1, so the count is a running sum of +1 when a feature's coverage
-- starts and -1 the day after it ends (coverage_deltas()).
{{ config(materialized='ephemeral') }}
with

rebuilt_days as (

    select
        account_id,
        as_of_date
    from {{ ref('int_account_metric_days_to_rebuild') }}

),

-- per rebuilt account, the start of the windows its first rebuilt day looks back on
rebuilt_accounts as (

    select * from {{ ref('int_account_metric_windows') }}

),

-- the days each key feature was used by any of the account's users, in the windows the
-- rebuilt days look back on: window_long_days up to the first (later days need no earlier one)
account_feature_days as (

    select distinct
        feature_days.account_id,
        feature_days.feature,
        feature_days.used_date
    from {{ ref('int_user_feature_days') }} as feature_days
    inner join rebuilt_accounts
        on
            feature_days.account_id = rebuilt_accounts.account_id
            and feature_days.used_date
            >= {{ date_add_days('rebuilt_accounts.first_rebuilt_date', 1 - var('window_long_days')) }}
    where feature_days.used_date <= {{ as_of_date() }}

),

-- distinct features in the trailing window, as changes per day (column delta)
feature_deltas as (

    {{ coverage_deltas('account_feature_days', 'account_id', 'feature', 'used_date', var('window_long_days')) }}

),

final as (

    select
        account_id,
        as_of_date,
        cast(delta as integer) as count_features_used_30d
    from (
        {{ running_totals_on_days('feature_deltas', 'rebuilt_days', ['delta']) }}
    ) as running_features

)

select * from final
