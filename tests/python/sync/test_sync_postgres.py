"""The sync reading from (and keeping its state in) a real throwaway PostgreSQL warehouse."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.python.support.fake_salesforce import FakeSalesforce
from tests.python.support.health_fixtures import export_rows, write_postgres
from tests.python.support.pg_cluster import PASSWORD
from tests.python.support.sync_harness import SECRETS, clean_env, run_cli, salesforce_mismatches, token_login, use_ca, write_config
from tests.python.support.tls_cert import Cert


@pytest.fixture
def pg_dsn(postgres_cluster: str) -> str:
    import psycopg2

    admin = psycopg2.connect(postgres_cluster)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("drop database if exists sync_test")
        cur.execute("create database sync_test")
    admin.close()
    return postgres_cluster.replace("dbname=postgres", "dbname=sync_test")


def test_sync_from_postgres_via_dsn(pg_dsn: str, tls_cert: Cert, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]):
    import psycopg2

    clean_env(monkeypatch)
    monkeypatch.setenv("DBT_DUCKDB_PATH", str(tmp_path / "not-used.duckdb"))
    rows = export_rows(250, without_crm_id=(7,))
    con = psycopg2.connect(pg_dsn)
    con.autocommit = True
    write_postgres(con, rows)
    config = str(write_config(tmp_path))

    # Dry run: no credentials, nothing written.
    code, out, err = run_cli(["salesforce", "--dry-run", "--warehouse-dsn", pg_dsn, "--config", config], capsys)
    assert code == 0, err
    assert "to update:          249" in out
    with con.cursor() as cur:
        cur.execute("select count(*) from information_schema.schemata where schema_name = 'reverse_etl'")
        assert cur.fetchone() == (0,)

    use_ca(monkeypatch, tls_cert.certfile)
    org = FakeSalesforce(tls_cert.certfile, tls_cert.keyfile, token=SECRETS["SALESFORCE_ACCESS_TOKEN"]).start()
    try:
        token_login(monkeypatch, org.url)
        for row in rows:
            if row["crm_id"]:
                org.add_account(row["crm_id"])
        monkeypatch.setenv("HEALTH_WAREHOUSE_DSN", pg_dsn)       # the env var path this time
        code, out, err = run_cli(["salesforce", "--config", config], capsys)
        assert code == 0, out + err
        assert salesforce_mismatches(org.records, rows) == []
        with con.cursor() as cur:
            cur.execute("select count(distinct record_key), count(*) from reverse_etl.sync_state")
            assert cur.fetchone() == (249, 249 * 14)
            cur.execute("select status, records_accepted from reverse_etl.sync_runs")
            assert cur.fetchall() == [("succeeded", 249)]

        code, out, _ = run_cli(["salesforce", "--config", config], capsys)
        assert code == 0 and org.write_requests == 2 and "no write request was made" in out

        with con.cursor() as cur:
            cur.execute("update marts.account_health_crm_export set health_score = 2 where account_id = 'acct_00100'")
        code, out, _ = run_cli(["salesforce", "--config", config], capsys)
        assert code == 0 and "1 accepted" in out and org.records[rows[99]["crm_id"]]["Health_Score__c"] == 2
        assert PASSWORD not in out + err
    finally:
        org.stop()
        con.close()


def test_unreachable_postgres_is_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]):
    clean_env(monkeypatch)
    dsn = "host=127.0.0.1 port=1 user=postgres password=pw-Zz9NotShown dbname=x connect_timeout=2"
    code, out, err = run_cli(["salesforce", "--dry-run", "--warehouse-dsn", dsn,
                              "--config", str(write_config(tmp_path))], capsys)
    assert code == 2 and "Could not connect to the PostgreSQL warehouse" in err
    assert "pw-Zz9NotShown" not in out + err and "Traceback" not in err
