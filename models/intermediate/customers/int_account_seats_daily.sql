-- One row per account and customer day of the daily series: the licensed seats that day, as the
-- ARR history (int_account_arr_daily, CONTRACT.md section 6) counts them on that day.
-- With subscriptions: the sum of seats over the account's subscriptions that count on the day
-- (started_date <= day and (ended_date is null or ended_date > day)); null when none of them has
-- seats. This replaces crm.accounts.seats on that day in every metric and in the score history,
-- so a past day sees the seats it had then.
-- Without subscriptions: crm.accounts.seats as it stands today, on every day (the CRM keeps no
-- history of seats: a known leak of today's value into past days, see DECISIONLOG).
-- Incremental: a row is the ARR history's seats on a customer day, so a run builds the customer
-- days the table does not hold yet (its days per account are one interval, as customer days are:
-- the days before its first or after its last stored day) and the days whose ARR row was rebuilt
-- since this table's last build (the ARR history's rebuilt_at later than this table's latest);
-- days no longer customer days are deleted first (DECISIONLOG "Daily cost (issue 18): scoring
-- deletes, band outcomes and seats (sixth round)").
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['account_id', 'as_of_date'],
    on_schema_change='fail',
    pre_hook="{{ delete_non_customer_days(ref('stg_crm__accounts')) }}"
) }}
{{- require_kept_columns(['rebuilt_at']) }}
with

customer_days as (

    select
        account_id,
        as_of_date
    from {{ ref('int_customer_days') }}

),

arr_daily as (

    select * from {{ ref('int_account_arr_daily') }}

),

{%- if is_incremental() %}
    {#- this table's last build: ARR rows stamped later were rebuilt since (a literal, so the engine
        skips the older row groups) -#}
    {%- set latest = run_query('select max(rebuilt_at) from ' ~ this).columns[0].values()[0] %}
    {%- set watermark = "cast('" ~ (latest if latest is string else latest.strftime('%Y-%m-%d %H:%M:%S.%f'))
        ~ "' as " ~ dbt.type_timestamp() ~ ")" if latest is not none else "cast('1900-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")" %}

    -- per account, the interval of days the table holds
    stored as (

        select
            account_id,
            min(as_of_date) as first_day,
            max(as_of_date) as last_day
        from {{ this }}
        group by account_id

    ),

    -- per account, the first day whose ARR row was rebuilt since this table's last build
    arr_rebuilt as (

        select
            account_id,
            min(as_of_date) as from_date
        from arr_daily
        where rebuilt_at > {{ watermark }}
        group by account_id

    ),

    batch as (

        select
            customer_days.account_id,
            customer_days.as_of_date
        from customer_days
        left join stored
            on customer_days.account_id = stored.account_id
        left join arr_rebuilt
            on customer_days.account_id = arr_rebuilt.account_id
        where
            stored.account_id is null
            or customer_days.as_of_date < stored.first_day
            or customer_days.as_of_date > stored.last_day
            or customer_days.as_of_date >= arr_rebuilt.from_date

    ),
{%- else %}

    batch as (

        select * from customer_days

    ),
{%- endif %}

seats as (

    select
        batch.account_id,
        batch.as_of_date,
        arr_daily.licensed_seats,
        {{ run_started_at_sql() }} as rebuilt_at
    from batch
    inner join arr_daily
        on batch.account_id = arr_daily.account_id and batch.as_of_date = arr_daily.as_of_date

)

select * from seats
