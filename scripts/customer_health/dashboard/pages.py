"""One function per page type; each returns the page's HTML.

Page types: the portfolio (index.html), who needs attention today, the account list, one
page per account, the CSM book, and the backtest. The portfolio page's retention, ARR-at-risk,
ARR-history and CSM-book sections (PORTFOLIO_HOOKS) each read one portfolio mart and say so
while the warehouse does not have it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from html import escape
from typing import Callable

from customer_health.dashboard import charts
from customer_health.dashboard.data import Dashboard, Row
from customer_health.dashboard.layout import band_badge, chart, html_cell, kpi, num, page, table
from customer_health.backtest import charts as backtest_charts
from customer_health.backtest import html_report, text_tables


@dataclass(frozen=True)
class Bands:
    """The band boundaries (dbt vars band_green_min_score, band_red_below_score)."""
    green_min: int
    red_below: int


@dataclass(frozen=True)
class PortfolioHook:
    """A portfolio section that reads one portfolio mart (render draws it; None: not written yet)."""
    key: str
    title: str
    mart: str
    shows: str
    render: Callable[[Dashboard], str] | None = None


def label(component: str) -> str:
    return component.replace("_", " ")


def money(value: float | None) -> str:
    return "n/a" if value is None else f"{float(value):,.0f}"


def account_file(account_id: str) -> str:
    """accounts/<id>.html; ids with other characters than letters, digits, . _ - get a hash suffix."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", account_id)
    if safe != account_id:
        safe += "-" + hashlib.sha1(account_id.encode()).hexdigest()[:8]
    return f"accounts/{safe}.html"


def account_link(row: Row, depth: int = 0) -> tuple[str, str]:
    href = "../" * depth + account_file(row["account_id"])
    return html_cell(f'<a href="{escape(href)}">{escape(row["account_name"] or row["account_id"])}</a>')


def band_counts(dashboard: Dashboard) -> dict[str, int]:
    counts = dict.fromkeys(charts.BANDS, 0)
    for row in dashboard.accounts:
        counts[row["health_band"]] = counts.get(row["health_band"], 0) + 1
    return counts


# --- portfolio marts' sections (CONTRACT section 6) -------------------------------------------
def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{float(value):.1f} %"


def retention_section(dashboard: Dashboard) -> str:
    whole = [row for row in dashboard.retention if row["segment_type"] == "all"]
    tiles = []
    for row in whole:
        days = int(row["period_days"])
        tiles += [kpi(f"NRR, last {days} days", pct(row["nrr_pct"]), f"nrr-{days}d"),
                  kpi(f"GRR, last {days} days", pct(row["grr_pct"]), f"grr-{days}d"),
                  kpi(f"logo retention, last {days} days", pct(row["logo_retention_pct"]), f"logo-retention-{days}d")]
    rows = [[f"{int(r['period_days'])} days", str(r["period_start_date"]), num(r["count_accounts_start"]),
             num(r["starting_arr"]), num(r["expansion_arr"]), num(r["contraction_arr"]), num(r["churned_arr"]),
             num(r["ending_arr"]), num(r["nrr_pct"], 1), num(r["grr_pct"], 1), num(r["new_arr"])] for r in whole]
    by_band = [row for row in dashboard.retention if row["segment_type"] == "health_band"]
    band_chart = chart("retention-by-band", charts.retention_by_segment(by_band)) if by_band else (
        '<p class="note">No band split: the retention periods start before the score history.</p>')
    return f"""
<p>Of the ARR the customers had at the start of each period, how much they pay today. NRR counts expansion;
GRR does not (at most 100 %). New customers since the period's start are not in either: they are the "new ARR" column.</p>
<div class="kpis">{''.join(tiles)}</div>
{table(["period", "since", "accounts then", "ARR then", "expansion", "contraction", "churned", "ARR today",
        "NRR %", "GRR %", "new ARR"], rows, "retention-table", numeric=tuple(range(2, 11)))}
{band_chart}
<p class="note">Bands as they stood at the period's start: does a red band lose more ARR than a green one?</p>
"""


