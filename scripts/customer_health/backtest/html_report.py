"""The backtest as one static HTML page: tables, figures pre-rendered to inline SVG, no scripts.

The figures are the Vega-Lite charts of health_backtest.charts (the dashboard's Backtest page
draws the same ones), rendered to SVG here by vl-convert.

A Content-Security-Policy forbids every network fetch, so the page renders the same
offline, from a file, in a mail attachment or in a headless browser.
"""
from __future__ import annotations

import datetime as dt
from html import escape

import altair as alt
import vl_convert

from customer_health.backtest import charts, text_tables
from customer_health.backtest.ranking import Interval
from customer_health.backtest.text_tables import Grid
from customer_health.backtest.tables import Backtest

STYLE = """
body { font-family: sans-serif; color: #24292f; max-width: 980px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { padding: 0.25em 0.6em; border-bottom: 1px solid #eaeef2; }
th { background: #f6f8fa; text-align: right; }
td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.left { white-space: normal; }
th.left, td.left { text-align: left; }
tr.health td { font-weight: bold; }
p.note, li.note { color: #57606a; font-size: 0.9em; }
.verdict { background: #f6f8fa; border-left: 4px solid #1f6feb; padding: 0.6em 1em; }
figure { margin: 1em 0; }
figcaption { color: #57606a; font-size: 0.9em; }
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def html_table(grid: Grid, table_id: str, health_first_column: bool = True) -> str:
    headers, body, left_columns = grid
    head = "".join(
        f'<th class="{"left" if index < left_columns else ""}">{escape(h)}</th>' for index, h in enumerate(headers)
    )
    lines = [f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>']
    for cells in body:
        is_health = health_first_column and cells and cells[0] == text_tables.label("health_score")
        row_class = ' class="health"' if is_health else ""
        tds = "".join(
            f'<td class="{"left" if index < left_columns else ""}">{escape(str(c))}</td>' for index, c in enumerate(cells)
        )
        lines.append(f"<tr{row_class}>{tds}</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def svg_figure(chart_id: str, chart: alt.LayerChart) -> str:
    """A chart as inline SVG in a div with the given id (the SVG's own header dropped)."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    return f'<div id="{chart_id}" class="figure">{svg}</div>'


def render(backtest: Backtest, intervals: dict[str, Interval] | None = None,
           differences: dict[str, Interval] | None = None, generated_at: dt.datetime | None = None) -> str:
    c = backtest.context
    overall_rate = charts.overall_rate_pct(backtest)
    generated = (generated_at or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    verdict = "".join(f"<li>{escape(sentence)}</li>" for sentence in text_tables.verdict(backtest, differences))
    cutoffs = "".join(f"<li>{escape(line)}</li>" for line in text_tables.cutoffs_lines(backtest))
    lead = c["warning_lead_days"]
    horizon = c["horizon_days"]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Does the health score work? Backtest as of {escape(str(c['as_of_date']))}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>Does the health score work?</h1>
<p>{escape(text_tables.headline(backtest))}</p>
<div class="verdict"><ul id="verdict">{verdict}</ul></div>

<h2>1. Does it rank risk? (AUC)</h2>
<p>AUC is the chance that a day followed by churn within {horizon} days scores lower than a day that was not:
0.5 is a coin flip, 1.0 a perfect ranking. The interval comes from resampling whole accounts.
NPS has no score on days without an answer; those days count as coin flips in the AUC, and are left out of
"AUC on scored days".</p>
{html_table(text_tables.auc_grid(backtest, intervals), "auc-table")}

<h2>2. What the bands catch</h2>
<p>Per labelled account-day. <b>Precision</b> is the churn rate of the band (of the days in it, the share followed by
churn); <b>recall</b> is the share of all days followed by churn that fell in it. The baselines have no bands, so they
are cut to raise as many red (and yellow-or-red) days as the health score:</p>
<ul>{cutoffs}</ul>
{html_table(text_tables.bands_grid(backtest), "bands-table")}

<h2>3. How early did it warn?</h2>
<p>For each account that churned and whose whole {horizon}-day window before the churn is in the history: days between
the first red (and the first yellow-or-red) day in that window and the churn date. A warning {lead} days ahead leaves
time to act.</p>
{html_table(text_tables.lead_time_grid(backtest), "lead-time-table")}
<figure>
{svg_figure("lead-time-chart", charts.lead_time_chart(backtest))}
<figcaption>Health score: how many churned accounts were first warned how long before they churned (grey: never red in the window; a warning already standing when the window opened counts as the full horizon).</figcaption>
</figure>
<p>The same per lifecycle stage at churn: the scorecard (onboarding or established) that scored the churner's last
day. An onboarding account has little history to decline from, so its warnings come from other components.</p>
{html_table(text_tables.lead_time_by_scorecard_grid(backtest), "lead-time-by-scorecard-table")}

<h2>4. False alarms</h2>
<p>Among accounts that had not churned by {escape(str(c['as_of_date']))}: the share of their labelled days spent red,
and the share that were red at least once.</p>
{html_table(text_tables.false_alarm_grid(backtest), "false-alarm-table")}

<h2>5. Lift by score decile</h2>
<p>Labelled days split into tenths by score, decile 1 holding the lowest scores. A score that works piles the churn
into the first deciles; lift is a decile's churn rate over the rate of all days ({overall_rate:.1f} %).</p>
<figure>
{svg_figure("lift-chart", charts.lift_chart(backtest.lift, overall_rate))}
<figcaption>Churn within {horizon} days by score decile, health score against the baselines.</figcaption>
</figure>
{html_table(text_tables.lift_grid(backtest), "lift-table", health_first_column=False)}

<h2>Reading it with care</h2>
<ul>
<li class="note">Days of one account are not independent: {c['count_churners']} churned accounts carry the whole
result, so small differences are noise. The intervals above resample accounts to show how much.</li>
<li class="note">A day is labelled only when its {horizon}-day horizon has passed by {escape(str(c['as_of_date']))};
a longer backtest needs a longer account_health_daily (raise the history_days var).</li>
<li class="note">The score was computed point in time, but its weights and thresholds were chosen knowing this data;
health-suggest-weights tunes on the first 70 % of days and checks on the last 30 %.</li>
</ul>
<p class="note">Generated {generated} by health-backtest-report from the backtest models (models/backtest).</p>
</body>
</html>
"""
