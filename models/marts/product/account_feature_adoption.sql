-- One row per current customer and catalog feature, used or not, as of D.
{{ config(contract={'enforced': true}) }}
with

customers as (

    select account_id from {{ ref('int_current_customers') }}

),

features as (

    select distinct feature from {{ ref('int_event_catalog') }}
    where feature is not null

),

-- first and last use over all history: the running state (int_account_feature_use) holds the
-- days before its horizon (user_state_horizon_date()), the feature days from it on the later
-- ones; the min of the two firsts and the max of the two lasts are those over every stored day
usage as (

    select
        account_id,
        feature,
        min(first_used_date) as first_used_date,
        max(last_used_date) as last_used_date
    from (
        select
            account_id,
            feature,
            first_used_date,
            last_used_date
        from {{ ref('int_account_feature_use') }}

        union all
        select
            account_id,
            feature,
            min(used_date) as first_used_date,
            max(used_date) as last_used_date
        from {{ ref('int_user_feature_days') }}
        where used_date >= {{ user_state_horizon_date() }}
        group by account_id, feature
    ) as used
    group by account_id, feature

),

-- the distinct users only over the window's days (a distinct count over every stored day,
-- as one aggregate with the min/max, took about twice as long at 10 M events)
recent_users as (

    select
        account_id,
        feature,
        count(distinct user_id) as users_30d
    from {{ ref('int_user_feature_days') }}
    where used_date >= {{ date_add_days(as_of_date(), 1 - var('window_long_days')) }}
    group by account_id, feature

),

final as (

    select
        cast(customers.account_id as {{ dbt.type_string() }}) as account_id,
        cast(features.feature as {{ dbt.type_string() }}) as feature,
        cast(coalesce(recent_users.users_30d, 0) as integer) as users_30d,
        usage.first_used_date,
        usage.last_used_date,
        coalesce(recent_users.users_30d, 0) > 0 as is_adopted_30d,
        {{ as_of_date() }} as as_of_date
    from customers
    cross join features
    left join usage
        on
            customers.account_id = usage.account_id
            and features.feature = usage.feature
    left join recent_users
        on
            customers.account_id = recent_users.account_id
            and features.feature = recent_users.feature

)

select * from final
