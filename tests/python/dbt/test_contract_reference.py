"""The marts against contract_reference.py, an independent Python implementation of the
contract's exact metrics: on the test dataset as of D, on days of the score history as of
each day, and on a tiny warehouse with one fine point per account (contract_edge_cases.py).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from tests.python.support.contract_edge_cases import AS_OF as EDGE_AS_OF
from tests.python.support.contract_edge_cases import EXTRA_MILESTONE, write_edge_case_warehouse, write_edge_subscriptions
from tests.python.support.contract_reference import Expected, Raw, expected_marts, expected_retention, read_raw
from tests.python.support.dbt_project_harness import PROJECT_ROOT, TEST_AS_OF, copy_project, copy_warehouse, reference_warehouse, run_dbt

HEALTH_COLUMNS = ["active_users_7d", "active_users_30d", "feature_adoption_pct", "activation_pct",
                  "active_user_pct", "days_since_last_active", "tenure_days", "licensed_seats"]
HISTORY_DAYS_CHECKED = 6   # of the 180 stored days, spread evenly: each costs a full recomputation


def mart_rows(con: Any, table: str, keys: list[str], columns: list[str], where: str = "",
              params: list | None = None) -> dict[Any, dict[str, Any]]:
    cursor = con.execute(f"select {', '.join(keys + columns)} from marts.{table} {where}", params or [])
    rows: dict[Any, dict[str, Any]] = {}
    for values in cursor.fetchall():
        key = values[0] if len(keys) == 1 else tuple(values[:len(keys)])
        assert key not in rows, f"{table}: key {key} twice"
        rows[key] = {c: Decimal(str(v)) if isinstance(v, float) else v for c, v in zip(columns, values[len(keys):])}
    return rows


def differences(table: str, expected: dict[Any, dict[str, Any]], actual: dict[Any, dict[str, Any]]) -> list[str]:
    """Every key on one side only and every differing value, one line each."""
    found = [f"{table}: {key} expected, missing" for key in sorted(expected.keys() - actual.keys())]
    found += [f"{table}: {key} not expected" for key in sorted(actual.keys() - expected.keys())]
    for key in sorted(expected.keys() & actual.keys()):
        for column, value in expected[key].items():
            if actual[key][column] != value:
                found.append(f"{table}: {key} {column}: expected {value!r}, the mart has {actual[key][column]!r}")
    return found


def mart_differences(con: Any, expected: Expected, as_of: dt.date) -> list[str]:
    on_day = ("where as_of_date = ?", [as_of])
    return (
        differences("account_health", expected.account_health,
                    mart_rows(con, "account_health", ["account_id"], HEALTH_COLUMNS, *on_day))
        + differences("account_feature_adoption", expected.feature_adoption,
                      mart_rows(con, "account_feature_adoption", ["account_id", "feature"],
                                ["users_30d", "first_used_date", "last_used_date", "is_adopted_30d"], *on_day))
        + differences("account_activation", expected.activation,
                      mart_rows(con, "account_activation", ["account_id", "milestone"],
                                ["completed_date", "is_completed"], *on_day))
        + differences("user_engagement", expected.user_engagement,
                      mart_rows(con, "user_engagement", ["account_id", "user_id"],
                                ["last_active_date", "is_active_30d"], *on_day))
    )


RETENTION_COLUMNS = ["period_start_date", "count_accounts_start", "count_accounts_retained", "starting_arr",
                     "expansion_arr", "contraction_arr", "churned_arr", "new_arr", "ending_arr", "nrr_pct", "grr_pct",
                     "logo_retention_pct"]


def retention_differences(con: Any, raw: Raw, as_of: dt.date) -> list[str]:
    """portfolio_retention's exact 'all' rows (CONTRACT.md section 6) against the reference."""
    return differences("portfolio_retention", expected_retention(raw, as_of),
                       mart_rows(con, "portfolio_retention", ["period_days"], RETENTION_COLUMNS,
                                 "where segment_type = 'all' and segment_value = 'all' and as_of_date = ?", [as_of]))


