"""The story suite's figures on a demo warehouse (issue 15): the demo's fine side is its fine stories,
and an at-risk account that has not churned by the end is counted neither as a churner nor as fine.

A hand-built warehouse with the four tables the report reads; every figure below is computed by hand."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from customer_health.story_suite import cli
from customer_health.story_suite.report import DEMO_FINE_STORIES, DEMO_META_SQL, summarise
from tests.python.support.story_report_tables import write_score_days

# (account, story, churned_at, decline_start_date)
ACCOUNTS = [
    ("acc_1", "decaying", "2025-03-31", "2025-01-01"),
    ("acc_2", "steady", None, None),
    ("acc_3", "decaying", None, "2025-02-01"),
    ("acc_4", "stalled_onboarding", "2025-03-31", None),
]
# (account, day, score, band, events in 30 days)
DAYS = [
    ("acc_1", "2024-12-31", 85, "green", 30),   # before the onset: no positive day
    ("acc_1", "2025-02-17", 85, "green", 10),   # 42 days before churn: green
    ("acc_1", "2025-03-03", 60, "yellow", 5),   # 28 days before churn: warned
    ("acc_1", "2025-03-30", 40, "red", 1),
    ("acc_2", "2025-02-17", 90, "green", 20),
    ("acc_2", "2025-03-03", 90, "green", 20),
    ("acc_2", "2025-03-10", 70, "yellow", 8),
    ("acc_2", "2025-03-17", 50, "red", 2),
    ("acc_3", "2025-03-03", 60, "yellow", 3),   # at risk, not churned: neither fine nor churner
    ("acc_3", "2025-03-10", 60, "yellow", 3),
    ("acc_4", "2025-03-03", 80, "green", 4),    # churned, onset unknown: not in the target figures
]


def _warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema demo_meta")
        con.execute("create table demo_meta.account_timelines (account_id varchar, story varchar, "
                    "churned_at date, decline_start_date date)")
        con.executemany("insert into demo_meta.account_timelines values (?, ?, ?, ?)", ACCOUNTS)
        write_score_days(con, DAYS)
    finally:
        con.close()
    return path


def test_demo_fine_stories_are_the_generators_healthy_ones() -> None:
    assert DEMO_FINE_STORIES == ("steady", "expanding", "noisy_fine")


def test_demo_figures_by_hand(tmp_path: Path) -> None:
    con = duckdb.connect(str(_warehouse(tmp_path / "demo.duckdb")), read_only=True)
    try:
        s = summarise(con, DEMO_META_SQL)
    finally:
        con.close()
    # only acc_1 has a known onset >= 42 days before churn (89): warned at 28 days, not at 42
    assert s.target_churners == 1
    assert (s.warned_28, s.warned_42) == (1.0, 0.0)
    # fine days are acc_2's four only (acc_3's two yellow days would make it 4 of 6)
    assert s.fine_warned_days == pytest.approx(2 / 4)
    assert s.fine_red_days == pytest.approx(1 / 4)
    # positives from the onset: 85, 60, 40 against 90, 90, 70, 50 -> (2 + 3 + 4) / 12
    assert s.auc == pytest.approx(9 / 12)
    # events 10, 5, 1 against 20, 20, 8, 2 -> the same pairs
    assert s.auc_activity == pytest.approx(9 / 12)
    # acc_1 first warned 28 days ahead; acc_4's 90-day run-up starts before its history: left out
    assert s.median_lead == 28
    kinds = {row.story: row.kind for row in s.rows}
    assert kinds == {"decaying": "churn", "stalled_onboarding": "churn", "steady": "fine",
                     "decaying (not churned)": "at risk"}
    at_risk = next(row for row in s.rows if row.kind == "at risk")
    assert (at_risk.accounts, at_risk.yellow_days, at_risk.red_days) == (1, 1.0, 0.0)
    stalled = next(row for row in s.rows if row.story == "stalled_onboarding")
    assert (stalled.warned_28, stalled.auc) == (0.0, None)


def test_demo_report_prints_the_at_risk_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--demo-db", str(_warehouse(tmp_path / "demo.duckdb"))]) == 0
    out = capsys.readouterr().out
    assert "| decaying (not churned) | 1 | 100.0 % | 0.0 % |" in out
    assert "| steady | 1 | 25.0 % | 25.0 % |" in out


def test_demo_report_without_a_demo_warehouse_says_so(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert cli.main(["--demo-db", str(tmp_path / "missing.duckdb")]) == 1
    assert "No demo warehouse at" in caplog.text
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert cli.main(["--demo-db", str(empty)]) == 1
    assert "is not a built demo warehouse" in caplog.text
