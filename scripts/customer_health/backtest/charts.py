"""The backtest's figures as Vega-Lite charts (Altair): lift by score decile, and how long
before churning the churned accounts were first warned.

The same charts go into the dashboard's Backtest page (drawn in the browser by the bundled
vega-embed) and, pre-rendered to SVG by vl-convert, into the standalone report page, which
stays free of scripts. The numbers behind every mark are in its tooltip / aria-label.
"""
from __future__ import annotations

from typing import Any

import altair as alt

from customer_health.backtest.tables import SCORER_LABELS, Backtest, Row

COLOURS = {"health_score": "#1f6feb", "activity_events_30d": "#bf8700", "nps_score": "#8250df"}
WARNING_COLOURS = {"first red": "#cf222e", "first yellow or red": "#d4a72c"}
NEVER_COLOUR = "#8c959f"
WIDTH, HEIGHT = 640, 260


def lift_chart(lift: list[Row], overall_rate_pct: float) -> alt.LayerChart:
    """Grouped bars: churn rate of each score decile, one colour per scorer; dashed = rate of all days."""
    scorers = [s for s in COLOURS if any(row["scorer"] == s for row in lift)]
    values = [{
        "decile": int(row["decile"]),
        "scorer": SCORER_LABELS.get(row["scorer"], row["scorer"]),
        "churn_rate_pct": round(float(row["pct_churn_rate"] or 0), 1),
        "lift": round(float(row["lift"] or 0), 2),
        "account_days": int(row["count_account_days"]),
    } for row in lift if row["decile"] is not None and row["scorer"] in scorers]
    labels = [SCORER_LABELS.get(s, s) for s in scorers]
    bars = alt.Chart(alt.Data(values=values)).mark_bar().encode(
        x=alt.X("decile:O", title="score decile (1 = lowest scores, the riskiest tenth of days)",
                axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("scorer:N", sort=labels),
        y=alt.Y("churn_rate_pct:Q", title="churn within horizon (% of days)"),
        color=alt.Color("scorer:N", sort=labels, title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=labels, range=[COLOURS[s] for s in scorers])),
        tooltip=[alt.Tooltip("scorer:N"), alt.Tooltip("decile:O"), alt.Tooltip("churn_rate_pct:Q", title="churned %"),
                 alt.Tooltip("lift:Q"), alt.Tooltip("account_days:Q", title="account-days")],
    )
    overall = alt.Chart(alt.Data(values=[{"rate": round(overall_rate_pct, 1),
                                          "label": f"all days {overall_rate_pct:.1f} %"}]))
    rule = overall.mark_rule(strokeDash=[6, 4], color="#24292f").encode(y="rate:Q")
    text = overall.mark_text(align="right", dy=-6, x="width", color="#24292f").encode(y="rate:Q", text="label:N")
    return alt.layer(bars, rule, text).properties(width=WIDTH, height=HEIGHT, title="Churn rate by score decile")


def lead_time_bins(red_leads: list[int], yellow_leads: list[int], never_red: int, never_yellow: int,
                   horizon_days: int, bin_days: int = 7) -> list[dict[str, Any]]:
    """Counts of lead times per bin of bin_days days (the last bin also holds the horizon), and 'never'."""
    bins = list(range(0, horizon_days + 1, bin_days))
    if bins[-1] < horizon_days:
        bins.append(horizon_days)
    edges = list(zip(bins[:-1], bins[1:]))
    labels = [f"{low}-{high - 1}" for low, high in edges[:-1]] + [f"{edges[-1][0]}-{horizon_days}"]
    rows = []
    for series, values, never in (("first red", red_leads, never_red),
                                  ("first yellow or red", yellow_leads, never_yellow)):
        counts = [sum(1 for v in values if low <= v < high) for low, high in edges]
        counts[-1] += sum(1 for v in values if v >= edges[-1][1])
        rows += [{"bin": label, "order": index, "series": series, "accounts": count}
                 for index, (label, count) in enumerate(zip(labels, counts))]
        rows.append({"bin": "never", "order": len(labels), "series": series, "accounts": never})
    return rows


def lead_time_chart(backtest: Backtest) -> alt.LayerChart:
    """Histogram of lead times (days from the first warning to churn), red and yellow-or-red."""
    c = backtest.context
    observed = [row for row in backtest.lead_times if row["scorer"] == "health_score" and row["is_window_observed"]]
    red = [int(row["lead_days_red"]) for row in observed if row["lead_days_red"] is not None]
    yellow = [int(row["lead_days_yellow_or_red"]) for row in observed if row["lead_days_yellow_or_red"] is not None]
    horizon, in_time = int(c["horizon_days"]), int(c["warning_lead_days"])
    values = lead_time_bins(red, yellow, len(observed) - len(red), len(observed) - len(yellow), horizon)
    order = [row["bin"] for row in sorted(values, key=lambda row: row["order"]) if row["series"] == "first red"]
    series = list(WARNING_COLOURS)
    bars = alt.Chart(alt.Data(values=values)).mark_bar().encode(
        x=alt.X("bin:N", sort=order, title="days between the first warning and the churn",
                axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("series:N", sort=series),
        y=alt.Y("accounts:Q", title="churned accounts", axis=alt.Axis(tickMinStep=1)),
        color=alt.condition(alt.datum.bin == "never", alt.value(NEVER_COLOUR),
                            alt.Color("series:N", sort=series, title=None, legend=alt.Legend(orient="top"),
                                      scale=alt.Scale(domain=series, range=list(WARNING_COLOURS.values())))),
        tooltip=[alt.Tooltip("series:N", title="warning"), alt.Tooltip("bin:N", title="days before churn"),
                 alt.Tooltip("accounts:Q")],
    )
    # the in-time line: the first bin at or past in_time days
    first_in_time = next((label for label in order if label != "never" and int(label.split("-")[0]) >= in_time),
                         order[-1])
    marker = alt.Chart(alt.Data(values=[{"bin": first_in_time, "label": f"{in_time} days: in time to act"}]))
    rule = marker.mark_rule(strokeDash=[6, 4], color="#24292f", xOffset=-12).encode(
        x=alt.X("bin:N", sort=order))
    text = marker.mark_text(align="left", baseline="top", dx=-8, y=4, color="#24292f").encode(
        x=alt.X("bin:N", sort=order), text="label:N")
    return alt.layer(bars, rule, text).properties(width=WIDTH, height=HEIGHT,
                                                   title="How long before churning were accounts warned?")


def overall_rate_pct(backtest: Backtest) -> float:
    c = backtest.context
    return 100.0 * c["count_churn_days"] / c["count_labelled_days"] if c["count_labelled_days"] else 0.0
