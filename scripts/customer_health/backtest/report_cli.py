"""Print the health score backtest and write it as a static HTML page.

Reads the backtest models (models/backtest, built by `make backtest`) from the warehouse
(the DuckDB file, or PostgreSQL with --warehouse-dsn): AUC against the two baselines,
what each band catches, how early the churned accounts were warned, false alarms and
churn by score decile. The HTML page has the same tables and two inline SVG figures,
and fetches nothing from the network.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from customer_health.cli import add_warehouse_arguments
from customer_health.backtest import html_report, ranking, text_tables, tables as warehouse
from customer_health.warehouse import query_errors, where
from customer_health.paths import PROJECT_ROOT

LOG = logging.getLogger("backtest_report")
DEFAULT_HTML = PROJECT_ROOT / "target" / "backtest" / "backtest_report.html"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_warehouse_arguments(parser)
    parser.add_argument("--html", default=str(DEFAULT_HTML),
                        help=f"where to write the HTML page (default: {DEFAULT_HTML.relative_to(PROJECT_ROOT)})")
    parser.add_argument("--bootstrap", type=int, default=200,
                        help="account resamples for the AUC intervals; 0 skips them (default 200)")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the bootstrap (default 7)")
    parser.add_argument("--quiet", action="store_true", help="print only the closing summary")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(levelname)s %(message)s")
    started = time.monotonic()
    try:
        with warehouse.connect(args.db, args.warehouse_dsn) as con:
            backtest = warehouse.load(con, with_days=args.bootstrap > 0)
    except warehouse.BacktestMissing as error:
        LOG.error("%s", error)
        return 1
    except query_errors() as error:
        LOG.error("Could not read the backtest from %s: %s", where(args.db, args.warehouse_dsn),
                  str(error).splitlines()[0])
        return 1

    intervals: dict[str, ranking.Interval] = {}
    differences: dict[str, ranking.Interval] = {}
    if args.bootstrap > 0:
        LOG.info("Resampling %d times over %d accounts for the AUC intervals", args.bootstrap,
                 len(set(backtest.accounts.tolist())))
        intervals, differences = ranking.bootstrap_auc(
            backtest.scores, backtest.labels, backtest.accounts, args.bootstrap, seed=args.seed)

    if not args.quiet:
        print(text_tables.render(backtest, intervals, differences))
        print()

    html_path = Path(args.html)
    try:
        html_path.parent.mkdir(parents=True, exist_ok=True)
        html_path.write_text(html_report.render(backtest, intervals, differences), encoding="utf-8")
    except OSError as error:
        LOG.error("Could not write the HTML report to %s: %s", html_path, error.strerror or error)
        return 1

    health = backtest.summary_of("health_score")
    others = ", ".join(f"{text_tables.label(row['scorer']).lower()} {row['auc']:.3f}"
                       for row in backtest.summary if row["scorer"] != "health_score")
    print(f"Backtest: health score AUC {health['auc']:.3f} (baselines: {others}) over "
          f"{health['count_labelled_days']:,} labelled account-days; report written to {html_path} "
          f"in {time.monotonic() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
