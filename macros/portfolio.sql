{% macro portfolio_period_days() %}
    {#- The retention periods of portfolio_retention (var portfolio_period_days), as whole numbers. -#}
    {%- set periods = var('portfolio_period_days') -%}
    {%- if periods is string or periods is number -%}
        {%- set periods = [periods] -%}
    {%- endif -%}
    {%- set result = [] -%}
    {%- for period in periods -%}
        {%- if not (period | string | trim).isdigit() or period | int < 1 -%}
            {{ exceptions.raise_compiler_error(
                "var 'portfolio_period_days' must list whole numbers of days such as [90, 365], got '" ~ period ~ "'."
            ) }}
        {%- endif -%}
        {%- do result.append(period | int) -%}
    {%- endfor -%}
    {{ return(result | unique | list | sort) }}
{% endmacro %}

{% macro arr_history_start_date() %}
    {#- The first day of the ARR history: far enough back for the longest retention period
        and for the whole daily score series (published history plus burn-in). -#}
    {%- set days_back = [portfolio_period_days() | max, var('history_days') | int + history_burn_in_days() - 1] | max -%}
    {{ return(date_add_days(as_of_date(), -days_back)) }}
{% endmacro %}

{% macro using_subscriptions() %}
    {#- True when ARR and seats history come from billing.subscriptions (var using_subscriptions). -#}
    {{ return(source_enabled('billing', 'subscriptions', 'using_subscriptions')) }}
{% endmacro %}

{% macro delete_rows_outside_arr_history(crm_accounts) %}
    {#- The pre-hook of int_account_arr_daily: delete the kept rows outside the ARR history
        (before arr_history_start_date() or after D) and of accounts no longer in the CRM, so
        the table holds exactly the keys a full build would. Nothing on a full build. Where whole
        date partitions are replaced (Spark): the dates outside the history are dropped, and the
        model rebuilds the dates of accounts no longer in the CRM (arr_accounts_gone_dates_sql()). -#}
    {%- if replaces_whole_dates() -%}
        {{ drop_date_partitions_outside(arr_history_start_date()) }}
    {%- elif is_incremental() -%}
        delete from {{ this }} as kept_rows
        where
            kept_rows.as_of_date < {{ arr_history_start_date() }}
            or kept_rows.as_of_date > {{ as_of_date() }}
            or not exists (
                select 1 from {{ crm_accounts }} as accounts
                where accounts.account_id = kept_rows.account_id
            )
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{% macro arr_accounts_gone_dates_sql(crm_accounts) %}
    {#- The dates of int_account_arr_daily's kept rows of accounts no longer in the CRM (the rows
        delete_rows_outside_arr_history() deletes inside the history), as a query of one date
        column: where rows cannot be deleted, the model rebuilds these dates whole. -#}
    select kept_rows.as_of_date
    from {{ this }} as kept_rows
    where not exists (
        select 1 from {{ crm_accounts }} as accounts
        where accounts.account_id = kept_rows.account_id
    )
{%- endmacro %}
