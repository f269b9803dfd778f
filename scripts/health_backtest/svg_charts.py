"""Inline SVG figures for the backtest page: plain shapes, no scripts, no fonts to fetch.

Each chart is one <svg> element with an id, <title> tooltips on the bars, and the numbers
it draws repeated in data- attributes (handy for tests and for copying).
"""
from __future__ import annotations

import math
from html import escape
from typing import Sequence

from health_backtest.warehouse import SCORER_LABELS, Row

COLOURS = {"health_score": "#1f6feb", "activity_events_30d": "#bf8700", "nps_score": "#8250df"}
WARNING_COLOURS = {"red": "#cf222e", "yellow_or_red": "#d4a72c", "never": "#8c959f"}
WIDTH, HEIGHT = 760, 330
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 40, 56


def nice_ceiling(value: float) -> float:
    """A round axis maximum at or above value (1, 2, 2.5, 5 x a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _text(x: float, y: float, content: str, anchor: str = "middle", size: int = 12, extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'font-family="sans-serif" fill="#24292f"{extra}>{escape(content)}</text>')


def _axes(y_max: float, y_label: str, ticks: int = 5, suffix: str = "") -> list[str]:
    plot_bottom = HEIGHT - MARGIN_BOTTOM
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    parts = []
    for index in range(ticks + 1):
        value = y_max * index / ticks
        y = plot_bottom - plot_height * index / ticks
        parts.append(f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y:.1f}" '
                     f'stroke="#d0d7de" stroke-width="1"/>')
        label = f"{value:g}{suffix}"
        parts.append(_text(MARGIN_LEFT - 6, y + 4, label, anchor="end", size=11))
    parts.append(_text(14, MARGIN_TOP + plot_height / 2, y_label, size=12,
                       extra=f' transform="rotate(-90 14 {MARGIN_TOP + plot_height / 2:.1f})"'))
    return parts


def _legend(entries: Sequence[tuple[str, str]]) -> list[str]:
    parts, x = [], MARGIN_LEFT
    for colour, name in entries:
        parts.append(f'<rect x="{x}" y="12" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(x + 17, 22, name, anchor="start", size=12))
        x += 28 + 7 * len(name)
    return parts


def _svg(chart_id: str, title: str, body: list[str]) -> str:
    return "\n".join([
        f'<svg id="{chart_id}" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        *body,
        "</svg>",
    ])


def lift_chart(lift: list[Row], overall_rate_pct: float) -> str:
    """Grouped bars: churn rate of each score decile, one colour per scorer; dashed = overall rate."""
    scorers = [s for s in COLOURS if any(row["scorer"] == s for row in lift)]
    deciles = list(range(1, 11))
    by_key = {(row["scorer"], row["decile"]): row for row in lift if row["decile"] is not None}
    top = max([row["pct_churn_rate"] or 0 for row in by_key.values()] + [overall_rate_pct, 1.0])
    y_max = nice_ceiling(float(top))
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    plot_bottom = HEIGHT - MARGIN_BOTTOM
    group_width = plot_width / len(deciles)
    bar_width = group_width * 0.8 / max(len(scorers), 1)
    body = _axes(y_max, "churn within horizon (% of days)", suffix=" %")
    for group, decile in enumerate(deciles):
        x0 = MARGIN_LEFT + group * group_width + group_width * 0.1
        for index, scorer in enumerate(scorers):
            row = by_key.get((scorer, decile))
            if row is None:
                continue
            rate = float(row["pct_churn_rate"] or 0)
            height = plot_height * rate / y_max
            x = x0 + index * bar_width
            tip = (f"{SCORER_LABELS.get(scorer, scorer)}, decile {decile}: {rate:.1f} % churned "
                   f"(lift {float(row['lift'] or 0):.2f}x, {row['count_account_days']} days)")
            body.append(
                f'<rect class="bar" data-scorer="{scorer}" data-decile="{decile}" data-value="{rate:.1f}" '
                f'x="{x:.1f}" y="{plot_bottom - height:.1f}" width="{bar_width - 1:.1f}" height="{height:.1f}" '
                f'fill="{COLOURS[scorer]}"><title>{escape(tip)}</title></rect>')
        body.append(_text(MARGIN_LEFT + (group + 0.5) * group_width, plot_bottom + 16, str(decile)))
    y_overall = plot_bottom - plot_height * overall_rate_pct / y_max
    body.append(f'<line class="overall-rate" x1="{MARGIN_LEFT}" y1="{y_overall:.1f}" x2="{WIDTH - MARGIN_RIGHT}" '
                f'y2="{y_overall:.1f}" stroke="#24292f" stroke-width="1.5" stroke-dasharray="6 4"/>')
    body.append(_text(WIDTH - MARGIN_RIGHT - 4, y_overall - 5, f"all days {overall_rate_pct:.1f} %", anchor="end",
                      size=11))
    body.append(_text(MARGIN_LEFT + plot_width / 2, HEIGHT - 14,
                      "score decile (1 = lowest scores, the riskiest tenth of days)"))
    body += _legend([(COLOURS[s], SCORER_LABELS.get(s, s)) for s in scorers])
    return _svg("lift-chart", "Churn rate by score decile", body)


def lead_time_chart(red_leads: list[int], yellow_leads: list[int], never_red: int, never_yellow: int,
                    horizon_days: int, in_time_days: int, bin_days: int = 7) -> str:
    """Histogram of lead times (days from the first warning to churn), red and yellow-or-red."""
    bins = list(range(0, horizon_days + 1, bin_days))
    if bins[-1] < horizon_days:
        bins.append(horizon_days)
    edges = list(zip(bins[:-1], bins[1:]))
    # bins hold low .. high - 1 days; the last one also holds the horizon itself (and beyond)
    labels = [f"{low}-{high - 1}" for low, high in edges[:-1]] + [f"{edges[-1][0]}-{horizon_days}", "never"]

    def histogram(values: list[int], never: int) -> list[int]:
        counts = [sum(1 for v in values if low <= v < high) for low, high in edges]
        counts[-1] += sum(1 for v in values if v >= edges[-1][1])
        return counts + [never]

    series = [("red", "first red", histogram(red_leads, never_red)),
              ("yellow_or_red", "first yellow or red", histogram(yellow_leads, never_yellow))]
    top = max([max(counts) for _, _, counts in series] + [1])
    y_max = nice_ceiling(float(top))
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    plot_bottom = HEIGHT - MARGIN_BOTTOM
    group_width = plot_width / len(labels)
    bar_width = group_width * 0.8 / len(series)
    body = _axes(y_max, "churned accounts", ticks=min(5, int(y_max)) or 1)
    for group, text in enumerate(labels):
        x0 = MARGIN_LEFT + group * group_width + group_width * 0.1
        for index, (key, name, counts) in enumerate(series):
            value = counts[group]
            height = plot_height * value / y_max
            colour = WARNING_COLOURS["never"] if text == "never" and index == 0 else WARNING_COLOURS[key]
            tip = f"{name}: {value} accounts " + ("never warned" if text == "never" else f"{text} days before churn")
            body.append(
                f'<rect class="bar" data-series="{key}" data-bin="{escape(text)}" data-value="{value}" '
                f'x="{x0 + index * bar_width:.1f}" y="{plot_bottom - height:.1f}" width="{bar_width - 1:.1f}" '
                f'height="{height:.1f}" fill="{colour}" opacity="{0.55 if text == "never" else 1}">'
                f'<title>{escape(tip)}</title></rect>')
        body.append(_text(MARGIN_LEFT + (group + 0.5) * group_width, plot_bottom + 16, text, size=10))
    # the in-time line sits where in_time_days starts (between two bins when it is a multiple of bin_days)
    position = sum(1 for low, high in edges if high <= in_time_days)
    if position < len(edges):
        low, high = edges[position]
        position += (in_time_days - low) / (high - low)
    x_line = MARGIN_LEFT + group_width * position
    body.append(f'<line class="in-time" x1="{x_line:.1f}" y1="{MARGIN_TOP}" x2="{x_line:.1f}" y2="{plot_bottom}" '
                f'stroke="#24292f" stroke-width="1.5" stroke-dasharray="6 4"/>')
    body.append(_text(x_line + 4, MARGIN_TOP + 12, f"{in_time_days} days: in time to act", anchor="start", size=11))
    body.append(_text(MARGIN_LEFT + plot_width / 2, HEIGHT - 14, "days between the first warning and the churn"))
    body += _legend([(WARNING_COLOURS["red"], "first red"), (WARNING_COLOURS["yellow_or_red"], "first yellow or red")])
    return _svg("lead-time-chart", "Lead time of the health score's warnings", body)
