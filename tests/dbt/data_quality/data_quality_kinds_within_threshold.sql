-- Warns (never fails the build) when a kind of bad input grows past its share of the source
-- table's rows (var dq_warn_pct, per kind). Each row names the table and the kind and says
-- why those rows were left out; see data_quality_issues.
{{ config(severity='warn') }}

select
    source_table,
    kind,
    row_count,
    count_source_rows,
    pct_of_source_rows,
    warn_threshold_pct,
    reason
from {{ ref('data_quality_issues') }}
where is_over_threshold
