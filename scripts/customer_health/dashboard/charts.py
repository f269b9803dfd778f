"""The dashboard's charts, as Vega-Lite specs built with Altair.

Each function returns the chart and its rows separately (a Figure): the chart names its data
(alt.Data(name=...)) and layout.chart puts the rows into the spec's top-level `datasets`
after Altair has validated the spec. Validating thousands of rows against the Vega-Lite
schema took most of a build; the spec itself is still checked. The rows go inline, so a page
needs nothing but the local vega bundle to draw them.
"""
from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import altair as alt

BAND_COLOURS = {"green": "#2da44e", "yellow": "#d4a72c", "red": "#cf222e"}
BANDS = list(BAND_COLOURS)
WIDTH, HEIGHT = 760, 240
Row = dict[str, Any]
Spec = dict[str, Any]
# a chart (or its validated spec, for the per-account charts, whose spec is the same for
# every account) and the rows of its named data
Figure = tuple[alt.TopLevelMixin | Spec, dict[str, list[Row]]]


def iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def band_scale() -> alt.Scale:
    return alt.Scale(domain=BANDS, range=list(BAND_COLOURS.values()))


def score_trend(history: list[Row], green_min: int, red_below: int) -> Figure:
    """The account's daily score over the history, over shaded band areas."""
    values = [{"day": iso(row["as_of_date"]), "score": row["health_score"], "band": row["health_band"]}
              for row in history]
    return score_trend_spec(green_min, red_below), {"scores": values}


@functools.lru_cache(maxsize=4)
def score_trend_spec(green_min: int, red_below: int) -> Spec:
    """Validated once per build: every account's trend has the same spec."""
    areas = alt.Chart(alt.Data(values=[
        {"band": "red", "low": 0, "high": red_below},
        {"band": "yellow", "low": red_below, "high": green_min},
        {"band": "green", "low": green_min, "high": 100},
    ])).mark_rect(opacity=0.14).encode(
        y=alt.Y("low:Q", scale=alt.Scale(domain=[0, 100]), title="health score"), y2="high:Q",
        color=alt.Color("band:N", scale=band_scale(), title="band", legend=alt.Legend(orient="top")),
    )
    base = alt.Chart(alt.Data(name="scores")).encode(x=alt.X("day:T", title=None))
    line = base.mark_line(color="#24292f", strokeWidth=1.5).encode(y="score:Q")
    points = base.mark_circle(size=18).encode(
        y="score:Q", color=alt.Color("band:N", scale=band_scale(), legend=None),
        tooltip=[alt.Tooltip("day:T", title="day"), alt.Tooltip("score:Q"), alt.Tooltip("band:N")])
    chart = alt.layer(areas, line, points).properties(width=WIDTH, height=HEIGHT, title="Health score by day")
    return chart.to_dict()


def component_points(history: list[Row], components: list[str], labels: dict[str, str]) -> Figure:
    """Points each component gave on each day, stacked: the stack's height is the score."""
    values = [{"day": iso(row["as_of_date"]), "component": labels[name], "points": row[f"points_{name}"]}
              for row in history for name in components if row[f"points_{name}"] is not None]
    return component_points_spec(tuple(labels[name] for name in components)), {"points": values}