def arr_at_risk_section(dashboard: Dashboard) -> str:
    renewals = dashboard.renewals
    order = list(dict.fromkeys(row["renewal_window"] for row in renewals))
    soon = {"overdue", "0_30_days", "31_90_days"}
    at_risk = [row["arr_at_risk"] for row in renewals if row["arr_at_risk"] is not None]
    at_risk_soon = [row["arr_at_risk"] for row in renewals if row["arr_at_risk"] is not None
                    and row["renewal_window"] in soon]
    tiles = [kpi("ARR at risk", money(sum(at_risk)) if at_risk else "n/a", "arr-at-risk"),
             kpi("of it renewing within 90 days", money(sum(at_risk_soon)) if at_risk else "n/a",
                 "arr-at-risk-90d"),
             kpi("ARR renewing within 90 days", money(sum(r["arr"] for r in renewals if r["renewal_window"] in soon)),
                 "arr-renewing-90d")]
    rows = [[row["renewal_window"].replace("_", " "), html_cell(band_badge(row["health_band"])),
             num(row["count_accounts"]), num(row["arr"]), num(row["churn_rate_pct"], 1), num(row["arr_at_risk"]),
             row["churn_rate_null_reason"] or ""]
            for row in renewals if row["count_accounts"]]
    return f"""
<p>Today's customers by when they renew and their band. ARR at risk is each band's ARR times the share of ARR
that churned from that band within 90 days on this team's own history: an expectation, not a list of names
(<a href="attention.html">those are here</a>).</p>
<div class="kpis">{''.join(tiles)}</div>
{chart("arr-at-risk-by-window", charts.arr_at_risk_by_window(renewals, order))}
{table(["renewal", "band", "accounts", "ARR", "band churn rate %", "ARR at risk", "why no rate"], rows,
       "renewal-table", numeric=(2, 3, 4, 5))}
"""


def arr_history_section(dashboard: Dashboard) -> str:
    return f"""
<p>ARR on each day (what the customers' subscriptions were worth that day), coloured by the band each account had
that day. "No band" is ARR of customers without a score that day: mostly customers who have left since.</p>
{chart("arr-by-band-over-time", charts.arr_by_band_over_time(dashboard.arr_history))}
"""


def csm_rows(book: list[Row]) -> list[list]:
    return [[row["csm_email"] or "(no CSM)", num(row["count_accounts"]), num(row["arr"]),
             num(row["count_accounts_green"]), num(row["count_accounts_yellow"]), num(row["count_accounts_red"]),
             num(row["count_accounts_needing_attention"]), num(row["arr_renewing_90d"]),
             num(row["arr_at_risk_renewing_90d"]), capacity(row)] for row in book]


def capacity(row: Row) -> tuple[str, str]:
    """Capacity used, with "over" when the book is overloaded (csm_book.is_overloaded)."""
    markup, css = num(row["pct_capacity_used"], 1)
    return (f"<b>over: {markup}</b>", css) if row["is_overloaded"] else (markup, css)


CSM_HEADERS = ["CSM", "accounts", "ARR", "green", "yellow", "red", "attention", "renewing ≤ 90 d",
               "at risk", "capacity %"]


def csm_book_section(dashboard: Dashboard) -> str:
    return f"""
<p>Each CSM's book today: accounts by band, who needs attention, what renews in the next 90 days and how much of it
is at risk. Capacity used compares the book with one CSM's full load (<a href="csm.html">the CSM page</a> has the
coverage tiers).</p>
{table(CSM_HEADERS[:9], [row[:9] for row in csm_rows(dashboard.csm_book)], "csm-book-table",
       numeric=tuple(range(1, 9)))}
"""


# A section per portfolio mart. render draws it when its mart exists (data.load reads the marts
# it finds); without the mart the section says what it will show. mart is a marts table, or
# schema.table elsewhere.
PORTFOLIO_HOOKS = [
    PortfolioHook("retention", "Net and gross revenue retention", "portfolio_retention",
                  "trailing 90- and 365-day NRR, GRR and logo retention, overall and by segment",
                  retention_section),
    PortfolioHook("arr-at-risk", "ARR at risk by renewal window", "renewal_forecast",
                  "ARR renewing per window and band, with the churn each band has shown in the backtest",
                  arr_at_risk_section),
    PortfolioHook("arr-history", "ARR by band over the history", "intermediate.int_account_arr_daily",
                  "ARR per account and day (ARR on a day, CONTRACT section 6), split by the day's band",
                  arr_history_section),
    PortfolioHook("csm-book", "CSM book", "csm_book",
                  "per CSM: accounts and ARR by band and coverage tier, who needs attention, ARR renewing in 90 days",
                  csm_book_section),
]


