"""suggest_weights.py: the search, its bounds, and that it never writes over the seed."""
from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import numpy as np
import pytest

from tests.python.support.dbt_project_harness import PROJECT_ROOT, reference_warehouse

from customer_health.backtest import suggest_weights
from customer_health.backtest import tables as warehouse, weights

SEED = PROJECT_ROOT / "seeds" / "health_score_weights.csv"


@pytest.fixture(scope="module")
def db() -> Path:
    return reference_warehouse()


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = suggest_weights.main(argv)
    return code, out.getvalue()


def test_weights_become_hundredths_that_sum_to_one() -> None:
    assert weights.to_units([0.125, 0.125, 0.75]).tolist() == [13, 12, 75]
    assert weights.to_units([1, 1, 1]).sum() == 100
    assert weights.to_units([0, 0]).tolist() == [50, 50]


def test_bounds_keep_weighted_components_in_the_score() -> None:
    low, high = weights.bounds(np.array([30, 5, 0, 65]), max_change=10, min_units=2)
    assert low.tolist() == [20, 2, 0, 55]
    assert high.tolist() == [40, 15, 10, 75]


def test_the_search_moves_weight_to_the_component_that_predicts() -> None:
    rng = np.random.default_rng(3)
    labels = rng.random(4000) < 0.2
    useful = np.where(labels, rng.normal(30, 15, 4000), rng.normal(60, 15, 4000)).clip(0, 100)
    noise = rng.uniform(0, 100, 4000)
    sparse = np.where(rng.random(4000) < 0.5, np.nan, rng.uniform(0, 100, 4000))  # unavailable half the time
    days = weights.Days(["useful", "noise", "sparse"], np.column_stack([useful, noise, sparse]), labels,
                        np.zeros(4000, dtype="datetime64[D]"), np.zeros(4000))
    scorer = weights.Scorer(days)
    start = np.array([20, 60, 20])
    low, high = weights.bounds(start, max_change=30, min_units=2)
    result = weights.search(scorer, start, low, high)
    assert result.units.sum() == 100
    assert np.all(result.units >= low) and np.all(result.units <= high)
    assert result.units[0] == 50 and result.units[1] < 60
    assert result.tuning_auc > scorer.auc(start / 100)


def test_a_null_component_gives_its_weight_to_the_others() -> None:
    days = weights.Days(["a", "b"], np.array([[80.0, np.nan], [80.0, 20.0]]), np.array([True, False]),
                        np.zeros(2, dtype="datetime64[D]"), np.zeros(2))
    assert weights.Scorer(days).scores(np.array([0.5, 0.5])).tolist() == [80.0, 50.0]


def test_suggest_weights_proposes_a_valid_file_and_leaves_the_seed_alone(db: Path, tmp_path: Path) -> None:
    before = SEED.read_bytes()
    output = tmp_path / "proposed.csv"
    code, text = run(["--db", str(db), "--output", str(output)])
    assert code == 0, text
    assert SEED.read_bytes() == before
    assert "tuning" in text and "check" in text and "your file is unchanged" in text
    seed_rows = list(csv.DictReader(io.StringIO(before.decode())))
    proposed = list(csv.DictReader(output.open()))
    assert [(row["scorecard"], row["component"]) for row in proposed] \
        == [(row["scorecard"], row["component"]) for row in seed_rows]
    for scorecard in {row["scorecard"] for row in seed_rows}:
        assert sum(float(row["weight"]) for row in proposed if row["scorecard"] == scorecard) == pytest.approx(1.0)
    for old, new_row in zip(seed_rows, proposed):
        new = float(new_row["weight"])
        if old["scorecard"] != "established":  # only the established scorecard is searched
            assert new == pytest.approx(float(old["weight"]))
        assert abs(new - float(old["weight"])) <= 0.10 + 1e-9
        assert new >= min(0.02, float(old["weight"])) - 1e-9
    assert output.read_text() in text  # the proposal is printed too


def test_the_seed_weights_rebuild_the_stored_score(db: Path) -> None:
    seed = weights.read_seed(SEED)
    with warehouse.connect(db) as con:
        days = weights.load_days(con, seed)
    share = weights.reconstruction_share(days, weights.to_units([row.weight for row in seed]) / 100)
    assert share >= 0.95


def test_it_refuses_to_write_over_the_seed(db: Path) -> None:
    before = SEED.read_bytes()
    code, _ = run(["--db", str(db), "--output", str(SEED)])
    assert code == 2
    assert SEED.read_bytes() == before


def test_a_component_without_a_score_column_is_named(db: Path, tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    seed = tmp_path / "weights.csv"
    seed.write_text(SEED.read_text() + "established,made_up_component,0.00,Not built yet\n")
    code, _ = run(["--db", str(db), "--weights", str(seed), "--output", str(tmp_path / "out.csv")])
    assert code == 1
    assert any("made_up_component" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("argv, says", [
    (["--tuning-share", "1"], "--tuning-share must be between 0 and 1 (exclusive), got 1.0."),
    (["--min-weight", "-0.01"], "--max-change and --min-weight must be 0 or more."),
])
def test_both_commands_refuse_the_same_bad_search_argument(argv: list[str], says: str, tmp_path: Path,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    """suggest-weights and its calibrate command share the search's arguments and their checks,
    and stop before reading any warehouse (none exists here)."""
    missing = ["--db", str(tmp_path / "no_such.duckdb")]
    for command in ([], ["calibrate", "--output-dir", str(tmp_path / "out")]):
        caplog.clear()
        code, _ = run([*command, *missing, *argv])
        assert code == 2, command
        assert [record.getMessage() for record in caplog.records if record.levelname == "ERROR"] == [says], command
