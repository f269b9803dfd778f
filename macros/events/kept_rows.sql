{% macro kept_rows_under_keys(built, keys, cutoff) %}
    {#- The end of int_events_attributed's kept_winners select (from its `built` alias on):
        the kept rows whose event_key is in the CTE `keys` (its column event_key) and that
        were loaded before `cutoff`. Every engine selects exactly those rows; how it finds
        them is the engine's (a join, or a key-only pass and a fetch by row id). `built`:
        the model's own relation ({{ this }}). -#}
    {{ return(adapter.dispatch('kept_rows_under_keys', 'customer_health')(built, keys, cutoff)) }}
{% endmacro %}

{% macro default__kept_rows_under_keys(built, keys, cutoff) %}
        inner join {{ keys }}
            on built.event_key = {{ keys }}.event_key
        where built.received_at < {{ cutoff }}
{%- endmacro %}

{% macro duckdb__kept_rows_under_keys(built, keys, cutoff) %}
        {#- Two passes: the keys and load times of every kept row (16 bytes a row) find the row
            ids of the few kept rows loaded before the cutoff under a redone key (113 of 62 k
            keys at `medium`); only those rows' other columns are then read, by row id (DuckDB
            skips the row groups and vectors without one). One pass read the eight columns
            of every kept row: the keys' filter lets nearly every vector through. Both passes
            read the same table in one statement, so the row ids are those of the same rows. -#}
        where built.rowid in (
            select kept.rowid
            from {{ built }} as kept
            inner join {{ keys }}
                on kept.event_key = {{ keys }}.event_key
            where kept.received_at < {{ cutoff }}
        )
{%- endmacro %}
