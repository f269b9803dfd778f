"""The Slack digest: ranking, Block Kit limits, dry run, posting to a fake webhook."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from tests.python.support.fake_slack import FakeSlack
from tests.python.support.health_fixtures import AS_OF, export_rows, freshness_row, write_duckdb
from tests.python.support.sync_harness import ROOT, SECRETS, clean_env

ALERT_TYPES = ("band_worsened", "score_drop", "champion_gone_dark", "activation_stalled", "renewal_at_risk")


def alerts_for(rows: list[dict[str, Any]], long_text: bool = False) -> list[dict[str, Any]]:
    alerts = []
    for i, row in enumerate(rows, start=1):
        kinds = ["expansion_ready"] if i % 4 == 0 else [ALERT_TYPES[i % 5], ALERT_TYPES[(i + 2) % 5]]
        for j, kind in enumerate(kinds):
            alerts.append({
                "alert_id": f"al_{i}_{j}", "account_id": row["account_id"], "alert_date": AS_OF,
                "alert_type": kind, "severity": ("high", "medium", "low")[(i + j) % 3],
                "what_changed": f"Score fell to {row['health_score']} <fast> & steady" + (" more" * 400 if long_text else ""),
                "why_it_matters": "Renewal is close and usage is the best early signal.",
                "what_to_do": "Book a call with the champion this week.",
            })
    # account_health.attention_rank as dbt computes it: accounts with an alert other than
    # expansion_ready (or at risk) by worst severity rank x ARR, then the lower score
    severity_rank = {"high": 3, "medium": 2, "low": 1}
    worst: dict[str, int] = {}
    for alert in alerts:
        if alert["alert_type"] != "expansion_ready":
            worst[alert["account_id"]] = max(worst.get(alert["account_id"], 1), severity_rank[alert["severity"]])
    needing = [row for row in rows if row["account_id"] in worst or row["is_at_risk"]]
    needing.sort(key=lambda row: (-worst.get(row["account_id"], 1) * float(row["arr"] or 0), row["health_score"],
                                  row["account_id"]))
    for rank, row in enumerate(needing, start=1):
        row["attention_rank"] = rank
    # An older alert that must not show up in today's digest.
    alerts.append({"alert_id": "old", "account_id": rows[0]["account_id"], "alert_date": AS_OF.replace(day=1, month=1),
                   "alert_type": "score_drop", "severity": "high", "what_changed": "OLD ALERT",
                   "why_it_matters": "-", "what_to_do": "-"})
    return alerts


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    clean_env(monkeypatch)
    path = str(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("DBT_DUCKDB_PATH", path)
    return path


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    server = FakeSlack(SECRETS["SLACK_WEBHOOK_URL_PATH"]).start()
    monkeypatch.setenv("SLACK_WEBHOOK_URL", server.webhook_url)
    yield server
    server.stop()


def fast_config(tmp_path: Path) -> str:
    raw = yaml.safe_load((ROOT / "scripts" / "slack_digest.yml").read_text())
    raw["retry"].update(base_delay_seconds=0.01, max_delay_seconds=0.05, max_attempts=4)
    raw["digest"]["account_url_template"] = "https://example.my.salesforce.com/{crm_id}"
    path = tmp_path / "digest.yml"
    path.write_text(yaml.safe_dump(raw))
    return str(path)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from customer_health.digest.cli import main

    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_dry_run_prints_ranked_block_kit_without_a_webhook(warehouse, tmp_path, capsys):
    rows = export_rows(8)
    write_duckdb(warehouse, rows, alerts=alerts_for(rows))
    code, out, err = run(["--dry-run", "--config", fast_config(tmp_path)], capsys)
    assert code == 0, err
    payload = json.loads(out)
    assert FakeSlack.problems(payload) == []
    texts = [b.get("text", {}).get("text", "") for b in payload["blocks"]]
    assert texts[0] == "Customer health digest — 2025-03-01"
    sections = "\n".join(texts)
    assert sections.index("*Address first*") < sections.index("*Slipping*") < sections.index("*Ready to expand*")
    assert "_Why it matters:_" in sections and "_What to do:_" in sections
    assert "&lt;fast&gt; &amp; steady" in sections          # mrkdwn escaped
    assert "<https://example.my.salesforce.com/001FAKE00000000001|Account 1>" in sections
    assert "OLD ALERT" not in sections
    # Address first: worst severity first, then the largest ARR.
    first = texts[texts.index(next(t for t in texts if "*Address first*" in t)) + 1]
    assert ":red_circle:" in first
    assert "6 slipping, 2 ready to expand" in err and "dry run" in err


def test_posts_within_slack_limits_even_with_many_long_alerts(warehouse, slack, tmp_path, capsys):
    rows = export_rows(120)
    write_duckdb(warehouse, rows, alerts=alerts_for(rows, long_text=True))
    slack.add_fault("429", match="post")
    slack.add_fault("503", match="post")
    code, out, err = run(["--config", fast_config(tmp_path)], capsys)
    assert code == 0, err
    assert len(slack.posts) == 1
    payload = slack.posts[0]
    assert len(payload["blocks"]) == 50 and FakeSlack.problems(payload) == []
    assert all(len(b["text"]["text"]) <= 3000 for b in payload["blocks"] if b["type"] == "section")
    assert any(b["text"]["text"].endswith(" […]") for b in payload["blocks"] if b["type"] == "section")
    assert "more account(s) with alerts today" in payload["blocks"][-1]["elements"][0]["text"]
    assert "posted to Slack" in out


def test_quiet_day_and_webhook_errors(warehouse, slack, tmp_path, capsys, monkeypatch):
    rows = export_rows(3)
    write_duckdb(warehouse, rows, alerts=[])
    code, out, err = run(["--config", fast_config(tmp_path)], capsys)
    assert code == 0 and "No account needs attention today" in json.dumps(slack.posts[-1])

    monkeypatch.setenv("SLACK_WEBHOOK_URL", slack.url + "/services/T0/B0/wrong")
    code, out, err = run(["--config", fast_config(tmp_path)], capsys)
    assert code == 3 and "Slack refused the digest (HTTP 404: no_service)" in err
    assert "Traceback" not in err

    monkeypatch.delenv("SLACK_WEBHOOK_URL")
    code, out, err = run(["--config", fast_config(tmp_path)], capsys)
    assert code == 2 and err.strip().startswith("Digest not sent: SLACK_WEBHOOK_URL is not set")


def test_stale_scores_are_not_posted_unless_forced(warehouse, slack, tmp_path, capsys):
    """as_of_date 10 days past the latest loaded event (stale_data_warn_days 3): nothing is
    posted, with one sentence naming the dates and the way out; a dry run still shows the
    digest; --force-stale posts it."""
    rows = export_rows(8)
    write_duckdb(warehouse, rows, alerts=alerts_for(rows), freshness=freshness_row(days_behind=10))
    code, out, err = run(["--config", fast_config(tmp_path)], capsys)
    assert code == 5 and slack.posts == []
    assert err.strip() == (
        "Digest not sent: The scores are computed as of 2025-03-01 but the latest loaded event is from 2025-02-19, "
        "10 days earlier (more than stale_data_warn_days: 3), so every account would read as inactive: check "
        "that the loaders are running and as_of_date is right and run dbt build again, or pass --force-stale to "
        "send the digest anyway.")

    code, out, err = run(["--dry-run", "--config", fast_config(tmp_path)], capsys)
    assert code == 0 and json.loads(out)["blocks"] and slack.posts == []

    code, out, err = run(["--force-stale", "--config", fast_config(tmp_path)], capsys)
    assert code == 0, err
    assert len(slack.posts) == 1 and "posted to Slack" in out

    # exactly at the limit is not stale
    write_duckdb(warehouse, rows, alerts=alerts_for(rows), freshness=freshness_row(days_behind=3))
    code, out, err = run(["--config", fast_config(tmp_path)], capsys)
    assert code == 0, err
    assert len(slack.posts) == 2


def write_portfolio_marts(path: str) -> None:
    """portfolio_retention's 'all' rows and a renewal_forecast, small enough to check by hand."""
    import duckdb

    with duckdb.connect(path) as con:
        con.execute("create or replace table marts.portfolio_retention as select * from (values "
                    "(90, 'all', 'all', 104.2, 93.3), (365, 'all', 'all', 98.0, 81.0), "
                    "(90, 'plan', 'growth', 50.0, 50.0)) "
                    "as t(period_days, segment_type, segment_value, nrr_pct, grr_pct)")
        con.execute("create or replace table marts.renewal_forecast as select * from (values "
                    "('red', '0_30_days', 100000.00, 50.0, 50000.00), "
                    "('green', '31_90_days', 200000.00, 5.0, 10000.00), "
                    "('yellow', '31_90_days', 30000.00, null, null), "
                    "('red', '91_180_days', 900000.00, 50.0, 450000.00)) "
                    "as t(health_band, renewal_window, arr, churn_rate_pct, arr_at_risk)")


