"""A stale or far-future as_of_date is loud, and its scores are not sent.

An as_of_date far past the loaded events (a typo, a far-future date, a loader that stopped)
scores every account as inactive with no error. The build must warn, naming the dates; the
Slack digest and the CRM sync then refuse to send (their own tests: test_slack_digest.py,
test_sync_salesforce.py); `make daily` runs `dbt source freshness` first, which must work on
DuckDB.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from tests.python.support.dbt_project_harness import copy_warehouse, reference_warehouse, run_dbt
from tests.python.support.fake_slack import FakeSlack
from tests.python.support.sync_harness import SECRETS, clean_env

FAR_FUTURE = dt.date(2031, 12, 6)


def latest_event_date(db: Path, as_of: dt.date) -> dt.date:
    """The UTC date of the latest raw event at or before the end of as_of (the test's own reading)."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select max(cast(timestamp as date)) from segment.tracks where id is not null "
            "and timestamp < ? + interval 1 day", [as_of]).fetchone()[0]


def test_a_far_future_as_of_date_warns_and_the_digest_is_not_sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    db = copy_warehouse(reference_warehouse(), tmp_path / "warehouse.duckdb")
    result = run_dbt(["build", "--full-refresh", "--exclude-resource-type", "unit_test", "--exclude",
                      "path:models/backtest", "--vars", f"{{as_of_date: {FAR_FUTURE.isoformat()}}}"],
                     db, target_path=tmp_path / "target")
    assert result.returncode == 0, result.stdout[-4000:]
    latest = latest_event_date(db, FAR_FUTURE)
    days = (FAR_FUTURE - latest).days
    assert days > 2000
    assert (f"Stale data: as_of_date is {FAR_FUTURE} but the latest loaded event is from {latest}, {days} days "
            "earlier (more than stale_data_warn_days: 3)") in result.stdout
    assert "--force-stale" in result.stdout
    assert "Warning in test as_of_date_is_near_the_loaded_events" in result.stdout

    clean_env(monkeypatch)
    slack = FakeSlack(SECRETS["SLACK_WEBHOOK_URL_PATH"]).start()
    try:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", slack.webhook_url)
        from customer_health.digest.cli import main

        code = main(["--warehouse-path", str(db)])
        err = capsys.readouterr().err
        assert code == 5 and slack.posts == []
        assert f"as of {FAR_FUTURE} but the latest loaded event is from {latest}" in err
    finally:
        slack.stop()


def test_source_freshness_runs_on_duckdb(tmp_path: Path) -> None:
    """`dbt source freshness` (the first step of make daily) measures the events' latest
    received_at on DuckDB; the test data ends in 2025, so it reports an error and exits non-zero,
    which stops make daily before the build."""
    db = copy_warehouse(reference_warehouse(), tmp_path / "warehouse.duckdb")
    result = run_dbt(["source", "freshness"], db, target_path=tmp_path / "target")
    assert result.returncode == 1, result.stdout[-4000:]
    checked = json.loads((tmp_path / "target" / "sources.json").read_text())["results"]
    assert [r["unique_id"] for r in checked] == ["source.customer_health.segment.tracks"]
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = con.execute("select max(received_at) from segment.tracks").fetchone()[0]
    assert checked[0]["status"] == "error"
    assert dt.datetime.fromisoformat(checked[0]["max_loaded_at"]).replace(tzinfo=None) == loaded
