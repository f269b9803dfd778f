"""The health score backtest, read from the warehouse the dbt project builds.

The numbers are computed in SQL by the models in models/backtest/; these modules read
them and turn them into something a person reads, and search for better weights.

- tables:      the backtest tables and per-day arrays, read through customer_health.warehouse
- ranking:     AUC (Mann-Whitney, average ranks for ties) and an account bootstrap
- text_tables: the plain-text tables the report prints
- charts:      the figures as Vega-Lite charts (Altair): lift by decile, lead-time distribution
- html_report: the static HTML page (figures pre-rendered to SVG; no scripts, no network resources)
- weights:     the weight search behind health-suggest-weights
- report_cli / suggest_weights: the commands health-backtest-report and health-suggest-weights
"""
