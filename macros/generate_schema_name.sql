{% macro generate_schema_name(custom_schema_name, node) -%}
    {#- Models land in the schema their folder names (staging, intermediate, marts, ...),
        not "<target>_<schema>", so BI tools and the sync find them at a stable name. -#}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
