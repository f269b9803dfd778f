-- One row per CRM account and day, from the start of the ARR history (the longest retention
-- period or the score series, whichever reaches further back) to D: ARR and licensed seats
-- on that day, exactly as CONTRACT.md section 6 defines them.
-- With subscriptions: the sum over the account's subscriptions that count on the day
-- (started_date <= day and (ended_date is null or ended_date > day)); ARR 0 when none counts,
-- seats null when none of them has seats. Subscriptions of accounts unknown to the CRM are left
-- out (data_quality_issues counts them).
-- Without: crm.accounts.arr while a current customer (contract started, not churned by the day),
-- else 0; seats are crm.accounts.seats as they stand today (no history exists: DECISIONLOG).
-- Outcome reporting: this model reads churned_date (through the fallback) and no score reads it.
{#- named here, whichever branch below reads it, so the lineage is the same -#}
{%- set subscriptions_relation = ref('stg_billing__subscriptions') %}
with

accounts as (

    select
        account_id,
        coalesce(arr, 0) as crm_arr,
        licensed_seats as crm_licensed_seats,
        contract_start_date,
        churned_date
    from {{ ref('stg_crm__accounts') }}

),

days as (

    select cast(date_day as date) as as_of_date
    from (
        {{ dbt.date_spine(datepart='day', start_date=arr_history_start_date(), end_date=date_add_days(as_of_date(), 1)) }}
    ) as spine

),

{% if using_subscriptions() -%}

    subscriptions as (

        select
            subscriptions.subscription_id,
            subscriptions.account_id,
            coalesce(subscriptions.arr, 0) as arr,
            subscriptions.seats,
            subscriptions.started_date,
            subscriptions.ended_date
        from {{ subscriptions_relation }} as subscriptions
        inner join accounts
            on subscriptions.account_id = accounts.account_id
        where subscriptions.started_date <= {{ as_of_date() }}

    ),

    account_days as (

        select
            accounts.account_id,
            days.as_of_date,
            cast(coalesce(sum(subscriptions.arr), 0) as decimal(18, 2)) as arr,
            cast(sum(subscriptions.seats) as integer) as licensed_seats,
            count(subscriptions.subscription_id) as count_subscriptions,
            cast('subscriptions' as {{ dbt.type_string() }}) as arr_source
        from accounts
        cross join days
        left join subscriptions
            on
                accounts.account_id = subscriptions.account_id
                and days.as_of_date >= subscriptions.started_date
                and (subscriptions.ended_date is null or days.as_of_date < subscriptions.ended_date)
        group by accounts.account_id, days.as_of_date

    )

{%- else -%}

    account_days as (

        select
            accounts.account_id,
            days.as_of_date,
            cast(case
                when
                    accounts.contract_start_date <= days.as_of_date
                    and (accounts.churned_date is null or accounts.churned_date > days.as_of_date)
                    then accounts.crm_arr
                else 0
            end as decimal(18, 2)) as arr,
            accounts.crm_licensed_seats as licensed_seats,
            cast(null as {{ dbt.type_bigint() }}) as count_subscriptions,
            cast('crm' as {{ dbt.type_string() }}) as arr_source
        from accounts
        cross join days

    )

{%- endif %}

select * from account_days
