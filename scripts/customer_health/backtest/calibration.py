"""Calibrate the score on a team's own history: weights per scorecard and the band cut-offs.

Everything is recomputed from what the warehouse already stores, so no dbt rebuild is
needed: the per-component scores (score_<component>) and the scorecard of every day of
account_health_daily, and the backtest's churn labels (health_backtest_account_days).

The method, simple and deterministic:
1. Split by date. The cut lies at `tuning_share` (70 %) of the days whose outcome is known
   (as in suggest_weights.py); the days before it are fitted on, the days from it on are
   held out and only measured.
2. Weights, per scorecard: the constrained search of weights.py (hundredths moved between
   two components while the tuning AUC rises, each weight within a band around its
   current value), on the fitting days that scorecard scored. A scorecard whose fitting
   days hold fewer than `min_churners` churned accounts keeps its weights.
3. Band cut-offs, to the false-alarm budget: with the fitted weights, the highest green
   cut-off whose bands (hysteresis included, as int_account_health_bands computes them)
   leave at most `max_yellow_or_red_pct` of never-churned account-days yellow or red,
   then the highest red cut-off (at least two hysteresis margins below it) leaving at
   most `max_red_pct` of them red. Higher cut-offs only ever warn more, so this is the
   most warning the budget allows.
4. Before (your weights and cut-offs) and after (the proposal) are measured the same way
   on both parts: AUC on the labelled days, the share of churners yellow or red at least
   `lead_days` before churning, and the false alarms.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import yaml

from customer_health.backtest import weights
from customer_health.backtest.ranking import auc
from customer_health.backtest.tables import BACKTEST_SCHEMA, MARTS_SCHEMA, BacktestMissing, columns, float_array
from customer_health.warehouse import Warehouse

LOG = logging.getLogger("calibrate")
GREEN, YELLOW, RED = 0, 1, 2
BAND_VARS = ("band_green_min_score", "band_red_below_score", "band_hysteresis_points", "band_memory_days")


@dataclass(frozen=True)
class Bands:
    green_min: int      # band_green_min_score: at or above is green
    red_below: int      # band_red_below_score: below is red
    margin: int         # band_hysteresis_points
    memory: int         # band_memory_days

    def with_cutoffs(self, green_min: int, red_below: int) -> "Bands":
        return replace(self, green_min=green_min, red_below=red_below)


@dataclass
class History:
    """Every account-day of the score history, sorted by account then date."""
    accounts: np.ndarray        # object
    dates: np.ndarray           # datetime64[D]
    scorecards: np.ndarray      # object
    components: list[str]
    scores: np.ndarray          # days x components, NaN = not available
    health_score: np.ndarray    # stored
    health_band: np.ndarray     # stored, object
    churned: np.ndarray         # datetime64[D], NaT = never churned (as of the as-of date)
    label_known: np.ndarray     # bool
    label: np.ndarray           # bool (False where unknown)

    @property
    def group_start(self) -> np.ndarray:
        """Per day, the index of its account's first day."""
        starts = np.r_[True, self.accounts[1:] != self.accounts[:-1]]
        return np.maximum.accumulate(np.where(starts, np.arange(len(starts)), 0))

    @property
    def never_churned(self) -> np.ndarray:
        return np.isnat(self.churned)


@dataclass
class Measures:
    auc: float
    count_churners: int
    count_warned: int
    pct_fine_yellow_or_red: float
    pct_fine_red: float

    @property
    def pct_warned(self) -> float:
        return 100.0 * self.count_warned / self.count_churners if self.count_churners else float("nan")


class TooFewChurners(RuntimeError):
    """The history holds too few churned accounts to fit on and to check on."""


def project_vars(project_file: Path) -> dict:
    """The vars block of dbt_project.yml."""
    return (yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}).get("vars", {}) or {}


