{% macro spark__load_csv_rows(model, agate_table) %}
    {#- dbt-spark's seed loader passes values as bindings that its session method pastes into
        the SQL unescaped, so a seed value with an apostrophe ("60 days' engagement") breaks
        the insert. This one writes each value as an escaped literal. -#}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    {%- set value = row[loop.index0] -%}
                    {%- if value is none -%}
                        cast(null as {{ type }})
                    {%- else -%}
                        cast('{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}' as {{ type }})
                    {%- endif -%}
                    {%- if not loop.last %},{% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}

{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) %}
    {#- dbt-spark's listagg ignores order_by_clause (it warns and concatenates in whatever
        order the rows arrive), so lists built from the same rows read differently than on
        the other engines. This one sorts: it collects (order keys, value) pairs and sorts
        them with a comparator built from the clause (keys separated by top-level commas,
        each optionally followed by asc or desc; nulls last). -#}
    {%- set keys = [] -%}
    {%- if order_by_clause -%}
        {%- set clause = order_by_clause | trim -%}
        {%- if clause[:8] | lower == 'order by' -%}
            {%- set clause = clause[8:] -%}
        {%- endif -%}
        {%- set parts = [] -%}
        {%- set depth = namespace(level=0, current='') -%}
        {%- for character in clause -%}
            {%- if character == ',' and depth.level == 0 -%}
                {%- do parts.append(depth.current) -%}
                {%- set depth.current = '' -%}
            {%- else -%}
                {%- if character == '(' -%}{%- set depth.level = depth.level + 1 -%}{%- endif -%}
                {%- if character == ')' -%}{%- set depth.level = depth.level - 1 -%}{%- endif -%}
                {%- set depth.current = depth.current ~ character -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do parts.append(depth.current) -%}
        {%- for part in parts -%}
            {%- set term = part | trim -%}
            {%- set descending = modules.re.search('\\sdesc$', term, modules.re.IGNORECASE) is not none -%}
            {%- set term = modules.re.sub('\\s(asc|desc)$', '', term, flags=modules.re.IGNORECASE) | trim -%}
            {%- do keys.append({'expression': term, 'descending': descending}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set fields = [] -%}
    {%- for key in keys -%}
        {%- do fields.append("'k" ~ loop.index ~ "', " ~ key.expression) -%}
    {%- endfor -%}
    {%- do fields.append("'v', " ~ measure) -%}
    {%- set collected -%}
        collect_list(named_struct({{ fields | join(', ') }}))
    {%- endset -%}
    {%- if keys -%}
        {%- set comparisons = [] -%}
        {%- for key in keys -%}
            {%- set field = 'k' ~ loop.index -%}
            {%- set before = '1' if key.descending else '-1' -%}
            {%- set after = '-1' if key.descending else '1' -%}
            {%- do comparisons.append(
                "when l." ~ field ~ " is null and r." ~ field ~ " is not null then 1"
                ~ " when l." ~ field ~ " is not null and r." ~ field ~ " is null then -1"
                ~ " when l." ~ field ~ " < r." ~ field ~ " then " ~ before
                ~ " when l." ~ field ~ " > r." ~ field ~ " then " ~ after
            ) -%}
        {%- endfor -%}
        {%- set collected -%}
            array_sort({{ collected }}, (l, r) -> case {{ comparisons | join(' ') }} else 0 end)
        {%- endset -%}
    {%- endif -%}
    {%- set values -%}
        transform({{ collected }}, item -> item.v)
    {%- endset -%}
    {%- if limit_num -%}
        {%- set values -%}slice({{ values }}, 1, {{ limit_num }}){%- endset -%}
    {%- endif -%}
    {{ return('array_join(' ~ values ~ ', ' ~ delimiter_text ~ ')') }}
{% endmacro %}
