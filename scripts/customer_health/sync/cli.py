"""Command line: health-sync salesforce|hubspot [--dry-run] [--full] [--limit N] [--force-stale]."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Sequence

from customer_health.sync.config import load_settings
from customer_health.credentials import install_log_redaction, redact, register_environment_secrets
from customer_health.errors import ConfigError, SyncError
from customer_health.freshness import StaleData
from customer_health.sync.sync import EXIT_CONFIG, EXIT_STALE, EXIT_STOPPED, Options, run


def setup_logging(verbose: bool) -> None:
    install_log_redaction()
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("urllib3", "simple_salesforce"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="health-sync",
        description="Push account health from the warehouse into Salesforce or HubSpot, sending only changes.")
    parser.add_argument("destination", choices=("salesforce", "hubspot"))
    parser.add_argument("--dry-run", action="store_true",
                        help="print counts and the first field-level diffs; send and write nothing")
    parser.add_argument("--full", action="store_true", help="resend every record, changed or not")
    parser.add_argument("--limit", type=int, metavar="N", help="send at most N changed records this run")
    parser.add_argument("--show-diffs", type=int, default=20, metavar="N",
                        help="field-level diffs to print in a dry run (default 20)")
    parser.add_argument("--force-stale", action="store_true",
                        help="send even when as_of_date lies more than stale_data_warn_days past the latest "
                        "loaded event (data_quality.data_freshness); without it such a run sends nothing")
    parser.add_argument("--warehouse-dsn", help="PostgreSQL DSN (default: env HEALTH_WAREHOUSE_DSN); "
                        "without it the DuckDB file is used")
    parser.add_argument("--warehouse-path", help="DuckDB file (default: env DBT_DUCKDB_PATH or warehouse.duckdb "
                        "in the project root)")
    parser.add_argument("--config", type=Path, help="YAML configuration (default: scripts/sync_crm.yml)")
    parser.add_argument("--verbose", action="store_true", help="debug logging")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 0:
        parser.error("--limit must be 0 or more")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup_logging(args.verbose)
    register_environment_secrets()
    if args.warehouse_dsn:
        from customer_health.credentials import register_secret

        register_secret(args.warehouse_dsn)
    try:
        settings = load_settings(args.config)
        options = Options(destination=args.destination, dry_run=args.dry_run, full=args.full, limit=args.limit,
                          show_diffs=max(args.show_diffs, 0),
                          warehouse_dsn=args.warehouse_dsn or os.environ.get("HEALTH_WAREHOUSE_DSN") or None,
                          warehouse_path=args.warehouse_path, force_stale=args.force_stale)
        return run(settings, options, sys.stdout)
    except StaleData as exc:
        print(f"Sync not started: {redact(exc)}", file=sys.stderr)
        return EXIT_STALE
    except ConfigError as exc:
        print(f"Sync not started: {redact(exc)}", file=sys.stderr)
        return EXIT_CONFIG
    except SyncError as exc:
        print(f"Sync stopped: {redact(exc)}", file=sys.stderr)
        return EXIT_STOPPED
    except Exception as exc:  # last resort: a sentence, not a stack trace (details with --verbose)
        logging.getLogger("sync_crm").debug("Unexpected failure", exc_info=True)
        first_line = (str(exc).strip().splitlines() or [""])[0][:200]
        print(f"Sync failed unexpectedly ({exc.__class__.__name__}: {redact(first_line)}); what was saved so far "
              "is kept. Run again with --verbose for details.", file=sys.stderr)
        return 4
    except KeyboardInterrupt:
        print("Sync interrupted; what was saved so far is kept and the rest is sent next run.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
