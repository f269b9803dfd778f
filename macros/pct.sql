{% macro pct(numerator, denominator) %}
    {#- numerator / denominator x 100, rounded (half away from zero) to one decimal;
        null when the denominator is null or zero. -#}
    cast(round(100.0 * ({{ numerator }}) / nullif({{ denominator }}, 0), 1) as decimal(9, 1))
{%- endmacro %}

{% macro safe_divide(numerator, denominator) %}
    {#- numerator / denominator as a float, null when the denominator is null or zero. -#}
    (cast({{ numerator }} as {{ type_double() }}) / nullif({{ denominator }}, 0))
{%- endmacro %}
