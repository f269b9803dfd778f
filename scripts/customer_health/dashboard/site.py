"""Write the dashboard's files: every page, and the two local scripts they load."""
from __future__ import annotations

import shutil
from pathlib import Path

import vl_convert

from customer_health.dashboard import pages
from customer_health.dashboard.data import Dashboard
from customer_health.dashboard.layout import EMBED_JS


def write(dashboard: Dashboard, out_dir: Path, bands: pages.Bands) -> list[Path]:
    """Replace out_dir with the site; returns the pages written."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "assets").mkdir(parents=True)
    (out_dir / "accounts").mkdir()
    # vega, vega-lite and vega-embed in one file, as vl-convert ships them (no download)
    (out_dir / "assets" / "vega.js").write_text(vl_convert.javascript_bundle(), encoding="utf-8")
    (out_dir / "assets" / "dashboard.js").write_text(EMBED_JS, encoding="utf-8")
    written = {
        "index.html": pages.portfolio(dashboard),
        "attention.html": pages.attention(dashboard),
        "accounts.html": pages.account_list(dashboard),
        "csm.html": pages.csm_page(dashboard),
        "backtest.html": pages.backtest(dashboard),
    }
    for row in dashboard.accounts:
        written[pages.account_file(row["account_id"])] = pages.account(dashboard, row, bands)
    paths = []
    for name, html in written.items():
        path = out_dir / name
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    return paths
