"""The story suite's targets date a churner's decline from the first day it shows in the data
(story_meta.account_stories.first_change_date), not from the first day of the window the story draws it in
(decline_onset_date); the window's figures are reported beside them (issue 15, eleventh pass).

A hand-built suite warehouse with the three tables the report reads; every figure below is computed by hand."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from customer_health.story_suite.report import markdown, summarise
from tests.python.support.story_report_tables import write_score_days

# (account, story, is churn story, window onset, first change, churned_at)
ACCOUNTS = [
    # window 89 days before churn, but nothing changed until 39 days before: in the window's figures only
    ("c1", "support_escalation", True, "2025-01-01", "2025-02-20", "2025-03-31"),
    # changed 80 days before churn: in both
    ("c2", "support_escalation", True, "2025-01-01", "2025-01-10", "2025-03-31"),
    # a seat contraction that drew no leaver: its decline never shows, so it is in the window's figures only
    ("c3", "seat_contraction", True, "2025-01-15", None, "2025-03-31"),
    ("f1", "steady", False, None, None, None),
]
# (account, day, score, band); 2025-02-17 is 42 days before churn, 2025-03-03 28 days
DAYS = [
    ("c1", "2025-01-05", 85, "green"),    # after the window's first day, before the first change
    ("c1", "2025-02-17", 82, "green"),
    ("c1", "2025-03-03", 60, "yellow"),
    ("c2", "2025-02-17", 58, "yellow"),
    ("c2", "2025-03-03", 35, "red"),
    ("c3", "2025-02-17", 88, "green"),
    ("c3", "2025-03-03", 84, "green"),
    ("f1", "2025-02-17", 90, "green"),
    ("f1", "2025-03-03", 70, "yellow"),
    ("f1", "2025-03-10", 80, "green"),
]


@pytest.fixture()
def suite(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "suite.duckdb"))
    con.execute("create schema story_meta")
    con.execute("create table story_meta.account_stories (account_id varchar, story varchar, is_churn_story boolean, "
                "decline_onset_date date, first_change_date date, churned_at date)")
    con.executemany("insert into story_meta.account_stories values (?, ?, ?, ?, ?, ?)", ACCOUNTS)
    write_score_days(con, DAYS)   # 10 events on every day
    yield con
    con.close()


def test_targets_date_the_decline_from_its_first_change(suite: duckdb.DuckDBPyConnection) -> None:
    s = summarise(suite)
    # by the first change only c2 began 6 weeks or more before churn: yellow 42 days before, red 28 days before
    assert (s.target_churners, s.warned_28, s.warned_42) == (1, 1.0, 1.0)
    # by the window's first day c1, c2 and c3 count: warned 28 days before c1 and c2, 42 days before c2 only
    assert s.target_churners_window == 3
    assert (s.warned_28_window, s.warned_42_window) == (pytest.approx(2 / 3), pytest.approx(1 / 3))
    # positives from the first change: c1's 60, c2's 58 and 35, each below all of f1's 90, 70, 80 -> 9 / 9
    assert s.auc == 1.0
    # from the window's first day: c1's 85, 82, 60, c2's 58, 35, c3's 88, 84 against 90, 70, 80:
    # 85, 82, 88, 84 are below 90 only (1 each), 60, 58, 35 below all three -> (4 + 9) / 21
    assert s.auc_window == pytest.approx(13 / 21)
    # every day has 10 events: the activity baseline ties every pair
    assert s.auc_activity == 0.5
    rows = {row.story: row for row in s.rows}
    # c1 began 39 days before churn, c2 80: median 59.5; c3 never began
    assert rows["support_escalation"].median_begun_days == 59.5
    assert rows["seat_contraction"].median_begun_days is None
    # the per-story shares still count every churner with a row on the day
    assert (rows["support_escalation"].warned_28, rows["seat_contraction"].warned_28) == (1.0, 0.0)
    text = markdown(s)
    assert "| churners whose decline began ≥ 6 weeks before churn (1), warned 28 days before | 100 % | ≥ 85 % |" in text
    assert "| churners with the window ≥ 6 weeks before churn (3), warned 28 days before | 67 % |" in text
