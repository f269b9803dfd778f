"""Build the static dashboard into target/dashboard/ from the warehouse.

Reads the marts (the DuckDB file, or PostgreSQL with --warehouse-dsn) and writes HTML pages
with Vega-Lite charts: the portfolio (index.html), who needs attention today, every account,
the CSM book and the backtest. index.html opens from disk with no network: the chart library is a local
file (assets/vega.js).
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import yaml

from customer_health.cli import PROJECT_ROOT, add_warehouse_arguments
from customer_health.dashboard import data, pages, site
from customer_health.errors import ConfigError
from customer_health.warehouse import open_read_only, query_errors, where

LOG = logging.getLogger("build_dashboard")
DEFAULT_OUT = PROJECT_ROOT / "target" / "dashboard"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_warehouse_arguments(parser)
    parser.add_argument("--out", default=str(DEFAULT_OUT),
                        help=f"folder to write the site to; replaced (default: {DEFAULT_OUT.relative_to(PROJECT_ROOT)})")
    return parser.parse_args(argv)


def band_boundaries() -> pages.Bands:
    """The band boundaries as the dbt project declares them (dbt_project.yml vars)."""
    project_vars = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
    return pages.Bands(green_min=int(project_vars["band_green_min_score"]),
                       red_below=int(project_vars["band_red_below_score"]))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    started = time.monotonic()
    try:
        with open_read_only(args.db, args.warehouse_dsn) as con:
            dashboard = data.load(con, tuple(hook.mart for hook in pages.PORTFOLIO_HOOKS))
    except (ConfigError, data.DashboardDataMissing) as error:
        LOG.error("%s", error)
        return 1
    except query_errors() as error:
        LOG.error("Could not read the marts from %s (%s): run dbt build first.",
                  where(args.db, args.warehouse_dsn), str(error).splitlines()[0])
        return 1
    out = Path(args.out)
    try:
        written = site.write(dashboard, out, band_boundaries())
    except OSError as error:
        LOG.error("Could not write the dashboard to %s: %s", out, error.strerror or error)
        return 1
    backtest = "with" if dashboard.backtest else "without (run make backtest for it)"
    print(f"Dashboard as of {dashboard.as_of_date}: {len(written)} pages ({len(dashboard.accounts)} accounts, "
          f"{len(dashboard.attention)} need attention today), {backtest} the backtest, in "
          f"{time.monotonic() - started:.1f} s. Open {(out / 'index.html').resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
