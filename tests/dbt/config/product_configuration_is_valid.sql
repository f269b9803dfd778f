-- Configuration errors in the product seeds stop the build with one sentence each, naming
-- the bad value and the fix (macros/product_configuration.sql). Returns no row when valid.
{{ assert_product_configuration(ref('event_catalog'), ref('activation_milestones'), ref('health_score_weights')) }}
select 1 as problem
from {{ ref('health_score_weights') }}
where 1 = 0
