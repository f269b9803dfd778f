"""Reverse-ETL to Salesforce, end to end through simple-salesforce against a fake HTTPS org."""
from __future__ import annotations

import collections
from pathlib import Path
from typing import Iterator

import pytest

from tests.python.support.fake_salesforce import FakeSalesforce, default_fields, field
from tests.python.support.health_fixtures import crm_id, export_rows, freshness_row, query, update_rows, write_duckdb
from tests.python.support.sync_harness import (clean_env, client_credentials_login, password_login, run_cli, salesforce_mismatches,
                          token_login, use_ca, write_config)
from tests.python.support.tls_cert import Cert


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = str(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("DBT_DUCKDB_PATH", path)
    return path


@pytest.fixture
def org(tls_cert: Cert, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSalesforce]:
    clean_env(monkeypatch)
    use_ca(monkeypatch, tls_cert.certfile)
    from tests.python.support.sync_harness import SECRETS

    server = FakeSalesforce(tls_cert.certfile, tls_cert.keyfile, token=SECRETS["SALESFORCE_ACCESS_TOKEN"],
                            client_id=SECRETS["SALESFORCE_CLIENT_ID"], client_secret=SECRETS["SALESFORCE_CLIENT_SECRET"],
                            username="sync-bot@example.com", password=SECRETS["SALESFORCE_PASSWORD"],
                            security_token=SECRETS["SALESFORCE_SECURITY_TOKEN"]).start()
    token_login(monkeypatch, server.url)
    yield server
    server.stop()


def seed_org(org: FakeSalesforce, rows: list[dict]) -> None:
    for row in rows:
        if row["crm_id"]:
            org.add_account(row["crm_id"], Name=row["account_name"])


def state_keys(path: str) -> set[str]:
    return {r[0] for r in query(path, "select distinct record_key from reverse_etl.sync_state")}


def test_first_run_sends_all_then_only_changes(org, warehouse, tmp_path, capsys):
    rows = export_rows(30, without_crm_id=(4, 9, 17))
    write_duckdb(warehouse, rows)
    seed_org(org, rows)
    config = str(write_config(tmp_path))

    code, out, _ = run_cli(["salesforce", "--config", config], capsys)
    assert code == 0, out
    assert salesforce_mismatches(org.records, rows) == []
    assert org.write_requests == 1 and sum(org.accepted.values()) == 27
    assert "27 accepted" in out and "no crm_id: 3" in out and "acct_00004 (Account 4)" in out
    assert len(state_keys(warehouse)) == 27

    # Nothing changed: no write request at all.
    code, out, _ = run_cli(["salesforce", "--config", config], capsys)
    assert code == 0 and org.write_requests == 1
    assert "no write request was made" in out

    # One score changes: exactly that record is sent.
    update_rows(warehouse, "update marts.account_health_crm_export set health_score = 3, health_band = 'red' "
                           "where account_id = 'acct_00010'")
    rows[9].update(health_score=3, health_band="red")
    code, out, _ = run_cli(["salesforce", "--config", config], capsys)
    assert code == 0
    assert org.write_requests == 2
    assert org.accepted[crm_id(10)] == 2 and sum(org.accepted.values()) == 28
    assert salesforce_mismatches(org.records, rows) == []

    # --full resends everything.
    code, out, _ = run_cli(["salesforce", "--config", config, "--full"], capsys)
    assert code == 0 and sum(org.accepted.values()) == 28 + 27
    runs = query(warehouse, "select status, records_sent from reverse_etl.sync_runs order by started_at, run_id")
    assert [r[0] for r in runs] == ["succeeded"] * 4


def test_dry_run_needs_no_credentials_and_writes_nothing(warehouse, tmp_path, capsys, monkeypatch):
    clean_env(monkeypatch)
    rows = export_rows(12, without_crm_id=(3,))
    write_duckdb(warehouse, rows)
    before = Path(warehouse).read_bytes()
    code, out, err = run_cli(["salesforce", "--dry-run", "--config", str(write_config(tmp_path)),
                              "--show-diffs", "5"], capsys)
    assert code == 0, err
    assert "to update:          11" in out and "unchanged:          0" in out
    assert "skipped, no crm_id: 1: acct_00003 (Account 3)" in out
    assert "First 5 of" in out and "acct_00001: Health_Score__c: (none) -> '37'" in out
    assert Path(warehouse).read_bytes() == before
    assert query(warehouse, "select count(*) from information_schema.schemata "
                            "where schema_name = 'reverse_etl'") == [(0,)]


def test_dry_run_after_a_sync_shows_field_diffs(org, warehouse, tmp_path, capsys):
    rows = export_rows(5)
    write_duckdb(warehouse, rows)
    seed_org(org, rows)
    config = str(write_config(tmp_path))
    assert run_cli(["salesforce", "--config", config], capsys)[0] == 0
    update_rows(warehouse, "update marts.account_health_crm_export set health_score = 12 where account_id = 'acct_00002'")
    requests_before = len(org.requests)
    code, out, _ = run_cli(["salesforce", "--dry-run", "--config", config], capsys)
    assert code == 0
    assert "unchanged:          4" in out
    assert "acct_00002: Health_Score__c: '74' -> '12'" in out
    assert len(org.requests) == requests_before  # a dry run calls nothing


@pytest.mark.parametrize("problem, expected", [
    ("missing", "Health_Score__c (from health_score) does not exist on Account"),
    ("readonly", "Health_Band__c (from health_band) is not updateable"),
    ("type", "At_Risk__c is a date field and cannot hold the boolean values of is_at_risk"),
])
def test_field_check_stops_before_any_write(tls_cert, monkeypatch, warehouse, tmp_path, capsys, problem, expected):
    clean_env(monkeypatch)
    use_ca(monkeypatch, tls_cert.certfile)
    fields = default_fields()
    if problem == "missing":
        fields = [f for f in fields if f["name"] != "Health_Score__c"]
    elif problem == "readonly":
        fields = [field("Health_Band__c", "picklist", 255, updateable=False) if f["name"] == "Health_Band__c" else f
                  for f in fields]
    else:
        fields = [field("At_Risk__c", "date") if f["name"] == "At_Risk__c" else f for f in fields]
    server = FakeSalesforce(tls_cert.certfile, tls_cert.keyfile, token="tok-123456", fields=fields).start()
    try:
        monkeypatch.setenv("SALESFORCE_INSTANCE_URL", server.url)
        monkeypatch.setenv("SALESFORCE_ACCESS_TOKEN", "tok-123456")
        rows = export_rows(3)
        write_duckdb(warehouse, rows)
        code, out, err = run_cli(["salesforce", "--config", str(write_config(tmp_path))], capsys)
        assert code == 2
        assert expected in err and "nothing was written" in err and "Traceback" not in err
        assert server.write_requests == 0
        assert query(warehouse, "select count(*) from information_schema.tables "
                                "where table_schema = 'reverse_etl'") == [(0,)]
    finally:
        server.stop()


def test_long_text_is_truncated_with_a_marker(org, warehouse, tmp_path, capsys):
    rows = export_rows(2)
    rows[0]["health_drivers"] = "Usage fell sharply. " * 40
    write_duckdb(warehouse, rows)
    seed_org(org, rows)
    code, out, _ = run_cli(["salesforce", "--config", str(write_config(tmp_path))], capsys)
    assert code == 0
    text = org.records[crm_id(1)]["Health_Drivers__c"]
    assert len(text) <= 255 and text.endswith(" […]") and text.startswith("Usage fell sharply.")
    assert "1 text value(s) were longer than their field" in out
    # The state keeps the full mart value, so the next run sees no change.
    assert run_cli(["salesforce", "--config", str(write_config(tmp_path))], capsys)[0] == 0
    assert org.write_requests == 1


def test_collections_are_sent_200_at_a_time(org, warehouse, tmp_path, capsys):
    rows = export_rows(450)
    write_duckdb(warehouse, rows)
    seed_org(org, rows)
    code, out, _ = run_cli(["salesforce", "--config", str(write_config(tmp_path))], capsys)
    assert code == 0
    assert org.collection_batches == 3 and "3 batch(es)" in out
    assert salesforce_mismatches(org.records, rows) == []


def test_partial_rejections_are_logged_and_retried_next_run(org, warehouse, tmp_path, capsys):
    rows = export_rows(10)
    rows[1]["health_band"] = "purple"            # restricted picklist rejects it
    write_duckdb(warehouse, rows)
    seed_org(org, rows)
    org.deleted.add(crm_id(5))                   # record deleted in Salesforce
    org.lock_failures[crm_id(7)] = 2             # row lock twice, then fine
    config = str(write_config(tmp_path))

    code, out, _ = run_cli(["salesforce", "--config", config], capsys)
    assert code == 1
    assert "8 accepted" in out and "2 rejected" in out
    assert "ENTITY_IS_DELETED 1" in out and "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST 1" in out
    log = query(warehouse, "select record_key, crm_id, field, error_code, message from reverse_etl.sync_log "
                           "order by record_key")
    assert [(r[0], r[2], r[3]) for r in log] == [
        ("acct_00002", "Health_Band__c", "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
        ("acct_00005", None, "ENTITY_IS_DELETED"),
    ]
    assert all(r[4] for r in log)
    assert org.accepted[crm_id(7)] == 1          # lock errors were retried within the run
    assert state_keys(warehouse) == {r["account_id"] for r in rows} - {"acct_00002", "acct_00005"}

    # Next run: only the two rejected records are tried again; the fixed one now lands.
    update_rows(warehouse, "update marts.account_health_crm_export set health_band = 'red' "
                           "where account_id = 'acct_00002'")
    rows[1]["health_band"] = "red"
    code, out, _ = run_cli(["salesforce", "--config", config], capsys)
    assert code == 1 and "Sent 2 records" in out and "1 accepted" in out
    assert org.accepted[crm_id(2)] == 1 and sum(org.accepted.values()) == 9
    assert salesforce_mismatches(org.records, [r for r in rows if r["crm_id"] != crm_id(5)]) == []


def test_throttling_errors_and_dropped_connections_are_retried(org, warehouse, tmp_path, capsys):
    rows = export_rows(600)
    write_duckdb(warehouse, rows)
    seed_org(org, rows)
    # Collection requests #1..#8 over 3 batches of 200: every batch meets at least one fault.
    org.add_fault("503", match="collections")                    # batch 1, try 1
    org.add_fault("429", match="collections", after=2)           # batch 2, try 1
    org.add_fault("drop", match="collections", after=4)          # batch 3, try 1: no answer, not applied
    org.add_fault("lock", match="collections", after=5)          # batch 3, try 2: request-level UNABLE_TO_LOCK_ROW
    org.add_fault("drop_after", match="collections", after=6)    # batch 3, try 3: applied, answer lost
    org.add_fault("503", match="describe")
    code, out, err = run_cli(["salesforce", "--config", str(write_config(tmp_path, {"retry": {"max_attempts": 5}}))],
                             capsys)
    assert code == 0, out + err
    assert org.seen["collections"] == 8
    assert salesforce_mismatches(org.records, rows) == []
    assert collections.Counter(org.accepted.values()) == {1: 400, 2: 200}   # batch 3 applied twice and len(org.accepted) == 600
    assert state_keys(warehouse) == {r["account_id"] for r in rows}


@pytest.mark.parametrize("login", [client_credentials_login, password_login])
def test_session_expiry_mid_run_logs_in_again_once(org, warehouse, tmp_path, capsys, monkeypatch, login):
    clean_env(monkeypatch)  # drop the token login the fixture set; the CA bundle stays
    login(monkeypatch, org.url)
    org.tokens.clear()
    rows = export_rows(500)
    write_duckdb(warehouse, rows)
    seed_org(org, rows)
    org.add_fault("expire", match="collections", after=1)
    code, out, err = run_cli(["salesforce", "--config", str(write_config(tmp_path))], capsys)
    assert code == 0, out + err
    assert org.logins == 2
    assert salesforce_mismatches(org.records, rows) == []
    assert max(org.accepted.values()) == 1


def test_expired_access_token_stops_cleanly_keeping_progress(org, warehouse, tmp_path, capsys):
    rows = export_rows(500)
    write_duckdb(warehouse, rows)
    seed_org(org, rows)
    org.add_fault("expire", match="collections", after=1)
    code, out, err = run_cli(["salesforce", "--config", str(write_config(tmp_path))], capsys)
    assert code == 3
    assert "rejected SALESFORCE_ACCESS_TOKEN" in out and "Traceback" not in out + err
    assert len(state_keys(warehouse)) == 200
    status = query(warehouse, "select status, records_accepted from reverse_etl.sync_runs")
    assert status == [("stopped", 200)]


def test_request_limit_exceeded_stops_then_next_run_finishes(org, warehouse, tmp_path, capsys):
    rows = export_rows(500)
    write_duckdb(warehouse, rows)
    seed_org(org, rows)
    org.add_fault("limit", match="collections", after=1)
    config = str(write_config(tmp_path))
    code, out, _ = run_cli(["salesforce", "--config", config], capsys)
    assert code == 3 and "REQUEST_LIMIT_EXCEEDED" in out
    assert len(state_keys(warehouse)) == 200
    code, out, _ = run_cli(["salesforce", "--config", config], capsys)
    assert code == 0 and "Sent 300 records" in out
    assert salesforce_mismatches(org.records, rows) == []
    assert set(org.accepted.values()) == {1}


def test_api_usage_share_stops_before_the_limit(org, warehouse, tmp_path, capsys):
    rows = export_rows(500)
    write_duckdb(warehouse, rows)
    seed_org(org, rows)
    org.api_used, org.api_total = 7_998, 10_000   # describe -> 7,999; first batch -> 8,000 (80%); second -> 80.01%
    config = str(write_config(tmp_path, {"salesforce": {"api_usage_max_share": 0.8}}))
    code, out, _ = run_cli(["salesforce", "--config", config], capsys)
    assert code == 3 and "8001/10000" in out.replace(",", "")
    assert org.collection_batches == 2 and len(state_keys(warehouse)) == 400


def test_bulk_api_2_above_the_threshold(org, warehouse, tmp_path, capsys):
    rows = export_rows(260)
    write_duckdb(warehouse, rows)
    seed_org(org, rows)
    org.deleted.add(crm_id(3))
    org.lock_failures[crm_id(8)] = 1
    org.bulk_unprocessed = 4                     # the first job stops before its last 4 rows
    org.add_fault("drop", match="bulk_upload")   # upload lost: that job is aborted and a new one started
    org.add_fault("503", match="bulk_status")
    org.add_fault("drop", match="bulk_results", after=2)
    config = str(write_config(tmp_path, {"salesforce": {"bulk_threshold": 50, "bulk_job_size": 130}}))
    code, out, err = run_cli(["salesforce", "--config", config], capsys)
    assert code == 1, out + err
    assert "Bulk API 2.0" in out
    assert [j["state"] for j in org.bulk_jobs.values()] == ["Aborted", "Failed", "JobComplete"]
    codes = dict(query(warehouse, "select error_code, count(*) from reverse_etl.sync_log group by 1"))
    assert codes == {"ENTITY_IS_DELETED": 1, "UNPROCESSED": 4}
    assert org.accepted[crm_id(8)] == 1          # lock error retried through sObject Collections
    assert len(state_keys(warehouse)) == 255
    # Next run: the 5 leftovers go through sObject Collections (below the threshold).
    code, out, _ = run_cli(["salesforce", "--config", config], capsys)
    assert code == 1 and "Sent 5 records through sObject Collections" in out and "4 accepted" in out
    assert salesforce_mismatches(org.records, [r for r in rows if r["crm_id"] != crm_id(3)]) == []
    assert max(org.accepted.values()) == 1


def test_upsert_by_external_id_creates_missing_records(org, warehouse, tmp_path, capsys):
    rows = export_rows(6, without_crm_id=(6,))
    write_duckdb(warehouse, rows)
    for row in rows[:3]:
        org.add_account(row["crm_id"], Health_Account_Key__c=row["account_id"])
    config = str(write_config(tmp_path, {"salesforce": {"match": {"mode": "external_id",
                                                                    "send_without_crm_id": True}}}))
    code, out, _ = run_cli(["salesforce", "--config", config], capsys)
    assert code == 0, out
    assert "6 accepted (3 created)" in out
    by_key = {rec.get("Health_Account_Key__c"): rec for rec in org.records.values()}
    assert set(by_key) == {r["account_id"] for r in rows}
    assert by_key["acct_00006"]["Health_Score__c"] == rows[5]["health_score"]


def test_killed_after_k_batches_then_rerun_sends_each_record_once_more_at_most(org, warehouse, tmp_path):
    """SIGKILL the job while the server holds batch 3 (applied, never answered), then run again."""
    import collections
    import os
    import signal
    import subprocess

    from tests.python.support.sync_harness import ROOT, SYNC_COMMAND, run_subprocess

    rows = export_rows(1000)
    write_duckdb(warehouse, rows)
    seed_org(org, rows)
    org.hold_on_collection = 3
    config = str(write_config(tmp_path))
    proc = subprocess.Popen([*SYNC_COMMAND, "salesforce", "--config", config], env=dict(os.environ),
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert org.held.wait(60), "the job never reached batch 3"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(20) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
        org.release.set()
    assert len(state_keys(warehouse)) == 400            # batches 1 and 2 were saved; batch 3 was not

    org.hold_on_collection = None
    result = run_subprocess(["salesforce", "--config", config], dict(os.environ))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Sent 600 records" in result.stdout and "Traceback" not in result.stderr
    assert salesforce_mismatches(org.records, rows) == []
    assert collections.Counter(org.accepted.values()) == {1: 800, 2: 200}   # batch 3 once more, nothing else
    assert len(state_keys(warehouse)) == 1000
    statuses = query(warehouse, "select status from reverse_etl.sync_runs order by started_at, run_id")
    assert [s[0] for s in statuses] == ["running", "succeeded"]           # the killed run never finished


def test_missing_or_partial_credentials_are_one_sentence(warehouse, tmp_path, capsys, monkeypatch):
    clean_env(monkeypatch)
    write_duckdb(warehouse, export_rows(3))
    config = str(write_config(tmp_path))
    code, out, err = run_cli(["salesforce", "--config", config], capsys)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "No Salesforce credentials are set: set SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN" in err
    monkeypatch.setenv("SALESFORCE_ACCESS_TOKEN", "tok-only")
    code, out, err = run_cli(["salesforce", "--config", config], capsys)
    assert code == 2 and "needs SALESFORCE_INSTANCE_URL to be set as well" in err and "Traceback" not in err


def test_missing_export_relation_is_one_sentence(org, warehouse, tmp_path, capsys):
    write_duckdb(warehouse, export_rows(3))
    config = str(write_config(tmp_path, {"warehouse": {"export_relation": "marts.no_such_model"}}))
    code, out, err = run_cli(["salesforce", "--config", config], capsys)
    assert code == 2 and "Could not read the export model 'marts.no_such_model'" in err
    assert org.requests == []


def test_dry_run_in_upsert_mode_counts_records_to_create(org, warehouse, tmp_path, capsys):
    rows = export_rows(4)
    write_duckdb(warehouse, rows)
    config = str(write_config(tmp_path, {"salesforce": {"match": {"mode": "external_id"}}}))
    code, out, _ = run_cli(["salesforce", "--config", config, "--dry-run"], capsys)
    assert code == 0 and "to create:          4 (never synced" in out and "to update:          0" in out


def test_stale_scores_are_not_sent_unless_forced(org, warehouse, tmp_path, capsys):
    """as_of_date 2350 days past the latest loaded event (a far-future date, or a loader that
    stopped): the sync sends nothing and writes nothing, with one sentence naming the dates and
    the way out; a dry run still shows the plan; --force-stale sends."""
    rows = export_rows(10)
    write_duckdb(warehouse, rows, freshness=freshness_row(days_behind=2350))
    seed_org(org, rows)
    config = str(write_config(tmp_path))

    code, out, err = run_cli(["salesforce", "--config", config], capsys)
    assert code == 5
    assert err.strip() == (
        "Sync not started: The scores are computed as of 2025-03-01 but the latest loaded event is from 2018-09-24, "
        "2350 days earlier (more than stale_data_warn_days: 3), so every account would read as inactive: check "
        "that the loaders are running and as_of_date is right and run dbt build again, or pass --force-stale to "
        "send the scores anyway.")
    assert org.write_requests == 0
    assert query(warehouse, "select count(*) from information_schema.tables where table_schema = 'reverse_etl'") == [(0,)]

    code, out, _ = run_cli(["salesforce", "--config", config, "--dry-run"], capsys)
    assert code == 0 and "to update:          10" in out and org.write_requests == 0

    code, out, err = run_cli(["salesforce", "--config", config, "--force-stale"], capsys)
    assert code == 0, err
    assert org.write_requests == 1 and sum(org.accepted.values()) == 10
    assert salesforce_mismatches(org.records, rows) == []
