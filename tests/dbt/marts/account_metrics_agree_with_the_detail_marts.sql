-- Two independent computations must agree: the account metrics of account_health (from
-- the daily timeline of changes) and the per-user / per-feature / per-milestone marts
-- (computed directly as of D).
with

users as (

    select
        account_id,
        sum(case when is_active_30d then 1 else 0 end) as active_users_30d,
        sum(case when days_inactive <= 6 then 1 else 0 end) as active_users_7d,
        min(days_inactive) as days_since_last_active
    from {{ ref('user_engagement') }}
    group by account_id

),

features as (

    select
        account_id,
        {{ pct('sum(case when is_adopted_30d then 1 else 0 end)', 'count(*)') }} as feature_adoption_pct
    from {{ ref('account_feature_adoption') }}
    group by account_id

),

milestones as (

    select
        account_id,
        {{ pct('sum(case when is_completed then 1 else 0 end)', 'count(*)') }} as activation_pct
    from {{ ref('account_activation') }}
    group by account_id

)

select
    health.account_id,
    health.active_users_30d,
    users.active_users_30d as users_active_30d,
    health.active_users_7d,
    users.active_users_7d as users_active_7d,
    health.days_since_last_active,
    users.days_since_last_active as users_days_since_last_active,
    health.feature_adoption_pct,
    features.feature_adoption_pct as features_pct,
    health.activation_pct,
    milestones.activation_pct as milestones_pct
from {{ ref('account_health') }} as health
left join users on health.account_id = users.account_id
left join features on health.account_id = features.account_id
left join milestones on health.account_id = milestones.account_id
where
    health.active_users_30d <> coalesce(users.active_users_30d, 0)
    or health.active_users_7d <> coalesce(users.active_users_7d, 0)
    or coalesce(health.days_since_last_active, -1) <> coalesce(users.days_since_last_active, -1)
    or health.feature_adoption_pct <> features.feature_adoption_pct
    or health.activation_pct <> milestones.activation_pct
