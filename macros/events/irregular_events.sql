{#-
    Running state of the data-quality counts of the product events (data_quality_irregular_events):
    the events that are left out or flagged on some as-of date whatever D is (no user, no
    account, attributed only after they are due, an account the CRM does not know, a name
    outside the catalog). The daily run re-examines only the rows of int_events_attributed
    written since (its rebuilt_at); the future events are counted on the events themselves.
-#}

{% macro irregular_events_fingerprint_sql() %}
    {#- What the irregular rows were classified against, as a query of one row (config_hash):
        the CRM's account ids and the event catalog (config_fingerprints.sql). When it changes
        (an account removed from the CRM, the catalog edited) every event is classified again.
        One row: hashed per row of the model, a 5,000-account list took 39 s at 10 M events. -#}
    select
        cast({{ dbt.hash("crm_part.config_part || '|' || catalog_part.config_part") }} as {{ dbt.type_string() }})
            as config_hash
    from ({{ crm_accounts_hash_sql(ref('stg_crm__accounts')) }}) as crm_part
    cross join ({{ catalog_config_hash_sql(ref('event_catalog')) }}) as catalog_part
{%- endmacro %}

{% macro irregular_events_state(events) %}
    {#- How data_quality_irregular_events' run proceeds (`events`: its ref('int_events_attributed')),
        read before the run changes anything: a dict with since (the latest rebuilt_at of
        int_events_attributed among the kept rows, a SQL timestamp literal: the events rows
        written later are examined again, the earlier ones were examined by an earlier run)
        and full (examine every event). Full on a full build, with no kept row, when the CRM's
        account ids or the catalog's names changed (config_hash), or when int_events_attributed
        was rebuilt whole (none of its rows is as old as the latest kept: its vanished events
        must go too). The pre-hook and the model both call it; dbt renders the model before it
        runs the hook, so both see the same kept rows. -#}
    {%- set state = {'full': true, 'since': none} -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(state) }}
    {%- endif -%}
    {%- do require_kept_columns(['rebuilt_at', 'config_hash', 'event_key']) -%}
    {#- with no kept row this is the earliest timestamp, which no events row is as old as: full -#}
    {%- set since = incremental_max_timestamp('rebuilt_at') -%}
    {%- set row = run_query(
        "select (select kept.config_hash from " ~ this ~ " as kept limit 1), "
        ~ "(select fingerprint.config_hash from (" ~ irregular_events_fingerprint_sql() ~ ") as fingerprint), "
        ~ "(select count(*) from (select 1 as one from " ~ events ~ " as old_events "
        ~ "where old_events.rebuilt_at <= " ~ since ~ " limit 1) as old_rows)"
    ).rows[0] -%}
    {%- if row[0] == row[1] and row[2] > 0 -%}
        {%- do state.update({'full': false, 'since': since}) -%}
    {%- endif -%}
    {{ return(state) }}
{% endmacro %}

{% macro irregular_events_hook_sql(events) %}
    {#- data_quality_irregular_events' pre-hook where it is incremental: delete every kept row
        when the run examines every event, else the kept rows under the keys of the events rows
        written since (the model inserts the irregular ones of those rows again). -#}
    {%- if incremental_materialization() != 'incremental' or not is_incremental() -%}
        select 1
    {%- else -%}
        {%- set state = irregular_events_state(events) -%}
        {%- if state.full %}
            delete from {{ this }}
        {%- else %}
            delete from {{ this }}
            where event_key in (
                select written.event_key from {{ events }} as written
                where written.rebuilt_at > {{ state.since }}
            )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
