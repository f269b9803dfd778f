-- One row: the hash of what every row of int_account_daily_metrics is computed from besides
-- the data: the event catalog, the activation milestones, the vars it reads and the source
-- tables. A row built with another hash is rebuilt (int_account_metric_days_to_rebuild).
{{ config(materialized='ephemeral') }}
with

config_rows as (

    select 'catalog|' || {{ row_fingerprint(['event', 'feature', 'weight', 'is_meaningful']) }} as row_text
    from {{ ref('event_catalog') }}
    union all
    select 'milestone|' || {{ row_fingerprint(['milestone', 'event']) }}
    from {{ ref('activation_milestones') }}
    union all
    select 'vars|{{ rebuild_vars_text("account_metrics") }}'
    union all
    select {{ source_identity_literal() }}

),

final as (

    select {{ fingerprint_agg('row_text') }} as config_hash
    from config_rows

)

select * from final
