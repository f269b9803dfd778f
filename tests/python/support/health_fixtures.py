"""Fixture tables with exactly the shapes of the marts the reverse-ETL reads.

Until the dbt marts exist, tests build these in a temp DuckDB file (or PostgreSQL).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("account_id", "VARCHAR"), ("crm_id", "VARCHAR"), ("account_name", "VARCHAR"), ("as_of_date", "DATE"),
    ("health_score", "INTEGER"), ("health_band", "VARCHAR"), ("health_drivers", "VARCHAR"),
    ("score_change_7d", "INTEGER"), ("score_change_reason", "VARCHAR"), ("feature_adoption_pct", "DOUBLE"),
    ("activation_pct", "DOUBLE"), ("active_user_pct", "DOUBLE"), ("last_active_date", "DATE"),
    ("coverage_tier", "VARCHAR"), ("is_at_risk", "BOOLEAN"), ("is_expansion_ready", "BOOLEAN"),
    ("score_version", "VARCHAR"), ("arr", "DECIMAL(18,2)"), ("csm_email", "VARCHAR"), ("renewal_date", "DATE"),
    ("days_to_renewal", "INTEGER"),
]
HEALTH_EXTRA_COLUMNS: list[tuple[str, str]] = [
    ("plan", "VARCHAR"), ("region", "VARCHAR"), ("industry", "VARCHAR"), ("score_change_28d", "INTEGER"),
    ("days_since_last_active", "INTEGER"), ("engagement_score", "INTEGER"), ("attention_rank", "INTEGER"),
]
ALERT_COLUMNS: list[tuple[str, str]] = [
    ("alert_id", "VARCHAR"), ("account_id", "VARCHAR"), ("alert_date", "DATE"), ("alert_type", "VARCHAR"),
    ("severity", "VARCHAR"), ("what_changed", "VARCHAR"), ("why_it_matters", "VARCHAR"), ("what_to_do", "VARCHAR"),
]
FRESHNESS_COLUMNS: list[tuple[str, str]] = [
    ("as_of_date", "DATE"), ("latest_event_date", "DATE"), ("days_since_latest_event", "INTEGER"),
    ("stale_data_warn_days", "INTEGER"), ("is_stale", "BOOLEAN"),
]
AS_OF = dt.date(2025, 3, 1)
STALE_DATA_WARN_DAYS = 3
BANDS = ("green", "yellow", "red")
TIERS = ("high_touch", "pooled", "tech_touch")


def crm_id(i: int) -> str:
    return f"001FAKE{i:011d}"


def export_rows(n: int, without_crm_id: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    rows = []
    for i in range(1, n + 1):
        score = (i * 37) % 101
        rows.append({
            "account_id": f"acct_{i:05d}", "crm_id": None if i in without_crm_id else crm_id(i),
            "account_name": f"Account {i}", "as_of_date": AS_OF, "health_score": score,
            "health_band": BANDS[0 if score >= 70 else 1 if score >= 40 else 2],
            "health_drivers": f"Engagement {score}/100; {i % 5} of 5 key features used",
            "score_change_7d": None if i % 7 == 0 else (i % 11) - 5,
            "score_change_reason": "usage moved", "feature_adoption_pct": round((i * 13) % 1000 / 10, 1),
            "activation_pct": float((i * 20) % 120 if (i * 20) % 120 <= 100 else 100),
            "active_user_pct": None if i % 9 == 0 else round((i * 7) % 1500 / 10, 1),
            "last_active_date": None if i % 13 == 0 else AS_OF - dt.timedelta(days=i % 30),
            "coverage_tier": TIERS[i % 3], "is_at_risk": score < 40, "is_expansion_ready": score >= 85,
            "score_version": "v1.0.0", "arr": Decimal(f"{(i * 1234) % 200000}.50"),
            "csm_email": f"csm{i % 4}@example.com", "renewal_date": AS_OF + dt.timedelta(days=i % 365),
            "days_to_renewal": i % 365,
        })
    return rows


def freshness_row(days_behind: int = 0) -> dict[str, Any]:
    """data_quality.data_freshness as dbt builds it: as_of_date lies days_behind past the latest event."""
    return {"as_of_date": AS_OF, "latest_event_date": AS_OF - dt.timedelta(days=days_behind),
            "days_since_latest_event": days_behind, "stale_data_warn_days": STALE_DATA_WARN_DAYS,
            "is_stale": days_behind > STALE_DATA_WARN_DAYS}


def _ddl(relation: str, columns: list[tuple[str, str]], engine: str) -> str:
    def pg(t: str) -> str:
        return {"DOUBLE": "double precision"}.get(t, t)
    cols = ", ".join(f"{n} {pg(t) if engine == 'postgres' else t}" for n, t in columns)
    return f"create table {relation} ({cols})"


def write_duckdb(path: str, rows: list[dict[str, Any]], alerts: list[dict[str, Any]] | None = None,
                 health_rows: list[dict[str, Any]] | None = None, freshness: dict[str, Any] | None = None) -> None:
    import duckdb

    con = duckdb.connect(path)
    try:
        con.execute("create schema if not exists marts")
        _replace(con, "marts.account_health_crm_export", EXPORT_COLUMNS, rows, "duckdb")
        health = health_rows if health_rows is not None else rows
        _replace(con, "marts.account_health", EXPORT_COLUMNS + HEALTH_EXTRA_COLUMNS, health, "duckdb")
        _replace(con, "marts.health_alerts", ALERT_COLUMNS, alerts or [], "duckdb")
        con.execute("create schema if not exists data_quality")
        _replace(con, "data_quality.data_freshness", FRESHNESS_COLUMNS, [freshness or freshness_row()], "duckdb")
    finally:
        con.close()


def _replace(con: Any, relation: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]],
             engine: str) -> None:
    def run(sql: str) -> None:
        if engine == "duckdb":
            con.execute(sql)
        else:
            with con.cursor() as cur:
                cur.execute(sql)

    run(f"drop table if exists {relation}")
    run(_ddl(relation, columns, engine))
    if rows:
        marker = "?" if engine == "duckdb" else "%s"
        sql = f"insert into {relation} values ({', '.join([marker] * len(columns))})"
        values = [[row.get(name) for name, _ in columns] for row in rows]
        if engine == "duckdb":  # multi-row inserts: executemany is slow in DuckDB
            one = "(" + ", ".join(["?"] * len(columns)) + ")"
            for start in range(0, len(values), 200):
                chunk = values[start:start + 200]
                con.execute(f"insert into {relation} values " + ", ".join([one] * len(chunk)),
                            [v for row in chunk for v in row])
        else:
            with con.cursor() as cur:
                cur.executemany(sql, values)


def write_postgres(con: Any, rows: list[dict[str, Any]], freshness: dict[str, Any] | None = None) -> None:
    with con.cursor() as cur:
        cur.execute("create schema if not exists marts")
        cur.execute("create schema if not exists data_quality")
    _replace(con, "marts.account_health_crm_export", EXPORT_COLUMNS, rows, "postgres")
    _replace(con, "data_quality.data_freshness", FRESHNESS_COLUMNS, [freshness or freshness_row()], "postgres")


def update_rows(path: str, sql: str) -> None:
    import duckdb

    con = duckdb.connect(path)
    try:
        con.execute(sql)
    finally:
        con.close()


def query(path: str, sql: str) -> list[tuple[Any, ...]]:
    import duckdb

    con = duckdb.connect(path, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
