"""The two score tables the story-suite report reads, written from hand-made rows (tests of report.summarise)."""
from __future__ import annotations

import duckdb


def write_score_days(con: duckdb.DuckDBPyConnection, days: list[tuple]) -> None:
    """marts.account_health_daily and backtest.health_backtest_account_days from (account, day, score, band[,
    events in 30 days]) rows; a row without its fifth value has 10 events."""
    for schema in ("marts", "backtest"):
        con.execute(f"create schema if not exists {schema}")
    con.execute("create table marts.account_health_daily (account_id varchar, as_of_date date, "
                "health_score integer, health_band varchar)")
    con.execute("create table backtest.health_backtest_account_days (account_id varchar, as_of_date date, "
                "count_events_30d integer)")
    con.executemany("insert into marts.account_health_daily values (?, ?, ?, ?)", [d[:4] for d in days])
    con.executemany("insert into backtest.health_backtest_account_days values (?, ?, ?)",
                    [(d[0], d[1], d[4] if len(d) > 4 else 10) for d in days])
