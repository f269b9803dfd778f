{% macro as_of_date_str() %}
    {#- The ISO date every output is computed as of: var('as_of_date'), else today's UTC date. -#}
    {%- set raw = var('as_of_date') -%}
    {%- if raw is none or raw | string | trim == '' -%}
        {{ return(modules.datetime.datetime.now(modules.pytz.utc).date().isoformat()) }}
    {%- endif -%}
    {%- set text = raw | string | trim -%}
    {%- set fix = " Pass an ISO date (YYYY-MM-DD) that exists, e.g. --vars '{as_of_date: 2025-03-01}', or leave it unset for today's UTC date." -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {{ exceptions.raise_compiler_error("Configuration error: var 'as_of_date' is '" ~ text ~ "', which is not a date." ~ fix) }}
    {%- endif -%}
    {#- Checked by hand: strptime on a day that does not exist (2025-02-30) would end the run
        with a Python traceback instead of a sentence. -#}
    {%- set year, month, day = text[0:4] | int, text[5:7] | int, text[8:10] | int -%}
    {%- if year < 1 or month < 1 or month > 12 or day < 1 or day > _days_in_month(year, month) -%}
        {{ exceptions.raise_compiler_error("Configuration error: var 'as_of_date' is '" ~ text ~ "', a day that does not exist." ~ fix) }}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}

{% macro _days_in_month(year, month) %}
    {#- December always has 31 days (and date(10000, 1, 1) would not exist). -#}
    {%- if month == 12 -%}{{ return(31) }}{%- endif -%}
    {{ return((modules.datetime.date(year, month + 1, 1) - modules.datetime.timedelta(days=1)).day) }}
{% endmacro %}

{% macro as_of_date() %}
    {#- The as-of date D as a SQL date literal. -#}
    cast('{{ as_of_date_str() }}' as date)
{%- endmacro %}

{% macro as_of_end_at() %}
    {#- The last instant that counts on D: D 23:59:59.999 UTC, as the contract says. -#}
    cast('{{ as_of_date_str() }} 23:59:59.999' as {{ dbt.type_timestamp() }})
{%- endmacro %}
