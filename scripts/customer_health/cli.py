"""Command-line pieces shared by the scripts that read the warehouse."""
from __future__ import annotations

import argparse
import os
from customer_health.paths import PROJECT_ROOT


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """--db: the DuckDB warehouse file, defaulting to dbt's own (DBT_DUCKDB_PATH) or the demo's."""
    parser.add_argument(
        "--db",
        default=os.environ.get("DBT_DUCKDB_PATH", str(PROJECT_ROOT / "warehouse.duckdb")),
        help="DuckDB warehouse file (default: $DBT_DUCKDB_PATH or warehouse.duckdb)",
    )


def add_warehouse_arguments(parser: argparse.ArgumentParser) -> None:
    """--db, and --warehouse-dsn for a PostgreSQL warehouse (as the sync and the digest take it)."""
    add_db_argument(parser)
    parser.add_argument(
        "--warehouse-dsn",
        default=os.environ.get("HEALTH_WAREHOUSE_DSN") or None,
        help="PostgreSQL DSN of a warehouse built with --target postgres; replaces --db "
             "(default: $HEALTH_WAREHOUSE_DSN)",
    )
