"""Create the contract's raw source tables, empty, in a DuckDB file.

sqlfluff's dbt templater compiles the project, which needs the sources to exist; this
gives it a warehouse without generating data. Also handy for `dbt build --empty`-style
checks of a new configuration.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import duckdb

from customer_health import source_schema

LOG = logging.getLogger("empty_sources")

# Column names and types from the sources YAML (customer_health.source_schema): the contract's
# section 2 tables, and the optional ones of section 6 (a project runs unchanged without them).
SOURCE_TABLES = source_schema.required_tables()
OPTIONAL_TABLES = source_schema.optional_tables()


def create_empty_sources(db_path: Path, with_subscriptions: bool = False) -> None:
    """The required source tables, empty; billing.subscriptions too when asked (an empty
    subscriptions table means "ARR 0 everywhere" to the project, not "no subscriptions")."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tables = {**SOURCE_TABLES, **(OPTIONAL_TABLES if with_subscriptions else {})}
    with duckdb.connect(str(db_path)) as con:
        for table, columns in tables.items():
            schema = table.split(".")[0]
            con.execute(f"create schema if not exists {schema}")
            con.execute(source_schema.create_table_sql(table, columns))


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="DuckDB file to create the tables in")
    parser.add_argument("--with-subscriptions", action="store_true",
                        help="also create the optional billing.subscriptions table")
    args = parser.parse_args(argv)
    create_empty_sources(Path(args.db), with_subscriptions=args.with_subscriptions)
    LOG.info("Empty source tables ready in %s", args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
