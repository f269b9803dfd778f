{% macro is_customer_day(accounts, day) %}
    {#- True when `day` is a customer day of the account row `accounts` (an alias of
        stg_crm__accounts): contract started on or before it and not churned by it.
        int_customer_days builds the spine with it; delete_non_customer_days() prunes with it. -#}
    ({{ accounts }}.contract_start_date <= {{ day }}
    and ({{ accounts }}.churned_date is null or {{ accounts }}.churned_date > {{ day }}))
{%- endmacro %}

{% macro delete_non_customer_days(crm_accounts, first_day=none) %}
    {#- A pre-hook for an incremental account-day model: delete the kept rows that are no longer
        a day of the daily series (int_customer_days: the series window, a CRM account, a customer
        day). The same keys as an anti-join with int_customer_days, but one pass over the kept
        rows against the small accounts table instead of a join of two account-day tables.
        The rows to delete are found by a left join on account_id with the customer-day test in
        its condition (no match: not a customer day of any CRM row of that id, as `not exists`
        says), then deleted by key (`delete ... using`, DuckDB and PostgreSQL; Spark builds these
        models as tables). A correlated `not exists` on the day made DuckDB deduplicate every
        kept (account, day) pair first: about 3 times the work (DECISIONLOG "Daily cost
        (issue 18): scoring deletes and band outcomes (sixth round)").
        `first_day`: where the model's days start (default: the series start, burn-in included).
        Nothing on a full build. -#}
    {%- if is_incremental() -%}
        delete from {{ this }} as kept_rows
        using (
            select
                kept.account_id,
                kept.as_of_date
            from {{ this }} as kept
            left join {{ crm_accounts }} as accounts
                on
                    kept.account_id = accounts.account_id
                    and {{ is_customer_day('accounts', 'kept.as_of_date') }}
            where
                kept.as_of_date < {{ series_start_date() if first_day is none else first_day }}
                or kept.as_of_date > {{ as_of_date() }}
                or accounts.account_id is null
        ) as gone
        where kept_rows.account_id = gone.account_id and kept_rows.as_of_date = gone.as_of_date
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
