"""The attention table of `make demo`: readable whatever the CRM and the drivers hold."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from customer_health import attention as show_attention
from tests.python.support.dbt_project_harness import copy_warehouse, reference_warehouse

SUMMARY = (3, 1, 1, 1, 0, dt.date(2025, 6, 30))
LONG_DRIVERS = "Score 12 (red): " + "; ".join(f"reason number {i} that costs points (-{i} points)" for i in range(30))


def row(name: str | None, *, alerts: str | None, drivers: str, at_risk_reason: str | None) -> tuple:
    # the columns of ATTENTION_SQL, in order
    return (name, 120000, 12, "red", -5, 3, 10, 28.6, 50.0, alerts, drivers, at_risk_reason, "acc_9", 360000)


def test_a_null_name_prints_the_account_id_and_a_long_name_ends_in_an_ellipsis() -> None:
    text = show_attention.render([
        row(None, alerts="score_drop", drivers="Score 12 (red): x", at_risk_reason="red band"),
        row("A" * 40, alerts="score_drop", drivers="Score 12 (red): x", at_risk_reason="red band"),
    ], SUMMARY)
    assert " 1  (no name) acc_9 " in text
    assert " 2  " + "A" * 27 + "… " in text


def test_cut_drivers_end_in_an_ellipsis_and_keep_to_three_lines() -> None:
    text = show_attention.render([row("Acme", alerts="score_drop", drivers=LONG_DRIVERS, at_risk_reason=None)], SUMMARY)
    why = [line for line in text.splitlines() if line.startswith("    why: ") or line.startswith("         ")]
    assert len(why) == 3
    assert why[-1].endswith(" …")
    assert all(len(line) <= 110 for line in why)


def test_at_risk_is_a_reason_not_an_alert_type_and_the_columns_are_explained() -> None:
    text = show_attention.render([row("Acme", alerts=None, drivers="Score 12 (red): x",
                                      at_risk_reason="red band; champion ana@acme.com inactive 18 days")], SUMMARY)
    first = text.splitlines()[6]
    assert first.rstrip().endswith(" -"), first  # no alert today: a dash, not the words "at risk"
    assert "    at risk: red band; champion ana@acme.com inactive 18 days" in text
    assert "Columns: ARR = annual recurring revenue" in text
    assert "at risk = why the account is flagged at risk" in text


def test_the_table_prints_from_a_warehouse_whose_crm_names_are_null(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = copy_warehouse(reference_warehouse(), tmp_path / "null_names.duckdb")
    with duckdb.connect(str(db)) as con:
        con.execute("update marts.account_health set account_name = null")
    assert show_attention.main(["--db", str(db), "--limit", "3"]) == 0
    output = capsys.readouterr().out
    assert output.count("(no name) ") == 3
    assert "Traceback" not in output
