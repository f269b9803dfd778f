"""The static dashboard (make dashboard): HTML pages with Vega-Lite charts, from the warehouse.

- data:    the marts read from the warehouse (DuckDB file or PostgreSQL DSN), as plain rows
- charts:  the Altair charts (score trend with band areas, component points, bands over time,
           NRR/GRR by band, ARR by renewal window, ARR by band over time)
- layout:  the HTML shell, tables, KPI tiles and chart slots shared by every page
- pages:   one function per page type (portfolio, attention, account, accounts, CSM book, backtest)
- site:    writes target/dashboard/ (pages + the vega JavaScript bundle, one local file)
- cli:     the command health-dashboard (make dashboard)

The portfolio page's sections over the portfolio marts (NRR/GRR, ARR at risk, ARR history, the
CSM book) are pages.PORTFOLIO_HOOKS: each names the mart it reads and its renderer; a warehouse
without that mart gets a sentence saying what the section will show.
"""
