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
-- Incremental: a row depends only on its day and its account's ARR sources (the CRM row, or the
-- account's subscriptions started by D), fingerprinted per account in source_fingerprint. A run
-- builds, per account, the days after its latest stored one, or every day when the fingerprint
-- differs from the stored one (or the history now starts earlier); days outside the history
-- and accounts no longer in the CRM are deleted first.
{{ config(
    materialized=incremental_materialization('as_of_date'),
    incremental_strategy=incremental_strategy(),
    partition_by=date_partitions('as_of_date'),
    unique_key=['account_id', 'as_of_date'],
    on_schema_change='fail',
    pre_hook="{{ delete_rows_outside_arr_history(ref('stg_crm__accounts')) }}"
) }}
{#- named here, whichever branch below reads it, so the lineage is the same -#}
{%- set subscriptions_relation = ref('stg_billing__subscriptions') %}
{%- set text = dbt.type_string() %}
{{- require_kept_columns(['source_fingerprint', 'rebuilt_at']) }}
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

all_days as (

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

    -- per account, what its rows are computed from: its subscriptions started by D
    account_sources as (

        select
            accounts.account_id,
            cast({{ fingerprint_agg(row_fingerprint([
                "'subscriptions'", 'subscriptions.subscription_id', 'subscriptions.arr', 'subscriptions.seats',
                'subscriptions.started_date', 'subscriptions.ended_date'
            ])) }} as {{ text }}) as source_fingerprint
        from accounts
        left join subscriptions
            on accounts.account_id = subscriptions.account_id
        group by accounts.account_id

    ),

{%- else %}

    -- per account, what its rows are computed from: its CRM row
    account_sources as (

        select
            account_id,
            cast({{ dbt.hash(row_fingerprint([
                "'crm'", 'crm_arr', 'crm_licensed_seats', 'contract_start_date', 'churned_date'
            ])) }} as {{ text }}) as source_fingerprint
        from accounts

    ),

{%- endif %}

-- per account, the first day to build: every day on a full build; on an incremental run the days
-- after its latest stored one, or every day when its sources changed or the history starts earlier;
-- where whole date partitions are replaced (Spark), every account from the earliest of those days
-- or of the kept days of accounts no longer in the CRM (whole_dates_scope())
per_account_scope as (

    select
        account_sources.account_id,
        account_sources.source_fingerprint,
        {%- if is_incremental() %}
            case
                when
                    stored.account_id is null
                    or stored.first_day > {{ arr_history_start_date() }}
                    or stored.min_fingerprint <> account_sources.source_fingerprint
                    or stored.max_fingerprint <> account_sources.source_fingerprint
                    then {{ arr_history_start_date() }}
                else {{ date_add_days('stored.last_day', 1) }}
            end as from_date
        from account_sources
        left join (
            select
                account_id,
                min(as_of_date) as first_day,
                max(as_of_date) as last_day,
                min(source_fingerprint) as min_fingerprint,
                max(source_fingerprint) as max_fingerprint
            from {{ this }}
            group by account_id
        ) as stored
            on account_sources.account_id = stored.account_id
        {%- else %}
            {{ arr_history_start_date() }} as from_date
        from account_sources
        {%- endif %}

),

scope as (

    {{ whole_dates_scope(
        'select * from per_account_scope',
        'select account_id, source_fingerprint from account_sources',
        arr_accounts_gone_dates_sql(ref('stg_crm__accounts')) if is_incremental() else none
    ) }}

),

days as (

    select
        scope.account_id,
        scope.source_fingerprint,
        all_days.as_of_date
    from scope
    -- a full build takes every day of every account: a plain cross product, not a range join
    inner join all_days
        on {% if is_incremental() %}all_days.as_of_date >= scope.from_date{% else %}true{% endif %}

),

{% if using_subscriptions() -%}

    account_days as (

        select
            days.account_id,
            days.as_of_date,
            cast(coalesce(sum(subscriptions.arr), 0) as decimal(18, 2)) as arr,
            cast(sum(subscriptions.seats) as integer) as licensed_seats,
            count(subscriptions.subscription_id) as count_subscriptions,
            cast('subscriptions' as {{ text }}) as arr_source,
            days.source_fingerprint
        from days
        left join subscriptions
            on
                days.account_id = subscriptions.account_id
                and days.as_of_date >= subscriptions.started_date
                and (subscriptions.ended_date is null or days.as_of_date < subscriptions.ended_date)
        group by days.account_id, days.as_of_date, days.source_fingerprint

    )

{%- else -%}

    account_days as (

        select
            days.account_id,
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
            cast('crm' as {{ text }}) as arr_source,
            days.source_fingerprint
        from days
        inner join accounts
            on days.account_id = accounts.account_id

    )

{%- endif %}

select
    account_id,
    as_of_date,
    arr,
    licensed_seats,
    count_subscriptions,
    arr_source,
    source_fingerprint,
    {{ run_started_at_sql() }} as rebuilt_at
from account_days
