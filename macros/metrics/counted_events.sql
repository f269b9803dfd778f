{% macro counts_on_as_of_date(alias=none) %}
    {#- The rule of which attributed events count on D (int_events_attributed rows): signed in
        (a user_id) and attributed to their account by D (attributed_from_date <= D). Written
        once here; every model that counts events on D filters with it. `alias`: the table
        alias of int_events_attributed in the query, if any. -#}
    {%- set prefix = alias ~ '.' if alias else '' -%}
    ({{ prefix }}user_id is not null and {{ prefix }}attributed_from_date <= {{ as_of_date() }})
{%- endmacro %}
