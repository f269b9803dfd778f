"""The story suite: many synthetic accounts per churn or fine story, with known decline onset
and churn dates, written to the same source tables as the demo (scripts/customer_health/demo_data/warehouse.py),
to check the health score's early warning on data it was never tuned on. See docs/story_suite.md."""
