{% macro date_add_days(date_expr, days) %}
    {#- A date plus (or minus) a whole number of days, always typed date. -#}
    cast({{ dbt.dateadd('day', days, date_expr) }} as date)
{%- endmacro %}

{% macro days_between(start_date, end_date) %}
    {#- Whole days from start_date to end_date (end minus start). -#}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}
