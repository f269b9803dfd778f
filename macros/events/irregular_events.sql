{#-
    Running state of the data-quality counts of the product events (data_quality_irregular_events):
    the events that are left out or flagged on some as-of date whatever D is (no user, no
    account, attributed only after they are due, an account the CRM does not know, a name
    outside the catalog). The daily run re-examines only the rows of int_events_attributed
    written since (its rebuilt_at); the future events are counted on the events themselves.
-#}

{% macro irregular_events_fingerprint_sql() %}
    {#- What the irregular rows were classified against: the CRM's account ids and the
        catalog's event names, as one hash. When it changes (an account removed from the CRM,
        the catalog edited) every event is classified again. -#}
    cast({{ dbt.hash(
        "coalesce((select " ~ dbt.listagg('crm_ids.account_id', "','", 'order by crm_ids.account_id')
        ~ " from " ~ ref('stg_crm__accounts') ~ " as crm_ids), '') || '|' || "
        ~ "coalesce((select " ~ dbt.listagg('names.event_name', "','", 'order by names.event_name')
        ~ " from " ~ ref('int_event_catalog') ~ " as names), '')"
    ) }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro irregular_events_since() %}
    {#- The latest rebuilt_at of int_events_attributed among the kept irregular rows, as a SQL
        timestamp literal: the rows of int_events_attributed written later are examined again
        (and the earlier ones were examined by an earlier run). None on a full build or when
        nothing is kept (then every event is examined). -#}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- do require_kept_columns(['rebuilt_at', 'config_hash', 'event_key']) -%}
    {%- set latest = run_query('select max(rebuilt_at) from ' ~ this).columns[0].values()[0] -%}
    {%- if latest is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return("cast('" ~ (latest if latest is string else latest.strftime('%Y-%m-%d %H:%M:%S.%f')) ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{% endmacro %}

{% macro irregular_events_hook_sql(events) %}
    {#- data_quality_irregular_events' pre-hook where it is incremental (`events`: its
        ref('int_events_attributed')): delete every kept row when the CRM or the catalog
        changed (config_hash) or when int_events_attributed was rebuilt whole (none of its rows
        is as old as the latest kept; its vanished events must go too), else the kept rows
        under the keys of the events rows written since. The model then inserts the irregular
        ones of those rows again. -#}
    {%- set since = irregular_events_since() -%}
    {%- if incremental_materialization() != 'incremental' or since is none -%}
        select 1
    {%- else -%}
        {%- set row = run_query(
            "select (select kept.config_hash from " ~ this ~ " as kept limit 1), "
            ~ irregular_events_fingerprint_sql() ~ ", "
            ~ "(select count(*) from (select 1 as one from " ~ events ~ " as old_events "
            ~ "where old_events.rebuilt_at <= " ~ since ~ " limit 1) as old_rows)"
        ).rows[0] -%}
        {%- if row[0] != row[1] or row[2] == 0 %}
            delete from {{ this }}
        {%- else %}
            delete from {{ this }}
            where event_key in (
                select written.event_key from {{ events }} as written
                where written.rebuilt_at > {{ since }}
            )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
