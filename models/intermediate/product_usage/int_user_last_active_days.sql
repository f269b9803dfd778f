-- One row per account and user of int_user_account_days with a meaningful day before the
-- horizon (user_state_horizon_date(): user_state_horizon_days() before D, D counted): the
-- latest such day. Running state, so that the daily run's readers (user_engagement's latest
-- active day, the prior active users of int_account_daily_metrics) read it plus the days from
-- the horizon on instead of every stored day (macros/incremental/user_last_active_state.sql).
--
-- Incremental: int_user_account_days logs, per run, each account's first rebuilt day (or a
-- rebuild of every row). An account whose rows changed before the horizon is recomputed from
-- all its days (its users' rows can have gone, so a latest day can move back); every other
-- account's rows before the last build's horizon are as they were, and the days the horizon
-- passed since are added. On a full build, or when every row was rebuilt, all of it.
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['account_id', 'user_id'],
    on_schema_change='fail',
    pre_hook="{{ user_state_hook_sql(ref('int_user_account_days'), 'pre') }}",
    post_hook="{{ user_state_hook_sql(ref('int_user_account_days'), 'post') }}"
) }}
{%- set days = ref('int_user_account_days') %}
{%- set previous = user_state_previous(days) %}
{%- set horizon = user_state_horizon_date() %}
with

{%- if previous.full %}

    last_active as (

        {{ last_meaningful_days_sql(days, horizon) }}

    ),
{%- else %}

    -- the accounts whose rows changed before the horizon since the last build: all their days again
    changed_accounts as (

        select distinct changed.account_id
        from {{ user_day_change_log(days) }} as changed
        where changed.account_id is not null and changed.from_date < {{ horizon }}

    ),

    recomputed as (

        {{ last_meaningful_days_sql(
            days, horizon,
            join_sql='inner join changed_accounts on user_days.account_id = changed_accounts.account_id'
        ) }}

    ),

    -- the other accounts: the days from the last build's horizon up to this one's, later than
    -- any day the kept rows hold
    rolled_forward as (

        {{ last_meaningful_days_sql(
            days, horizon,
            where_sql='and user_days.activity_date >= ' ~ previous.from_date
            ~ ' and user_days.account_id not in (select changed_accounts.account_id from changed_accounts)'
        ) }}

    ),

    last_active as (

        select * from recomputed
        union all
        select
            rolled_forward.account_id,
            rolled_forward.user_id,
            -- the kept row is later only when the last build's horizon is unknown (it wrote no row)
            case
                when kept.last_active_date > rolled_forward.last_active_date then kept.last_active_date
                else rolled_forward.last_active_date
            end as last_active_date
        from rolled_forward
        left join {{ this }} as kept
            on
                rolled_forward.account_id = kept.account_id
                and rolled_forward.user_id = kept.user_id

    ),
{%- endif %}

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
