{% macro pct(numerator, denominator) %}
    {#- numerator / denominator x 100, rounded (half away from zero) to one decimal;
        null when the denominator is null or zero. -#}
    cast({{ round_to('100.0 * (' ~ numerator ~ ') / nullif(' ~ denominator ~ ', 0)', 1) }} as decimal(9, 1))
{%- endmacro %}

{% macro safe_divide(numerator, denominator) %}
    {#- numerator / denominator as a float, null when the denominator is null or zero. -#}
    (cast({{ numerator }} as {{ type_double() }}) / nullif({{ denominator }}, 0))
{%- endmacro %}

{% macro round_to(expr, digits=0) %}
    {#- expr rounded half away from zero to `digits` decimals. Rounded as an exact decimal,
        so every engine agrees: PostgreSQL has no round(double precision, int) and rounds
        a double's .5 to even, and a double such as 0.15 (stored as 0.1499...) would round
        down. Returns a decimal. -#}
    round(cast({{ expr }} as decimal(38, 10)), {{ digits }})
{%- endmacro %}
