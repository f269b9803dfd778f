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
        `first_day`: where the model's days start (default: the series start, burn-in included).
        Nothing on a full build. -#}
    {%- if is_incremental() -%}
        delete from {{ this }} as kept_rows
        where
            kept_rows.as_of_date < {{ series_start_date() if first_day is none else first_day }}
            or kept_rows.as_of_date > {{ as_of_date() }}
            or not exists (
                select 1 from {{ crm_accounts }} as accounts
                where
                    accounts.account_id = kept_rows.account_id
                    and {{ is_customer_day('accounts', 'kept_rows.as_of_date') }}
            )
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
