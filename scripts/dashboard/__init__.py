"""The static dashboard (make dashboard): HTML pages with Vega-Lite charts, from the warehouse.

- data:    the marts read from the warehouse (DuckDB file or PostgreSQL DSN), as plain rows
- charts:  the Altair charts (score trend with band areas, component points, bands over time)
- layout:  the HTML shell, tables, KPI tiles and chart slots shared by every page
- pages:   one function per page type (portfolio, attention, account, accounts, backtest)
- site:    writes target/dashboard/ (pages + the vega JavaScript bundle, one local file)

Portfolio metrics that need the portfolio marts (NRR/GRR, ARR at risk, the CSM book) plug in
through pages.PORTFOLIO_HOOKS: each names the mart it reads; until it exists the page says so.
"""
