#!/usr/bin/env python3
"""Generate a deterministic demo warehouse: every contract source table, in one DuckDB file.

Accounts follow stories (steady, expanding, decaying, champion_loss, stalled_onboarding,
noisy_fine), the product follows seeds/event_catalog.csv and seeds/activation_milestones.csv,
and a known number of dirty rows is planted per data-quality kind (see demo_meta.planted_issues).
Same seed and flags give identical table contents; re-running replaces the tables.

    health-demo-data --accounts 200 --days 450 --events 1500000
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb

from customer_health.demo_data.accounts import MAX_ACCOUNTS
from customer_health.demo_data.catalog import CatalogError
from customer_health.demo_data.config import GeneratorConfig
from customer_health.demo_data.pipeline import RunSummary, run
from customer_health.paths import PROJECT_ROOT

log = logging.getLogger("generate_demo_data")


def _default_db() -> Path:
    env = os.environ.get("DBT_DUCKDB_PATH")
    return Path(env) if env else PROJECT_ROOT / "warehouse.duckdb"


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-03-01") from exc


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None,
                        help="DuckDB file to write (default: $DBT_DUCKDB_PATH or warehouse.duckdb in the project root)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--accounts", type=int, default=200, help="number of CRM accounts (default 200)")
    parser.add_argument("--days", type=int, default=450, help="days of history ending at --end-date (default 450)")
    parser.add_argument("--end-date", type=_iso_date, default=None,
                        help="last day of history, YYYY-MM-DD (default: today in UTC)")
    parser.add_argument("--events", type=int, default=1_500_000,
                        help="approximate total rows in segment.tracks (default 1,500,000)")
    parser.add_argument("--seeds-dir", type=Path, default=PROJECT_ROOT / "seeds", help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true", help="only warnings and the final summary")
    args = parser.parse_args(argv)
    if not 0 <= args.seed < 2**31:
        parser.error("--seed must be between 0 and 2147483647")
    if not 1 <= args.accounts <= MAX_ACCOUNTS:
        parser.error(f"--accounts must be between 1 and {MAX_ACCOUNTS}")
    if args.days < 30:
        parser.error("--days must be at least 30 so the stories have room to unfold")
    if args.events < 1_000:
        parser.error("--events must be at least 1000")
    return args


def format_summary(summary: RunSummary) -> str:
    lines = [f"Demo warehouse written to {summary.db_path} in {summary.seconds:.1f} s ({summary.users:,} users).", "",
             "Rows per table:"]
    lines += [f"  {table:<24} {count:>12,}" for table, count in summary.rows.items()]
    lines += ["", "Stories (accounts, of which churned):"]
    lines += [f"  {story:<20} {count:>6} {churned:>6}" for story, (count, churned) in summary.stories.items()]
    lines += ["", "Planted dirty rows (demo_meta.planted_issues):"]
    lines += [f"  {table:<24} {kind:<26} {count:>9,}" for table, kind, count in summary.planted]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s", force=True)
    config = GeneratorConfig(
        db_path=args.db or _default_db(),
        seeds_dir=args.seeds_dir,
        seed=args.seed,
        accounts=args.accounts,
        days=args.days,
        end_date=args.end_date or datetime.now(timezone.utc).date(),
        events=args.events,
    )
    try:
        summary = run(config)
    except CatalogError as exc:
        log.error("%s", exc)
        return 1
    except duckdb.Error as exc:
        log.error("Could not write %s: %s (is another process holding the file open?)", config.db_path, exc)
        return 1
    except OSError as exc:
        log.error("Could not read or write a file: %s", exc)
        return 1
    print(format_summary(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
