{% macro end_of_day_at(date_expr) %}
    {#- The last instant that counts on a date: date 23:59:59.999 (the contract's end of D). -#}
    {{ return(adapter.dispatch('end_of_day_at', 'customer_health')(date_expr)) }}
{% endmacro %}

{% macro default__end_of_day_at(date_expr) -%}
    (cast({{ date_expr }} as {{ dbt.type_timestamp() }}) + interval '86399999 milliseconds')
{%- endmacro %}

{% macro spark__end_of_day_at(date_expr) -%}
    (cast({{ date_expr }} as timestamp) + interval '86399.999' second)
{%- endmacro %}

{% macro first_as_of_date(timestamp_expr) %}
    {#- The first as-of date D whose end (D 23:59:59.999) is at or after the timestamp:
        its UTC date, or the next day for the last fraction of a millisecond of a day. -#}
    case
        when {{ timestamp_expr }} > {{ end_of_day_at('cast(' ~ timestamp_expr ~ ' as date)') }}
            then {{ date_add_days('cast(' ~ timestamp_expr ~ ' as date)', 1) }}
        else cast({{ timestamp_expr }} as date)
    end
{%- endmacro %}
