"""Print the accounts that need attention today, ranked by priority (severity x ARR).

The ranking is marts.account_health.attention_rank (defined once, in dbt); this script only
reads it.

Reads the marts built by `dbt build` (account_health, health_alerts) from the warehouse
(the DuckDB file, or PostgreSQL with --warehouse-dsn) and prints a readable table, the
last step of `make demo`.
"""
from __future__ import annotations

import argparse
import logging
import sys
import textwrap

from customer_health.cli import add_warehouse_arguments
from customer_health.errors import ConfigError
from customer_health.warehouse import open_read_only, query_errors, where

LOG = logging.getLogger("show_attention")
NAME_WIDTH = 28
WHY_LINES = 3
LEGEND = [
    "Columns: ARR = annual recurring revenue; score = health score 0-100; band = green, yellow or red;",
    "7d = score change since last week; users = active users in 30 days / licensed seats;",
    "adopt% = share of key features used in 30 days; activ% = share of onboarding milestones reached;",
    "alerts = today's alerts (marts.health_alerts, with what to do); why = what costs the score its points;",
    "at risk = why the account is flagged at risk (marts.account_health.at_risk_reason).",
]

ATTENTION_SQL = """
with alerts as (
    select
        account_id,
        max(case severity when 'high' then 3 when 'medium' then 2 else 1 end) as severity_rank,
        string_agg(alert_type, ', ' order by alert_type) as alert_types,
        string_agg(what_to_do, ' ' order by alert_type) as what_to_do
    from marts.health_alerts
    where alert_type <> 'expansion_ready'
    group by account_id
)
select
    health.account_name,
    health.arr,
    health.health_score,
    health.health_band,
    health.score_change_7d,
    health.active_users_30d,
    health.licensed_seats,
    health.feature_adoption_pct,
    health.activation_pct,
    alerts.alert_types,
    health.health_drivers,
    health.at_risk_reason,
    health.account_id,
    alerts.what_to_do,
    coalesce(alerts.severity_rank, 1) * health.arr as priority
from marts.account_health as health
left join alerts on health.account_id = alerts.account_id
where health.attention_rank is not null
order by health.attention_rank
limit %s
"""

SUMMARY_SQL = """
select
    count(*) as accounts,
    count(*) filter (where health_band = 'green') as green,
    count(*) filter (where health_band = 'yellow') as yellow,
    count(*) filter (where health_band = 'red') as red,
    count(*) filter (where is_expansion_ready) as expansion_ready,
    max(as_of_date) as as_of_date
from marts.account_health
"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_warehouse_arguments(parser)
    parser.add_argument("--limit", type=int, default=15, help="rows to show (default 15)")
    return parser.parse_args(argv)


def format_change(change: int | None) -> str:
    if change is None:
        return "n/a"
    return f"{change:+d}"


def format_seats(active: int, seats: int | None) -> str:
    return f"{active}/{seats}" if seats else f"{active}/-"


def format_name(name: str | None, account_id: str) -> str:
    """The account name cut to the column with an ellipsis; the id when the CRM has no name."""
    text = name or f"(no name) {account_id}"
    return text if len(text) <= NAME_WIDTH else text[: NAME_WIDTH - 1] + "…"


def format_pct(value: float | None) -> str:
    return "-" if value is None else f"{float(value):.1f}"


def wrap_field(label: str, text: str) -> list[str]:
    """A labelled text over at most WHY_LINES lines, ending in an ellipsis when it is cut."""
    first = f"    {label}: "
    return textwrap.wrap(text, width=110, initial_indent=first, subsequent_indent=" " * len(first),
                         max_lines=WHY_LINES, placeholder=" …")


def render(rows: list[tuple], summary: tuple) -> str:
    accounts, green, yellow, red, expansion, as_of = summary
    lines = [
        f"Account health as of {as_of}: {accounts} customers — {green} green, {yellow} yellow, {red} red; "
        f"{expansion} ready to expand.",
        "",
        f"{len(rows)} accounts need attention today, highest priority (severity x ARR) first:",
        "",
    ]
    header = f"{'#':>2}  {'account':<28} {'ARR':>10} {'score':>5} {'band':<6} {'7d':>4} {'users':>7} {'adopt%':>6} {'activ%':>6}  alerts"
    lines += [header, "-" * len(header)]
    for rank, row in enumerate(rows, start=1):
        (name, arr, score, band, change, active, seats, adoption, activation, alert_types, drivers, at_risk_reason,
         account_id, *_) = row
        lines.append(
            f"{rank:>2}  {format_name(name, account_id):<28} {float(arr or 0):>10,.0f} {score:>5} {band:<6} "
            f"{format_change(change):>4} {format_seats(active, seats):>7} {format_pct(adoption):>6} "
            f"{format_pct(activation):>6}  {alert_types or '-'}"
        )
        lines += wrap_field("why", drivers or "no drivers recorded")
        if at_risk_reason:
            lines += wrap_field("at risk", at_risk_reason)
    lines += ["", *LEGEND]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    args = parse_args(argv)
    try:
        with open_read_only(args.db, args.warehouse_dsn) as con:
            attention = con.fetch(ATTENTION_SQL, [args.limit])
            rows = [tuple(row[name] for name in attention.columns) for row in attention.rows]
            summary = tuple(con.fetch(SUMMARY_SQL).rows[0].values())
    except ConfigError as error:
        LOG.error("%s", error)
        return 1
    except query_errors() as error:
        LOG.error("Could not read the health marts from %s (%s): run dbt build first.",
                  where(args.db, args.warehouse_dsn), str(error).splitlines()[0])
        return 1
    print(render(rows, summary))
    print_portfolio(args)
    return 0


# ---- portfolio lines (issue 16): printed after the attention list, from the portfolio marts ----

PORTFOLIO_RETENTION_SQL = """
select period_days, starting_arr, ending_arr, nrr_pct, grr_pct, logo_retention_pct
from marts.portfolio_retention
where segment_type = 'all'
order by period_days
"""

PORTFOLIO_RENEWALS_SQL = """
select
    sum(arr) as arr_renewing,
    sum(arr_at_risk) as arr_at_risk,
    sum(case when health_band = 'red' then arr else 0 end) as arr_red
