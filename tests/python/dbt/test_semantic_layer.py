"""The semantic layer on the test warehouse: every metric that `mf query` answers equals the
same figure computed with plain SQL over the marts.

Three `mf query` calls cover the account metrics: the book today cut by all seven account
dimensions, the score history by day and band, the activity history by month (which also
checks that the per-day counts show the month's last day, while events add up). Three more
cover the portfolio marts: retention per period, the renewal forecast per band and window,
the CSM book per CSM.
"""
from __future__ import annotations

import csv
import math
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from tests.python.support.dbt_project_harness import BIN, PROJECT_ROOT, TEST_AS_OF, dbt_env, reference_warehouse, run_dbt

DIMENSIONS = ["health_band", "coverage_tier", "lifecycle_stage", "plan", "region", "industry", "csm_email"]
METRICS_YML = PROJECT_ROOT / "models" / "semantic" / "_semantic__metrics.yml"

TODAY_METRICS = {
    # metric -> SQL over marts.account_health grouped by the seven dimensions
    "accounts": "count(*)",
    "average_health_score": "avg(health_score)",
    "accounts_at_risk": "sum(case when is_at_risk then 1 else 0 end)",
    "pct_accounts_at_risk": "100.0 * sum(case when is_at_risk then 1 else 0 end) / count(*)",
    "accounts_expansion_ready": "sum(case when is_expansion_ready then 1 else 0 end)",
    "arr": "sum(arr)",
    "active_accounts_7d": "sum(case when active_users_7d > 0 then 1 else 0 end)",
    "active_accounts_30d": "sum(case when active_users_30d > 0 then 1 else 0 end)",
    "active_users_7d": "sum(active_users_7d)",
    "active_users_30d": "sum(active_users_30d)",
    "average_feature_adoption_pct": "avg(feature_adoption_pct)",
    "average_activation_pct": "avg(activation_pct)",
}
USER_METRICS = {
    # metric -> SQL over marts.user_engagement joined to the account's dimensions
    "users": "count(*)",
    "power_users": "sum(case when u.is_power_user then 1 else 0 end)",
    "average_user_engagement_score": "avg(u.engagement_score)",
}
HISTORY_METRICS = {
    "accounts_daily": "count(*)",
    "average_health_score_daily": "avg(health_score)",
}
ACTIVITY_METRICS = ["active_accounts_30d_daily", "active_users_30d_daily", "meaningful_events",
                    "dau", "wau", "mau", "pct_stickiness"]
RETENTION_METRICS = {
    # metric -> SQL over marts.portfolio_retention where segment_type = 'all', per period
    "retention_starting_arr": "sum(starting_arr)",
    "retention_ending_arr": "sum(ending_arr)",
    "retention_kept_arr": "sum(starting_arr - churned_arr - contraction_arr)",
    "nrr_pct": "100.0 * sum(ending_arr) / sum(starting_arr)",
    "grr_pct": "100.0 * sum(starting_arr - churned_arr - contraction_arr) / sum(starting_arr)",
}
FORECAST_METRICS = {
    # metric -> SQL over marts.renewal_forecast per band and renewal window
    "arr_at_risk": "sum(arr_at_risk)",
    "arr_renewing": "sum(case when renewal_window <> 'unknown' then arr end)",
}
CSM_METRICS = {
    # metric -> SQL over marts.csm_book per CSM
    "accounts_needing_attention": "sum(count_accounts_needing_attention)",
    "arr_renewing_90d": "sum(arr_renewing_90d)",
    "arr_at_risk_renewing_90d": "sum(arr_at_risk_renewing_90d)",
}

Key = tuple[str, ...]


@pytest.fixture(scope="module")
def db() -> Path:
    db = reference_warehouse()
    # mf reads target/semantic_manifest.json: parse the project as it is now
    parsed = run_dbt(["parse", "--vars", f"{{as_of_date: {TEST_AS_OF}}}"], db)
    assert parsed.returncode == 0, parsed.stdout[-3000:]
    return db


def mf(db: Path, args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "mf"), *args], cwd=PROJECT_ROOT, env=dbt_env(db),
                          capture_output=True, text=True, check=False)


def mf_query(db: Path, metrics: list[str], group_by: list[str], tmp_path: Path) -> list[dict[str, str]]:
    out = tmp_path / f"{metrics[0]}.csv"
    result = mf(db, ["query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by),
                     "--csv", str(out), "--quiet"], tmp_path)
    assert result.returncode == 0 and out.exists(), (result.stdout + result.stderr)[-3000:]
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


