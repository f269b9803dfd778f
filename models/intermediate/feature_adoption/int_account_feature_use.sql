-- One row per account and key feature of int_user_feature_days with a feature day before the
-- horizon (user_state_horizon_date(): user_state_horizon_days() before D, D counted): the first
-- and the latest such day. Running state, so that account_feature_adoption reads it plus the
-- feature days from the horizon on instead of every stored day.
--
-- Incremental, as int_user_last_active_days (macros/incremental/user_last_active_state.sql):
-- int_user_feature_days logs, per run, each account's first rebuilt day (or a rebuild of every
-- row). An account whose rows changed before the horizon is recomputed from all its days (a
-- moved user's rows go, so a first day can move later and a latest day earlier); every other
-- account's rows before the last build's horizon are as they were, and the days the horizon
-- passed since are added. On a full build, or when every row was rebuilt, all of it.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['account_id', 'feature'],
    on_schema_change='fail',
    pre_hook="{{ user_state_hook_sql(ref('int_user_feature_days'), 'pre') }}",
    post_hook="{{ user_state_hook_sql(ref('int_user_feature_days'), 'post') }}"
) }}
{%- set days = ref('int_user_feature_days') %}
{%- set previous = user_state_previous(days) %}
{%- set horizon = user_state_horizon_date() %}
with

{%- if previous.full %}

    feature_use as (

        {{ feature_use_sql(days, horizon) }}

    ),
{%- else %}

    -- the accounts whose rows changed before the horizon since the last build: all their days again
    changed_accounts as (

        select distinct changed.account_id
        from {{ user_day_change_log(days) }} as changed
        where changed.account_id is not null and changed.from_date < {{ horizon }}

    ),

    recomputed as (

        {{ feature_use_sql(
            days, horizon,
            join_sql='inner join changed_accounts on feature_days.account_id = changed_accounts.account_id'
        ) }}

    ),

    -- the other accounts: the days from the last build's horizon up to this one's, later than
    -- any day the kept rows hold
    rolled_forward as (

        {{ feature_use_sql(
            days, horizon,
            where_sql='and feature_days.used_date >= ' ~ previous.from_date
            ~ ' and feature_days.account_id not in (select changed_accounts.account_id from changed_accounts)'
        ) }}

    ),

    feature_use as (

        select * from recomputed
        union all
        -- a kept row holds the days before the last build's horizon: the earlier first day and
        -- (when that horizon is unknown because the build wrote no row) possibly the later last day
        select
            rolled_forward.account_id,
            rolled_forward.feature,
            case
                when kept.first_used_date < rolled_forward.first_used_date then kept.first_used_date
                else rolled_forward.first_used_date
            end as first_used_date,
            case
                when kept.last_used_date > rolled_forward.last_used_date then kept.last_used_date
                else rolled_forward.last_used_date
            end as last_used_date
        from rolled_forward
        left join {{ this }} as kept
            on
                rolled_forward.account_id = kept.account_id
                and rolled_forward.feature = kept.feature

    ),
{%- endif %}

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
