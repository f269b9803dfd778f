"""Search health score weights for the best AUC, tuned on early days and checked on late ones.

The score is rebuilt from the per-component scores in account_health_daily the way the
model builds it: each available component's 0..100 score times its weight, divided by the
weight of the components available that day (a component with no data, such as NPS
without an answer, gives its weight to the others). The model also rounds points to
whole numbers; the search works on the unrounded score, which ranks the same way up to
ties.

Weights move in hundredths: each round tries moving `step` hundredths from one component
to another, keeps the move that raises the tuning AUC most, and repeats until no move
helps, then takes smaller steps. Unbounded, such a search piles weight on whatever
separated the tuning days best (and drops the rest), which rarely holds on later days; so
each weight stays within a band around the current one and above a floor.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from customer_health.backtest.ranking import auc
from customer_health.paths import PROJECT_ROOT
from customer_health.backtest.tables import BACKTEST_SCHEMA, MARTS_SCHEMA, BacktestMissing, columns, float_array
from customer_health.warehouse import Warehouse

LOG = logging.getLogger("suggest_weights")
UNITS = 100  # weights are whole hundredths
# The weight search tunes the established scorecard on the days it scored; other scorecards'
# rows are copied into the proposal unchanged.
SEARCHED_SCORECARD = "established"
DEFAULT_SEED = PROJECT_ROOT / "seeds" / "health_score_weights.csv"


def add_search_arguments(parser: argparse.ArgumentParser) -> None:
    """The weight search's arguments, shared by health-suggest-weights and its calibrate command:
    the seed it starts from, the share of history it fits on and the search's bounds."""
    parser.add_argument("--weights", default=str(DEFAULT_SEED),
                        help="the current weights seed (read only; default seeds/health_score_weights.csv)")
    parser.add_argument("--tuning-share", type=float, default=0.7,
                        help="share of the labelled dates, oldest first, to fit the weights on (default 0.7)")
    parser.add_argument("--max-change", type=float, default=0.10,
                        help="a weight moves at most this far from its current value (default 0.10)")
    parser.add_argument("--min-weight", type=float, default=0.02,
                        help="no weighted component drops below this (default 0.02)")
    parser.add_argument("--max-rounds", type=int, default=60, help="at most this many search rounds (default 60)")


def search_argument_error(args: argparse.Namespace) -> str | None:
    """One sentence naming a bad search argument (add_search_arguments) and the fix, or None."""
    if not 0 < args.tuning_share < 1:
        return f"--tuning-share must be between 0 and 1 (exclusive), got {args.tuning_share}."
    if args.max_change < 0 or args.min_weight < 0:
        return "--max-change and --min-weight must be 0 or more."
    return None


@dataclass(frozen=True)
class SeedRow:
    component: str
    weight: float
    description: str
    scorecard: str = "established"


@dataclass
class Days:
    """Labelled account-days: component scores (NaN = not available), labels, dates."""
    components: list[str]
    scores: np.ndarray          # days x components
    labels: np.ndarray          # bool
    dates: np.ndarray           # datetime64[D]
    health_score: np.ndarray    # the score the model stored, for the reconstruction check

    def subset(self, mask: np.ndarray) -> "Days":
        return Days(self.components, self.scores[mask], self.labels[mask], self.dates[mask], self.health_score[mask])


@dataclass
class SearchResult:
    units: np.ndarray
    tuning_auc: float
    evaluations: int
    rounds: int