# --- portfolio ------------------------------------------------------------------------------
def portfolio(dashboard: Dashboard) -> str:
    counts = band_counts(dashboard)
    arr_total = sum(row["arr"] or 0 for row in dashboard.accounts)
    tiles = [
        kpi("current customers", f"{len(dashboard.accounts):,}", "accounts"),
        *(kpi(f"{band}", f"{counts[band]:,}", f"accounts-{band}", band) for band in charts.BANDS),
        kpi("need attention today", f"{len(dashboard.attention):,}", "attention-count"),
        kpi("ready to expand", f"{sum(1 for r in dashboard.accounts if r['is_expansion_ready']):,}", "expansion-ready"),
        kpi("ARR", money(arr_total), "arr"),
    ]
    per_day: dict[tuple[dt.date, str], int] = {}
    for row in dashboard.history:
        key = (row["as_of_date"], row["health_band"])
        per_day[key] = per_day.get(key, 0) + 1
    history = [{"day": day, "band": band, "accounts": count} for (day, band), count in sorted(per_day.items())]
    arr = [{"band": band, "accounts": counts[band],
            "arr": round(sum(r["arr"] or 0 for r in dashboard.accounts if r["health_band"] == band), 2)}
           for band in charts.BANDS]
    band_rows = [[html_cell(band_badge(item["band"])), num(item["accounts"]), num(item["arr"])] for item in arr]
    hooks = "\n".join(portfolio_hook(hook, dashboard) for hook in PORTFOLIO_HOOKS)
    body = f"""
<p>The book of business as of {dashboard.as_of_date}: how many customers are in each health band, how that changed,
and how many need a person today (<a href="attention.html">the list</a>).</p>
<div class="kpis">{''.join(tiles)}</div>
{chart("bands-over-time", charts.bands_over_time(history))}
<p class="note">Each day counts the accounts that were customers that day, with the band that day would have shown.</p>
{chart("arr-by-band", charts.arr_by_band(arr))}
{table(["band", "accounts", "ARR"], band_rows, "band-table", numeric=(1, 2))}
{hooks}
"""
    return page("Portfolio", body, "index.html", str(dashboard.as_of_date))


def portfolio_hook(hook: PortfolioHook, dashboard: Dashboard) -> str:
    if hook.render is not None and hook.mart in dashboard.optional_tables:
        return f'<section id="{hook.key}"><h2>{escape(hook.title)}</h2>{hook.render(dashboard)}</section>'
    return (f'<section id="{hook.key}"><h2>{escape(hook.title)}</h2>'
            f'<div class="hook" data-hook="{hook.key}">Not available yet: this section will show {escape(hook.shows)}, '
            f'from the <code>{escape(hook.mart)}</code> portfolio mart, which this warehouse does not have yet.</div>'
            f'</section>')


# --- who needs attention today ------------------------------------------------------------------
def attention(dashboard: Dashboard) -> str:
    rows = []
    for rank, row in enumerate(dashboard.attention, start=1):
        rows.append([
            num(rank), account_link(row), num(row["arr"]), num(row["health_score"]),
            html_cell(band_badge(row["health_band"])), num(row["score_change_7d"], signed=True),
            row["alert_types"] or "-",
            (row["health_drivers"] or "") + (f" At risk: {row['at_risk_reason']}." if row["at_risk_reason"] else ""),
            row["what_to_do"] or "Read the drivers, then call the account's most active user.",
        ])
    body = f"""
<p>Accounts with an alert today or flagged at risk, highest priority first (priority = alert severity × ARR).
"Why" is the score's own explanation; "what to do" comes from the alert playbooks.</p>
<div class="kpis">{kpi("need attention today", f"{len(rows):,}", "attention-count")}</div>
{table(["#", "account", "ARR", "score", "band", "7 days", "alerts", "why", "what to do"], rows,
       "attention-table", numeric=(0, 2, 3, 5))}
"""
    return page("Who needs attention today", body, "attention.html", str(dashboard.as_of_date))


# --- accounts --------------------------------------------------------------------------------
def account_list(dashboard: Dashboard) -> str:
    rows = [[account_link(row), html_cell(band_badge(row["health_band"])), num(row["health_score"]),
             num(row["score_change_7d"], signed=True), num(row["arr"]), row["plan"] or "", row["coverage_tier"],
             row["lifecycle_stage"], row["csm_email"] or "(none)", str(row["renewal_date"] or "n/a")]
            for row in sorted(dashboard.accounts, key=lambda r: (r["health_score"], r["account_id"]))]
    body = f"""
<p>Every current customer, lowest score first. Open an account for its score history, what moved it, and its users.</p>
{table(["account", "band", "score", "7 days", "ARR", "plan", "coverage", "lifecycle", "CSM", "renewal"], rows,
       "accounts-table", numeric=(2, 3, 4))}
"""
    return page("Accounts", body, "accounts.html", str(dashboard.as_of_date))


