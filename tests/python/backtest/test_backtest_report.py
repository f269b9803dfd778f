"""The backtest report on the small test warehouse: numbers agree, page renders in Chromium."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from pathlib import Path

import duckdb
import numpy as np
import pytest

from tests.python.support.backtest_harness import chromium, chromium_binary, count_colour
from tests.python.support.dbt_project_harness import TEST_AS_OF, query, reference_warehouse

from customer_health.backtest import report_cli as backtest_report
from customer_health.backtest import ranking, tables as warehouse

HORIZON_DAYS = 90  # dbt_project.yml: backtest_horizon_days


@pytest.fixture(scope="module")
def db() -> Path:
    return reference_warehouse()


@pytest.fixture(scope="module")
def report(db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    html = tmp_path_factory.mktemp("report") / "backtest_report.html"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = backtest_report.main(["--db", str(db), "--html", str(html), "--bootstrap", "30"])
    assert code == 0
    return html, out.getvalue()



def test_auc_counts_tied_pairs_as_half_and_unscored_days_as_coin_flips() -> None:
    # the same days as the dbt unit test backtest_auc_averages_tied_ranks
    scores = np.array([10, 20, 20, 30, 40, np.nan])
    labels = np.array([True, True, False, False, True, True])
    assert ranking.auc(scores, labels) == pytest.approx(4.5 / 8)
    assert ranking.auc(scores[:5], labels[:5]) == pytest.approx(3.5 / 6)
    assert ranking.auc(np.array([50.0, 50.0]), np.array([True, False])) == 0.5
    assert np.isnan(ranking.auc(np.array([1.0, 2.0]), np.array([True, True])))
    # weights act as repeated days
    repeated = ranking.auc(np.array([1.0, 2.0, 2.0, 3.0]), np.array([True, False, False, True]))
    weighted = ranking.auc(np.array([1.0, 2.0, 3.0]), np.array([True, False, True]), np.array([1.0, 2.0, 1.0]))
    assert weighted == pytest.approx(repeated)


def test_sql_auc_matches_an_independent_computation(db: Path) -> None:
    with warehouse.connect(db) as con:
        backtest = warehouse.load(con)
    assert {row["scorer"] for row in backtest.summary} == set(warehouse.SCORERS)
    for row in backtest.summary:
        expected = ranking.auc(backtest.scores[row["scorer"]], backtest.labels)
        assert row["auc"] == pytest.approx(expected, abs=6e-5), row["scorer"]


def test_labels_follow_the_crm_and_stop_at_the_horizon(db: Path) -> None:
    """Recompute every label from crm.accounts: churn in (day, day + horizon], known only by the as-of date."""
    as_of = dt.date.fromisoformat(TEST_AS_OF)
    churned = dict(query(db, "select account_id, churned_at from crm.accounts"))
    rows = query(db, "select account_id, as_of_date, is_label_known, is_churn_within_horizon "
                     "from backtest.health_backtest_account_days")
    assert rows
    last_known = as_of - dt.timedelta(days=HORIZON_DAYS)
    for account_id, day, known, label in rows:
        assert known == (day <= last_known), (account_id, day)
        if not known:
            assert label is None
            continue
        churn = churned.get(account_id)
        expected = churn is not None and churn <= as_of and day < churn <= day + dt.timedelta(days=HORIZON_DAYS)
        assert label == expected, (account_id, day, churn)
    assert any(label for *_, label in rows), "the test data has no churn inside a labelled horizon"


def test_band_and_decile_counts_add_up(db: Path) -> None:
    (labelled, churn_days) = query(db, """
        select count(*), sum(case when is_churn_within_horizon then 1 else 0 end)
        from backtest.health_backtest_account_days where is_label_known""")[0]
    for scorer, days, churn in query(db, """
            select scorer, sum(count_account_days), sum(count_churn_days)
            from backtest.health_backtest_bands where band <> 'yellow_or_red' group by scorer"""):
        assert (days, churn) == (labelled, churn_days), scorer
    for scorer, days, churn in query(db, """
            select scorer, sum(count_account_days), sum(count_churn_days)
            from backtest.health_backtest_lift group by scorer"""):
        assert (days, churn) == (labelled, churn_days), scorer


def test_lead_times_are_inside_the_horizon(db: Path) -> None:
    rows = query(db, """
        select account_id, churned_date, first_red_date, lead_days_red, lead_days_yellow_or_red
        from backtest.health_backtest_lead_times where scorer = 'health_score'""")
    assert rows, "no churned account in the test history"
    for account_id, churned, first_red, lead_red, lead_any in rows:
        if lead_red is not None:
            assert (churned - first_red).days == lead_red
            assert 1 <= lead_red <= HORIZON_DAYS, account_id
            assert lead_any is not None and lead_any >= lead_red, account_id
        assert churned <= dt.date.fromisoformat(TEST_AS_OF)


def test_the_report_prints_every_section_against_both_baselines(report: tuple[Path, str]) -> None:
    _, text = report
    for needle in ("AUC", "95 % interval", "precision", "recall", "median lead", "never-churned accounts",
                   "decile", "Against the naive activity count", "Against NPS alone", "Health score",
                   "Activity (all events, 30 days)", "NPS alone", "report written to"):
        assert needle in text, needle


def test_the_page_fetches_nothing_and_runs_no_script(report: tuple[Path, str]) -> None:
    html = report[0].read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls  # SVG namespaces
    assert "Content-Security-Policy" in html


@pytest.fixture(scope="module")
def browser_ready() -> None:
    if chromium_binary() is None:
        pytest.fail("chromium is not installed: run scripts/ensure_chromium.sh (make test does)")


def test_chromium_renders_the_page_with_both_figures(report: tuple[Path, str], browser_ready: None,
                                                     db: Path, tmp_path: Path) -> None:
    html = report[0]
    dom = chromium(["--dump-dom", html.as_uri()], tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = dom.stdout
    assert "Does the health score work?" in rendered
    lift = re.search(r'<div id="lift-chart".*?</svg>', rendered, flags=re.DOTALL)
    lead = re.search(r'<div id="lead-time-chart".*?</svg>', rendered, flags=re.DOTALL)
    assert lift and lead, "a figure is missing from the rendered page"
    # each bar's aria-label names its scorer (lift) or warning (lead time) and its value
    lift_bars = re.findall(r'aria-label="[^"]*scorer: ([^;"]+);', lift.group(0))
    assert {"Health score", "Activity (all events, 30 days)", "NPS alone"} <= set(lift_bars)
    assert lift_bars.count("Health score") == 10
    health_decile_1 = re.search(r'aria-label="[^"]*scorer: Health score; decile: 1; churned %: ([0-9.]+)', lift.group(0))
    expected = query(db, "select pct_churn_rate from backtest.health_backtest_lift "
                         "where scorer = 'health_score' and decile = 1")[0][0]
    assert health_decile_1 and float(health_decile_1.group(1)) == pytest.approx(float(expected), abs=0.05)
    assert len(re.findall(r'aria-label="[^"]*warning: first red', lead.group(0))) > 0
    for table_id in ("auc-table", "bands-table", "lead-time-table", "false-alarm-table", "lift-table"):
        assert f'id="{table_id}"' in rendered, table_id

    shot = tmp_path / "report.png"
    result = chromium(["--window-size=1000,3800", "--force-device-scale-factor=0.5", f"--screenshot={shot}",
                       html.as_uri()], tmp_path)
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    # colours only the figures use: activity and NPS bars (lift chart), red warnings (lead-time chart)
    assert count_colour(shot, (0xBF, 0x87, 0x00)) > 150, "the lift chart's activity bars were not painted"
    assert count_colour(shot, (0x82, 0x50, 0xDF)) > 150, "the lift chart's NPS bars were not painted"
    assert count_colour(shot, (0xCF, 0x22, 0x2E)) > 50, "the lead-time chart was not painted"


def test_a_missing_backtest_is_one_sentence(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert backtest_report.main(["--db", str(empty), "--html", str(tmp_path / "r.html")]) == 1
    assert backtest_report.main(["--db", str(tmp_path / "absent.duckdb")]) == 1
    errors = [record.getMessage() for record in caplog.records if record.levelname == "ERROR"]
    assert len(errors) == 2
    assert "dbt build" in errors[0] and "make demo" in errors[1]
    assert not (tmp_path / "r.html").exists()
