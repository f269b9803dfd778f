{% macro as_of_date_str() %}
    {#- The ISO date every output is computed as of: var('as_of_date'), else today's UTC date. -#}
    {%- set raw = var('as_of_date') -%}
    {%- if raw is none or raw | string | trim == '' -%}
        {{ return(modules.datetime.datetime.now(modules.pytz.utc).date().isoformat()) }}
    {%- endif -%}
    {%- set text = raw | string | trim -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {{ exceptions.raise_compiler_error("var 'as_of_date' must be an ISO date like 2025-03-01, got '" ~ text ~ "'.") }}
    {%- endif -%}
    {%- set parsed = modules.datetime.datetime.strptime(text, '%Y-%m-%d') -%}
    {{ return(text) }}
{% endmacro %}

{% macro as_of_date() %}
    {#- The as-of date D as a SQL date literal. -#}
    cast('{{ as_of_date_str() }}' as date)
{%- endmacro %}

{% macro as_of_end_at() %}
    {#- The last instant that counts on D: D 23:59:59.999 UTC, as the contract says. -#}
    cast('{{ as_of_date_str() }} 23:59:59.999' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro date_add_days(date_expr, days) %}
    {#- A date plus (or minus) a whole number of days, always typed date. -#}
    cast({{ dbt.dateadd('day', days, date_expr) }} as date)
{%- endmacro %}

{% macro days_between(start_date, end_date) %}
    {#- Whole days from start_date to end_date (end minus start). -#}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}
