"""The health score backtest, read from the warehouse the dbt project builds.

The numbers are computed in SQL by the models in models/backtest/; these modules read
them and turn them into something a person reads, and search for better weights.

- warehouse:   read-only DuckDB access; the backtest tables and per-day arrays
- ranking:     AUC (Mann-Whitney, average ranks for ties) and an account bootstrap
- text_tables: the plain-text tables the report prints
- charts:      the figures as Vega-Lite charts (Altair): lift by decile, lead-time distribution
- html_report: the static HTML page (figures pre-rendered to SVG; no scripts, no network resources)
- weights:     the weight search behind scripts/suggest_weights.py
"""
