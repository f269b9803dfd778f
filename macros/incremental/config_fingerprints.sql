{% macro row_fingerprint(columns) %}
    {#- One text value naming every column's value, nulls included, for change detection. -#}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '~')") -%}
    {%- endfor -%}
    {{ parts | join(" || '|' || ") }}
{%- endmacro %}

{% macro fingerprint_agg(text_column) %}
    {#- An order-independent hash of a group's row fingerprints. -#}
    {{ dbt.hash(dbt.listagg(text_column, "';'", 'order by ' ~ text_column)) }}
{%- endmacro %}

{% macro catalog_config_hash_sql(event_catalog) %}
    {#- A hash of the event catalog and of the source tables read: when the catalog changes,
        every event weighs differently; when a *_schema var names other tables, every row
        comes from other data (source_identity()). -#}
    {{ return(seed_config_hash_sql(event_catalog, ['event', 'feature', 'weight', 'is_meaningful'], 'catalog_rows')) }}
{%- endmacro %}

{% macro milestones_config_hash_sql(activation_milestones) %}
    {#- A hash of the activation milestones (which event completes which milestone) and of the
        source tables read: when either changes, every completion is recomputed
        (int_user_milestone_completions). The description is not read by the model. -#}
    {{ return(seed_config_hash_sql(activation_milestones, ['milestone', 'event'], 'milestone_rows')) }}
{%- endmacro %}

{% macro seed_config_hash_sql(seed, columns, alias) %}
    {#- A hash of a configuration seed's columns that a model reads, and of source_identity(). -#}
    {%- set sql -%}
    select {{ fingerprint_agg('row_text') }} as config_part
    from (
        select {{ row_fingerprint(columns) }} as row_text
        from {{ seed }}
        union all
        select {{ source_identity_literal() }}
    ) as {{ alias }}
    {%- endset -%}
    {{ return(sql) }}
{%- endmacro %}

{% macro crm_accounts_hash_sql(crm_accounts) %}
    {#- A hash of the CRM's account ids: which accounts' events count. -#}
    select {{ fingerprint_agg('account_id') }} as config_part
    from (select distinct cast(account_id as {{ dbt.type_string() }}) as account_id from {{ crm_accounts }}) as crm_accounts
{%- endmacro %}
