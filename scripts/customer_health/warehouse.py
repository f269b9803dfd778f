"""Warehouse access (DuckDB file or PostgreSQL DSN) and the sync's own tables.

Tables in the state schema (default `reverse_etl`), created on the first real run:
- sync_state: per destination, record and CRM field, the value the CRM last accepted.
- sync_log:   per-record rejections (run id, record, field, error code, message).
- sync_runs:  one row per run with its counts and how it ended.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .config import PROJECT_ROOT
from .credentials import redact
from .errors import ConfigError
from .values import kind_of_pg_oid, kind_of_type

log = logging.getLogger(__name__)

_ROWS_PER_INSERT = 400


@dataclass
class Table:
    columns: list[str]
    kinds: dict[str, str]
    rows: list[dict[str, Any]]


def quote_relation(relation: str) -> str:
    return ".".join(f'"{part}"' for part in relation.split("."))


def duckdb_path(explicit: str | None = None) -> Path:
    """--warehouse-path, else DBT_DUCKDB_PATH, else warehouse.duckdb; relative to the project root."""
    raw = explicit or os.environ.get("DBT_DUCKDB_PATH") or "warehouse.duckdb"
    path = Path(raw).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def query_errors() -> tuple[type[BaseException], ...]:
    """What a failed query raises, on either engine (for scripts that only read)."""
    import duckdb
    import psycopg2

    return duckdb.Error, psycopg2.Error


def where(db_path: str | Path, dsn: str | None) -> str:
    """The warehouse named in a message (never the DSN: it can hold a password)."""
    return "the PostgreSQL warehouse" if dsn else str(db_path)


class Warehouse:
    """A thin wrapper giving DuckDB and psycopg2 the same small interface."""

    def __init__(self, connection: Any, engine: str, description: str) -> None:
        self._con = connection
        self.engine = engine
        self.description = description

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, dsn: str | None, path: str | None, read_only: bool) -> "Warehouse":
        if dsn:
            return cls._open_postgres(dsn)
        return cls._open_duckdb(duckdb_path(path), read_only)

    @classmethod
    def _open_duckdb(cls, path: Path, read_only: bool) -> "Warehouse":
        import duckdb

        if not path.exists():
            raise ConfigError(f"The warehouse file {path} does not exist: run `dbt build` first, "
                              "or point DBT_DUCKDB_PATH at it.")
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            first_line = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
            raise ConfigError(f"Could not open the warehouse file {path} ({redact(first_line)}); "
                              "is another process (dbt?) holding it?") from None
        return cls(con, "duckdb", str(path))

    @classmethod
    def _open_postgres(cls, dsn: str) -> "Warehouse":
        import psycopg2

        try:
            con = psycopg2.connect(dsn)
        except psycopg2.Error as exc:
            first_line = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
            raise ConfigError(f"Could not connect to the PostgreSQL warehouse ({redact(first_line)}).") from None
        con.autocommit = True
        params = con.get_dsn_parameters()
        where = f"postgresql://{params.get('host', '')}:{params.get('port', '')}/{params.get('dbname', '')}"
        return cls(con, "postgres", where)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- statements ----------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql.replace("%s", "?") if self.engine == "duckdb" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        if self.engine == "duckdb":
            self._con.execute(self._sql(sql), list(params))
        else:
            with self._con.cursor() as cur:
                cur.execute(sql, tuple(params))

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> Table:
        if self.engine == "duckdb":
            cur = self._con.execute(self._sql(sql), list(params))
            columns = [d[0] for d in cur.description]
            kinds = {d[0]: kind_of_type(str(d[1])) for d in cur.description}
            rows = cur.fetchall()
        else:
            with self._con.cursor() as cur:
                cur.execute(sql, tuple(params))
                columns = [d[0] for d in cur.description]
                kinds = {d[0]: kind_of_pg_oid(d[1]) for d in cur.description}
                rows = cur.fetchall()
        return Table(columns, kinds, [dict(zip(columns, row)) for row in rows])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def _errors(self) -> tuple[type[BaseException], ...]:
        if self.engine == "duckdb":
            import duckdb

            return (duckdb.Error,)
        import psycopg2

        return (psycopg2.Error,)

    def read_relation(self, relation: str, what: str) -> Table:
        """select * from a configured relation, or a sentence saying it is missing."""
        try:
            return self.fetch(f"select * from {quote_relation(relation)}")
        except self._errors() as exc:
            first_line = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
            raise ConfigError(f"Could not read {what} '{relation}' from the warehouse ({redact(first_line)}): "
                              "run `dbt build`, or set its name in the YAML beside the script.") from None

    def table_exists(self, schema: str, table: str) -> bool:
        found = self.fetch("select count(*) as n from information_schema.tables "
                           "where table_schema = %s and table_name = %s", (schema, table))
        return bool(found.rows[0]["n"])

    def insert_rows(self, relation: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        column_list = ", ".join(columns)
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start:start + _ROWS_PER_INSERT]
            params = [value for row in chunk for value in row]
            self.execute(f"insert into {relation} ({column_list}) values " + ", ".join([one] * len(chunk)), params)


# -- the sync's own tables ---------------------------------------------------------------

STATE_COLUMNS = ("destination", "record_key", "field", "value", "accepted_at", "run_id")
LOG_COLUMNS = ("run_id", "destination", "record_key", "crm_id", "field", "error_code", "message", "logged_at")
RUN_COUNTS = ("records_in_export", "records_changed", "records_sent", "records_accepted", "records_created",
              "records_rejected", "records_unchanged", "records_skipped", "write_requests")


def ensure_sync_tables(wh: Warehouse, schema: str) -> None:
    wh.execute(f"create schema if not exists {schema}")
    wh.execute(f"""create table if not exists {schema}.sync_state (
        destination varchar not null, record_key varchar not null, field varchar not null,
        value varchar, accepted_at timestamp not null, run_id varchar not null)""")
    wh.execute(f"""create table if not exists {schema}.sync_log (
        run_id varchar not null, destination varchar not null, record_key varchar not null,
        crm_id varchar, field varchar, error_code varchar not null, message varchar,
        logged_at timestamp not null)""")
    counts = ", ".join(f"{name} integer" for name in RUN_COUNTS)
    wh.execute(f"""create table if not exists {schema}.sync_runs (
        run_id varchar not null, destination varchar not null, mode varchar, api varchar,
        status varchar, started_at timestamp, finished_at timestamp, {counts}, message varchar)""")


def load_state(wh: Warehouse, schema: str, destination: str) -> dict[str, dict[str, str | None]]:
    """record_key -> {field: value last accepted}; empty when the table does not exist yet."""
    if not wh.table_exists(schema, "sync_state"):
        return {}
    table = wh.fetch(f"select record_key, field, value from {schema}.sync_state where destination = %s",
                     (destination,))
    state: dict[str, dict[str, str | None]] = {}
    for row in table.rows:
        state.setdefault(row["record_key"], {})[row["field"]] = row["value"]
    return state


def utc_now() -> dt.datetime:
    # Microseconds kept: two runs can start within one second (a re-run right after a crash),
    # and sync_runs is read in started_at order.
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def start_run(wh: Warehouse, schema: str, run_id: str, destination: str, mode: str) -> None:
    with wh.transaction():
        wh.insert_rows(f"{schema}.sync_runs", ("run_id", "destination", "mode", "status", "started_at"),
                       [(run_id, destination, mode, "running", utc_now())])


def save_batch(wh: Warehouse, schema: str, run_id: str, destination: str,
               accepted: dict[str, dict[str, str | None]],
               rejections: list[tuple[str, str | None, str | None, str, str]],
               counts: dict[str, int], api: str) -> None:
    """In one transaction: new state for accepted records, log rows for rejections, run counts."""
    now = utc_now()
    with wh.transaction():
        keys = list(accepted)
        for start in range(0, len(keys), _ROWS_PER_INSERT):
            chunk = keys[start:start + _ROWS_PER_INSERT]
            wh.execute(f"delete from {schema}.sync_state where destination = %s and record_key in ("
                       + ", ".join(["%s"] * len(chunk)) + ")", [destination, *chunk])
        wh.insert_rows(f"{schema}.sync_state", STATE_COLUMNS,
                       [(destination, key, field, value, now, run_id)
                        for key, fields in accepted.items() for field, value in fields.items()])
        wh.insert_rows(f"{schema}.sync_log", LOG_COLUMNS,
                       [(run_id, destination, key, crm_id, field, code, redact(message), now)
                        for key, crm_id, field, code, message in rejections])
        _update_run(wh, schema, run_id, counts, api=api)


def _update_run(wh: Warehouse, schema: str, run_id: str, counts: dict[str, int], **extra: Any) -> None:
    values = {name: counts.get(name, 0) for name in RUN_COUNTS}
    values.update({k: v for k, v in extra.items() if v is not None})
    assignments = ", ".join(f"{name} = %s" for name in values)
    wh.execute(f"update {schema}.sync_runs set {assignments} where run_id = %s", [*values.values(), run_id])


def finish_run(wh: Warehouse, schema: str, run_id: str, counts: dict[str, int], status: str,
               message: str, api: str | None) -> None:
    with wh.transaction():
        _update_run(wh, schema, run_id, counts, status=status, message=redact(message),
                    finished_at=utc_now(), api=api)