@pytest.fixture(scope="module")
def test_dataset() -> Iterator[tuple[Any, Raw]]:
    with duckdb.connect(str(reference_warehouse()), read_only=True) as con:
        yield con, read_raw(con)


def test_the_marts_equal_the_reference_on_the_test_dataset(test_dataset: tuple[Any, Raw]) -> None:
    con, raw = test_dataset
    as_of = dt.date.fromisoformat(TEST_AS_OF)
    expected = expected_marts(raw, PROJECT_ROOT / "seeds", as_of)
    assert len(expected.account_health) > 40 and len(expected.user_engagement) > 1000   # the data reaches them
    assert mart_differences(con, expected, as_of) == []


def test_portfolio_retention_equals_the_reference_with_subscriptions(test_dataset: tuple[Any, Raw]) -> None:
    con, raw = test_dataset
    as_of = dt.date.fromisoformat(TEST_AS_OF)
    assert raw.subscriptions, "the test dataset has billing.subscriptions"
    expected = expected_retention(raw, as_of)
    # the data reaches every movement, so the comparison is not vacuous
    for period in (90, 365):
        row = expected[period]
        assert row["expansion_arr"] > 0 and row["contraction_arr"] > 0 and row["churned_arr"] > 0 and row["new_arr"] > 0
    assert retention_differences(con, raw, as_of) == []


def test_portfolio_retention_equals_the_reference_without_subscriptions(tmp_path: Path) -> None:
    """using_subscriptions: false on the same data: ARR from crm.accounts."""
    copy = copy_warehouse(reference_warehouse(), tmp_path / "no_subscriptions.duckdb")
    result = run_dbt(["run", "--select", "stg_billing__subscriptions", "int_account_arr_daily", "portfolio_retention",
                      "--vars", f"{{as_of_date: {TEST_AS_OF}, using_subscriptions: false}}"], copy,
                     target_path=tmp_path / "target")
    assert result.returncode == 0, result.stdout[-3000:]
    as_of = dt.date.fromisoformat(TEST_AS_OF)
    with duckdb.connect(str(copy), read_only=True) as con:
        raw = read_raw(con, use_subscriptions=False)
        assert raw.subscriptions is None
        assert con.execute("select count(*) from staging.stg_billing__subscriptions").fetchall() == [(0,)]
        assert retention_differences(con, raw, as_of) == []
        with_subscriptions = expected_retention(read_raw(con), as_of)
    assert expected_retention(raw, as_of) != with_subscriptions   # the two readings differ on this data

    # using_subscriptions: true requires the table; a missing one stops with a sentence naming the fix
    with duckdb.connect(str(copy)) as con:
        con.execute("drop table billing.subscriptions")
    required = run_dbt(["run", "--select", "stg_billing__subscriptions",
                        "--vars", f"{{as_of_date: {TEST_AS_OF}, using_subscriptions: true}}"], copy,
                       target_path=tmp_path / "target")
    assert required.returncode != 0
    assert "var using_subscriptions is true, but the table billing.subscriptions does not exist" in required.stdout


def test_history_days_equal_the_reference_as_of_each_day(test_dataset: tuple[Any, Raw]) -> None:
    con, raw = test_dataset
    days = [d for (d,) in con.execute("select distinct as_of_date from marts.account_health_daily order by 1")
            .fetchall()]
    checked = [days[round(i * (len(days) - 1) / (HISTORY_DAYS_CHECKED - 1))] for i in range(HISTORY_DAYS_CHECKED)]
    found: list[str] = []
    for day in checked:
        expected = expected_marts(raw, PROJECT_ROOT / "seeds", day)
        stored = mart_rows(con, "account_health_daily", ["account_id"], HEALTH_COLUMNS, "where as_of_date = ?", [day])
        found += [f"{day} {line}" for line in differences("account_health_daily", expected.account_health, stored)]
    assert found == []


