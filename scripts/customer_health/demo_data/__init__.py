"""Deterministic demo-data generator for the customer-health project.

`health-demo-data` is the entry point; the modules here each do one job:
catalog (read the product seeds), calendar, rand (seeded streams and ids), accounts,
users, activity (natural product events), planted (dirty rows), tickets, nps, invoices,
warehouse (DuckDB DDL and loading) and pipeline (the stages in order).
"""
