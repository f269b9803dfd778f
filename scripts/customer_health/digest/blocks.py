"""Build the daily Slack digest (Block Kit) from health_alerts and account_health.

Once a week (`portfolio_weekday`) it opens with a portfolio section from portfolio_retention
and renewal_forecast: trailing NRR and GRR, and the ARR renewing in the next 90 days with the
part at risk.

Ranked: "Address first" (the top of account_health.attention_rank: severity x ARR), the
other slipping accounts in that order, then accounts ready to expand; each with what changed, why it matters
and what to do. Stays inside Slack's limits: at most `max_blocks` blocks, at most
`max_section_chars` characters per section text, `max_header_chars` for the header.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from customer_health.values import truncate

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
SEVERITY_ICON = {"high": ":red_circle:", "medium": ":large_orange_circle:", "low": ":large_yellow_circle:"}
EXPANSION = "expansion_ready"
MARKER = " […]"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RENEWING_WINDOWS = ("0_30_days", "31_90_days")   # renewal_forecast windows inside the next 90 days


@dataclass(frozen=True)
class DigestSettings:
    title: str = "Customer health digest"
    address_first: int = 5
    max_alerts_per_account: int = 3
    account_url_template: str = ""
    post_when_empty: bool = True
    max_blocks: int = 50
    max_section_chars: int = 3000
    max_header_chars: int = 150
    portfolio_weekday: str = "monday"    # a weekday, "daily" or "never"


@dataclass(frozen=True)
class PortfolioSummary:
    """The weekly portfolio figures: per retention period (days, NRR %, GRR %), and the ARR
    renewing in the next 90 days with the ARR at risk in it (bands without a churn rate listed)."""
    periods: list[tuple[int, Decimal | None, Decimal | None]]
    arr_renewing_90d: Decimal
    arr_at_risk_90d: Decimal
    bands_without_rate: list[str]


def is_portfolio_day(day: dt.date | None, setting: str) -> bool:
    """True when the digest of `day` carries the weekly portfolio section."""
    if day is None or setting == "never":
        return False
    return setting == "daily" or WEEKDAYS[day.weekday()] == setting


def portfolio_summary(retention: list[dict[str, Any]], renewals: list[dict[str, Any]]) -> PortfolioSummary:
    """The section's figures from the rows of portfolio_retention and renewal_forecast."""
    periods = sorted((int(r["period_days"]), r.get("nrr_pct"), r.get("grr_pct")) for r in retention
                     if r.get("segment_type") == "all")
    renewing = [r for r in renewals if r.get("renewal_window") in RENEWING_WINDOWS]
    missing = sorted({str(r["health_band"]) for r in renewing
                      if r.get("churn_rate_pct") is None and float(r.get("arr") or 0) > 0})
    return PortfolioSummary(
        periods=periods,
        arr_renewing_90d=sum((Decimal(str(r.get("arr") or 0)) for r in renewing), Decimal(0)),
        arr_at_risk_90d=sum((Decimal(str(r.get("arr_at_risk") or 0)) for r in renewing), Decimal(0)),
        bands_without_rate=missing,
    )


def _pct(value: Any) -> str:
    return "n/a" if value is None else f"{float(value):.1f} %"


def portfolio_text(summary: PortfolioSummary) -> str:
    retention = " · ".join(f"{days} days: NRR {_pct(nrr)}, GRR {_pct(grr)}" for days, nrr, grr in summary.periods)
    lines = [":bar_chart: *Portfolio this week* (trailing net and gross revenue retention)",
             f"• {retention or 'no retention figures yet'}",
             f"• Renewing in the next 90 days: ${float(summary.arr_renewing_90d):,.0f} ARR, "
             f"${float(summary.arr_at_risk_90d):,.0f} of it at risk (each band's churn rate on our own history)"]
    if summary.bands_without_rate:
        lines.append(f"    no churn rate yet for {', '.join(summary.bands_without_rate)} "
                     "(too little history): not counted at risk")
    return "\n".join(lines)


@dataclass
class AccountAlerts:
    account_id: str
    health: dict[str, Any]
    alerts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def slipping(self) -> bool:
        return any(a.get("alert_type") != EXPANSION for a in self.alerts)

    def rank_key(self) -> tuple[Any, ...]:
        """account_health.attention_rank (severity x ARR, defined once in dbt); unranked last."""
        rank = self.health.get("attention_rank")
        return rank is None, rank if rank is not None else 0, self.account_id


