"""Customer health: the Python around the dbt project (installed in editable mode by `make venv`).

- warehouse: the one warehouse reader (DuckDB file or PostgreSQL DSN) every script uses.
- source_schema: the raw source tables' columns and types, read from the sources YAML.
- sync: push the CRM export into Salesforce or HubSpot.  digest: the Slack digest.
- attention: the attention table (`make demo`).  dashboard: the static dashboard.
- backtest: the backtest report and weight suggestions.  benchmark: timings (measure, report).
- demo_data, story_suite, empty_sources: write the raw source tables.
"""