def band_settings(project_file: Path, overrides: dict[str, int] | None = None) -> Bands:
    """The band vars of dbt_project.yml (what the warehouse was built with unless --vars said otherwise)."""
    values = {**project_vars(project_file), **(overrides or {})}
    missing = [name for name in BAND_VARS if name not in values]
    if missing:
        raise ValueError(f"{project_file} declares no {', '.join(missing)} var: it is not this project's file.")
    return Bands(*(int(values[name]) for name in BAND_VARS))


def load_history(con: Warehouse, seed: list[weights.SeedRow]) -> History:
    """account_health_daily's component scores with the backtest's labels, every day of the history."""
    if not con.table_exists(BACKTEST_SCHEMA, "health_backtest_account_days"):
        raise BacktestMissing("The backtest tables are missing: run `make backtest` "
                              "(or dbt build --select +path:models/backtest) first.")
    available = weights.score_columns(con)
    components = list(dict.fromkeys(row.component for row in seed))
    missing = [c for c in components if c not in available]
    if missing:
        raise BacktestMissing(f"account_health_daily has no score_ column for {', '.join(missing)} (in the weights "
                              "seed): rebuild the warehouse with the current models before calibrating.")
    score_list = ", ".join(f"cast(h.score_{c} as double precision) as score_{c}" for c in components)
    data = columns(con, f"""
        select
            h.account_id, h.as_of_date, coalesce(h.scorecard, '{weights.SEARCHED_SCORECARD}') as scorecard,
            cast(h.health_score as double precision) as health_score, h.health_band,
            d.churned_date, coalesce(d.is_label_known, false) as is_label_known,
            coalesce(d.is_churn_within_horizon, false) as is_churn_within_horizon,
            {score_list}
        from {MARTS_SCHEMA}.account_health_daily as h
        inner join {BACKTEST_SCHEMA}.health_backtest_account_days as d
            on h.account_id = d.account_id and h.as_of_date = d.as_of_date
        order by h.account_id, h.as_of_date
    """)
    if not data["as_of_date"]:
        raise BacktestMissing("The score history is empty: build the warehouse (make demo, make backtest) first.")
    churned = np.array([np.datetime64("NaT") if value is None else np.datetime64(value, "D")
                        for value in data["churned_date"]], dtype="datetime64[D]")
    return History(
        accounts=np.asarray(data["account_id"], dtype=object),
        dates=np.asarray(data["as_of_date"], dtype="datetime64[D]"),
        scorecards=np.asarray(data["scorecard"], dtype=object),
        components=components,
        scores=np.column_stack([float_array(data[f"score_{c}"]) for c in components]),
        health_score=float_array(data["health_score"]),
        health_band=np.asarray(data["health_band"], dtype=object),
        churned=churned,
        label_known=np.asarray(data["is_label_known"], dtype=bool),
        label=np.asarray(data["is_churn_within_horizon"], dtype=bool),
    )


def weight_table(seed: list[weights.SeedRow], components: list[str]) -> dict[str, np.ndarray]:
    """Per scorecard, its weights in the order of components (0 for a component it does not list)."""
    table: dict[str, np.ndarray] = {}
    for row in seed:
        table.setdefault(row.scorecard, np.zeros(len(components)))[components.index(row.component)] = row.weight
    return table


def rebuild_scores(history: History, table: dict[str, np.ndarray]) -> np.ndarray:
    """The whole-number health score of every day with these weights: available components'
    scores weighted by their scorecard's weights, over the weight available, rounded half up."""
    available = ~np.isnan(history.scores)
    points = np.where(available, history.scores, 0.0)
    exact = np.full(len(history.dates), np.nan)
    for scorecard, vector in table.items():
        rows = history.scorecards == scorecard
        with np.errstate(invalid="ignore", divide="ignore"):
            exact[rows] = (points[rows] @ vector) / (available[rows] @ vector)
    return np.floor(exact + 0.5 + 1e-9)


