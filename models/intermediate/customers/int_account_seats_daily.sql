-- One row per account and customer day of the daily series: the licensed seats that day.
-- With subscriptions (CONTRACT.md section 6): the sum of seats over the account's
-- subscriptions that count on the day (started_date <= day and (ended_date is null or
-- ended_date > day)); null when none of them has seats. This replaces crm.accounts.seats on
-- that day in every metric and in the score history, so a past day sees the seats it had then.
-- Without subscriptions: crm.accounts.seats as it stands today, on every day (the CRM keeps no
-- history of seats: a known leak of today's value into past days, see DECISIONLOG).
{#- both inputs named here, whichever branch below reads them, so the lineage is the same -#}
{%- set subscriptions_relation = ref('stg_billing__subscriptions') %}
{%- set crm_accounts_relation = ref('stg_crm__accounts') %}
with

customer_days as (

    select
        account_id,
        as_of_date
    from {{ ref('int_customer_days') }}

),

{% if using_subscriptions() -%}

    subscriptions as (

        select
            account_id,
            seats,
            started_date,
            ended_date
        from {{ subscriptions_relation }}
        where started_date <= {{ as_of_date() }}

    ),

    seats as (

        select
            customer_days.account_id,
            customer_days.as_of_date,
            cast(sum(subscriptions.seats) as integer) as licensed_seats
        from customer_days
        left join subscriptions
            on
                customer_days.account_id = subscriptions.account_id
                and customer_days.as_of_date >= subscriptions.started_date
                and (subscriptions.ended_date is null or customer_days.as_of_date < subscriptions.ended_date)
        group by customer_days.account_id, customer_days.as_of_date

    )

{%- else -%}

    seats as (

        select
            customer_days.account_id,
            customer_days.as_of_date,
            accounts.licensed_seats
        from customer_days
        inner join {{ crm_accounts_relation }} as accounts
            on customer_days.account_id = accounts.account_id

    )

{%- endif %}

select * from seats
