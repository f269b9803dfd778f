"""make calibrate (suggest_weights.py calibrate): band cut-offs to a false-alarm budget, the
hysteresis replay, the too-few-churners stop, the never-overwrite rule, and a run on the test
warehouse."""
from __future__ import annotations

import contextlib
import csv
import io
import logging
from pathlib import Path

import numpy as np
import pytest
import yaml

from tests.python.support.dbt_project_harness import PROJECT_ROOT, reference_warehouse

from customer_health.backtest import suggest_weights
from customer_health.backtest import calibration, weights
from customer_health.backtest import tables as warehouse
from customer_health.backtest.calibration import GREEN, RED, YELLOW, Bands

SEED = PROJECT_ROOT / "seeds" / "health_score_weights.csv"


@pytest.fixture(scope="module")
def db() -> Path:
    return reference_warehouse()


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = suggest_weights.main(["calibrate", *argv])
    return code, out.getvalue()


def test_cutoffs_are_the_highest_the_budget_allows() -> None:
    # ten never-churned accounts, one day each, scores 95, 90, ..., 50; no hysteresis.
    # Budget 20 % yellow-or-red = 2 of 10 days below the green cut-off: 60 puts 55 and 50 below it,
    # 61 would add 60. Budget 10 % red = 1 day below the red cut-off: 55 puts only 50 below it.
    scores = np.arange(95, 45, -5, dtype=float)
    group_start = np.arange(10)
    fitted = calibration.fit_cutoffs(scores, group_start, np.ones(10, dtype=bool), Bands(80, 55, 0, 1),
                                     max_yellow_or_red_pct=20, max_red_pct=10)
    assert (fitted.green_min, fitted.red_below) == (60, 55)
    # a day of a churned account (mask False) does not count against the budget
    fine = np.ones(10, dtype=bool)
    # without the 50: green 60 leaves 1 of 9 below it (11 %), 61 would leave 2 (22 %); red 55 leaves
    # none below it, 56 would leave 1 of 9 (11 %, over 10 %)
    fine[-1] = False
    fitted = calibration.fit_cutoffs(scores, group_start, fine, Bands(80, 55, 0, 1), 20, 10)
    assert (fitted.green_min, fitted.red_below) == (60, 55)
    # with a 3-point hysteresis the red cut-off stays two margins (6 points) below green
    fitted = calibration.fit_cutoffs(scores, group_start, np.ones(10, dtype=bool), Bands(80, 55, 3, 1), 50, 50)
    assert fitted.red_below <= fitted.green_min - 6


def test_bands_replay_the_model_hysteresis() -> None:
    bands = Bands(green_min=80, red_below=50, margin=3, memory=3)
    # account A: 85 green; 78 is in the green zone (77..82) and remembers 85 (>= 83): green; 78 again:
    # green; 70 yellow; 79 remembers 70 (< 83): yellow. Account B starts inside the red zone (47..52)
    # at 49: nothing outside it in memory, the first day (49 < 50) decides: red; 52 -> red; then 30 red,
    # 51 remembers 30 (< 47): red; 60 yellow.
    scores = np.array([85, 78, 78, 70, 79, 49, 52, 30, 51, 60], dtype=float)
    group_start = np.array([0, 0, 0, 0, 0, 5, 5, 5, 5, 5])
    assert calibration.assign_bands(scores, group_start, bands).tolist() == \
        [GREEN, GREEN, GREEN, YELLOW, YELLOW, RED, RED, RED, RED, YELLOW]
    # memory 1: a zone day remembers only itself, so the boundary decides: 78 < 80 is yellow
    assert calibration.assign_bands(scores[:3], group_start[:3], Bands(80, 50, 3, 1)).tolist() == \
        [GREEN, YELLOW, YELLOW]


def test_the_proposed_seed_keeps_rows_and_descriptions() -> None:
    seed = [weights.SeedRow("a", 0.5, "A, with a comma", "established"), weights.SeedRow("b", 0.5, "B", "established"),
            weights.SeedRow("a", 1.0, "A", "onboarding")]
    text = calibration.proposed_seed(seed, ["a", "b"], {"established": np.array([0.25, 0.75]),
                                                        "onboarding": np.array([1.0, 0.0])})
    assert list(csv.reader(io.StringIO(text))) == [
        ["scorecard", "component", "weight", "description"], ["established", "a", "0.25", "A, with a comma"],
        ["established", "b", "0.75", "B"], ["onboarding", "a", "1.00", "A"]]


