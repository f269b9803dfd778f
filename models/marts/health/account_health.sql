-- One row per current customer on D: the explainable health score, what drives it, why
-- it moved, the segments a CS team works by, and its place in today's attention list.
-- Every column but attention_rank comes from int_account_health_explained.
{{ config(contract={'enforced': true}) }}
with

explained as (

    select * from {{ ref('int_account_health_explained') }}

),

-- the worst severity of each account's alerts today; expansion_ready is good news, not a reason for attention
alert_severity as (

    select
        account_id,
        max(severity_rank) as severity_rank
    from {{ ref('int_health_alert_triggers') }}
    where alert_type <> 'expansion_ready'
    group by account_id

),

-- who needs attention first: accounts with an alert (other than expansion_ready) or at
-- risk, by priority = worst severity rank (3 high, 2 medium, 1 low; 1 when only at risk)
-- x ARR, largest first; ties: the lower health score first, then account_id
attention as (

    select
        explained.account_id,
        row_number() over (
            order by
                coalesce(alert_severity.severity_rank, 1) * explained.arr desc nulls last,
                explained.health_score asc,
                explained.account_id asc
        ) as attention_rank
    from explained
    left join alert_severity
        on explained.account_id = alert_severity.account_id
    where alert_severity.account_id is not null or explained.is_at_risk

),

final as (

    select
        explained.*,
        cast(attention.attention_rank as integer) as attention_rank
    from explained
    left join attention
        on explained.account_id = attention.account_id

)

select * from final
