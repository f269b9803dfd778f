{% test unique_combination(model, combination) %}
    {#- Fails for each combination of the given columns that appears more than once. -#}
    {%- if combination is string or combination | length == 0 -%}
        {{ exceptions.raise_compiler_error("unique_combination: 'combination' must be a non-empty list of column names") }}
    {%- endif %}
    select {{ combination | join(', ') }}, count(*) as count_rows
    from {{ model }}
    group by {{ combination | join(', ') }}
    having count(*) > 1
{% endtest %}
