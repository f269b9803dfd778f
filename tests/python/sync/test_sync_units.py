"""Small pure parts of the reverse-ETL: backoff, truncation, canonical values, planning, config."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from customer_health.sync.config import RetrySettings, load_settings
from customer_health.errors import ConfigError
from customer_health.sync.plan import TARGET_FIELD, build_plan
from customer_health.retry import Backoff
from customer_health.values import canonical, truncate


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    backoff = Backoff.from_settings(RetrySettings(base_delay_seconds=1, max_delay_seconds=10, jitter=0.5))
    for attempt, full in ((1, 1), (2, 2), (3, 4), (4, 8), (5, 10), (9, 10)):
        delays = [backoff.delay(attempt) for _ in range(200)]
        assert all(full * 0.5 <= d <= full for d in delays)
        assert len(set(delays)) > 1                       # jittered
    assert backoff.delay(1, retry_after=7) == 7           # Retry-After wins when longer...
    assert backoff.delay(1, retry_after=99) == 10         # ...up to the cap


def test_truncate_keeps_the_limit_and_shows_a_marker():
    assert truncate("short", 10, " […]") == ("short", False)
    text, cut = truncate("a" * 300, 255, " […]")
    assert cut and len(text) == 255 and text.endswith(" […]")
    assert truncate("abc", None, " […]") == ("abc", False)


def test_canonical_forms_are_stable():
    assert canonical(None) is None
    assert canonical(True) == "true" and canonical(7) == "7"
    assert canonical(45.5) == "45.5" and canonical(50.0) == "50" and canonical(Decimal("12.30")) == "12.3"
    assert canonical(dt.date(2025, 3, 1)) == "2025-03-01"
    assert canonical(float("nan")) is None


def _row(key, crm, score, name="n"):
    return {"account_id": key, "crm_id": crm, "account_name": name, "health_score": score}


def test_plan_skips_with_reasons_and_detects_changes():
    rows = [_row("a", "001A", 1), _row("b", None, 2), _row("c", "001C", 3), _row("c", "001X", 3),
            _row("d", "001D", 4), _row("e", "001D", 5), _row("f", "001F", 6)]
    state = {"a": {"Health_Score__c": "1", TARGET_FIELD: "001A"}, "f": {"Health_Score__c": "6", TARGET_FIELD: "001OLD"}}
    plan = build_plan(rows, {"health_score": "Health_Score__c"}, key_column="account_id", crm_id_column="crm_id",
                      name_column="account_name", target_column="crm_id", require_crm_id=True, state=state,
                      full=False, limit=None)
    assert [r.key for r in plan.unchanged] == ["a"]
    assert [(r.key, r.status) for r in plan.to_send] == [("f", "changed")]   # re-linked to another crm_id
    reasons = dict(plan.skipped_by_reason())
    assert reasons == {"no crm_id": 1, "account_id appears more than once in the export": 2,
                       "crm_id shared with another account": 2}
    full = build_plan(rows, {"health_score": "Health_Score__c"}, key_column="account_id", crm_id_column="crm_id",
                      name_column="account_name", target_column="crm_id", require_crm_id=True, state=state,
                      full=True, limit=None)
    assert [r.key for r in full.to_send] == ["a", "f"]


def test_config_mistakes_are_sentences(tmp_path: Path):
    bad = tmp_path / "bad.yml"
    bad.write_text("salesforce:\n  collections_batch_size: 500\n  fields: {health_score: X}\n"
                   "hubspot:\n  fields: {health_score: x}\n")
    with pytest.raises(ConfigError, match="between 1 and 200"):
        load_settings(bad)
    bad.write_text("warehouse:\n  export_relation: 'marts.x; drop table y'\n")
    with pytest.raises(ConfigError, match="plain SQL identifier"):
        load_settings(bad)
    bad.write_text("salesforce:\n  colour: blue\n")
    with pytest.raises(ConfigError, match="Unknown key"):
        load_settings(bad)
    assert load_settings().salesforce.fields["health_drivers"] == "Health_Drivers__c"
