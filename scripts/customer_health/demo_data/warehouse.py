"""DuckDB side: the tables (the source tables' columns from the sources YAML, see
customer_health.source_schema) and loading numpy batches into them.

Batches are dicts of numpy arrays registered as a DuckDB view; ids, timestamps and
names are formatted in SQL so large tables never become Python strings.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import numpy as np

from customer_health import source_schema

TS_NULL_BELOW = -9_000_000_000_000_000_000  # event batches use int64 min for a null timestamp
# The contract's source tables (and the optional subscriptions), from the sources YAML.
SOURCE_TABLES: dict[str, list[tuple[str, str]]] = source_schema.source_tables()
META_TABLES: dict[str, list[tuple[str, str]]] = {
    "demo_meta.account_stories": [("account_id", "VARCHAR"), ("story", "VARCHAR"), ("churned_at", "DATE")],
    "demo_meta.account_timelines": [
        ("account_id", "VARCHAR"), ("story", "VARCHAR"), ("contract_start_date", "DATE"), ("churned_at", "DATE"),
        ("decline_start_date", "DATE"), ("champion_user_id", "VARCHAR"), ("champion_silent_from", "DATE"),
        ("milestones_reached_in_history", "INTEGER"),
    ],
    "demo_meta.planted_issues": [("source_table", "VARCHAR"), ("kind", "VARCHAR"), ("row_count", "BIGINT")],
    "demo_meta.planted_details": [
        ("source_table", "VARCHAR"), ("kind", "VARCHAR"), ("variant", "VARCHAR"), ("row_count", "BIGINT"),
    ],
    "demo_meta.special_users": [
        ("user_id", "VARCHAR"), ("role_in_demo", "VARCHAR"), ("account_id", "VARCHAR"), ("note", "VARCHAR"),
    ],
    "demo_meta.run_info": [
        ("seed", "INTEGER"), ("end_date", "DATE"), ("days", "INTEGER"), ("accounts", "INTEGER"),
        ("generated_events", "BIGINT"),
    ],
}
_MACROS = (
    "CREATE OR REPLACE TEMP MACRO demo_uuid(h, l) AS CASE WHEN h = 0 AND l = 0 THEN NULL "
    "ELSE ((h::UHUGEINT << 64) | l::UHUGEINT)::UUID::VARCHAR END",
    f"CREATE OR REPLACE TEMP MACRO demo_ts(us) AS CASE WHEN us < {TS_NULL_BELOW} THEN NULL ELSE make_timestamp(us) END",
    "CREATE OR REPLACE TEMP MACRO demo_user(u) AS CASE WHEN u >= 0 THEN printf('usr_%07d', u + 1) END",
    "CREATE OR REPLACE TEMP MACRO demo_account(a) AS CASE WHEN a >= 0 THEN printf('acc_%06d', a + 1) END",
    "CREATE OR REPLACE TEMP MACRO demo_date(d) AS DATE '1970-01-01' + d::INTEGER",
    "CREATE OR REPLACE TEMP MACRO demo_money(cents) AS (cents::DECIMAL(18,0) * 0.01)::DECIMAL(18,2)",
)


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    for macro in _MACROS:
        con.execute(macro)
    return con


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    """First value of a query, reading the result to the end (DuckDB 2.0 refuses new work otherwise)."""
    return con.execute(sql).fetchall()[0][0]


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every generated table, empty; other tables in the file are left alone."""
    tables = {**SOURCE_TABLES, **META_TABLES}
    for schema in sorted({name.split(".")[0] for name in tables}):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for table, columns in tables.items():
        con.execute(source_schema.create_table_sql(table, columns, replace=True))


def sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def insert(con: duckdb.DuckDBPyConnection, table: str, select_list: str, batch: dict[str, np.ndarray]) -> None:
    """INSERT INTO table SELECT <select_list> FROM the batch (only the columns it names)."""
    if not batch or len(next(iter(batch.values()))) == 0:
        return
    used = {key: value for key, value in batch.items() if re.search(rf"\b{key}\b", select_list)}
    if re.search(r"\brn\b", select_list) and "rn" not in used:
        used["rn"] = np.arange(1, len(next(iter(batch.values()))) + 1, dtype=np.int64)
    con.register("demo_batch", used)
    try:
        con.execute(f"INSERT INTO {table} SELECT {select_list} FROM demo_batch").fetchall()
    finally:
        con.unregister("demo_batch")


def tracks_select(event_names: list[str], event_texts: list[str]) -> str:
    return (
        "demo_uuid(hi, lo), CASE WHEN anon_null THEN NULL ELSE demo_uuid(anon_hi, anon_lo) END, "
        f"demo_user(user_ix), {sql_list(event_names)}[code + 1], {sql_list(event_texts)}[code + 1], "
        "demo_ts(ts), demo_ts(rcv), demo_account(ctx)"
    )


IDENTIFIES_SELECT = (
    "demo_uuid(hi, lo), demo_user(user_ix), demo_uuid(anon_hi, anon_lo), demo_ts(ts), demo_ts(rcv), "
    "email, name, role"
)
GROUPS_SELECT = "demo_uuid(hi, lo), demo_user(user_ix), demo_account(group_ix), demo_ts(ts), demo_ts(rcv), name, plan"
TICKETS_SELECT = (
    "printf('ZD-%07d', rn), demo_account(account_ix), demo_user(requester_ix), demo_ts(created), "
    "CASE WHEN solved_null THEN NULL ELSE demo_ts(solved) END, priority, status, satisfaction"
)
NPS_SELECT = (
    "printf('NPS-%07d', rn), demo_user(user_ix), demo_account(account_ix), "
    "CASE WHEN score_null THEN NULL ELSE score END, demo_ts(submitted), comment"
)
INVOICES_SELECT = (
    "printf('INV-%07d', rn), demo_account(account_ix), demo_money(amount_cents), currency, "
    "demo_date(issued), demo_date(due), CASE WHEN paid_null THEN NULL ELSE demo_date(paid) END, status"
)
SUBSCRIPTIONS_SELECT = (
    "printf('SUB-%07d', rn), demo_account(account_ix), plan, demo_money(arr_cents), "
    "CASE WHEN seats < 0 THEN NULL ELSE seats END, demo_date(start_epoch), "
    "CASE WHEN active THEN NULL ELSE demo_date(end_epoch) END"
)
ACCOUNTS_SELECT = (
    "demo_account(account_ix), crm_id, name, demo_money(arr_cents), "
    "CASE WHEN seats < 0 THEN NULL ELSE seats END, plan, demo_date(start_epoch), demo_date(renewal_epoch), "
    "csm_email, industry, region, CASE WHEN churned THEN demo_date(churn_epoch) END"
)