from marts.renewal_forecast
where renewal_window in ('0_30_days', '31_90_days')
"""

PORTFOLIO_BOOKS_SQL = """
select csm_email, count_accounts, pct_capacity_used
from marts.csm_book
where is_overloaded
order by csm_email
"""


def _pct_text(value: object) -> str:
    return "n/a" if value is None else f"{float(value):.1f}%"


def render_portfolio(retention: list[dict], renewals: dict, overloaded: list[dict]) -> str:
    """The portfolio lines: trailing retention per period, renewals at risk, overloaded books."""
    lines = ["", "Portfolio (ARR on a day as in CONTRACT.md section 6):"]
    for row in retention:
        lines.append(
            f"  last {row['period_days']} days: NRR {_pct_text(row['nrr_pct'])}, GRR {_pct_text(row['grr_pct'])}, "
            f"logos kept {_pct_text(row['logo_retention_pct'])} "
            f"(ARR {float(row['starting_arr']):,.0f} -> {float(row['ending_arr']):,.0f})")
    lines.append(
        f"  renewing in the next 90 days: {float(renewals['arr_renewing'] or 0):,.0f} ARR, "
        f"{float(renewals['arr_at_risk'] or 0):,.0f} at risk by the bands' own churn rates "
        f"({float(renewals['arr_red'] or 0):,.0f} of it red)")
    if overloaded:
        books = ", ".join(f"{row['csm_email']} ({row['count_accounts']} accounts, "
                          f"{_pct_text(row['pct_capacity_used'])} of capacity)" for row in overloaded)
        lines.append(f"  overloaded CSM books: {books}")
    else:
        lines.append("  no CSM book is over its capacity range")
    return "\n".join(lines)


def print_portfolio(args: argparse.Namespace) -> None:
    """Print the portfolio lines; a warehouse without the portfolio marts gets a one-line note."""
    try:
        with open_read_only(args.db, args.warehouse_dsn) as con:
            retention = con.fetch(PORTFOLIO_RETENTION_SQL).rows
            renewals = con.fetch(PORTFOLIO_RENEWALS_SQL).rows[0]
            overloaded = con.fetch(PORTFOLIO_BOOKS_SQL).rows
    except query_errors() as error:
        LOG.warning("No portfolio lines: the portfolio marts are not built (%s).", str(error).splitlines()[0])
        return
    print(render_portfolio(retention, renewals, overloaded))


if __name__ == "__main__":
    sys.exit(main())