def test_too_few_churners_stops_with_one_sentence(db: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # the test warehouse has 8 churned accounts: fewer than 10 on each side of the cut
    with caplog.at_level(logging.ERROR):
        code, text = run(["--db", str(db), "--output-dir", str(tmp_path)])
    assert code == 1
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].startswith("Too few churners to calibrate:") and "at least 10 on each side" in errors[0]
    assert errors[0].count(". ") == 0 and "\n" not in errors[0]
    assert list(tmp_path.iterdir()) == []  # nothing proposed


def test_it_never_writes_into_the_seeds_folder(db: Path) -> None:
    before = {path.name: path.read_bytes() for path in SEED.parent.iterdir()}
    code, _ = run(["--db", str(db), "--output-dir", str(SEED.parent), "--min-churners", "3"])
    assert code == 2
    assert {path.name: path.read_bytes() for path in SEED.parent.iterdir()} == before


def test_calibrate_on_the_test_warehouse(db: Path, tmp_path: Path) -> None:
    before = SEED.read_bytes()
    code, text = run(["--db", str(db), "--output-dir", str(tmp_path), "--min-churners", "3"])
    assert code == 0, text
    assert SEED.read_bytes() == before
    assert "Held-out part" in text and "AUC" in text and "never-churned days red (known)" in text
    proposed = list(csv.DictReader((tmp_path / "health_score_weights.proposed.csv").open()))
    seed_rows = list(csv.DictReader(io.StringIO(before.decode())))
    assert [(r["scorecard"], r["component"]) for r in proposed] == [(r["scorecard"], r["component"]) for r in seed_rows]
    for scorecard in {r["scorecard"] for r in seed_rows}:
        assert sum(float(r["weight"]) for r in proposed if r["scorecard"] == scorecard) == pytest.approx(1.0)
    band_vars = yaml.safe_load((tmp_path / "band_vars.proposed.yml").read_text())
    assert set(band_vars) == {"band_green_min_score", "band_red_below_score"}
    assert f"band_green_min_score: {band_vars['band_green_min_score']}" in text

    # the proposal keeps the fitting days' never-churned account-days within the default budget
    seed = weights.read_seed(SEED, scorecard=None)
    with warehouse.connect(db) as con:
        history = calibration.load_history(con, seed)
    proposed_rows = [weights.SeedRow(r["component"], float(r["weight"]), "", r["scorecard"]) for r in proposed]
    table = calibration.weight_table(proposed_rows, history.components)
    scores = calibration.rebuild_scores(history, table)
    bands = calibration.band_settings(PROJECT_ROOT / "dbt_project.yml").with_cutoffs(
        band_vars["band_green_min_score"], band_vars["band_red_below_score"])
    band = calibration.assign_bands(scores, history.group_start, bands)
    fine = (history.dates < calibration.cut_date(history, 0.7)) & history.never_churned
    assert np.mean(band[fine] != GREEN) <= 0.10 and np.mean(band[fine] == RED) <= 0.02


def test_the_replay_rebuilds_the_stored_scores_and_bands(db: Path) -> None:
    # the calibration's score and band arithmetic is the model's: with the seed and the project's
    # band vars it gives back what dbt stored (the first band_memory_days of the history may differ:
    # the model remembers burn-in days the history does not publish)
    seed = weights.read_seed(SEED, scorecard=None)
    with warehouse.connect(db) as con:
        history = calibration.load_history(con, seed)
    scores = calibration.rebuild_scores(history, calibration.weight_table(seed, history.components))
    assert np.mean(scores == history.health_score) >= 0.99
    band = calibration.assign_bands(scores, history.group_start, calibration.band_settings(PROJECT_ROOT / "dbt_project.yml"))
    names = np.array(["green", "yellow", "red"], dtype=object)[band]
    assert np.mean(names == history.health_band) >= 0.99
