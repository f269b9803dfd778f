{#-
    Which raw tables the project reads, as part of the configuration hash of the incremental
    models. Pointing a *_schema var (or a source's schema or identifier) somewhere else
    changes it, so those models rebuild from the new tables instead of keeping the old
    tables' rows next to the new ones.
-#}

{% macro source_identity() %}
    {#- Every enabled source's relation, sorted, as one text:
        "crm.accounts=crm.accounts;segment.tracks=rudder.tracks;...". The database is named
        only when it is not the target's (the warehouse file or database itself may move). -#}
    {%- set sources = graph.get('sources') if execute else none -%}
    {%- if not sources -%}
        {#- parsing, or a unit test (whose graph has no sources): nothing is compared -#}
        {{ return('') }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for node in sources.values() -%}
        {%- set database = '' if node.database == target.database else node.database ~ '.' -%}
        {%- do parts.append(node.source_name ~ '.' ~ node.name ~ '=' ~ database ~ node.schema ~ '.' ~ node.identifier) -%}
    {%- endfor -%}
    {{ return(parts | sort | join(';')) }}
{% endmacro %}

{% macro source_identity_literal() %}
    {#- source_identity() as a SQL text literal, prefixed 'sources|' for a fingerprint row. -#}
    '{{ ("sources|" ~ source_identity()) | replace("'", "''") }}'
{%- endmacro %}

{% macro events_rebuild_reason(raw_tracks) %}
    {#- For int_events_attributed on an incremental run: why it must be rebuilt from scratch,
        or none (events_rebuild_check()'s reason). -#}
    {%- set check = events_rebuild_check(raw_tracks) -%}
    {{ return(none if check is none else check.reason) }}
{% endmacro %}

{% macro events_rebuild_check(raw_tracks) %}
    {#- For int_events_attributed on an incremental run (else none): a mapping with `reason`,
        why it must be rebuilt from scratch (or none), and the raw counts it was decided from,
        `raw_rows` (every row of `raw_tracks`) and `raw_missing` (the rows without an id or a
        timestamp). Reasons: it was built from other source tables (its config_hash); it holds
        more events than the source has loadable rows (rows with an id and a timestamp), so
        rows it was built from were deleted or rewritten (kept as they are, they would make
        the duplicate count negative); or the engine now hashes an id to another event_key
        or user_key (a new engine version), so keys kept and keys computed now would not
        match (a regrouped user's kept events would not be found). Read
        before the run changes the table. `raw_tracks`: the model's source() of the raw
        events, counted by events_raw_counts_query() (macros/events/raw_counts.sql), the same
        counts data_quality_event_issues takes; the pre-hook saves them for it (events_raw_counts_*). -#}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set existing_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- for column in ['config_hash', 'event_key', 'user_key', 'event_at', 'has_context_account', 'rebuilt_at'] if column not in existing_columns -%}
        {{ exceptions.raise_compiler_error(
            this ~ " was built by an older version of this project (it has no column " ~ column ~ "). "
            ~ "Rebuild it once with: dbt build --full-refresh --select " ~ this.identifier
        ) }}
    {%- endfor -%}
    {%- set row = run_query(
        "select (select built.config_hash from " ~ this ~ " as built limit 1), "
        ~ "cast(" ~ dbt.hash(source_identity_literal()) ~ " as " ~ dbt.type_string() ~ "), "
        ~ "(select count(*) from " ~ this ~ "), "
        ~ "raw_counts.count_rows, raw_counts.count_missing, "
        ~ "(select min(case when built.event_key = " ~ hash_key('built.event_id') ~ " then 1 else 0 end) from "
        ~ "(select kept.event_id, kept.event_key from " ~ this ~ " as kept limit 1) as built), "
        ~ "(select min(case when built.user_key = " ~ hash_key('built.user_id') ~ " then 1 else 0 end) from "
        ~ "(select kept.user_id, kept.user_key from " ~ this ~ " as kept where kept.user_id is not null limit 1) as built) "
        ~ "from (" ~ events_raw_counts_query(raw_tracks) ~ ") as raw_counts"
    ).rows[0] -%}
    {%- set counts = {'raw_rows': row[3] | int, 'raw_missing': row[4] | int} -%}
    {%- set loadable = counts.raw_rows - counts.raw_missing -%}
    {%- if row[0] is not none and row[0] != row[1] -%}
        {%- set reason = 'the source tables changed (now ' ~ source_identity() ~ ')' -%}
    {%- elif row[2] > loadable -%}
        {%- set reason = 'it holds ' ~ row[2] ~ ' events but the source has only ' ~ loadable
            ~ ' loadable rows now (rows were deleted or rewritten)' -%}
    {%- elif row[5] == 0 -%}
        {%- set reason = "this engine now hashes event ids to other keys (event_key; a new engine version?)" -%}
    {%- elif row[6] == 0 -%}
        {%- set reason = "this engine now hashes user ids to other keys (user_key; a new engine version?)" -%}
    {%- else -%}
        {%- set reason = none -%}
    {%- endif -%}
    {{ return({'reason': reason, 'raw_rows': counts.raw_rows, 'raw_missing': counts.raw_missing}) }}
{% endmacro %}

{% macro events_rebuild_marker() %}
    {#- The SQL comment line int_events_attributed's compiled query starts with when the run
        starts over (events_rebuild_reason() is not none), and only then: the pre-hook reads
        the decision from the compiled query (events_rebuild_hook_sql()). -#}
    {{ return('-- [starts over: the pre-hook deleted every kept row]') }}
{% endmacro %}

{% macro events_rebuild_hook_sql(raw_tracks, compiled_sql) %}
    {#- int_events_attributed's pre-hook: delete every kept row when the run starts over, else a
        no-op. dbt compiles the model before it renders the hook, and both would ask
        events_rebuild_reason() of the same state (nothing writes the table or the raw events in
        between); its counts read the raw ids of every row group with a missing id, so the hook
        reads the model's decision from its compiled query (`compiled_sql`, the context's
        `sql`) instead of counting again. Without a compiled query it asks itself. It also saves
        the raw counts the compiled query carries (macros/events/raw_counts.sql). -#}
    {%- if not execute or not is_incremental() -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- if compiled_sql -%}
        {%- set starts_over = events_rebuild_marker() in compiled_sql -%}
    {%- else -%}
        {%- set starts_over = events_rebuild_reason(raw_tracks) is not none -%}
    {%- endif -%}
    {{ return(('delete from ' ~ this if starts_over else 'select 1') ~ events_raw_counts_save_sql(raw_tracks, compiled_sql)) }}
{% endmacro %}
