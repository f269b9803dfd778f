{% macro hash_key(column) %}
    {#- A 64-bit integer hash of a text column (int_events_attributed.event_key): comparing
        and deleting by it reads 8 bytes per row instead of a 36-character id. Equal texts
        give equal keys; different texts may collide, so every query that uses it also
        compares the text itself (the key only narrows the rows). Engines hash differently:
        one macro per engine. -#}
    {{ return(adapter.dispatch('hash_key', 'customer_health')(column)) }}
{% endmacro %}

{% macro default__hash_key(column) %}
    {{ exceptions.raise_compiler_error(
        "hash_key() has no 64-bit hash for the adapter '" ~ target.type ~ "': add a macro "
        ~ target.type ~ "__hash_key(column) in macros/adapters/hash_key.sql returning a bigint."
    ) }}
{% endmacro %}

{% macro duckdb__hash_key(column) %}cast(hash({{ column }}) >> 1 as bigint){% endmacro %}

{% macro postgres__hash_key(column) %}hashtextextended({{ column }}, 0){% endmacro %}

{% macro spark__hash_key(column) %}xxhash64({{ column }}){% endmacro %}
