-- Warns (does not fail) when as_of_date lies more than var('stale_data_warn_days') past the
-- latest loaded event: a far-future or mistyped as_of_date, or a loader that stopped. The
-- scores would then show every account inactive. The end of the run names the dates
-- (macros/stale_data_warning.sql); the CRM sync and the digest refuse to send such scores.
{{ config(severity='warn') }}

select *
from {{ ref('data_freshness') }}
where is_stale
