-- Rows of the other sources that name an account the CRM does not know, NPS scores out of
-- range and accounts without a CRM id: one row per kind of data_quality_issues.
{{ config(materialized='ephemeral') }}
{%- set table_names = data_quality_source_tables() %}
with

nps as (

    select sum(case when is_valid_score then 0 else 1 end) as count_out_of_range
    from {{ ref('stg_surveys__nps_responses') }}

),

accounts as (

    select
        account_id,
        crm_id
    from {{ ref('stg_crm__accounts') }}

),

orphans as (

    select
        (
            select count(*) from {{ ref('stg_support__tickets') }} as t
            where not exists (
                select 1 from accounts
                where accounts.account_id = t.account_id
            )
        ) as count_tickets,
        (
            select count(*) from {{ ref('stg_billing__invoices') }} as i
            where not exists (
                select 1 from accounts
                where accounts.account_id = i.account_id
            )
        ) as count_invoices,
        (
            select count(*) from {{ ref('stg_surveys__nps_responses') }} as n
            where
                n.account_id is not null
                and not exists (
                    select 1 from accounts
                    where accounts.account_id = n.account_id
                )
        ) as count_nps,
        (
            select count(*) from {{ ref('stg_billing__subscriptions') }} as s
            where not exists (
                select 1 from accounts
                where accounts.account_id = s.account_id
            )
        ) as count_subscriptions,
        (
            select count(*) from accounts
            where crm_id is null
        ) as count_missing_crm_id

),

kinds as (

    select
        '{{ table_names.nps }}' as source_table,
        'nps_score_out_of_range' as kind,
        count_out_of_range as row_count,
        'NPS score is null or outside 0..10; left out of sentiment.' as reason
    from nps
    union all
    select
        '{{ table_names.nps }}',
        'unknown_account',
        count_nps,
        'NPS response names an account id that crm.accounts does not know; left out.'
    from orphans
    union all
    select
        '{{ table_names.tickets }}',
        'unknown_account',
        count_tickets,
        'Ticket names no account, or an account id that crm.accounts does not know; left out of support.'
    from orphans
    union all
    select
        '{{ table_names.invoices }}',
        'unknown_account',
        count_invoices,
        'Invoice names no account, or an account id that crm.accounts does not know; left out of billing.'
    from orphans
    union all
    select
        '{{ table_names.subscriptions }}',
        'unknown_account',
        count_subscriptions,
        'Subscription belongs to an account id that crm.accounts does not know; left out of ARR and seats.'
    from orphans
    union all
    select
        '{{ table_names.accounts }}',
        'missing_crm_id',
        count_missing_crm_id,
        'Account has no Salesforce Id (crm_id); it is scored but cannot be synced to the CRM.'
    from orphans

)

select * from kinds
