"""No secret ever shows up in output, logs, exception messages or warehouse tables.

Runs the sync and the digest with distinctive fake secrets through the paths most likely
to leak them (servers that echo the Authorization header in error messages, session
expiry and re-login, failed logins, bad tokens, unreachable webhooks, verbose logging),
then greps everything captured, plus every row of the sync's tables, for them.
"""
from __future__ import annotations

import logging
import os
import socket
from pathlib import Path

import pytest

from tests.python.support.fake_hubspot import FakeHubSpot
from tests.python.support.fake_salesforce import FakeSalesforce
from tests.python.support.fake_slack import FakeSlack
from tests.python.support.health_fixtures import export_rows, write_duckdb
from tests.python.support.sync_harness import (SECRETS, USERNAME, clean_env, client_credentials_login, password_login, run_subprocess,
                          token_login, use_ca, write_config)
from tests.python.digest.test_slack_digest import alerts_for, fast_config
from tests.python.support.tls_cert import Cert


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dump_tables(path: str) -> str:
    import duckdb

    con = duckdb.connect(path, read_only=True)
    try:
        tables = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
        return "\n".join(repr(con.execute(f'select * from "{s}"."{t}"').fetchall()) for s, t in tables)
    finally:
        con.close()


def test_no_secret_in_any_output_log_or_table(tls_cert: Cert, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture):
    from customer_health.sync.cli import main as sync_main
    from customer_health.digest.cli import main as digest_main

    caplog.set_level(logging.DEBUG)
    warehouse = str(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("DBT_DUCKDB_PATH", warehouse)
    rows = export_rows(450)
    rows[3]["health_band"] = "purple"                     # a per-record rejection whose message echoes auth
    write_duckdb(warehouse, rows, alerts=alerts_for(rows[:10]))
    config = str(write_config(tmp_path))
    digest_config = ["--config", fast_config(tmp_path)]
    outputs: list[str] = []

    org = FakeSalesforce(tls_cert.certfile, tls_cert.keyfile, token=SECRETS["SALESFORCE_ACCESS_TOKEN"],
                         client_id=SECRETS["SALESFORCE_CLIENT_ID"], client_secret=SECRETS["SALESFORCE_CLIENT_SECRET"],
                         username=USERNAME, password=SECRETS["SALESFORCE_PASSWORD"],
                         security_token=SECRETS["SALESFORCE_SECURITY_TOKEN"]).start()
    hub = FakeHubSpot(SECRETS["HUBSPOT_ACCESS_TOKEN"]).start()
    slack = FakeSlack(SECRETS["SLACK_WEBHOOK_URL_PATH"]).start()
    try:
        for row in rows:
            org.add_account(row["crm_id"])
        org.echo_authorization = True
        clean_env(monkeypatch)
        use_ca(monkeypatch, tls_cert.certfile)

        # 1. Client credentials, session expires mid-run, a rejection echoing the bearer token.
        client_credentials_login(monkeypatch, org.url)
        org.add_fault("expire", match="collections", after=1)
        assert sync_main(["salesforce", "--config", config, "--verbose"]) == 1
        assert org.logins == 2

        # 2. Access token that expires: the 401 body echoes it.
        clean_env(monkeypatch)
        token_login(monkeypatch, org.url)
        org.tokens.add(SECRETS["SALESFORCE_ACCESS_TOKEN"])
        org.add_fault("expire", match="collections")
        assert sync_main(["salesforce", "--config", config, "--full"]) == 3

        # 3. Password login with a wrong password, and a dry run with every secret set.
        clean_env(monkeypatch)
        password_login(monkeypatch, org.url)
        org.password = "something-else"
        assert sync_main(["salesforce", "--config", config]) == 2
        assert sync_main(["salesforce", "--config", config, "--dry-run"]) == 0

        # 4. HubSpot: a revoked token.
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", SECRETS["HUBSPOT_ACCESS_TOKEN"])
        monkeypatch.setenv("HUBSPOT_API_BASE", hub.url)
        hub.token = "another-token"
        assert sync_main(["hubspot", "--config", config]) == 3

        # 5. Slack: a good post, a refused one and an unreachable webhook (URL path is the secret).
        monkeypatch.setenv("SLACK_WEBHOOK_URL", slack.webhook_url)
        assert digest_main(digest_config) == 0 and len(slack.posts) == 1
        slack.add_fault("503", match="post", times=10)
        assert digest_main(digest_config) == 3
        monkeypatch.setenv("SLACK_WEBHOOK_URL", f"http://127.0.0.1:{_closed_port()}/{SECRETS['SLACK_WEBHOOK_URL_PATH']}")
        assert digest_main(digest_config) == 3
        captured = capfd.readouterr()
        outputs += [captured.out, captured.err]

        # 6. The real script in a subprocess with verbose logging to stderr.
        clean_env(monkeypatch)
        token_login(monkeypatch, org.url)
        org.add_fault("expire", match="collections")
        result = run_subprocess(["salesforce", "--config", config, "--full", "--verbose"], dict(os.environ))
        assert result.returncode == 3
        outputs += [result.stdout, result.stderr]
    finally:
        org.stop()
        hub.stop()
        slack.stop()

    outputs.append(caplog.text)
    outputs.append("\n".join(str(r.msg) for r in caplog.records))
    outputs.append(_dump_tables(warehouse))
    everything = "\n".join(outputs)
    # The scenarios did produce the messages that would carry a leak.
    assert "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" in everything and "[redacted]" in everything
    assert "rejected SALESFORCE_ACCESS_TOKEN" in everything and "Salesforce login failed" in everything
    assert "Slack" in everything and "Traceback" not in everything
    secrets = [v for k, v in SECRETS.items()] + ["00DFAKE!session", "Wh00kS3cretPart"]
    leaked = [s for s in secrets if s in everything]
    assert leaked == []
