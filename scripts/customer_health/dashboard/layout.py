"""The HTML every dashboard page shares: head, navigation, KPI tiles, tables, chart slots.

Charts are Vega-Lite specs in <script type="application/json"> blocks; assets/dashboard.js
hands each to vega-embed (assets/vega.js, the bundle vl-convert ships), which draws it as
SVG. Both scripts are local files: the pages fetch nothing from the network, and the
Content-Security-Policy forbids them to (Vega compiles its expressions, hence 'unsafe-eval').
"""
from __future__ import annotations

import json
from html import escape
from typing import Any, Sequence

import altair as alt

CSP = ("default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'unsafe-inline'; "
       "img-src data:; font-src data:")
NAV = [("index.html", "Portfolio"), ("attention.html", "Needs attention today"), ("accounts.html", "Accounts"),
       ("csm.html", "CSM book"), ("backtest.html", "Backtest")]
STYLE = """
body { font-family: system-ui, sans-serif; color: #24292f; margin: 0; line-height: 1.45; }
header { background: #24292f; color: #fff; padding: 0.6em 1.5em; display: flex; gap: 1.5em; align-items: baseline; }
header a { color: #d0d7de; text-decoration: none; } header a.active { color: #fff; font-weight: bold; }
header .as-of { margin-left: auto; color: #8c959f; font-size: 0.9em; }
main { max-width: 1100px; margin: 1.5em auto; padding: 0 1.5em; }
h1 { font-size: 1.6em; margin: 0.2em 0; } h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #d0d7de; }
.kpis { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 1em 0; }
.kpi { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5em 0.9em; min-width: 8em; }
.kpi .value { display: block; font-size: 1.6em; font-weight: bold; font-variant-numeric: tabular-nums; }
.kpi .label { color: #57606a; font-size: 0.85em; }
.kpi.green { border-left: 6px solid #2da44e; } .kpi.yellow { border-left: 6px solid #d4a72c; }
.kpi.red { border-left: 6px solid #cf222e; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; width: 100%; }
th, td { padding: 0.3em 0.5em; border-bottom: 1px solid #eaeef2; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.band { display: inline-block; padding: 0 0.5em; border-radius: 1em; color: #fff; font-size: 0.85em; }
.band.green { background: #2da44e; } .band.yellow { background: #bf8700; } .band.red { background: #cf222e; }
.note { color: #57606a; font-size: 0.9em; }
.hook { border: 1px dashed #8c959f; border-radius: 6px; padding: 0.6em 1em; color: #57606a; background: #f6f8fa; }
.callout { background: #f6f8fa; border-left: 4px solid #1f6feb; padding: 0.5em 1em; margin: 0.8em 0; }
.chart { margin: 1em 0; min-height: 60px; }
"""

Cell = str | tuple[str, str]   # text (escaped here), or (html, css class) for prepared cells


def html_cell(markup: str, css: str = "") -> tuple[str, str]:
    return markup, css


def num(value: Any, digits: int = 0, signed: bool = False) -> tuple[str, str]:
    """A number cell, right-aligned; n/a for null."""
    if value is None:
        return "n/a", "num"
    text = f"{float(value):{'+' if signed else ''},.{digits}f}"
    return escape(text), "num"


def band_badge(band: str | None) -> str:
    return f'<span class="band {escape(band or "")}">{escape(band or "n/a")}</span>'


def table(headers: Sequence[str], rows: Sequence[Sequence[Cell]], table_id: str,
          numeric: Sequence[int] = ()) -> str:
    head = "".join(f'<th class="{"num" if index in numeric else ""}">{escape(h)}</th>'
                   for index, h in enumerate(headers))
    lines = [f'<table id="{escape(table_id)}"><thead><tr>{head}</tr></thead><tbody>']
    for cells in rows:
        tds = []
        for cell in cells:
            markup, css = cell if isinstance(cell, tuple) else (escape(str(cell)), "")
            tds.append(f'<td class="{css}">{markup}</td>')
        lines.append(f"<tr>{''.join(tds)}</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def kpi(label: str, value: str, metric: str, css: str = "") -> str:
    """A figure tile; data-metric names it for readers and tests."""
    return (f'<div class="kpi {escape(css)}" data-metric="{escape(metric)}"><span class="value">{escape(value)}</span>'
            f'<span class="label">{escape(label)}</span></div>')


Spec = dict[str, Any]


def chart(chart_id: str, figure: alt.TopLevelMixin | tuple[alt.TopLevelMixin | Spec, dict[str, list[dict[str, Any]]]]
          ) -> str:
    """A slot the page's script fills with the chart; the spec travels as JSON beside it.

    figure is a chart with inline data, or (chart, datasets) for a chart whose data is named:
    the rows join the spec after Altair validated it (see charts.py)."""
    spec, datasets = figure if isinstance(figure, tuple) else (figure, {})
    content = dict(spec) if isinstance(spec, dict) else spec.to_dict()
    if datasets:
        content["datasets"] = {**content.get("datasets", {}), **datasets}
    data = json.dumps(content, separators=(",", ":"), default=str).replace("<", "\\u003c")
    return (f'<div class="chart" id="{escape(chart_id)}" data-chart="{escape(chart_id)}"></div>\n'
            f'<script type="application/json" class="vega-spec" data-target="{escape(chart_id)}">{data}</script>')


def page(title: str, body: str, active: str, as_of: str, depth: int = 0) -> str:
    prefix = "../" * depth
    nav = "".join(f'<a href="{prefix}{href}" class="{"active" if href == active else ""}">{escape(label)}</a>'
                  for href, label in NAV)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · Customer health</title>
<style>{STYLE}</style>
</head>
<body>
<header><strong>Customer health</strong>{nav}<span class="as-of">as of {escape(as_of)}</span></header>
<main>
<h1>{escape(title)}</h1>
{body}
</main>
<script src="{prefix}assets/vega.js"></script>
<script src="{prefix}assets/dashboard.js"></script>
</body>
</html>
"""


EMBED_JS = """// Draw every chart of the page: each <script class="vega-spec"> holds a Vega-Lite spec
// for the element named in its data-target. vegaEmbed comes from vega.js (same folder).
document.querySelectorAll('script.vega-spec').forEach(function (node) {
  var target = document.getElementById(node.dataset.target);
  vegaEmbed(target, JSON.parse(node.textContent), {renderer: 'svg', actions: false})
    .then(function () { target.dataset.rendered = 'true'; })
    .catch(function (error) {
      target.dataset.rendered = 'error';
      target.textContent = 'This chart could not be drawn: ' + error;
    });
});
"""
