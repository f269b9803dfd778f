"""Read the backtest from the DuckDB warehouse, read-only.

Schemas follow the project's folder convention (generate_schema_name): the backtest
models land in `backtest`, the daily health history in `marts`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

BACKTEST_SCHEMA = "backtest"
MARTS_SCHEMA = "marts"
SCORERS = ("health_score", "activity_events_30d", "nps_score")
SCORER_LABELS = {
    "health_score": "Health score",
    "activity_events_30d": "Activity (all events, 30 days)",
    "nps_score": "NPS alone",
}
SCORER_PHRASES = {"activity_events_30d": "the naive activity count", "nps_score": "NPS alone"}
SCORER_SHORT_LABELS = {"health_score": "health", "activity_events_30d": "activity", "nps_score": "NPS"}

Row = dict[str, Any]


class BacktestMissing(RuntimeError):
    """The warehouse has no (or an empty) backtest: a sentence saying what to run."""


@dataclass
class Backtest:
    summary: list[Row]
    bands: list[Row]
    lift: list[Row]
    lead_times: list[Row]
    cutoffs: list[Row]
    # per labelled account-day, for the bootstrap: scorer -> scores (NaN = no score)
    scores: dict[str, np.ndarray] = field(default_factory=dict)
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    accounts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))

    def summary_of(self, scorer: str) -> Row | None:
        return next((row for row in self.summary if row["scorer"] == scorer), None)

    @property
    def context(self) -> Row:
        return self.summary_of("health_score") or self.summary[0]


def connect(db_path: str | Path) -> duckdb.DuckDBPyConnection:
    if not Path(db_path).exists():
        raise BacktestMissing(f"No warehouse at {db_path}: run `make demo` (or dbt build) first.")
    return duckdb.connect(str(db_path), read_only=True)


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[Row]:
    result = con.execute(sql, params or [])
    names = [column[0] for column in result.description]
    return [dict(zip(names, values)) for values in result.fetchall()]


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    (count,) = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchone()
    return count > 0


def load(con: duckdb.DuckDBPyConnection, with_days: bool = True) -> Backtest:
    """Every backtest table, plus (with_days) the labelled account-days as arrays."""
    if not table_exists(con, BACKTEST_SCHEMA, "health_backtest_summary"):
        raise BacktestMissing(
            "The backtest tables are missing: run `dbt build --select +health_backtest_summary` "
            "(with --vars '{history_days: 390}' or more for a longer backtest) first."
        )
    order = "case scorer when 'health_score' then 1 when 'activity_events_30d' then 2 else 3 end"
    backtest = Backtest(
        summary=rows(con, f"select * from {BACKTEST_SCHEMA}.health_backtest_summary order by scorer_order"),
        bands=rows(con, f"select * from {BACKTEST_SCHEMA}.health_backtest_bands order by {order}, band_order"),
        lift=rows(con, f"select * from {BACKTEST_SCHEMA}.health_backtest_lift order by {order}, decile nulls last"),
        lead_times=rows(con, f"select * from {BACKTEST_SCHEMA}.health_backtest_lead_times "
                             f"order by {order}, churned_date, account_id"),
        cutoffs=rows(con, f"select * from {BACKTEST_SCHEMA}.health_backtest_baseline_cutoffs order by {order}"),
    )
    if not backtest.summary or not backtest.summary_of("health_score"):
        raise BacktestMissing(
            "The backtest has no labelled account-days: history_days must exceed backtest_horizon_days; "
            "rebuild with e.g. --vars '{history_days: 390}'."
        )
    if with_days:
        load_days(con, backtest)
    return backtest


def load_days(con: duckdb.DuckDBPyConnection, backtest: Backtest) -> None:
    data = con.execute(f"""
        select
            account_id,
            as_of_date,
            is_churn_within_horizon,
            cast(health_score as double) as health_score,
            cast(count_events_30d as double) as activity_events_30d,
            cast(nps_score as double) as nps_score
        from {BACKTEST_SCHEMA}.health_backtest_account_days
        where is_label_known
        order by account_id, as_of_date
    """).fetchnumpy()
    backtest.accounts = np.asarray(data["account_id"], dtype=object)
    backtest.labels = np.asarray(data["is_churn_within_horizon"], dtype=bool)
    backtest.scores = {name: _float_array(data[name]) for name in SCORERS}


def _float_array(values: Any) -> np.ndarray:
    """A float array with NaN where the column was null."""
    if isinstance(values, np.ma.MaskedArray):
        return values.astype(float).filled(np.nan)
    return np.asarray(values, dtype=float)


def fmt_date(value: dt.date | None) -> str:
    return value.isoformat() if value else "n/a"
