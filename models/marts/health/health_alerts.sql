-- What needs a human today: one row per current customer and trigger that fires on D,
-- with what changed, why it matters and what to do (int_health_alert_triggers, from
-- seeds/alert_playbooks.csv), and the account's place in today's attention list.
{{ config(contract={'enforced': true}) }}
with

triggers as (

    select * from {{ ref('int_health_alert_triggers') }}

),

health as (

    select * from {{ ref('account_health') }}

),

final as (

    select
        cast({{ dbt.hash(dbt.concat(['triggers.account_id', "'|'", 'triggers.alert_type', "'|'",
            "'" ~ as_of_date_str() ~ "'"])) }} as {{ dbt.type_string() }}) as alert_id,
        cast(triggers.account_id as {{ dbt.type_string() }}) as account_id,
        {{ as_of_date() }} as alert_date,
        cast(triggers.alert_type as {{ dbt.type_string() }}) as alert_type,
        cast(triggers.severity as {{ dbt.type_string() }}) as severity,
        cast(triggers.what_changed as {{ dbt.type_string() }}) as what_changed,
        cast(triggers.why_it_matters as {{ dbt.type_string() }}) as why_it_matters,
        cast(triggers.what_to_do as {{ dbt.type_string() }}) as what_to_do,
        cast(triggers.severity_rank * health.arr as decimal(18, 2)) as priority_score,
        cast(health.account_name as {{ dbt.type_string() }}) as account_name,
        cast(health.csm_email as {{ dbt.type_string() }}) as csm_email,
        health.health_score,
        cast(health.health_band as {{ dbt.type_string() }}) as health_band,
        health.attention_rank
    from triggers
    inner join health
        on triggers.account_id = health.account_id

)

select * from final
