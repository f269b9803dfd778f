"""Command line: health-digest [--dry-run] [--date YYYY-MM-DD] [--force-stale]."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Sequence

import yaml

from customer_health.paths import SCRIPTS_DIR
from customer_health.retry import RetrySettings
from customer_health.credentials import install_log_redaction, redact, register_environment_secrets, register_secret, slack_webhook_url
from customer_health.digest.blocks import (
    WEEKDAYS, DigestSettings, PortfolioSummary, build_digest, group_alerts, is_portfolio_day, portfolio_summary,
)
from customer_health.errors import ConfigError, SyncError
from customer_health.freshness import DEFAULT_FRESHNESS_RELATION, StaleData, check_not_stale
from customer_health.retry import Backoff
from customer_health.digest.slack import post_webhook
from customer_health.warehouse import Warehouse, check_relation

DEFAULT_CONFIG = SCRIPTS_DIR / "slack_digest.yml"
log = logging.getLogger("slack_digest")


def load_config(path: Path | None) -> tuple[dict[str, str], DigestSettings, RetrySettings]:
    path = path or DEFAULT_CONFIG
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"The digest configuration file {path} does not exist.") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"The digest configuration file {path} is not valid YAML ({exc.__class__.__name__}).") from None
    relations = {"alerts": "marts.health_alerts", "health": "marts.account_health",
                 "freshness": DEFAULT_FRESHNESS_RELATION,
                 "retention": "marts.portfolio_retention", "renewals": "marts.renewal_forecast"}
    warehouse = raw.get("warehouse") or {}
    for key in relations:
        relations[key] = check_relation(str(warehouse.get(f"{key}_relation", relations[key])))
    try:
        digest = DigestSettings(**(raw.get("digest") or {}), **(raw.get("slack") or {}))
        retry = RetrySettings(**(raw.get("retry") or {}))
    except TypeError as exc:
        raise ConfigError(f"The digest configuration file {path} has an unknown key ({exc}).") from None
    if digest.portfolio_weekday not in (*WEEKDAYS, "daily", "never"):
        raise ConfigError(f"digest.portfolio_weekday must be a weekday (monday..sunday), daily or never, "
                          f"got '{digest.portfolio_weekday}'.")
    if not 1 <= digest.max_blocks <= 50 or not 1 <= digest.max_section_chars <= 3000:
        raise ConfigError("slack.max_blocks must be 1..50 and slack.max_section_chars 1..3000 (Slack's limits).")
    return relations, digest, retry


def read_digest_inputs(wh: Warehouse, relations: dict[str, str],
                       as_of: dt.date | None) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], dt.date | None]:
    alerts = wh.read_relation(relations["alerts"], "the alerts model").rows
    health = {str(r["account_id"]): r for r in wh.read_relation(relations["health"], "the health model").rows}
    dates = [a["alert_date"] for a in alerts if a.get("alert_date") is not None]
    return alerts, health, as_of or (max(dates) if dates else None)


def read_portfolio(wh: Warehouse, relations: dict[str, str]) -> PortfolioSummary | None:
    """The weekly portfolio figures, or None (with a warning) when the portfolio marts are missing."""
    try:
        retention = wh.read_relation(relations["retention"], "the portfolio retention model").rows
        renewals = wh.read_relation(relations["renewals"], "the renewal forecast model").rows
    except ConfigError as exc:
        log.warning("Portfolio section left out: %s", redact(exc))
        return None
    return portfolio_summary(retention, renewals)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="health-digest",
                                     description="Post the daily customer-health digest to a Slack incoming webhook.")
    parser.add_argument("--dry-run", action="store_true", help="print the Block Kit payload instead of posting it")
    parser.add_argument("--date", type=dt.date.fromisoformat, help="alert date to report (default: the latest)")
    parser.add_argument("--warehouse-dsn", help="PostgreSQL DSN (default: env HEALTH_WAREHOUSE_DSN)")
    parser.add_argument("--warehouse-path", help="DuckDB file (default: env DBT_DUCKDB_PATH or warehouse.duckdb)")
    parser.add_argument("--config", type=Path, help="YAML configuration (default: scripts/slack_digest.yml)")
    parser.add_argument("--force-stale", action="store_true",
                        help="post even when as_of_date lies more than stale_data_warn_days past the latest "
                        "loaded event (data_quality.data_freshness); without it such a digest is not posted")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    install_log_redaction()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    register_environment_secrets()
    dsn = args.warehouse_dsn or os.environ.get("HEALTH_WAREHOUSE_DSN") or None
    register_secret(dsn)
    try:
        relations, settings, retry = load_config(args.config)
        url = None if args.dry_run else slack_webhook_url()
        wh = Warehouse.open(dsn, args.warehouse_path, read_only=True)
        try:
            check_not_stale(wh, relations["freshness"], force=args.force_stale, sending=not args.dry_run,
                            what="the digest")
            alerts, health, as_of = read_digest_inputs(wh, relations, args.date)
            portfolio = read_portfolio(wh, relations) if is_portfolio_day(as_of, settings.portfolio_weekday) else None
        finally:
            wh.close()
        items = group_alerts(alerts, health, as_of) if as_of else []
        payload = build_digest(items, as_of, settings, relations["alerts"], portfolio)
        slipping = sum(1 for i in items if i.slipping)
        summary = (f"Digest for {as_of or 'today'}: {len(items)} account(s) with alerts ({slipping} slipping, "
                   f"{len(items) - slipping} ready to expand){', with the weekly portfolio section' if portfolio else ''}, "
                   f"{len(payload['blocks'])} blocks")
        if args.dry_run:
            print(json.dumps(payload, indent=2, ensure_ascii=False))
            print(f"{summary}; dry run, nothing posted.", file=sys.stderr)
            return 0
        if not items and not settings.post_when_empty:
            print(f"{summary}; nothing to post.")
            return 0
        assert url is not None
        post_webhook(url, payload, Backoff.from_settings(retry), retry.request_timeout_seconds)
        print(f"{summary}; posted to Slack.")
        return 0
    except StaleData as exc:
        print(f"Digest not sent: {redact(exc)}", file=sys.stderr)
        return 5
    except ConfigError as exc:
        print(f"Digest not sent: {redact(exc)}", file=sys.stderr)
        return 2
    except SyncError as exc:
        print(f"Digest not sent: {redact(exc)}", file=sys.stderr)
        return 3
    except Exception as exc:  # last resort: a sentence, not a stack trace
        log.debug("Unexpected failure", exc_info=True)
        first_line = (str(exc).strip().splitlines() or [""])[0][:200]
        print(f"Digest not sent: unexpected {exc.__class__.__name__}: {redact(first_line)}.", file=sys.stderr)
        return 4


if __name__ == "__main__":
    sys.exit(main())