def sql(db: Path, query: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query).fetchall()


def number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def text(value: Any) -> str:
    return "" if value is None else str(value)


def assert_same(metric: str, key: Key, mf_value: Any, sql_value: Any) -> None:
    got, want = number(mf_value), number(sql_value)
    if want is None:
        assert got is None, (metric, key, got)
    else:
        assert got is not None and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-6), (metric, key, got, want)


def compare(metrics: list[str], mf_rows: list[dict[str, str]], key_columns: list[str],
            sql_rows: dict[Key, dict[str, Any]]) -> None:
    def cell(row: dict[str, str], column: str) -> str:
        # mf writes days as timestamps ('2025-01-02 00:00:00'): compare the date
        return text(row[column])[:10] if column.startswith("metric_time") else text(row[column])

    got = {tuple(cell(row, column) for column in key_columns): row for row in mf_rows}
    assert set(got) == set(sql_rows), sorted(set(got) ^ set(sql_rows))[:5]
    for key, want in sql_rows.items():
        for metric in metrics:
            assert_same(metric, key, got[key][metric], want[metric])


def test_every_metric_is_checked_here() -> None:
    defined = {metric["name"] for metric in yaml.safe_load(METRICS_YML.read_text())["metrics"]}
    checked = (set(TODAY_METRICS) | set(USER_METRICS) | set(HISTORY_METRICS) | set(ACTIVITY_METRICS)
               | set(RETENTION_METRICS) | set(FORECAST_METRICS) | set(CSM_METRICS))
    assert defined == checked, f"metrics without an SQL check: {defined - checked}; checks of no metric: {checked - defined}"


def test_validate_configs_checks_the_semantic_layer_against_the_warehouse(db: Path, tmp_path: Path) -> None:
    result = mf(db, ["validate-configs"], tmp_path)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert "ERRORS: 0" in result.stdout


def test_todays_metrics_by_every_account_dimension_equal_sql(db: Path, tmp_path: Path) -> None:
    group_by = [f"account__{name}" for name in DIMENSIONS]
    metrics = [*TODAY_METRICS, *USER_METRICS]
    rows = mf_query(db, metrics, group_by, tmp_path)
    columns = ", ".join(DIMENSIONS)
    selects = ", ".join(f"{expr} as {name}" for name, expr in TODAY_METRICS.items())
    want: dict[Key, dict[str, Any]] = {}
    for row in sql(db, f"select {columns}, {selects} from marts.account_health group by all"):
        want[tuple(text(v) for v in row[:len(DIMENSIONS)])] = dict(zip(TODAY_METRICS, row[len(DIMENSIONS):]))
    user_selects = ", ".join(f"{expr} as {name}" for name, expr in USER_METRICS.items())
    account_columns = ", ".join(f"a.{name}" for name in DIMENSIONS)
    for row in sql(db, f"""
            select {account_columns}, {user_selects}
            from marts.user_engagement as u
            inner join marts.account_health as a on a.account_id = u.account_id
            group by all"""):
        key = tuple(text(v) for v in row[:len(DIMENSIONS)])
        want.setdefault(key, dict.fromkeys(TODAY_METRICS)).update(zip(USER_METRICS, row[len(DIMENSIONS):]))
    for values in want.values():
        for name in USER_METRICS:
            values.setdefault(name, None)
    assert len(want) > 10, "the test data should spread accounts over many dimension combinations"
    compare(metrics, rows, group_by, want)
    # the book as a whole, as the dashboard shows it: accounts per band
    by_band: dict[str, float] = {}
    for row in rows:
        by_band[row["account__health_band"]] = by_band.get(row["account__health_band"], 0) + float(row["accounts"])
    assert by_band == {band: count for band, count in sql(
        db, "select health_band, count(*) from marts.account_health group by 1")}


def test_history_metrics_by_day_and_band_equal_sql(db: Path, tmp_path: Path) -> None:
    rows = mf_query(db, list(HISTORY_METRICS), ["metric_time__day", "account_day__health_band"], tmp_path)
    selects = ", ".join(f"{expr} as {name}" for name, expr in HISTORY_METRICS.items())
    want = {(str(day), band): dict(zip(HISTORY_METRICS, values)) for day, band, *values in sql(db, f"""
        select as_of_date, health_band, {selects} from marts.account_health_daily group by all""")}
    assert len({day for day, _ in want}) > 100
    compare(list(HISTORY_METRICS), rows, ["metric_time__day", "account_day__health_band"], want)


