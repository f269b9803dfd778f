-- For each current customer on D: its champion candidates (the user with the largest
-- share of engagement points over the previous champion_lookback_days days, and the most
-- engaged admin in that window) and whether one of them has gone dark: no meaningful
-- activity for champion_dark_days days while the account itself is still active.
{%- set lookback_start = date_add_days(as_of_date(), 1 - var('champion_lookback_days')) %}
with

customers as (

    select account_id from {{ ref('int_current_customers') }}

),

-- only the lookback window: a champion is a user active in it, so the account was active in it
-- too, and its latest active day over all history is its latest one in the window
user_days as (

    select user_days.*
    from {{ ref('int_user_account_days') }} as user_days
    inner join customers
        on user_days.account_id = customers.account_id
    where user_days.activity_date >= {{ lookback_start }}

),

lookback_users as (

    select
        account_id,
        user_id,
        -- summed as decimals: exact, so equal points tie (and the user_id decides) in any order
        sum(cast(sum_points as decimal(18, 6))) as sum_points_lookback,
        max(case when count_meaningful_events > 0 then activity_date end) as last_active_date
    from user_days
    group by account_id, user_id

),

account_last_active as (

    select
        account_id,
        max(last_active_date) as account_last_active_date
    from lookback_users
    group by account_id

),

traits as (

    select * from {{ ref('int_user_traits') }}

),

candidates as (

    select
        lookback_users.*,
        traits.email,
        traits.user_role,
        row_number() over (
            partition by lookback_users.account_id
            order by lookback_users.sum_points_lookback desc, lookback_users.user_id asc
        ) as points_rank,
        -- the admins ranked up to this user in the same order (a total one: user_id breaks ties),
        -- so 1 on an admin row makes it the most engaged admin: both candidates from one sort,
        -- where a second window partitioned by role sorted every lookback user again
        sum(case when traits.user_role = 'admin' then 1 else 0 end) over (
            partition by lookback_users.account_id
            order by lookback_users.sum_points_lookback desc, lookback_users.user_id asc
            rows between unbounded preceding and current row
        ) as admins_ranked_so_far
    from lookback_users
    left join traits
        on lookback_users.user_id = traits.user_id

),

champions as (

    select
        candidates.*,
        {{ days_between('candidates.last_active_date', as_of_date()) }} as days_inactive,
        account_last_active.account_last_active_date
    from candidates
    inner join account_last_active
        on candidates.account_id = account_last_active.account_id
    where
        candidates.last_active_date is not null
        and (candidates.points_rank = 1 or (candidates.user_role = 'admin' and candidates.admins_ranked_so_far = 1))

),

dark as (

    select
        *,
        days_inactive >= {{ var('champion_dark_days') }}
        and {{ days_between('account_last_active_date', as_of_date()) }} < {{ var('champion_dark_days') }}
            as is_gone_dark
    from champions

),

ranked as (

    -- one champion per account: a dark one first, then the most engaged
    select
        *,
        row_number() over (
            partition by account_id
            order by case when is_gone_dark then 0 else 1 end, sum_points_lookback desc, user_id asc
        ) as champion_rank
    from dark

),

final as (

    select
        account_id,
        user_id as champion_user_id,
        email as champion_email,
        user_role as champion_role,
        cast(days_inactive as integer) as champion_days_inactive,
        is_gone_dark as is_champion_gone_dark
    from ranked
    where champion_rank = 1

)

select * from final
