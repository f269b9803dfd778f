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

LOG = logging.getLogger("make_empty_sources")

# Column names and types exactly as in ../shared/CONTRACT.md, section 2.
SOURCE_TABLES: dict[str, str] = {
    "segment.tracks": "id varchar, anonymous_id varchar, user_id varchar, event varchar, event_text varchar, "
    '"timestamp" timestamp, received_at timestamp, context_group_id varchar',
    "segment.identifies": 'id varchar, user_id varchar, anonymous_id varchar, "timestamp" timestamp, '
    "received_at timestamp, email varchar, name varchar, role varchar",
    "segment.groups": 'id varchar, user_id varchar, group_id varchar, "timestamp" timestamp, '
    "received_at timestamp, name varchar, plan varchar",
    "crm.accounts": "account_id varchar, crm_id varchar, name varchar, arr decimal(18,2), seats integer, "
    "plan varchar, contract_start_date date, renewal_date date, csm_email varchar, industry varchar, "
    "region varchar, churned_at date",
    "support.tickets": "ticket_id varchar, account_id varchar, requester_user_id varchar, created_at timestamp, "
    "solved_at timestamp, priority varchar, status varchar, satisfaction varchar",
    "surveys.nps_responses": "response_id varchar, user_id varchar, account_id varchar, score integer, "
    "submitted_at timestamp, comment varchar",
    "billing.invoices": "invoice_id varchar, account_id varchar, amount decimal(18,2), currency varchar, "
    "issued_at date, due_at date, paid_at date, status varchar",
}
# Optional tables (CONTRACT.md section 6): a project runs unchanged without them.
OPTIONAL_TABLES: dict[str, str] = {
    "billing.subscriptions": "subscription_id varchar, account_id varchar, plan varchar, arr decimal(18,2), "
    "seats integer, started_on date, ended_on date",
}


def create_empty_sources(db_path: Path, with_subscriptions: bool = False) -> None:
    """The required source tables, empty; billing.subscriptions too when asked (an empty
    subscriptions table means "ARR 0 everywhere" to the project, not "no subscriptions")."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tables = {**SOURCE_TABLES, **(OPTIONAL_TABLES if with_subscriptions else {})}
    with duckdb.connect(str(db_path)) as con:
        for table, columns in tables.items():
            schema = table.split(".")[0]
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table if not exists {table} ({columns})")


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
