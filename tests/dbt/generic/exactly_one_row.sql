{% test exactly_one_row(model) %}
    {#- Fails (one row, with the count) unless the model has exactly one row. -#}
    select count_rows
    from (select count(*) as count_rows from {{ model }}) as counted
    where count_rows <> 1
{% endtest %}
