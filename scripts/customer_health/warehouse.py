"""The warehouse reader: one small interface over a DuckDB file or a PostgreSQL DSN.

Every script that reads the built marts opens the warehouse here (the CRM sync, the Slack
digest, the attention table, the backtest report and weights, the dashboard):
- `Warehouse.open(dsn, path, read_only)`: PostgreSQL when a DSN is given, else the DuckDB file;
  a missing file or a refused connection is a ConfigError with one sentence (no DSN in it).
- `open_read_only(db, dsn)`: the same, for the reporting scripts.
- `fetch` (columns, value kinds, rows as dicts), `rows` (numbers as int/float whatever the engine),
  `table_exists`, `read_relation`, `insert_rows`, `transaction`.
"""
from __future__ import annotations

import logging
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from customer_health.credentials import redact
from customer_health.errors import ConfigError
from customer_health.paths import PROJECT_ROOT
from customer_health.values import kind_of_pg_oid, kind_of_type

log = logging.getLogger(__name__)

ROWS_PER_INSERT = 400
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")


@dataclass
class Table:
    columns: list[str]
    kinds: dict[str, str]
    rows: list[dict[str, Any]]


def check_identifier(name: str, what: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ConfigError(f"{what} '{name}' is not a plain SQL identifier.")
    return name


def check_relation(relation: str) -> str:
    parts = relation.split(".")
    if not 1 <= len(parts) <= 3:
        raise ConfigError(f"Relation '{relation}' must look like schema.table.")
    for part in parts:
        check_identifier(part, "Relation part")
    return relation


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
        for start in range(0, len(rows), ROWS_PER_INSERT):
            chunk = rows[start:start + ROWS_PER_INSERT]
            params = [value for row in chunk for value in row]
            self.execute(f"insert into {relation} ({column_list}) values " + ", ".join([one] * len(chunk)), params)



Row = dict[str, Any]


def open_read_only(db_path: str | Path, dsn: str | None = None) -> Warehouse:
    """The warehouse for a script that only reads: PostgreSQL when dsn is given, else the DuckDB file."""
    if not dsn and not Path(db_path).exists():
        raise ConfigError(f"No warehouse at {db_path}: run `make demo` (or dbt build) first.")
    return Warehouse.open(dsn, str(Path(db_path).resolve()), read_only=True)


def plain(row: Row) -> Row:
    """Numbers as int or float whatever the engine (PostgreSQL gives Decimal)."""
    return {name: float(value) if isinstance(value, Decimal) else value for name, value in row.items()}


def rows(con: Warehouse, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    """The result's rows as dicts, numbers plain (see `plain`)."""
    return [plain(row) for row in con.fetch(sql, params).rows]
