{% macro require_kept_columns(columns) %}
    {#- On an incremental run, stop with one sentence when the kept table lacks a column this
        version of the model reads from it (a table built by an older version of the project),
        naming the fix; nothing on a full build. -#}
    {%- if execute and is_incremental() -%}
        {%- set kept = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
        {%- for column in columns if column | lower not in kept -%}
            {{ exceptions.raise_compiler_error(
                this ~ " was built by an older version of this project (it has no column " ~ column
                ~ "). Rebuild it once with: dbt build --full-refresh --select " ~ this.identifier ~ "+"
            ) }}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
