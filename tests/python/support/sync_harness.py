"""Helpers shared by the reverse-ETL tests: fast config, env, running the CLI, expectations."""
from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
# the sync as the Makefile runs it (health-sync), in this interpreter
SYNC_COMMAND = [sys.executable, "-m", "customer_health.sync.cli"]

# Distinctive fake secrets: the secrets test greps every output and table for them.
SECRETS = {
    "SALESFORCE_ACCESS_TOKEN": "00DFAKE!tok-Zq8vS3cr3tAcc3ss",
    "SALESFORCE_PASSWORD": "pw-Kx71SecretPassw0rd",
    "SALESFORCE_SECURITY_TOKEN": "st-Jj29SecurityT0ken",
    "SALESFORCE_CLIENT_ID": "cid-3MVG9FakeClientIdQ",
    "SALESFORCE_CLIENT_SECRET": "csec-Pp55ClientS3cret",
    "HUBSPOT_ACCESS_TOKEN": "pat-na1-Hs77SecretT0ken",
    "SLACK_WEBHOOK_URL_PATH": "services/T0FAKE/B0FAKE/Wh00kS3cretPart",
}
USERNAME = "sync-bot@example.com"
CREDENTIAL_VARS = ("SALESFORCE_INSTANCE_URL", "SALESFORCE_ACCESS_TOKEN", "SALESFORCE_USERNAME", "SALESFORCE_PASSWORD",
                   "SALESFORCE_SECURITY_TOKEN", "SALESFORCE_CLIENT_ID", "SALESFORCE_CLIENT_SECRET",
                   "SALESFORCE_DOMAIN", "SALESFORCE_LOGIN_URL", "HUBSPOT_ACCESS_TOKEN", "HUBSPOT_API_BASE",
                   "SLACK_WEBHOOK_URL", "HEALTH_WAREHOUSE_DSN")

FAST = {"retry": {"base_delay_seconds": 0.01, "max_delay_seconds": 0.05, "max_attempts": 4,
                  "request_timeout_seconds": 20},
        "salesforce": {"bulk_poll_seconds": 0.01}}


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def write_config(directory: Path, overrides: dict[str, Any] | None = None) -> Path:
    raw = yaml.safe_load((ROOT / "scripts" / "sync_crm.yml").read_text())
    raw = merge(merge(raw, FAST), overrides or {})
    path = directory / "sync_test.yml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CREDENTIAL_VARS:
        monkeypatch.delenv(name, raising=False)


def use_ca(monkeypatch: pytest.MonkeyPatch, certfile: str) -> None:
    # This machine sets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE; requests lets them win over
    # Session.verify, so the code under test must see our CA through them.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certfile)
    monkeypatch.setenv("CURL_CA_BUNDLE", certfile)


def token_login(monkeypatch: pytest.MonkeyPatch, server_url: str) -> None:
    monkeypatch.setenv("SALESFORCE_INSTANCE_URL", server_url)
    monkeypatch.setenv("SALESFORCE_ACCESS_TOKEN", SECRETS["SALESFORCE_ACCESS_TOKEN"])


def client_credentials_login(monkeypatch: pytest.MonkeyPatch, server_url: str) -> None:
    monkeypatch.setenv("SALESFORCE_CLIENT_ID", SECRETS["SALESFORCE_CLIENT_ID"])
    monkeypatch.setenv("SALESFORCE_CLIENT_SECRET", SECRETS["SALESFORCE_CLIENT_SECRET"])
    monkeypatch.setenv("SALESFORCE_DOMAIN", "fake-org.my")
    monkeypatch.setenv("SALESFORCE_LOGIN_URL", server_url)


def password_login(monkeypatch: pytest.MonkeyPatch, server_url: str) -> None:
    monkeypatch.setenv("SALESFORCE_USERNAME", USERNAME)
    monkeypatch.setenv("SALESFORCE_PASSWORD", SECRETS["SALESFORCE_PASSWORD"])
    monkeypatch.setenv("SALESFORCE_SECURITY_TOKEN", SECRETS["SALESFORCE_SECURITY_TOKEN"])
    monkeypatch.setenv("SALESFORCE_LOGIN_URL", server_url)


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the real CLI entry point in-process; returns (exit code, stdout, stderr)."""
    from customer_health.sync.cli import main

    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_subprocess(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SYNC_COMMAND, *args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def subprocess_env() -> dict[str, str]:
    return dict(os.environ)


SF_MAPPING = {
    "health_score": "Health_Score__c", "health_band": "Health_Band__c", "health_drivers": "Health_Drivers__c",
    "score_change_7d": "Health_Score_Change_7d__c", "feature_adoption_pct": "Feature_Adoption__c",
    "activation_pct": "Activation__c", "active_user_pct": "Active_User_Pct__c",
    "last_active_date": "Last_Active_Date__c", "coverage_tier": "Coverage_Tier__c", "is_at_risk": "At_Risk__c",
    "is_expansion_ready": "Expansion_Ready__c", "as_of_date": "Health_As_Of__c",
    "score_version": "Health_Score_Version__c",
}


def expected_salesforce(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for column, field in SF_MAPPING.items():
        value = row[column]
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        out[field] = value
    return out


def salesforce_mismatches(records: dict[str, dict[str, Any]], rows: list[dict[str, Any]]) -> list[str]:
    """Differences between the fake org and the mart (rows without crm_id are ignored)."""
    problems = []
    for row in rows:
        if not row["crm_id"]:
            continue
        actual = records.get(row["crm_id"], {})
        for field, value in expected_salesforce(row).items():
            if actual.get(field) != value:
                problems.append(f"{row['crm_id']} {field}: {actual.get(field)!r} != {value!r}")
    return problems
