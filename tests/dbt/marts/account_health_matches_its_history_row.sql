-- account_health is today's row of account_health_daily: same score, band and inputs.
select health.account_id
from {{ ref('account_health') }} as health
left join {{ ref('account_health_daily') }} as daily
    on health.account_id = daily.account_id and health.as_of_date = daily.as_of_date
where
    daily.account_id is null
    or health.health_score <> daily.health_score
    or health.health_band <> daily.health_band
    or health.active_users_30d <> daily.active_users_30d