@functools.lru_cache(maxsize=4)
def component_points_spec(order: tuple[str, ...]) -> Spec:
    """Validated once per build: every account's component chart has the same spec."""
    chart = alt.Chart(alt.Data(name="points")).mark_area().encode(
        x=alt.X("day:T", title=None),
        y=alt.Y("points:Q", stack="zero", title="points", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("component:N", sort=list(order), title="component", scale=alt.Scale(scheme="tableau20")),
        order=alt.Order("component_order:Q"),
        tooltip=[alt.Tooltip("day:T", title="day"), alt.Tooltip("component:N"), alt.Tooltip("points:Q")],
    ).transform_calculate(
        component_order=f"indexof({list(order)!r}, datum.component)"
    ).properties(width=WIDTH, height=HEIGHT, title="Where the score's points come from, by day")
    return chart.to_dict()


def bands_over_time(counts: list[Row]) -> Figure:
    """Accounts per band on each day of the history, stacked."""
    values = [{"day": iso(row["day"]), "band": row["band"], "accounts": row["accounts"]} for row in counts]
    chart = alt.Chart(alt.Data(name="bands")).mark_area().encode(
        x=alt.X("day:T", title=None),
        y=alt.Y("accounts:Q", stack="zero", title="accounts"),
        color=alt.Color("band:N", scale=band_scale(), sort=BANDS, title="band", legend=alt.Legend(orient="top")),
        order=alt.Order("band_order:Q"),
        tooltip=[alt.Tooltip("day:T", title="day"), alt.Tooltip("band:N"), alt.Tooltip("accounts:Q")],
    ).transform_calculate(
        band_order=f"indexof({BANDS!r}, datum.band)"
    ).properties(width=WIDTH, height=HEIGHT, title="Accounts by health band, by day")
    return chart, {"bands": values}


def arr_by_band(totals: list[Row]) -> Figure:
    """ARR of today's customers per band."""
    chart = alt.Chart(alt.Data(name="arr")).mark_bar().encode(
        y=alt.Y("band:N", sort=BANDS, title=None),
        x=alt.X("arr:Q", title="ARR", axis=alt.Axis(format="~s")),
        color=alt.Color("band:N", scale=band_scale(), legend=None),
        tooltip=[alt.Tooltip("band:N"), alt.Tooltip("accounts:Q"), alt.Tooltip("arr:Q", format=",.0f", title="ARR")],
    ).properties(width=WIDTH, height=110, title="ARR by health band today")
    return chart, {"arr": totals}


# --- portfolio marts ---------------------------------------------------------------------------
NO_BAND = "no band"
HISTORY_BANDS = [*BANDS, NO_BAND]


def history_band_scale() -> alt.Scale:
    return alt.Scale(domain=HISTORY_BANDS, range=[*BAND_COLOURS.values(), "#8c959f"])


def retention_by_segment(rows: list[Row]) -> Figure:
    """NRR and GRR per segment of one type, one bar pair per segment, faceted by period."""
    values = [{"period": f"{int(row['period_days'])} days", "segment": row["segment_value"], "measure": measure,
               "pct": row[column], "starting_arr": row["starting_arr"]}
              for row in rows for measure, column in (("NRR", "nrr_pct"), ("GRR", "grr_pct"))
              if row[column] is not None]
    chart = alt.Chart(alt.Data(name="retention")).mark_bar().encode(
        y=alt.Y("segment:N", title=None, sort=[*BANDS, "no_band"]),
        yOffset=alt.YOffset("measure:N"),
        x=alt.X("pct:Q", title="% of starting ARR"),
        color=alt.Color("measure:N", title=None, scale=alt.Scale(domain=["NRR", "GRR"], range=["#1f6feb", "#8c959f"]),
                        legend=alt.Legend(orient="top")),
        row=alt.Row("period:N", title=None),
        tooltip=[alt.Tooltip("period:N"), alt.Tooltip("segment:N"), alt.Tooltip("measure:N"),
                 alt.Tooltip("pct:Q", format=".1f", title="%"),
                 alt.Tooltip("starting_arr:Q", format=",.0f", title="starting ARR")],
    ).properties(width=WIDTH - 120, title="NRR and GRR by health band at the period's start")
    return chart, {"retention": values}


def arr_at_risk_by_window(rows: list[Row], order: list[str]) -> Figure:
    """ARR renewing per window, stacked by band, with the ARR at risk in each bar's tooltip."""
    values = [{"window": row["renewal_window"].replace("_", " "), "band": row["health_band"], "arr": row["arr"],
               "arr_at_risk": row["arr_at_risk"], "accounts": row["count_accounts"]} for row in rows]
    chart = alt.Chart(alt.Data(name="renewals")).mark_bar().encode(
        x=alt.X("window:N", sort=[name.replace("_", " ") for name in order], title="renewal", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("arr:Q", stack="zero", title="ARR", axis=alt.Axis(format="~s")),
        color=alt.Color("band:N", scale=band_scale(), sort=BANDS, title="band", legend=alt.Legend(orient="top")),
        order=alt.Order("band_order:Q"),
        tooltip=[alt.Tooltip("window:N", title="renewal"), alt.Tooltip("band:N"), alt.Tooltip("accounts:Q"),
                 alt.Tooltip("arr:Q", format=",.0f", title="ARR"),
                 alt.Tooltip("arr_at_risk:Q", format=",.0f", title="ARR at risk")],
    ).transform_calculate(
        band_order=f"indexof({BANDS!r}, datum.band)"
    ).properties(width=WIDTH, height=HEIGHT, title="ARR by renewal window and health band today")
    return chart, {"renewals": values}


def arr_by_band_over_time(rows: list[Row]) -> Figure:
    """ARR on each day of the score history, stacked by the day's band."""
    values = [{"day": iso(row["day"]), "band": row["band"], "arr": row["arr"], "accounts": row["accounts"]}
              for row in rows]
    chart = alt.Chart(alt.Data(name="arr_history")).mark_area().encode(
        x=alt.X("day:T", title=None),
        y=alt.Y("arr:Q", stack="zero", title="ARR", axis=alt.Axis(format="~s")),
        color=alt.Color("band:N", scale=history_band_scale(), sort=HISTORY_BANDS, title="band",
                        legend=alt.Legend(orient="top")),
        order=alt.Order("band_order:Q"),
        tooltip=[alt.Tooltip("day:T", title="day"), alt.Tooltip("band:N"), alt.Tooltip("accounts:Q"),
                 alt.Tooltip("arr:Q", format=",.0f", title="ARR")],
    ).transform_calculate(
        band_order=f"indexof({HISTORY_BANDS!r}, datum.band)"
    ).properties(width=WIDTH, height=HEIGHT, title="ARR by health band, by day")
    return chart, {"arr_history": values}