def escape(text: Any) -> str:
    """Slack mrkdwn needs &, < and > escaped."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _money(value: Any) -> str:
    if value is None:
        return "ARR unknown"
    amount = float(value) if isinstance(value, (Decimal, int, float)) else float(str(value))
    return f"${amount:,.0f} ARR"


def _headline(item: AccountAlerts, settings: DigestSettings) -> str:
    h = item.health
    name = escape(h.get("account_name") or item.account_id)
    if settings.account_url_template and h.get("crm_id"):
        url = settings.account_url_template.format(crm_id=h["crm_id"], account_id=item.account_id)
        name = f"<{url}|{name}>"
    parts = [f"*{name}*", _money(h.get("arr"))]
    if h.get("health_score") is not None:
        change = h.get("score_change_7d")
        moved = f", {change:+d} in 7 days" if isinstance(change, int) and change else ""
        parts.append(f"score {h['health_score']} ({h.get('health_band') or 'no band'}{moved})")
    if h.get("days_to_renewal") is not None:
        parts.append(f"renews in {h['days_to_renewal']} days")
    if h.get("csm_email"):
        parts.append(f"CSM {escape(h['csm_email'])}")
    return " · ".join(parts)


def account_text(item: AccountAlerts, settings: DigestSettings) -> str:
    lines = [_headline(item, settings)]
    alerts = sorted(item.alerts, key=lambda a: SEVERITY_RANK.get(str(a.get("severity")), 3))
    for alert in alerts[: settings.max_alerts_per_account]:
        icon = SEVERITY_ICON.get(str(alert.get("severity")), ":white_circle:")
        kind = str(alert.get("alert_type") or "alert").replace("_", " ")
        lines.append(f"{icon} *{escape(kind)}* — {escape(alert.get('what_changed') or '')}")
        lines.append(f"    _Why it matters:_ {escape(alert.get('why_it_matters') or '')}")
        lines.append(f"    _What to do:_ {escape(alert.get('what_to_do') or '')}")
    if len(alerts) > settings.max_alerts_per_account:
        lines.append(f"    …and {len(alerts) - settings.max_alerts_per_account} more alert(s)")
    text, _ = truncate("\n".join(lines), settings.max_section_chars, MARKER)
    return text


def _section(text: str, settings: DigestSettings) -> dict[str, Any]:
    text, _ = truncate(text, settings.max_section_chars, MARKER)
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(text, 3000, MARKER)[0]}]}


def group_alerts(alerts: list[dict[str, Any]], health: dict[str, dict[str, Any]],
                 as_of: dt.date) -> list[AccountAlerts]:
    grouped: dict[str, AccountAlerts] = {}
    for alert in alerts:
        if alert.get("alert_date") != as_of:
            continue
        key = str(alert.get("account_id"))
        grouped.setdefault(key, AccountAlerts(key, health.get(key, {}))).alerts.append(alert)
    return list(grouped.values())


def build_digest(items: list[AccountAlerts], as_of: dt.date | None, settings: DigestSettings,
                 source: str = "health_alerts", portfolio: PortfolioSummary | None = None) -> dict[str, Any]:
    """The webhook payload: {"text": fallback, "blocks": [...]} within Slack's limits; the
    portfolio section, when given, comes right after the header."""
    day = as_of.isoformat() if as_of else "today"
    header = {"type": "header", "text": {"type": "plain_text", "emoji": True,
                                         "text": truncate(f"{settings.title} — {day}", settings.max_header_chars,
                                                          MARKER)[0]}}
    slipping = sorted((i for i in items if i.slipping), key=AccountAlerts.rank_key)
    expanding = sorted((i for i in items if not i.slipping), key=lambda i: (-float(i.health.get("arr") or 0),
                                                                            i.account_id))
    fallback = (f"{settings.title} {day}: {len(slipping)} slipping, {len(expanding)} ready to expand"
                if items else f"{settings.title} {day}: no account needs attention today")
    portfolio_blocks = [_section(portfolio_text(portfolio), settings)] if portfolio else []
    if not items:
        return {"text": fallback, "blocks": [header, *portfolio_blocks, _section(
            "No account needs attention today: no new alerts in the health model.", settings)]}
    first, rest = slipping[: settings.address_first], slipping[settings.address_first:]
    groups = [
        (":rotating_light: *Address first* — the most severe, largest accounts", first),
        (":chart_with_downwards_trend: *Slipping*", rest),
        (":rocket: *Ready to expand*", expanding),
    ]
    blocks: list[dict[str, Any]] = [header, *portfolio_blocks, _context(
        f"{len(slipping)} slipping, {len(expanding)} ready to expand. Ranked by severity x ARR.")]
    budget = settings.max_blocks - 1          # keep one block for "and N more"
    left_out = 0
    for title, group in groups:
        if not group:
            continue
        if len(blocks) + 3 > budget:          # divider + title + at least one account
            left_out += len(group)
            continue
        blocks.append({"type": "divider"})
        blocks.append(_section(title, settings))
        for index, item in enumerate(group):
            if len(blocks) >= budget:
                left_out += len(group) - index
                break
            blocks.append(_section(account_text(item, settings), settings))
    if left_out:
        blocks.append(_context(f"…and {left_out} more account(s) with alerts today: see {source}."))
    return {"text": fallback, "blocks": blocks[: settings.max_blocks]}
