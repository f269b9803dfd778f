"""Read the backtest's tables, read-only, through the shared warehouse reader
(customer_health.warehouse: the DuckDB file, or PostgreSQL when a DSN is given).

Schemas follow the project's folder convention (generate_schema_name): the backtest
models land in `backtest`, the daily health history in `marts`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from customer_health.errors import ConfigError
from customer_health.warehouse import Row, Warehouse, open_read_only, rows

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


class BacktestMissing(RuntimeError):
    """The warehouse has no (or an empty) backtest: a sentence saying what to run."""


@dataclass
class Backtest:
    summary: list[Row]
    bands: list[Row]
    lift: list[Row]
    lead_times: list[Row]
    cutoffs: list[Row]
    # per scorer and lifecycle stage at churn (scorecard_at_churn): lead times
    lead_times_by_scorecard: list[Row] = field(default_factory=list)
    # per labelled account-day, for the bootstrap: scorer -> scores (NaN = no score)
    scores: dict[str, np.ndarray] = field(default_factory=dict)
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    accounts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))

    def summary_of(self, scorer: str) -> Row | None:
        return next((row for row in self.summary if row["scorer"] == scorer), None)

    @property
    def context(self) -> Row:
        return self.summary_of("health_score") or self.summary[0]


def connect(db_path: str | Path, dsn: str | None = None) -> Warehouse:
    """The warehouse, read-only: PostgreSQL when dsn is given, else the DuckDB file."""
    try:
        return open_read_only(db_path, dsn)
    except ConfigError as error:
        raise BacktestMissing(str(error)) from None


def columns(con: Warehouse, sql: str) -> dict[str, list[Any]]:
    """The result column by column."""
    table = con.fetch(sql)
    return {name: [row[name] for row in table.rows] for name in table.columns}


def load(con: Warehouse, with_days: bool = True) -> Backtest:
    """Every backtest table, plus (with_days) the labelled account-days as arrays."""
    if not con.table_exists(BACKTEST_SCHEMA, "health_backtest_summary"):
        raise BacktestMissing(
            "The backtest tables are missing: run `dbt build --select +path:models/backtest` "
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
    if con.table_exists(BACKTEST_SCHEMA, "health_backtest_lead_times_by_scorecard"):
        backtest.lead_times_by_scorecard = rows(
            con, f"select * from {BACKTEST_SCHEMA}.health_backtest_lead_times_by_scorecard "
                 "order by scorer_order, case scorecard_at_churn when 'onboarding' then 1 else 2 end, scorecard_at_churn")
    if not backtest.summary or not backtest.summary_of("health_score"):
        raise BacktestMissing(
            "The backtest has no labelled account-days: history_days must exceed backtest_horizon_days; "
            "rebuild with e.g. --vars '{history_days: 390}'."
        )
    if with_days:
        load_days(con, backtest)
    return backtest


def load_days(con: Warehouse, backtest: Backtest) -> None:
    data = columns(con, f"""
        select
            account_id,
            as_of_date,
            is_churn_within_horizon,
            cast(health_score as double precision) as health_score,
            cast(count_events_30d as double precision) as activity_events_30d,
            cast(nps_score as double precision) as nps_score
        from {BACKTEST_SCHEMA}.health_backtest_account_days
        where is_label_known
        order by account_id, as_of_date
    """)
    backtest.accounts = np.asarray(data["account_id"], dtype=object)
    backtest.labels = np.asarray(data["is_churn_within_horizon"], dtype=bool)
    backtest.scores = {name: float_array(data[name]) for name in SCORERS}


def float_array(values: list[Any]) -> np.ndarray:
    """A float array with NaN where the value was null."""
    return np.array([np.nan if value is None else float(value) for value in values], dtype=float)


def fmt_date(value: dt.date | None) -> str:
    return value.isoformat() if value else "n/a"