def test_the_marts_equal_the_reference_on_every_fine_point(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    milestones = project / "seeds" / "activation_milestones.csv"
    milestones.write_text(milestones.read_text() + EXTRA_MILESTONE)
    db = tmp_path / "edge.duckdb"
    write_edge_case_warehouse(db)
    result = run_dbt(["build", "--exclude-resource-type", "unit_test", "--vars", f"{{as_of_date: {EDGE_AS_OF}}}"],
                     db, project_dir=project, target_path=tmp_path / "target")
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(db), read_only=True) as con:
        raw = read_raw(con)
        assert raw.subscriptions is None   # no billing.subscriptions table: ARR from crm.accounts
        expected = expected_marts(raw, project / "seeds", EDGE_AS_OF)
        assert mart_differences(con, expected, EDGE_AS_OF) == []
        assert retention_differences(con, raw, EDGE_AS_OF) == []
        retention = expected_retention(raw, EDGE_AS_OF)
    # the cases the reference decides, so that the comparison above is not vacuous
    health = expected.account_health
    assert {"acc_e20", "acc_e22"}.isdisjoint(health) and {"acc_e19", "acc_e21"} <= health.keys()
    assert health["acc_e01"]["days_since_last_active"] == (EDGE_AS_OF - dt.date(2025, 2, 1)).days
    assert health["acc_e02"]["days_since_last_active"] is None
    assert health["acc_e03"]["active_users_30d"] == 2 and ("acc_e03", "u06") in expected.user_engagement
    assert health["acc_e04"]["days_since_last_active"] is None
    assert health["acc_e05"]["days_since_last_active"] is None
    assert health["acc_e12"]["active_users_7d"] == 2 and health["acc_e12"]["active_users_30d"] == 4
    assert health["acc_e14"]["active_user_pct"] == Decimal("31.3")
    assert health["acc_e27"]["active_user_pct"] == Decimal("66.7")
    assert health["acc_e23"]["active_user_pct"] is None and health["acc_e24"]["active_user_pct"] is None
    assert expected.activation[("acc_e15", "alert_fired")]["is_completed"]
    assert health["acc_e15"]["active_users_30d"] == 0 and health["acc_e15"]["feature_adoption_pct"] > 0

    # section 6 without subscriptions: churned on S is outside the cohort, started on S inside
    assert retention[90]["churned_arr"] == Decimal(7000 + 12000)          # acc_p02 and acc_e20 (churned on D)
    assert retention[90]["new_arr"] == Decimal(3000 + 12000)              # acc_p04 and acc_e19 (starts on D)
    assert retention[365]["churned_arr"] == Decimal(5000 + 7000 + 12000)  # acc_p01, acc_p02, acc_e20

    # the same warehouse with billing.subscriptions: the var is unset, so the table is read
    write_edge_subscriptions(db)
    result = run_dbt(["run", "--select", "stg_billing__subscriptions", "int_account_arr_daily", "portfolio_retention",
                      "data_quality_issues", "--vars", f"{{as_of_date: {EDGE_AS_OF}}}"],
                     db, project_dir=project, target_path=tmp_path / "target")
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(db), read_only=True) as con:
        raw = read_raw(con)
        assert raw.subscriptions is not None
        assert retention_differences(con, raw, EDGE_AS_OF) == []
        unknown = con.execute("select row_count from data_quality.data_quality_issues "
                              "where source_table = 'billing.subscriptions' and kind = 'unknown_account'").fetchall()
        retention = expected_retention(raw, EDGE_AS_OF)
    assert unknown == [(1,)]
    # ends on D: churned; the add-on: expansion; the smaller renewal: contraction; back by D: new
    assert retention[90]["churned_arr"] == Decimal(12000)
    assert retention[90]["expansion_arr"] == Decimal(3000)
    assert retention[90]["contraction_arr"] == Decimal(4000)
    assert retention[90]["new_arr"] == Decimal(6000 + 1500)
    assert retention[90]["count_accounts_start"] == 7   # e01 e03 e04 e07 e09 e14 e20
