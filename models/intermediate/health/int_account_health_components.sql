-- One row per account, customer day and health component: the raw value, a 0..100
-- component score, the weight it gets that day and the points it earns. A component with
-- no data (no NPS answer, no licensed seats, no invoices) is not scored as zero: it is
-- left out and its weight is spread over the available ones. Points are whole numbers
-- allocated by largest remainder, so they always add up exactly to the health score and
-- every point of movement belongs to a named component.
{{ config(materialized=long_view_materialization()) }}
{{ health_components_sql(ref('int_account_health_inputs')) }}