def assign_bands(scores: np.ndarray, group_start: np.ndarray, bands: Bands) -> np.ndarray:
    """GREEN/YELLOW/RED per day, with the hysteresis of int_account_health_bands: inside a
    boundary's zone (boundary +- margin) a day keeps the band of the last day outside that
    zone within `memory` days; with none, the first day remembered decides, by the boundary.
    Days are one account's consecutive days, sorted; the series starts at the first day given."""
    position = np.arange(len(scores))
    window_start = np.maximum(group_start, position - (bands.memory - 1))
    first_score = scores[window_start]
    green, red, margin = bands.green_min, bands.red_below, bands.margin
    band = np.where(scores >= green, GREEN, np.where(scores < red, RED, YELLOW))

    def anchor(in_zone: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        last = np.maximum.accumulate(np.where(in_zone, -1, position))
        return last, (last >= window_start)

    in_red = (scores >= red - margin) & (scores < red + margin)
    in_green_zone = (scores >= green - margin) & (scores < green + margin)
    in_green = in_green_zone & ~in_red  # the red zone is judged first, as in the model
    red_last, red_found = anchor(in_red)
    green_last, green_found = anchor(in_green_zone)
    band = np.where(in_red & red_found, np.where(scores[np.maximum(red_last, 0)] < red - margin, RED, YELLOW), band)
    band = np.where(in_red & ~red_found, np.where(first_score < red, RED, YELLOW), band)
    band = np.where(in_green & green_found,
                    np.where(scores[np.maximum(green_last, 0)] >= green + margin, GREEN, YELLOW), band)
    band = np.where(in_green & ~green_found, np.where(first_score >= green, GREEN, YELLOW), band)
    return band


def fit_cutoffs(scores: np.ndarray, group_start: np.ndarray, fine: np.ndarray, bands: Bands,
                max_yellow_or_red_pct: float, max_red_pct: float) -> Bands:
    """The highest green cut-off keeping the fine days (mask `fine`) yellow-or-red within budget,
    then the highest red cut-off at least 2 margins below it keeping them red within budget."""
    if not fine.any():
        raise ValueError("There are no never-churned account-days to measure false alarms on.")

    def share(candidate: Bands, band_values: tuple[int, ...]) -> float:
        assigned = assign_bands(scores, group_start, candidate)
        return 100.0 * float(np.isin(assigned[fine], band_values).mean())

    # a red cut-off of 0 flags nothing red, so the green search is not disturbed by it
    green = max((g for g in range(1, 101)
                 if share(bands.with_cutoffs(g, 0), (YELLOW, RED)) <= max_yellow_or_red_pct + 1e-9), default=0)
    red = max((r for r in range(0, max(green - 2 * bands.margin, 0) + 1)
               if share(bands.with_cutoffs(green, r), (RED,)) <= max_red_pct + 1e-9), default=0)
    return bands.with_cutoffs(green, red)


def warned_in_time(history: History, band: np.ndarray, start: np.datetime64, end: np.datetime64,
                   lead_days: int, horizon_days: int) -> tuple[int, int]:
    """Churners whose day `lead_days` before churn lies in [start, end], and how many of them were
    yellow or red on some day from max(start, churn - horizon) to churn - lead_days."""
    churners = ~np.isnat(history.churned)
    warning_day = history.churned - np.timedelta64(lead_days, "D")
    in_part = churners & (warning_day >= start) & (warning_day <= end)
    accounts = set(history.accounts[in_part].tolist())
    window = (in_part & (history.dates >= start) & (history.dates <= warning_day)
              & (history.dates >= history.churned - np.timedelta64(horizon_days, "D")))
    warned = set(history.accounts[window & (band != GREEN)].tolist())
    return len(accounts), len(warned & accounts)


def measure(history: History, scores: np.ndarray, band: np.ndarray, part: np.ndarray, start: np.datetime64,
            end: np.datetime64, lead_days: int, horizon_days: int) -> Measures:
    labelled = part & history.label_known
    fine = part & history.never_churned & history.label_known  # fine for sure: no churn within the horizon
    count_churners, count_warned = warned_in_time(history, band, start, end, lead_days, horizon_days)
    return Measures(
        auc=auc(scores[labelled], history.label[labelled]),
        count_churners=count_churners,
        count_warned=count_warned,
        pct_fine_yellow_or_red=100.0 * float(np.mean(band[fine] != GREEN)) if fine.any() else float("nan"),
        pct_fine_red=100.0 * float(np.mean(band[fine] == RED)) if fine.any() else float("nan"),
    )


def cut_date(history: History, tuning_share: float) -> np.datetime64:
    """The first held-out date: tuning_share of the labelled dates, oldest first, lie before it."""
    dates = np.unique(history.dates[history.label_known])
    if len(dates) < 2:
        raise BacktestMissing("The backtest has fewer than two labelled days: history_days must exceed "
                              "backtest_horizon_days; rebuild with e.g. --vars '{history_days: 390}'.")
    return dates[min(max(int(round(len(dates) * tuning_share)), 1), len(dates) - 1)]


def churners_labelled(history: History, mask: np.ndarray) -> int:
    """Distinct accounts with a labelled day in mask followed by churn within the horizon."""
    return len(set(history.accounts[mask & history.label_known & history.label].tolist()))


def check_enough_churners(history: History, cut: np.datetime64, min_churners: int) -> None:
    before = churners_labelled(history, history.dates < cut)
    after = churners_labelled(history, history.dates >= cut)
    if before < min_churners or after < min_churners:
        raise TooFewChurners(
            f"Too few churners to calibrate: {before} churned accounts have labelled days before the cut "
            f"{cut.astype(dt.date).isoformat()} and {after} from it on, and calibration needs at least "
            f"{min_churners} on each side (one account then moves the warned share by at most "
            f"{100 / min_churners:.0f} points); use a longer history (history_days) or more accounts."
        )


def fit_weights(history: History, table: dict[str, np.ndarray], tuning: np.ndarray, min_churners: int,
                max_change: float, min_weight: float, max_rounds: int) -> tuple[dict[str, np.ndarray], list[str]]:
    """Per scorecard, the weight search on its labelled fitting days; returns the weights and one
    sentence per scorecard saying what happened."""
    fitted, notes = {}, []
    for scorecard, vector in table.items():
        rows = tuning & history.label_known & (history.scorecards == scorecard)
        churners = churners_labelled(history, rows)
        current = weights.to_units(vector.tolist())
        if churners < min_churners:
            fitted[scorecard] = vector
            notes.append(f"{scorecard}: weights kept ({churners} churned accounts on its fitting days, "
                         f"fewer than {min_churners}).")
            continue
        days = weights.Days(history.components, history.scores[rows], history.label[rows],
                            history.dates[rows], history.health_score[rows])
        scorer = weights.Scorer(days)
        low, high = weights.bounds(current, round(max_change * weights.UNITS), round(min_weight * weights.UNITS))
        result = weights.search(scorer, current, low, high, max_rounds=max_rounds)
        fitted[scorecard] = result.units / weights.UNITS
        notes.append(f"{scorecard}: fitting AUC {scorer.auc(current / weights.UNITS):.3f} -> {result.tuning_auc:.3f} "
                     f"on {len(days.labels):,} days of {churners} churned accounts ({result.evaluations} weight "
                     "vectors tried).")
    return fitted, notes


def proposed_seed(seed: list[weights.SeedRow], components: list[str], table: dict[str, np.ndarray]) -> str:
    """The weights seed with the proposed weights, rows and descriptions as in the user's seed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["scorecard", "component", "weight", "description"])
    for row in seed:
        writer.writerow([row.scorecard, row.component, f"{table[row.scorecard][components.index(row.component)]:.2f}",
                         row.description])
    return out.getvalue()


def vars_snippet(bands: Bands) -> str:
    return f"{{band_green_min_score: {bands.green_min}, band_red_below_score: {bands.red_below}}}"