def component_rows(history: list[Row], components: list[str], max_points: dict[str, float]) -> list[list]:
    """Per component: points today, 7 and 28 days before, and the most it can give."""
    by_day = {row["as_of_date"]: row for row in history}
    today = history[-1]["as_of_date"] if history else None

    def points(days_back: int, name: str) -> float | None:
        if today is None:
            return None
        row = by_day.get(today - dt.timedelta(days=days_back))
        return None if row is None else row[f"points_{name}"]

    return [[label(name), num(points(0, name)), num(points(7, name)), num(points(28, name)),
             num(max_points.get(name), 1)] for name in components]


def account(dashboard: Dashboard, row: Row, bands: Bands) -> str:
    history = dashboard.history_of(row["account_id"])
    users = dashboard.users.get(row["account_id"], [])
    alerts = dashboard.alerts.get(row["account_id"], [])
    champion = next((user for user in users if user["user_id"] == row["champion_user_id"]), None)
    tiles = [
        kpi(f"health score ({row['health_band']})", str(row["health_score"]), "health-score", row["health_band"]),
        kpi("change in 7 days", "n/a" if row["score_change_7d"] is None else f"{row['score_change_7d']:+d}",
            "score-change-7d"),
        kpi("change in 28 days", "n/a" if row["score_change_28d"] is None else f"{row['score_change_28d']:+d}",
            "score-change-28d"),
        kpi("ARR", money(row["arr"]), "arr"),
        kpi("days to renewal", "n/a" if row["days_to_renewal"] is None else str(row["days_to_renewal"]),
            "days-to-renewal"),
        kpi("active users, 30 days", f"{row['active_users_30d']} of {row['licensed_seats'] or 'n/a'} seats",
            "active-users-30d"),
    ]
    facts = (f"{escape(row['plan'] or 'no plan')} · {escape(row['region'] or '')} · {escape(row['industry'] or '')} · "
             f"{escape(row['coverage_tier'])} · {escape(row['lifecycle_stage'])} · CSM "
             f"{escape(row['csm_email'] or '(none)')} · renews {escape(str(row['renewal_date'] or 'n/a'))}")
    alert_rows = [[a["severity"], a["alert_type"], a["what_changed"], a["why_it_matters"], a["what_to_do"]]
                  for a in alerts]
    alerts_html = (table(["severity", "alert", "what changed", "why it matters", "what to do"], alert_rows,
                         "alerts-table") if alert_rows else '<p class="note">No alert today.</p>')
    if row["champion_email"]:
        last = champion["last_active_date"] if champion else None
        champion_html = (f'<p id="champion">Champion <b>{escape(row["champion_email"])}</b>: last active '
                         f'<span data-metric="champion-last-active">{escape(str(last or "n/a"))}</span> '
                         f'({escape(str(row["champion_days_inactive"]))} days ago)'
                         f'{" — <b>gone dark</b>" if row["is_champion_gone_dark"] else ""}.</p>')
    else:
        champion_html = '<p id="champion" class="note">No champion: nobody carried the account\'s engagement in 60 days.</p>'
    user_rows = [[u["email"] or u["user_id"], u["role"] or "", num(u["engagement_score"]),
                  str(u["last_active_date"] or "n/a"), num(u["days_inactive"]), u["usage_frequency"] or "",
                  "yes" if u["is_power_user"] else ""] for u in users]
    body = f"""
<p>{facts}</p>
<div class="kpis">{''.join(tiles)}</div>
<div class="callout"><p id="drivers"><b>Why this score:</b> {escape(row['health_drivers'] or '')}</p>
<p id="change-reason"><b>What moved it:</b> {escape(row['score_change_reason'] or 'no change to explain')}</p></div>
<h2>Alerts and what to do</h2>
{alerts_html}
<h2>Score over time</h2>
{chart("score-trend", charts.score_trend(history, bands.green_min, bands.red_below))}
{chart("component-points", charts.component_points(history, dashboard.components,
                                                    {name: label(name) for name in dashboard.components}))}
{table(["component", "points today", "7 days ago", "28 days ago", "most possible"],
       component_rows(history, dashboard.components, dashboard.max_points), "components-table", numeric=(1, 2, 3, 4))}
<h2>Users</h2>
{champion_html}
{table(["user", "role", "engagement", "last active", "days inactive", "frequency", "power user"], user_rows,
       "users-table", numeric=(2, 4))}
"""
    return page(row["account_name"] or row["account_id"], body, "accounts.html", str(dashboard.as_of_date), depth=1)


