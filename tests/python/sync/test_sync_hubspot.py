"""Reverse-ETL to HubSpot companies against a fake HubSpot API over real HTTP."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.python.support.fake_hubspot import FakeHubSpot, default_properties, prop
from tests.python.support.health_fixtures import export_rows, query, update_rows, write_duckdb
from tests.python.support.sync_harness import SECRETS, clean_env, run_cli, write_config

HS_MAPPING = {"health_score": "health_score", "health_band": "health_band", "health_drivers": "health_drivers",
              "score_change_7d": "health_score_change_7d", "feature_adoption_pct": "feature_adoption_pct",
              "activation_pct": "activation_pct", "active_user_pct": "active_user_pct",
              "last_active_date": "last_active_date", "coverage_tier": "coverage_tier", "is_at_risk": "is_at_risk",
              "is_expansion_ready": "is_expansion_ready", "as_of_date": "health_as_of",
              "score_version": "health_score_version"}


def hubspot_rows(n: int) -> list[dict[str, Any]]:
    rows = export_rows(n, without_crm_id=(2,))
    for i, row in enumerate(rows, start=1):
        if row["crm_id"]:
            row["crm_id"] = str(9_000_000 + i)   # HubSpot company ids are numeric strings
    return rows


def expected(row: dict[str, Any]) -> dict[str, str]:
    out = {}
    for column, name in HS_MAPPING.items():
        value = row[column]
        if value is None:
            out[name] = ""
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, float):
            out[name] = format(value, ".15g")
        else:
            out[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return out


def mismatches(hub: FakeHubSpot, rows: list[dict[str, Any]]) -> list[str]:
    problems = []
    for row in rows:
        if row["crm_id"]:
            actual = hub.companies.get(row["crm_id"], {})
            for name, value in expected(row).items():
                if actual.get(name) != value:
                    problems.append(f"{row['crm_id']} {name}: {actual.get(name)!r} != {value!r}")
    return problems


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = str(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("DBT_DUCKDB_PATH", path)
    return path


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHubSpot]:
    clean_env(monkeypatch)
    server = FakeHubSpot(SECRETS["HUBSPOT_ACCESS_TOKEN"]).start()
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", SECRETS["HUBSPOT_ACCESS_TOKEN"])
    monkeypatch.setenv("HUBSPOT_API_BASE", server.url)
    yield server
    server.stop()


def seed(hub: FakeHubSpot, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if row["crm_id"]:
            hub.companies[row["crm_id"]] = {"name": row["account_name"]}


def test_batches_of_100_then_only_changes(hub, warehouse, tmp_path, capsys):
    rows = hubspot_rows(250)
    write_duckdb(warehouse, rows)
    seed(hub, rows)
    config = str(write_config(tmp_path))
    code, out, err = run_cli(["hubspot", "--config", config], capsys)
    assert code == 0, out + err
    assert hub.write_requests == 3 and "249 accepted" in out and "no crm_id: 1" in out
    assert mismatches(hub, rows) == []

    code, out, _ = run_cli(["hubspot", "--config", config], capsys)
    assert code == 0 and hub.write_requests == 3 and "no write request was made" in out

    update_rows(warehouse, "update marts.account_health_crm_export set health_score = 1 where account_id = 'acct_00040'")
    rows[39]["health_score"] = 1
    code, out, _ = run_cli(["hubspot", "--config", config], capsys)
    assert code == 0 and hub.write_requests == 4 and "1 accepted" in out
    assert hub.accepted[rows[39]["crm_id"]] == 2 and mismatches(hub, rows) == []


def test_207_and_400_are_read_record_by_record(hub, warehouse, tmp_path, capsys):
    rows = hubspot_rows(8)
    rows[3]["coverage_tier"] = "platinum"        # not an option: HubSpot answers 400 for the whole batch
    write_duckdb(warehouse, rows)
    seed(hub, rows)
    del hub.companies[rows[5]["crm_id"]]         # deleted company: 207 with context.ids
    config = str(write_config(tmp_path))
    code, out, _ = run_cli(["hubspot", "--config", config], capsys)
    assert code == 1
    assert "5 accepted" in out and "2 rejected" in out
    log = query(warehouse, "select record_key, error_code, message from reverse_etl.sync_log order by record_key")
    assert [(r[0], r[1]) for r in log] == [("acct_00004", "VALIDATION_ERROR"), ("acct_00006", "OBJECT_NOT_FOUND")]
    assert "platinum was not one of the allowed options" in log[0][2]
    assert mismatches(hub, [r for i, r in enumerate(rows) if i not in (3, 5)]) == []
    assert set(hub.accepted.values()) == {1}


def test_rate_limits_and_server_errors_are_retried(hub, warehouse, tmp_path, capsys):
    rows = hubspot_rows(150)
    write_duckdb(warehouse, rows)
    seed(hub, rows)
    hub.add_fault("429", match="batch")
    hub.add_fault("503", match="batch", after=1)
    hub.add_fault("drop", match="batch", after=1)
    hub.add_fault("502", match="properties")
    code, out, err = run_cli(["hubspot", "--config", str(write_config(tmp_path))], capsys)
    assert code == 0, out + err
    assert mismatches(hub, rows) == []


def test_daily_limit_and_bad_token_stop_cleanly(hub, warehouse, tmp_path, capsys, monkeypatch):
    rows = hubspot_rows(250)
    write_duckdb(warehouse, rows)
    seed(hub, rows)
    hub.add_fault("daily", match="batch", after=1)
    config = str(write_config(tmp_path))
    code, out, err = run_cli(["hubspot", "--config", config], capsys)
    assert code == 3 and "daily API limit" in out and "Traceback" not in out + err
    assert query(warehouse, "select count(distinct record_key) from reverse_etl.sync_state") == [(100,)]

    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-na1-wrong-token")
    code, out, err = run_cli(["hubspot", "--config", config], capsys)
    assert code == 3 and "rejected HUBSPOT_ACCESS_TOKEN (401)" in err and "Traceback" not in err


def test_usage_share_from_rate_limit_headers(hub, warehouse, tmp_path, capsys):
    rows = hubspot_rows(250)
    write_duckdb(warehouse, rows)
    seed(hub, rows)
    hub.daily_limit, hub.daily_used = 1000, 799   # properties -> 800 (80%), batch 1 -> 801: stop
    code, out, _ = run_cli(["hubspot", "--config", str(write_config(tmp_path))], capsys)
    assert code == 3 and "801/1000" in out and hub.write_requests == 1


def test_property_check_stops_before_any_write(monkeypatch, warehouse, tmp_path, capsys):
    clean_env(monkeypatch)
    props = [prop("health_band", "enumeration", read_only=True) if p["name"] == "health_band" else p
             for p in default_properties() if p["name"] != "health_as_of"]
    server = FakeHubSpot("pat-ok-123", properties=props).start()
    try:
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-ok-123")
        monkeypatch.setenv("HUBSPOT_API_BASE", server.url)
        write_duckdb(warehouse, hubspot_rows(3))
        code, out, err = run_cli(["hubspot", "--config", str(write_config(tmp_path))], capsys)
        assert code == 2 and server.write_requests == 0
        assert "health_band (from health_band) is read-only" in err
        assert "health_as_of (from as_of_date) does not exist" in err
    finally:
        server.stop()


def test_missing_token_is_one_sentence(monkeypatch, warehouse, tmp_path, capsys):
    clean_env(monkeypatch)
    write_duckdb(warehouse, hubspot_rows(3))
    code, out, err = run_cli(["hubspot", "--config", str(write_config(tmp_path))], capsys)
    assert code == 2 and out == ""
    assert err.strip().startswith("Sync not started: HUBSPOT_ACCESS_TOKEN is not set")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_match_by_unique_property(hub, warehouse, tmp_path, capsys):
    rows = hubspot_rows(5)
    write_duckdb(warehouse, rows)
    for i, row in enumerate(rows, start=1):
        hub.companies[str(500 + i)] = {"health_account_key": row["account_id"]}
    config = str(write_config(tmp_path, {"hubspot": {"match": {"mode": "id_property"}}}))
    code, out, err = run_cli(["hubspot", "--config", config], capsys)
    assert code == 0, out + err
    assert "4 accepted" in out                               # acct_00002 has no crm_id: skipped
    by_key = {c["health_account_key"]: c for c in hub.companies.values()}
    assert by_key["acct_00003"]["health_score"] == str(rows[2]["health_score"])
