"""Lead time per lifecycle stage at churn (health_backtest_lead_times_by_scorecard) on the test
warehouse: it splits the summary's churners without losing one, and the report shows it."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from tests.python.support.dbt_project_harness import query, reference_warehouse

from customer_health.backtest import report_cli as backtest_report


@pytest.fixture(scope="module")
def db() -> Path:
    return reference_warehouse()


def test_the_stages_add_up_to_the_summary(db: Path) -> None:
    by_stage = query(db, """
        select scorer, sum(count_churners_observed), sum(count_warned_yellow_or_red), sum(count_warned_red)
        from backtest.health_backtest_lead_times_by_scorecard group by scorer order by scorer""")
    summary = query(db, """
        select scorer, count_churners_observed, count_warned_yellow_or_red, count_warned_red
        from backtest.health_backtest_summary where count_churners_observed > 0 order by scorer""")
    assert by_stage == summary and summary


def test_the_stage_is_the_scorecard_of_the_last_day(db: Path) -> None:
    mismatches = query(db, """
        select l.account_id
        from backtest.health_backtest_lead_times as l
        inner join marts.account_health_daily as h
            on l.account_id = h.account_id and l.last_history_date = h.as_of_date
        where l.scorecard_at_churn is distinct from h.scorecard""")
    assert mismatches == []


def test_the_report_shows_lead_time_per_stage(db: Path, tmp_path: Path) -> None:
    out = io.StringIO()
    html = tmp_path / "report.html"
    with contextlib.redirect_stdout(out):
        code = backtest_report.main(["--db", str(db), "--html", str(html), "--bootstrap", "0"])
    assert code == 0
    text = out.getvalue()
    assert "per lifecycle stage at churn" in text and "stage at churn" in text
    stages = {row[0] for row in query(db, "select distinct scorecard_at_churn from "
                                          "backtest.health_backtest_lead_times_by_scorecard")}
    section = text.split("per lifecycle stage at churn", 1)[1].split("4. False alarms", 1)[0]
    assert stages and all(stage in section for stage in stages)
    assert 'id="lead-time-by-scorecard-table"' in html.read_text()


def test_a_stale_stage_table_is_said_so() -> None:
    from customer_health.backtest import text_tables
    from customer_health.backtest.tables import Backtest

    summary = [{"scorer": "health_score", "count_churners_observed": 5}]
    stages = [{"scorer": "health_score", "scorecard_at_churn": "onboarding", "count_churners_observed": 2},
              {"scorer": "health_score", "scorecard_at_churn": "established", "count_churners_observed": 3}]
    assert text_tables.stages_note(Backtest(summary, [], [], [], [], lead_times_by_scorecard=stages)) is None
    note = text_tables.stages_note(Backtest(summary, [], [], [], [], lead_times_by_scorecard=stages[:1]))
    assert note is not None and "rebuild all backtest models together" in note
