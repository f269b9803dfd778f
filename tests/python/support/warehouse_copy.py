"""Copy the raw source tables of a DuckDB warehouse into PostgreSQL, and read relations back.

The PostgreSQL and Spark tests load the same generated dataset the DuckDB build uses, run
the dbt project on the other engine and compare every mart row for row. Columns are copied
with the contract's types (DuckDB type names mapped to PostgreSQL ones) through COPY.
"""
from __future__ import annotations

import datetime as dt
import decimal
import io
import math
from pathlib import Path
from typing import Callable, Iterable

import duckdb

SOURCE_TABLES = (
    ("segment", "tracks"), ("segment", "identifies"), ("segment", "groups"), ("crm", "accounts"),
    ("support", "tickets"), ("surveys", "nps_responses"), ("billing", "invoices"),
    ("billing", "subscriptions"),   # optional in the contract; the test dataset has it
)
# the schemas whose every table the other engines must reproduce
COMPARED_SCHEMAS = ("marts", "data_quality", "backtest")
# columns that record when and from what a row was built, not what it says
BOOKKEEPING_COLUMNS = frozenset({"rebuilt_at", "source_received_at", "built_as_of_date", "scores_rebuilt_at",
                                 "config_hash", "band_settings"})


def postgres_type(duckdb_type: str) -> str:
    upper = duckdb_type.upper()
    if upper in ("VARCHAR", "TEXT"):
        return "text"
    if upper == "DOUBLE":
        return "double precision"
    if upper == "FLOAT":
        return "real"
    return duckdb_type.lower()


def copy_sources_to_postgres(duckdb_path: Path, dsn: str) -> dict[str, int]:
    """Create the source schemas and tables in PostgreSQL and COPY the rows in; returns row counts."""
    import psycopg2

    counts = {}
    with duckdb.connect(str(duckdb_path), read_only=True) as source, psycopg2.connect(dsn) as target:
        with target.cursor() as cursor:
            for schema, table in SOURCE_TABLES:
                columns = source.execute(f"describe {schema}.{table}").fetchall()
                column_ddl = ", ".join(f'"{name}" {postgres_type(kind)}' for name, kind, *_ in columns)
                cursor.execute(f"create schema if not exists {schema}")
                cursor.execute(f"drop table if exists {schema}.{table}")
                cursor.execute(f"create table {schema}.{table} ({column_ddl})")
                buffer = io.StringIO()
                rows = source.execute(f"select * from {schema}.{table}").fetchall()
                for row in rows:
                    buffer.write("\t".join(_copy_text(value) for value in row) + "\n")
                buffer.seek(0)
                cursor.copy_expert(f"copy {schema}.{table} from stdin with (format text)", buffer)
                counts[f"{schema}.{table}"] = len(rows)
        target.commit()
    return counts


def _copy_text(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def normalise(value: object) -> object:
    """One comparable form per value, whatever the engine's driver returned."""
    if isinstance(value, decimal.Decimal):
        return ("number", round(float(value), 9))
    if isinstance(value, float):
        if math.isnan(value):
            return ("number", "nan")
        return ("number", round(value, 9))
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("number", float(value))
    if isinstance(value, dt.datetime):
        return ("timestamp", value.replace(tzinfo=None).isoformat())
    if isinstance(value, dt.date):
        return ("date", value.isoformat())
    return ("value", value)


def normalised_rows(rows: Iterable[tuple]) -> list[tuple]:
    return sorted((tuple(normalise(v) for v in row) for row in rows), key=repr)


def row_differences(left: list[tuple], right: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """Rows only in left and only in right (multiset difference)."""
    from collections import Counter

    left_counts, right_counts = Counter(left), Counter(right)
    return list((left_counts - right_counts).elements()), list((right_counts - left_counts).elements())


def mismatched_relations(duckdb_path: Path, read_other: Callable[[str, str], list[tuple] | None]) -> dict[str, object]:
    """Every table in COMPARED_SCHEMAS of the DuckDB build against another engine's.

    read_other(relation, select_list) gives the other engine's rows of those columns, or None
    when it has no such table. Returns relation -> what differs (row counts and a few rows
    only on either side); an empty table counts as a mismatch, since it proves nothing.
    """
    mismatches: dict[str, object] = {}
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        relations = [row[0] for row in con.execute(f"""
            select table_schema || '.' || table_name from information_schema.tables
            where table_schema in {COMPARED_SCHEMAS} order by 1
        """).fetchall()]
        assert "marts.account_health" in relations
        for relation in relations:
            columns = [row[0] for row in con.execute(f"describe {relation}").fetchall()
                       if row[0] not in BOOKKEEPING_COLUMNS]
            select = ", ".join(f'"{column}"' for column in columns)
            in_duckdb = normalised_rows(con.execute(f"select {select} from {relation}").fetchall())
            other = read_other(relation, select)
            if other is None:
                mismatches[relation] = "not built"
                continue
            only_duckdb, only_other = row_differences(in_duckdb, normalised_rows(other))
            if only_duckdb or only_other or not in_duckdb:
                mismatches[relation] = (len(in_duckdb), len(other), only_duckdb[:2], only_other[:2])
    return mismatches
