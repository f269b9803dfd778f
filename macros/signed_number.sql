{% macro signed_number(expr) %}
    {#- A whole number with its sign: +3, -12, 0. -#}
    case
        when {{ expr }} > 0 then '+' || cast({{ expr }} as {{ dbt.type_string() }})
        else cast({{ expr }} as {{ dbt.type_string() }})
    end
{%- endmacro %}
