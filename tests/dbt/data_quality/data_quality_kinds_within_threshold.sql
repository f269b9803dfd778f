-- Warns (never fails the build) when a kind of bad input grows past dq_warn_threshold_rows.
-- Each row names the kind and says why those rows were left out; see data_quality_issues.
{{ config(severity='warn') }}

select
    source_table,
    kind,
    row_count,
    warn_threshold_rows,
    reason
from {{ ref('data_quality_issues') }}
where row_count > warn_threshold_rows
