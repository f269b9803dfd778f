{% test in_range(model, column_name, min_value=none, max_value=none) %}
    {#- Fails for each non-null value below min_value or above max_value (both inclusive). -#}
    {%- if min_value is none and max_value is none -%}
        {{ exceptions.raise_compiler_error("in_range: give min_value, max_value or both for column " ~ column_name) }}
    {%- endif %}
    select {{ column_name }} as out_of_range_value
    from {{ model }}
    where
        {{ column_name }} is not null
        and (
            {% if min_value is not none %}{{ column_name }} < {{ min_value }}{% else %}false{% endif %}
            or {% if max_value is not none %}{{ column_name }} > {{ max_value }}{% else %}false{% endif %}
        )
{% endtest %}
