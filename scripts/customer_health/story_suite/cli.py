"""Command line of the story suite: generate, build with dbt, report (and write docs/story_suite.md)."""
from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

from customer_health.story_suite.generate import SuiteConfig, generate
from customer_health.story_suite.report import DEMO_META_SQL, Summary, markdown, summarise
from customer_health.paths import PROJECT_ROOT

log = logging.getLogger("story_suite")
SMALL = {"accounts_per_story": 5, "days": 300, "history_days": 190, "big_share": 0.0, "max_users": 200}
FULL = {"accounts_per_story": 14, "days": 330, "history_days": 210, "big_share": 0.08}


INTRO = """# The story suite

Early warning checked on data the score was never tuned on (issue 15). `health-story-suite`
generates many accounts per story (scripts/customer_health/story_suite/stories.py), with wide random parameters,
known decline windows, first changes and churn dates, from 2 to 2,000 users and from a few events a week to
thousands a day, into the demo's source tables (plus `story_meta.account_stories`). It then builds
the project on it and reads `account_health_daily`:

- **warned 28 / 42 d before**: the share of a story's churners yellow or red on the day 28 (42) days
  before they churned;
- **median lead**: days before churn of the first yellow or red day within the 90 days before
  (0 when never warned);
- **AUC after the decline began**: a story's account-days from the day its decline began to churn against
  every account-day of the fine stories (a lower score should mean risk); **activity AUC**: the same days
  ranked by every event of the last 30 days (the backtest's naive baseline);
- **decline began**: the median days before churn of the first day the decline shows in the account's
  data (`first_change_date`);
- fine stories: the share of their account-days yellow, and red.

When a decline began: each story draws its decline inside a window (`decline_onset_date`, its first day),
but the data does not always change on that day: a seat contraction's leavers stop at random days inside the
window (an account can draw no leaver at all), an escalation starts with its first urgent ticket, usage
curves start falling the day after. The generator records the first day the change shows in the generated
data (`first_change_date`), and the targets ("churners whose decline began 6 or more weeks before churn",
the AUC after the decline began) date the decline from it (issue 15, eleventh pass). The same figures
dated from the window's first day are printed below the targets: they are the figures of the passes before.

```bash
.venv/bin/health-story-suite           # full suite (about 10 minutes), rewrites this file
.venv/bin/health-story-suite --small   # the small version tests/python/demo_data/test_story_suite.py asserts
.venv/bin/health-story-suite --demo-db warehouse.duckdb   # the same figures on the demo (after make demo, make backtest)
```

On a demo warehouse the churners are the churned accounts (onset: the demo's decline start, not
recorded for stalled onboardings), the fine side is the demo's fine stories (steady, expanding,
noisy_fine), and at-risk accounts that had not churned by the end are shown apart, counted in
neither.

Support tickets: every account, fine or churning, files ordinary tickets (normal, a tenth high;
more for bigger accounts) and, like any B2B customer, now and then an urgent one: an outage or a
blocking bug, about 0.11 a month for a 2-user account up to 0.40 for 2,000 users. Most urgent
tickets are solved within 0-3 days, 15 % only after 7-20 days (hard bugs), a few are rated bad
(more of the slow ones). So fine accounts meet an urgent ticket open a week or more, or one rated
bad in the last 30 days, in about 8 % of their account-months (seed 15: 7.7 %). This was added in
issue 15's seventh pass: before, fine accounts never filed an urgent ticket, so what a support rule
costs healthy accounts could not be measured. The support escalation story adds its own: one to
four urgent tickets after onset, each left open or solved after 3-20 days and rated bad.

The support score counts bad ratings as a share of the account's rated tickets (issue 15, seventh
pass, part 5b): each ticket rated bad in the last 90 days costs 30 support points x min(1, 5 /
tickets rated good or bad in the same 90 days) (var `support_csat_min_rated`, 5). So an account
with at most 5 ratings loses the full 30 per bad one, as before; a busy account with 2 bad of 20
rated loses 15 in all, not 60.

The suite uses the project's own product seeds (event catalog and milestones), but draws per
account a random subset and mix of the meaningful events, a random share of logins and page
views, its own size and weekly rhythm: usage shapes the demo never had. A different product's
catalog would test the same code paths (every component reads the catalog through the seeds),
while keeping the seeds lets the suite run in the same build and test harness as the project.
"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Generate the story suite, build the score on it, report per story.")
    parser.add_argument("--db", type=Path, default=PROJECT_ROOT / "target" / "story_suite" / "suite.duckdb")
    parser.add_argument("--small", action="store_true", help="the small version make test runs")
    parser.add_argument("--accounts-per-story", type=int, default=None)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--report-only", action="store_true", help="report on an already built suite warehouse")
    parser.add_argument("--docs", type=Path, default=None,
                        help="write the table to this markdown file (default: docs/story_suite.md for the full suite)")
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--demo-db", type=Path, default=None,
                        help="instead: the same figures on a built demo warehouse (make demo, make backtest), per demo "
                             "story; its fine side is the demo's fine stories (steady, expanding, noisy_fine)")
    return parser.parse_args(argv)


def build(db: Path, end_date: date, history_days: int) -> None:
    # dbt's own artefacts go next to the suite warehouse, so the project's target/ is left alone
    env = {**os.environ, "DBT_DUCKDB_PATH": str(db), "DBT_PROFILES_DIR": str(PROJECT_ROOT),
           "DBT_TARGET_PATH": str(db.parent / "dbt_target"), "DBT_LOG_PATH": str(db.parent / "dbt_logs")}
    dbt = str(PROJECT_ROOT / ".venv" / "bin" / "dbt")
    variables = f"{{as_of_date: '{end_date.isoformat()}', history_days: {history_days}}}"
    for command in (["seed", "--full-refresh"],
                    ["run", "--full-refresh", "--select", "+account_health_daily", "+health_backtest_account_days"]):
        log.info("dbt %s", " ".join(command))
        result = subprocess.run([dbt, *command, "--vars", variables, "--quiet"], cwd=PROJECT_ROOT, env=env,
                                capture_output=True, text=True, check=False)
        if result.returncode != 0:
            sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
            raise RuntimeError(f"dbt {command[0]} failed on the story suite warehouse {db}")


def demo_report(db: Path) -> tuple[str, Summary]:
    """The suite's figures on a demo warehouse: churners are the churned accounts (onset: the demo's decline
    start, unknown for stalled onboardings), fine are the demo's fine stories; accounts of an at-risk story
    that had not churned by the end are shown apart."""
    if not db.exists():
        raise FileNotFoundError(f"No demo warehouse at {db}: run make demo and make backtest first.")
    con = duckdb.connect(str(db), read_only=True)
    try:
        summary = summarise(con, DEMO_META_SQL)
    except duckdb.CatalogException as error:
        raise FileNotFoundError(f"{db} is not a built demo warehouse (no demo_meta.account_timelines, "
                                f"account_health_daily or backtest table: {error}): run make demo and make "
                                "backtest first.") from error
    finally:
        con.close()
    header = (f"Demo warehouse {db}: churned accounts by demo story against the demo's fine stories; accounts at "
              "risk that had not churned by the end are counted in neither.")
    return header + "\n\n" + markdown(summary), summary


def run(args: argparse.Namespace) -> str:
    """Generate and build the suite (unless --report-only); the report as markdown."""
    text, _summary = run_suite(args)
    return text


def run_suite(args: argparse.Namespace) -> tuple[str, Summary]:
    sizes = dict(SMALL if args.small else FULL)
    if args.accounts_per_story:
        sizes["accounts_per_story"] = args.accounts_per_story
    config = SuiteConfig(db=args.db, seeds_dir=PROJECT_ROOT / "seeds", seed=args.seed, **sizes)
    if not args.report_only:
        started = time.monotonic()
        counts = generate(config)
        log.info("generated %s in %.0f s", ", ".join(f"{t} {n:,}" for t, n in counts.items()),
                 time.monotonic() - started)
        started = time.monotonic()
        build(args.db, config.end_date, config.history_days)
        log.info("dbt built the suite in %.0f s", time.monotonic() - started)
    con = duckdb.connect(str(args.db), read_only=True)
    try:
        summary = summarise(con)
    finally:
        con.close()
    table = markdown(summary)
    header = (f"Story suite: {len(summary.rows)} stories x {config.accounts_per_story} accounts, "
              f"{config.days} days ending {config.end_date}, {config.history_days} days of score history, "
              f"seed {config.seed}.")
    return header + "\n\n" + table, summary


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args(argv)
    if args.demo_db is not None:
        try:
            text, _summary = demo_report(args.demo_db)
        except FileNotFoundError as error:
            log.error("%s", error)
            return 1
        print(text)
        return 0
    text = run(args)
    print(text)
    docs = args.docs or (None if args.small else PROJECT_ROOT / "docs" / "story_suite.md")
    if docs is not None and not args.no_docs:
        docs.write_text(INTRO + "\n## Figures of the current defaults\n\n" + text + "\n")
        log.info("wrote %s", docs)
    return 0
