-- Every kind of row left out of the scores, counted, with the reason in a sentence.
-- One row per kind, always (0 when clean), so a dashboard can chart each kind over time.
-- Product events are classified in order and each counted once, under the first kind
-- that applies: missing id or timestamp, duplicate id, future timestamp, anonymous,
-- unattributed, unknown account; unknown event names are counted among the events kept.
-- The other sources' bad rows are classified once, in their base_* staging models (the first
-- kind that applies; a kept row can also carry one correction, e.g. negative seats).
-- source_table names the table the vars point at (e.g. rudder.tracks). dbt build warns when a
-- kind exceeds its share of the source table's rows (var dq_warn_pct, per kind).
{%- set thresholds = var('dq_warn_pct') %}
{%- if thresholds is not mapping or thresholds.get('default') is none %}
    {{ exceptions.raise_compiler_error(
        "Configuration error: var dq_warn_pct must map data-quality kinds to a percent and have a default, "
        ~ "but it is " ~ thresholds ~ ". Example: {default: 1, duplicate_id: 5}."
    ) }}
{%- endif %}
with

-- every kind, by source: events, the rows the base_* models left out or corrected, and
-- rows that name an unknown account (with NPS scores out of range and missing CRM ids)
kinds as (

    select * from {{ ref('data_quality_event_issues') }}
    union all
    select * from {{ ref('data_quality_source_row_issues') }}
    union all
    select * from {{ ref('data_quality_orphan_issues') }}

),

source_totals as (

    select * from {{ ref('data_quality_source_totals') }}

),

-- unknown event names that differ from a catalog event only in case: the suggestion
mapped as (

    select
        sum(case when suggested_event_name is not null then count_events else 0 end) as count_case_mismatch,
        {{ dbt.listagg(
            "case when suggested_event_name is not null then '\"' || event_name || '\" -> \"' || suggested_event_name || '\"' end",
            "', '", 'order by event_name'
        ) }} as case_mismatch_list
    from {{ ref('data_quality_unknown_event_names') }}

),

counted as (

    select
        kinds.source_table,
        kinds.kind,
        coalesce(kinds.row_count, 0) as row_count,
        kinds.reason,
        coalesce(source_totals.count_rows, 0) as count_source_rows,
        case
            {%- for kind, pct in thresholds.items() if kind != 'default' %}
                when kinds.kind = '{{ kind }}' then {{ pct }}
            {%- endfor %}
            else {{ thresholds['default'] }}
        end as warn_threshold_pct,
        case
            when kinds.kind = 'unknown_event' and mapped.count_case_mismatch > 0
                then
                    'Of these, ' || cast(mapped.count_case_mismatch as {{ dbt.type_string() }})
                    || ' differ from a catalog event only in case; did you mean the catalog''s spelling? '
                    || mapped.case_mismatch_list
        end as suggestion
    from kinds
    left join source_totals
        on kinds.source_table = source_totals.source_table
    cross join mapped

),

final as (

    select
        cast(source_table as {{ dbt.type_string() }}) as source_table,
        cast(kind as {{ dbt.type_string() }}) as kind,
        cast(row_count as {{ dbt.type_bigint() }}) as row_count,
        cast(reason as {{ dbt.type_string() }}) as reason,
        cast(suggestion as {{ dbt.type_string() }}) as suggestion,
        cast(count_source_rows as {{ dbt.type_bigint() }}) as count_source_rows,
        cast({{ round_to('100.0 * row_count / nullif(count_source_rows, 0)', 2) }} as decimal(9, 2)) as pct_of_source_rows,
        cast(warn_threshold_pct as decimal(9, 2)) as warn_threshold_pct,
        coalesce(100.0 * row_count > warn_threshold_pct * count_source_rows, false) as is_over_threshold,
        {{ as_of_date() }} as as_of_date
    from counted

)

select * from final