def read_seed(path: Path, scorecard: str | None = SEARCHED_SCORECARD) -> list[SeedRow]:
    """The rows of one scorecard (a row without a scorecard is established), or every row (scorecard=None)."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"component", "weight"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path} has no {', '.join(sorted(missing))} column: it is not a weights seed.")
        rows = [SeedRow(row["component"].strip(), float(row["weight"]), (row.get("description") or "").strip(),
                        (row.get("scorecard") or "").strip() or SEARCHED_SCORECARD)
                for row in reader if row.get("component", "").strip()]
    return [row for row in rows if scorecard is None or row.scorecard == scorecard]


NUMERIC_TYPES = ("DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC", "INTEGER", "BIGINT", "SMALLINT", "HUGEINT")


def score_columns(con: Warehouse) -> list[str]:
    """Components with a numeric score_<component> column in account_health_daily (score_version is text)."""
    described = con.fetch(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = %s and table_name = 'account_health_daily' order by ordinal_position",
        [MARTS_SCHEMA],
    ).rows
    return [row["column_name"][len("score_"):] for row in described
            if row["column_name"].startswith("score_") and row["data_type"].upper().startswith(NUMERIC_TYPES)]


def load_days(con: Warehouse, seed: list[SeedRow]) -> Days:
    if not con.table_exists(BACKTEST_SCHEMA, "health_backtest_account_days"):
        raise BacktestMissing("The backtest tables are missing: run `dbt build --select +path:models/backtest` first.")
    available = score_columns(con)
    seeded = [row.component for row in seed]
    missing = [c for c in seeded if c not in available]
    if missing:
        raise BacktestMissing(
            f"account_health_daily has no score_ column for {', '.join(missing)} (in the weights seed): "
            "rebuild the warehouse with the current models before searching weights."
        )
    unseeded = [c for c in available if c not in seeded]
    if unseeded:
        LOG.warning("Ignoring score_ columns with no row in the weights seed: %s", ", ".join(unseeded))
    score_list = ", ".join(f"cast(h.score_{c} as double precision) as score_{c}" for c in seeded)
    data = columns(con, f"""
        select
            d.as_of_date, d.is_churn_within_horizon, cast(h.health_score as double precision) as health_score,
            {score_list}
        from {BACKTEST_SCHEMA}.health_backtest_account_days as d
        inner join {MARTS_SCHEMA}.account_health_daily as h
            on d.account_id = h.account_id and d.as_of_date = h.as_of_date
        where d.is_label_known and coalesce(h.scorecard, '{SEARCHED_SCORECARD}') = '{SEARCHED_SCORECARD}'
        order by d.as_of_date, d.account_id
    """)
    if len(data["as_of_date"]) == 0:
        raise BacktestMissing("The backtest has no labelled account-days: raise history_days above "
                              "backtest_horizon_days and rebuild.")
    scores = np.column_stack([float_array(data[f"score_{c}"]) for c in seeded])
    return Days(seeded, scores, np.asarray(data["is_churn_within_horizon"], dtype=bool),
                np.asarray(data["as_of_date"], dtype="datetime64[D]"), float_array(data["health_score"]))


def split_by_date(days: Days, tuning_share: float) -> tuple[Days, Days, dt.date]:
    """The first tuning_share of the labelled dates tune, the rest check; returns the first check date."""
    dates = np.unique(days.dates)
    if len(dates) < 2:
        raise BacktestMissing("The backtest has fewer than two labelled days: nothing to split into tuning and check.")
    cut_index = min(max(int(round(len(dates) * tuning_share)), 1), len(dates) - 1)
    cut = dates[cut_index]
    return days.subset(days.dates < cut), days.subset(days.dates >= cut), cut.astype(dt.date)


class Scorer:
    """Rebuilds the health score for a weight vector over fixed days, quickly."""

    def __init__(self, days: Days) -> None:
        available = ~np.isnan(days.scores)
        self.points = np.where(available, days.scores, 0.0)
        self.available = available.astype(float)
        self.labels = days.labels

    def scores(self, weights: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return (self.points @ weights) / (self.available @ weights)

    def auc(self, weights: np.ndarray) -> float:
        return auc(self.scores(weights), self.labels)


def to_units(weights: list[float]) -> np.ndarray:
    """Weights as whole hundredths summing to 100 (largest remainder)."""
    raw = np.asarray(weights, dtype=float)
    raw = raw / raw.sum() * UNITS if raw.sum() > 0 else np.full(len(raw), UNITS / len(raw))
    units = np.floor(raw).astype(int)
    for index in np.argsort(-(raw - units), kind="stable")[: UNITS - units.sum()]:
        units[index] += 1
    return units


def bounds(start: np.ndarray, max_change: int, min_units: int) -> tuple[np.ndarray, np.ndarray]:
    """Each weight stays within max_change hundredths of where it started, and at min_units or more
    (a component you weighted stays in the score; one you set below that may not grow past it)."""
    low = np.maximum(start - max_change, np.minimum(start, min_units))
    high = start + max_change
    return low, high


def search(scorer: Scorer, start: np.ndarray, low: np.ndarray, high: np.ndarray,
           steps: tuple[int, ...] = (4, 2, 1), max_rounds: int = 60) -> SearchResult:
    """Best-improvement moves of `step` hundredths between two components, within bounds, steps shrinking."""
    current = start.copy()
    best = scorer.auc(current / UNITS)
    evaluations, rounds = 1, 0
    for step in steps:
        while rounds < max_rounds:
            rounds += 1
            best_move, best_auc = None, best
            for giver in np.flatnonzero(current - step >= low):
                for taker in np.flatnonzero(current + step <= high):
                    if taker == giver:
                        continue
                    candidate = current.copy()
                    candidate[giver] -= step
                    candidate[taker] += step
                    value = scorer.auc(candidate / UNITS)
                    evaluations += 1
                    if value > best_auc + 1e-9:
                        best_move, best_auc = candidate, value
            if best_move is None:
                break
            current, best = best_move, best_auc
            LOG.debug("step %d: AUC %.4f", step, best)
    return SearchResult(current, best, evaluations, rounds)


def reconstruction_share(days: Days, weights: np.ndarray, tolerance: float = 1.0) -> float:
    """Share of days where the rebuilt score is within tolerance points of the stored health_score."""
    rebuilt = Scorer(days).scores(weights)
    return float(np.mean(np.abs(rebuilt - days.health_score) <= tolerance)) if len(rebuilt) else float("nan")


def proposed_csv(seed: list[SeedRow], units: np.ndarray, others: list[SeedRow] | None = None) -> str:
    """The proposed seed: the searched scorecard's rows with the proposed weights, then the other
    scorecards' rows unchanged (with a scorecard column when there are any)."""
    proposed = {row.component: value / UNITS for row, value in zip(seed, units)}
    with_scorecard = bool(others)
    lines = ["scorecard,component,weight,description" if with_scorecard else "component,weight,description"]
    for row in [*seed, *(others or [])]:
        description = row.description
        if any(ch in description for ch in ',"\n'):
            description = '"' + description.replace('"', '""') + '"'
        weight = proposed[row.component] if row.scorecard == SEARCHED_SCORECARD else row.weight
        prefix = f"{row.scorecard}," if with_scorecard else ""
        lines.append(f"{prefix}{row.component},{weight:.2f},{description}")
    return "\n".join(lines) + "\n"