def test_activity_metrics_by_month_equal_sql(db: Path, tmp_path: Path) -> None:
    rows = mf_query(db, ACTIVITY_METRICS, ["metric_time__month"], tmp_path)
    # per-day counts (active accounts/users, DAU/WAU/MAU) show the month's last day; events add up
    account_rows = sql(db, """
        with days as (
            select date_trunc('month', as_of_date) as month, *,
                max(as_of_date) over (partition by date_trunc('month', as_of_date)) as last_day
            from marts.account_activity_daily
        )
        select month,
            sum(case when as_of_date = last_day and is_active_30d then 1 else 0 end),
            sum(case when as_of_date = last_day then active_users_30d else 0 end),
            sum(count_meaningful_events_1d)
        from days group by all""")
    product_rows = sql(db, """
        with days as (
            select date_trunc('month', activity_date) as month, *,
                max(activity_date) over (partition by date_trunc('month', activity_date)) as last_day
            from marts.product_activity_daily
        )
        select month, dau, wau, mau, 100.0 * dau / nullif(mau, 0) from days where activity_date = last_day""")
    want: dict[Key, dict[str, Any]] = {}
    for month, accounts, users, events in account_rows:
        want[(f"{month:%Y-%m-%d}",)] = dict(zip(ACTIVITY_METRICS[:3], (accounts, users, events)))
    for month, *values in product_rows:
        want.setdefault((f"{month:%Y-%m-%d}",), dict.fromkeys(ACTIVITY_METRICS[:3])).update(
            zip(ACTIVITY_METRICS[3:], values))
    for values in want.values():
        for name in ACTIVITY_METRICS:
            values.setdefault(name, None)
    assert len(want) >= 6
    compare(ACTIVITY_METRICS, rows, ["metric_time__month"], want)


def portfolio_check(db: Path, tmp_path: Path, metrics: dict[str, str], group_by: list[str],
                    columns: list[str], source: str) -> dict[Key, dict[str, Any]]:
    """mf query of the metrics by group_by equals the SQL per columns over source; returns the SQL rows."""
    rows = mf_query(db, list(metrics), group_by, tmp_path)
    selects = ", ".join(f"{expr} as {name}" for name, expr in metrics.items())
    want = {tuple(text(v) for v in row[:len(columns)]): dict(zip(metrics, row[len(columns):]))
            for row in sql(db, f"select {', '.join(columns)}, {selects} from {source} group by all")}
    compare(list(metrics), rows, group_by, want)
    return want


def test_nrr_and_grr_per_period_equal_sql_and_the_mart(db: Path, tmp_path: Path) -> None:
    want = portfolio_check(db, tmp_path, RETENTION_METRICS, ["retention_segment__period_days"], ["period_days"],
                           "marts.portfolio_retention where segment_type = 'all'")
    assert {key[0] for key in want} >= {"90", "365"}
    # the metric, rounded as the mart rounds it, is the mart's whole-book figure
    for period, nrr, grr in sql(db, """select period_days, nrr_pct, grr_pct from marts.portfolio_retention
                                       where segment_type = 'all'"""):
        values = want[(str(period),)]
        for name, mart in (("nrr_pct", nrr), ("grr_pct", grr)):
            if mart is None:
                assert values[name] is None, (period, name)
            else:
                assert round(float(values[name]), 1) == pytest.approx(float(mart)), (period, name)


def test_arr_at_risk_and_renewing_per_band_and_window_equal_sql(db: Path, tmp_path: Path) -> None:
    want = portfolio_check(db, tmp_path, FORECAST_METRICS,
                           ["renewal_cell__health_band", "renewal_cell__renewal_window"],
                           ["health_band", "renewal_window"], "marts.renewal_forecast")
    assert len(want) == 18, "every band and window has a row, zeros included"
    assert any(values["arr_renewing"] for values in want.values())


def test_csm_book_metrics_per_csm_equal_sql(db: Path, tmp_path: Path) -> None:
    want = portfolio_check(db, tmp_path, CSM_METRICS, ["csm_book_row__csm_email"], ["csm_email"], "marts.csm_book")
    assert len(want) > 1