# --- CSM book --------------------------------------------------------------------------------
def csm_page(dashboard: Dashboard) -> str:
    if "csm_book" not in dashboard.optional_tables:
        body = ('<div class="hook" data-hook="csm-page">No CSM book in this warehouse yet: it comes from the '
                '<code>csm_book</code> portfolio mart; run <code>make demo</code> (or dbt build), then '
                '<code>make dashboard</code>.</div>')
        return page("CSM book", body, "csm.html", str(dashboard.as_of_date))
    book = dashboard.csm_book
    assigned = [row for row in book if not row["is_unassigned"]]
    unassigned = sum(row["count_accounts"] for row in book if row["is_unassigned"])
    tiles = [kpi("CSMs", f"{len(assigned):,}", "csm-count"),
             kpi("overloaded books", f"{sum(1 for row in assigned if row['is_overloaded']):,}", "csm-overloaded"),
             kpi("accounts without a CSM", f"{unassigned:,}", "csm-unassigned")]
    tier_rows = [[row["csm_email"] or "(no CSM)", num(row["count_accounts_high_touch"]), num(row["arr_high_touch"]),
                  num(row["count_accounts_pooled"]), num(row["arr_pooled"]), num(row["count_accounts_tech_touch"]),
                  num(row["arr_tech_touch"]), num(row["arr_green"]), num(row["arr_yellow"]), num(row["arr_red"])]
                 for row in book]
    body = f"""
<p>One row per customer success manager, biggest book first; accounts without a CSM are the last row. "Attention"
counts accounts with an alert today; "at risk" is the ARR renewing within 90 days ("renewing ≤ 90 d") times its
band's historical churn rate. Capacity % adds up high-touch and pooled accounts against one CSM's full load; "over" marks a book above it.</p>
<div class="kpis">{''.join(tiles)}</div>
{table(CSM_HEADERS, csm_rows(book), "csm-table", numeric=tuple(range(1, 10)))}
<h2>Coverage tiers and ARR by band</h2>
{table(["CSM", "high-touch", "ARR", "pooled", "ARR", "tech-touch", "ARR", "ARR green", "ARR yellow", "ARR red"],
       tier_rows, "csm-tiers-table", numeric=tuple(range(1, 10)))}
"""
    return page("CSM book", body, "csm.html", str(dashboard.as_of_date))


# --- backtest --------------------------------------------------------------------------------
def backtest(dashboard: Dashboard) -> str:
    bt = dashboard.backtest
    if bt is None:
        body = ('<div class="hook" data-hook="backtest">No backtest in this warehouse yet: run <code>make backtest</code> '
                '(it builds the score history long enough to label churn), then <code>make dashboard</code>.</div>')
        return page("Does the health score work?", body, "backtest.html", str(dashboard.as_of_date))
    verdict = "".join(f"<li>{escape(sentence)}</li>" for sentence in text_tables.verdict(bt, None))
    body = f"""
<p>{escape(text_tables.headline(bt))}</p>
<div class="callout"><ul id="verdict">{verdict}</ul></div>
<h2>Does it rank risk? (AUC)</h2>
{html_report.html_table(text_tables.auc_grid(bt, None), "auc-table")}
<h2>What the bands catch</h2>
{html_report.html_table(text_tables.bands_grid(bt), "bands-table")}
<h2>How early did it warn?</h2>
{chart("lead-time-chart", backtest_charts.lead_time_chart(bt))}
{html_report.html_table(text_tables.lead_time_grid(bt), "lead-time-table")}
<h2>Lift by score decile</h2>
{chart("lift-chart", backtest_charts.lift_chart(bt.lift, backtest_charts.overall_rate_pct(bt)))}
{html_report.html_table(text_tables.lift_grid(bt), "lift-table", health_first_column=False)}
<p class="note">The full report, with the AUC intervals, is <code>make backtest</code>'s
target/backtest/backtest_report.html.</p>
"""
    return page("Does the health score work?", body, "backtest.html", str(bt.context["as_of_date"]))
