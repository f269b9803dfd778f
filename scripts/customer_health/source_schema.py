"""The raw source tables' columns and types, read from the sources YAML: the schema is written once.

models/staging/<source>/_<source>__sources.yml gives every source column a portable `data_type`
(string, integer, decimal(p,s), date, timestamp). dbt's empty stand-in for a missing optional
source reads it (macros/optional_sources.sql); so do the empty source tables of the lint
warehouse (empty_sources), the demo generator (demo_data.warehouse) and the story suite.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from customer_health.paths import PROJECT_ROOT

# CONTRACT.md section 6: a project runs unchanged without these (the others are section 2's).
OPTIONAL_TABLES = ("billing.subscriptions",)
# The order the contract lists the sources in (any other sources file follows, by name).
SOURCE_ORDER = ("segment", "crm", "support", "surveys", "billing")
_DUCKDB_TYPES = {"string": "VARCHAR", "integer": "INTEGER", "bigint": "BIGINT", "date": "DATE",
                 "timestamp": "TIMESTAMP", "boolean": "BOOLEAN", "double": "DOUBLE"}
_DECIMAL = re.compile(r"^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$")
_VAR = re.compile(r"^\{\{\s*var\(\s*['\"](\w+)['\"]\s*\)\s*\}\}$")

Columns = list[tuple[str, str]]


class SourceSchemaError(ValueError):
    """A sources YAML column without a usable data_type: one sentence naming it and the fix."""


def duckdb_type(data_type: str, where: str) -> str:
    """DuckDB's name for a portable type of the sources YAML."""
    name = str(data_type).strip().lower()
    if name in _DUCKDB_TYPES:
        return _DUCKDB_TYPES[name]
    decimal = _DECIMAL.match(name)
    if decimal:
        return f"DECIMAL({decimal.group(1)},{decimal.group(2)})"
    raise SourceSchemaError(f"{where} has data_type '{data_type}', which is not one of "
                            f"{', '.join(sorted(_DUCKDB_TYPES))} or decimal(p,s): fix it in its sources YAML.")


def _schema(source: dict, project_vars: dict) -> str:
    """The source's schema: its `schema:` (a var resolved from dbt_project.yml), else its name."""
    raw = str(source.get("schema") or source["name"]).strip()
    var = _VAR.match(raw)
    return str(project_vars.get(var.group(1), source["name"])) if var else raw


def _source_files(root: Path) -> list[Path]:
    files = sorted((root / "models" / "staging").glob("*/_*__sources.yml"))
    rank = {name: i for i, name in enumerate(SOURCE_ORDER)}
    return sorted(files, key=lambda path: (rank.get(path.parent.name, len(rank)), path.parent.name))


@functools.lru_cache(maxsize=None)
def source_tables(root: Path = PROJECT_ROOT) -> dict[str, Columns]:
    """'schema.table' -> [(column, DuckDB type)], in the YAML's order, for every source table."""
    project_vars = (yaml.safe_load((root / "dbt_project.yml").read_text(encoding="utf-8")) or {}).get("vars", {})
    tables: dict[str, Columns] = {}
    for path in _source_files(root):
        for source in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("sources", []):
            schema = _schema(source, project_vars)
            for table in source.get("tables", []):
                where = f"{source['name']}.{table['name']}"
                columns = table.get("columns") or []
                if not columns:
                    raise SourceSchemaError(f"Source {where} declares no columns in {path}: list them with a data_type each.")
                typed: Columns = []
                for column in columns:
                    if not column.get("data_type"):
                        raise SourceSchemaError(f"Column {column['name']} of source {where} has no data_type "
                                                f"in {path}: add one (string, integer, decimal(p,s), date or timestamp).")
                    typed.append((column["name"], duckdb_type(column["data_type"], f"Column {column['name']} of {where}")))
                tables[f"{schema}.{table['name']}"] = typed
    return tables


def required_tables(root: Path = PROJECT_ROOT) -> dict[str, Columns]:
    """The source tables every project has (CONTRACT.md section 2)."""
    return {name: columns for name, columns in source_tables(root).items() if name not in OPTIONAL_TABLES}


def optional_tables(root: Path = PROJECT_ROOT) -> dict[str, Columns]:
    """The optional source tables (CONTRACT.md section 6)."""
    return {name: columns for name, columns in source_tables(root).items() if name in OPTIONAL_TABLES}


def create_table_sql(table: str, columns: Columns, *, replace: bool = False) -> str:
    """CREATE TABLE for DuckDB, every column name quoted ("timestamp" is a keyword)."""
    body = ", ".join(f'"{name}" {kind}' for name, kind in columns)
    verb = "CREATE OR REPLACE TABLE" if replace else "CREATE TABLE IF NOT EXISTS"
    return f"{verb} {table} ({body})"