def test_the_weekly_digest_opens_with_the_portfolio(warehouse, tmp_path, capsys):
    """2025-03-01 is a Saturday: with portfolio_weekday saturday the section comes right after the
    header. Renewing in 90 days: 100,000 + 200,000 + 30,000 = 330,000, at risk 50,000 + 10,000;
    yellow has no rate. The 91-180-day window and the plan segment are not counted."""
    rows = export_rows(4)
    write_duckdb(warehouse, rows, alerts=alerts_for(rows))
    write_portfolio_marts(warehouse)
    config = Path(fast_config(tmp_path))
    raw = yaml.safe_load(config.read_text())
    raw["digest"]["portfolio_weekday"] = "saturday"
    config.write_text(yaml.safe_dump(raw))
    code, out, err = run(["--dry-run", "--config", str(config)], capsys)
    assert code == 0, err
    payload = json.loads(out)
    assert FakeSlack.problems(payload) == []
    section = payload["blocks"][1]["text"]["text"]
    assert section.startswith(":bar_chart: *Portfolio this week*")
    assert "90 days: NRR 104.2 %, GRR 93.3 % · 365 days: NRR 98.0 %, GRR 81.0 %" in section
    assert "Renewing in the next 90 days: $330,000 ARR, $60,000 of it at risk" in section
    assert "no churn rate yet for yellow" in section
    assert "with the weekly portfolio section" in err

    # other days of the week: no section; missing marts: a warning, and the digest still goes out
    raw["digest"]["portfolio_weekday"] = "monday"
    config.write_text(yaml.safe_dump(raw))
    code, out, _ = run(["--dry-run", "--config", str(config)], capsys)
    assert code == 0 and "Portfolio this week" not in out
    raw["digest"]["portfolio_weekday"] = "daily"
    raw["warehouse"]["retention_relation"] = "marts.no_such_table"
    config.write_text(yaml.safe_dump(raw))
    code, out, err = run(["--dry-run", "--config", str(config)], capsys)
    assert code == 0 and "Portfolio this week" not in out
    raw["digest"]["portfolio_weekday"] = "fortnightly"
    config.write_text(yaml.safe_dump(raw))
    code, out, err = run(["--dry-run", "--config", str(config)], capsys)
    assert code == 2 and "digest.portfolio_weekday must be a weekday" in err
