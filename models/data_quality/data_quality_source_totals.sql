-- The rows each raw table loaded, the denominator of data_quality_issues' pct_of_source_rows:
-- events as loaded (every row of segment.tracks), the other sources as their base_* models
-- read them, subscriptions as staged.
{{ config(materialized='ephemeral') }}
{%- set table_names = data_quality_source_tables() %}
with

source_totals as (

    select
        '{{ table_names.tracks }}' as source_table,
        count(*) as count_rows
    from {{ source('segment', 'tracks') }}
    union all
    select
        '{{ table_names.accounts }}',
        count(*)
    from {{ ref('base_crm__accounts') }}
    union all
    select
        '{{ table_names.tickets }}',
        count(*)
    from {{ ref('base_support__tickets') }}
    union all
    select
        '{{ table_names.nps }}',
        count(*)
    from {{ ref('base_surveys__nps_responses') }}
    union all
    select
        '{{ table_names.invoices }}',
        count(*)
    from {{ ref('base_billing__invoices') }}
    union all
    select
        '{{ table_names.subscriptions }}',
        count(*)
    from {{ ref('stg_billing__subscriptions') }}

)

select * from source_totals
