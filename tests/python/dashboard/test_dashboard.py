"""The dashboard on the test warehouse, opened in headless Chromium: every page type draws
its charts, fetches nothing, and shows the figures the marts hold (accounts per band, the
portfolio marts' NRR, GRR and ARR at risk, the attention list, one account's score and its
champion's last activity, the CSM book, the backtest).
"""
from __future__ import annotations

import contextlib
import io
import json
import re
from html import unescape
from pathlib import Path

import duckdb
import pytest

from tests.python.support.backtest_harness import chromium, chromium_binary, count_colour
from tests.python.support.dbt_project_harness import query, reference_warehouse

from customer_health.dashboard import cli as build_dashboard
from customer_health.dashboard import pages

BAND_RGB = {"green": (0x2D, 0xA4, 0x4E), "yellow": (0xD4, 0xA7, 0x2C), "red": (0xCF, 0x22, 0x2E)}


@pytest.fixture(scope="module")
def db() -> Path:
    return reference_warehouse()


def build(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = build_dashboard.main(argv)
    return code, out.getvalue()


@pytest.fixture(scope="module")
def site(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dashboard") / "site"
    code, printed = build(["--db", str(db), "--out", str(out)])
    assert code == 0
    assert f"Open {(out / 'index.html').resolve()}" in printed
    return out


@pytest.fixture(scope="module")
def browser() -> None:
    if chromium_binary() is None:
        pytest.fail("chromium is not installed: run scripts/ensure_chromium.sh (make test does)")



def render(page: Path, workdir: Path) -> str:
    """The page's DOM after its scripts ran (virtual time lets vega-embed finish)."""
    result = chromium(["--virtual-time-budget=15000", "--dump-dom", page.as_uri()], workdir)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def screenshot(page: Path, workdir: Path, height: int = 1600) -> Path:
    shot = workdir / f"{page.stem}.png"
    result = chromium(["--virtual-time-budget=15000", f"--window-size=1200,{height}", f"--screenshot={shot}",
                       page.as_uri()], workdir)
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    return shot


def metric(dom: str, name: str) -> str:
    found = re.search(rf'data-metric="{re.escape(name)}"><span class="value">([^<]*)</span>', dom)
    assert found, f"the page has no {name} figure"
    return unescape(found.group(1))


def assert_charts_drawn(dom: str, expected: set[str]) -> None:
    drawn = {re.search(r'data-chart="([\w-]+)"', tag).group(1)
             for tag in re.findall(r"<div [^>]*data-chart=[^>]*>", dom) if 'data-rendered="true"' in tag}
    assert drawn == expected, f"charts drawn: {drawn}, expected: {expected}"
    assert "could not be drawn" not in dom
    for chart_id in expected:
        block = dom.split(f'id="{chart_id}"', 1)[1].split("</svg>", 1)[0]
        assert "<svg" in block and ("<path" in block or "<rect" in block), chart_id


def test_every_page_loads_only_local_files(site: Path) -> None:
    pages_written = sorted(site.rglob("*.html"))
    assert {"index.html", "attention.html", "accounts.html", "csm.html", "backtest.html"} <= {
        p.name for p in pages_written}
    for page in pages_written:
        html = page.read_text(encoding="utf-8")
        assert "default-src 'none'" in html, page
        for reference in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not re.match(r"[a-z]+:", reference), (page, reference)
            assert (page.parent / reference).resolve().exists(), (page, reference)


def test_portfolio_shows_the_accounts_per_band(site: Path, db: Path, browser: None, tmp_path: Path) -> None:
    dom = render(site / "index.html", tmp_path)
    assert_charts_drawn(dom, {"bands-over-time", "arr-by-band", "retention-by-band", "arr-at-risk-by-window",
                              "arr-by-band-over-time"})
    counts = dict(query(db, "select health_band, count(*) from marts.account_health group by 1"))
    for band in ("green", "yellow", "red"):
        assert int(metric(dom, f"accounts-{band}").replace(",", "")) == counts.get(band, 0), band
    assert int(metric(dom, "accounts").replace(",", "")) == sum(counts.values())
    (attention,) = query(db, """
        select count(*) from marts.account_health as health
        where health.is_at_risk or health.account_id in (
            select account_id from marts.health_alerts where alert_type <> 'expansion_ready')""")[0]
    assert int(metric(dom, "attention-count")) == attention
    # the portfolio marts' sections show the marts (the test warehouse has them all)
    for hook in pages.PORTFOLIO_HOOKS:
        assert f'<section id="{hook.key}">' in dom and f'data-hook="{hook.key}"' not in dom, hook.key
    for period, nrr, grr in query(db, """select period_days, nrr_pct, grr_pct from marts.portfolio_retention
                                          where segment_type = 'all'"""):
        assert metric(dom, f"nrr-{period}d") == ("n/a" if nrr is None else f"{nrr:.1f} %"), period
        assert metric(dom, f"grr-{period}d") == ("n/a" if grr is None else f"{grr:.1f} %"), period
    (at_risk,) = query(db, "select sum(arr_at_risk) from marts.renewal_forecast")[0]
    assert metric(dom, "arr-at-risk") == f"{at_risk:,.0f}"
    (renewing,) = query(db, """select sum(arr) from marts.renewal_forecast
                               where renewal_window in ('overdue', '0_30_days', '31_90_days')""")[0]
    assert metric(dom, "arr-renewing-90d") == f"{renewing:,.0f}"
    # the ARR history's last day is today's ARR on a day, over every customer with ARR
    (arr_today,) = query(db, """select sum(arr) from intermediate.int_account_arr_daily
                                where as_of_date = (select max(as_of_date) from marts.account_health_daily)""")[0]
    spec = re.search(r'data-target="arr-by-band-over-time">([^<]*)</script>',
                     (site / "index.html").read_text(encoding="utf-8")).group(1)
    days = json.loads(spec)["datasets"]["arr_history"]
    last_day = max(row["day"] for row in days)
    assert sum(row["arr"] for row in days if row["day"] == last_day) == pytest.approx(float(arr_today))
    assert len({row["day"] for row in days}) > 100
    (csm_rows,) = query(db, "select count(*) from marts.csm_book")[0]
    assert dom.split('id="csm-book-table"', 1)[1].split("</table>", 1)[0].count("<tr>") == csm_rows + 1
    shot = screenshot(site / "index.html", tmp_path)
    for band, rgb in BAND_RGB.items():
        if counts.get(band):
            assert count_colour(shot, rgb) > 200, f"no {band} area was painted"


def test_attention_page_ranks_like_the_demo_list(site: Path, db: Path, browser: None, tmp_path: Path) -> None:
    dom = render(site / "attention.html", tmp_path)
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td class=""><a href="(accounts/[^"]+)">([^<]+)</a>', dom)
    assert rows and [int(rank) for rank, *_ in rows] == list(range(1, len(rows) + 1))
    assert len(rows) == int(metric(dom, "attention-count"))
    (top_name,) = query(db, """
        with alerts as (
            select account_id, max(case severity when 'high' then 3 when 'medium' then 2 else 1 end) as severity_rank
            from marts.health_alerts where alert_type <> 'expansion_ready' group by account_id)
        select health.account_name from marts.account_health as health
        left join alerts on alerts.account_id = health.account_id
        where alerts.account_id is not null or health.is_at_risk
        order by coalesce(alerts.severity_rank, 1) * health.arr desc, health.health_score, health.account_id
        limit 1""")[0]
    assert unescape(rows[0][2]) == top_name
    for _, href, _ in rows:
        assert (site / href).exists(), href
    screenshot(site / "attention.html", tmp_path)


def test_an_account_page_shows_its_score_history_and_users(site: Path, db: Path, browser: None,
                                                           tmp_path: Path) -> None:
    # the lowest-scored account with a champion: the page a CSM opens first
    account_id, name, score, band, champion, drivers = query(db, """
        select account_id, account_name, health_score, health_band, champion_email, health_drivers
        from marts.account_health where champion_email is not null
        order by health_score, account_id limit 1""")[0]
    page = site / pages.account_file(account_id)
    dom = render(page, tmp_path)
    assert f"<h1>{name}</h1>" in unescape(dom)
    assert int(metric(dom, "health-score")) == score
    assert f"health score ({band})" in dom
    assert unescape(drivers) in unescape(dom)
    (last_active,) = query(db, f"""
        select u.last_active_date from marts.user_engagement as u
        inner join marts.account_health as a on a.account_id = u.account_id and a.champion_user_id = u.user_id
        where a.account_id = '{account_id}'""")[0]
    assert re.search(rf'data-metric="champion-last-active">{last_active}<', dom)
    assert champion in dom
    (users,) = query(db, f"select count(*) from marts.user_engagement where account_id = '{account_id}'")[0]
    assert dom.split('id="users-table"', 1)[1].split("</table>", 1)[0].count("<tr>") == users + 1
    assert_charts_drawn(dom, {"score-trend", "component-points"})
    # the score trend holds one point per day of the account's history, with the mart's last score
    (days,) = query(db, f"select count(*) from marts.account_health_daily where account_id = '{account_id}'")[0]
    trend = dom.split('id="score-trend"', 1)[1].split("</svg>", 1)[0]
    assert len(re.findall(r'aria-label="day: [^"]*; score: \d+; band: ', trend)) == days
    shot = screenshot(page, tmp_path, height=2400)
    assert count_colour(shot, BAND_RGB[band]) > 20, "the band colour is missing from the page"


def test_every_account_has_a_page(site: Path, db: Path) -> None:
    accounts = [row[0] for row in query(db, "select account_id from marts.account_health")]
    listing = (site / "accounts.html").read_text(encoding="utf-8")
    for account_id in accounts:
        assert (site / pages.account_file(account_id)).exists(), account_id
        assert f'href="{pages.account_file(account_id)}"' in listing, account_id


def test_backtest_page_draws_both_charts(site: Path, db: Path, browser: None, tmp_path: Path) -> None:
    dom = render(site / "backtest.html", tmp_path)
    assert_charts_drawn(dom, {"lead-time-chart", "lift-chart"})
    lift = dom.split('id="lift-chart"', 1)[1].split("</svg>", 1)[0]
    assert len(re.findall(r'scorer: Health score; decile: \d+;', lift)) == 10
    (auc,) = query(db, "select auc from backtest.health_backtest_summary where scorer = 'health_score'")[0]
    assert f"{auc:.3f}" in dom.split('id="auc-table"', 1)[1].split("</table>", 1)[0]
    screenshot(site / "backtest.html", tmp_path, height=2400)


def test_csm_page_shows_every_book(site: Path, db: Path, browser: None, tmp_path: Path) -> None:
    dom = render(site / "csm.html", tmp_path)
    books = query(db, """select coalesce(csm_email, '(no CSM)'), count_accounts, count_accounts_needing_attention
                         from marts.csm_book""")
    table_html = dom.split('id="csm-table"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr><td class="">([^<]+)</td><td class="num">([\d,]+)</td>'
                      r'(?:<td class="num">[^<]*</td>){4}<td class="num">([\d,]+)</td>', table_html)
    assert {(unescape(name), int(accounts.replace(",", "")), int(attention)) for name, accounts, attention in rows} == {
        (name, accounts, attention) for name, accounts, attention in books}
    (csms,) = query(db, "select count(*) from marts.csm_book where not is_unassigned")[0]
    assert int(metric(dom, "csm-count")) == csms
    screenshot(site / "csm.html", tmp_path)


def test_a_section_without_its_mart_says_what_it_will_show() -> None:
    import datetime as dt

    from customer_health.dashboard.data import Dashboard

    bare = Dashboard(as_of_date=dt.date(2025, 6, 30), accounts=[], attention=[], history=[], users={}, alerts={},
                     components=[], max_points={})
    for hook in pages.PORTFOLIO_HOOKS:
        html = pages.portfolio_hook(hook, bare)
        assert f'data-hook="{hook.key}"' in html and "Not available yet" in html, hook.key
    assert 'data-hook="csm-page"' in pages.csm_page(bare)


def test_account_file_names_are_safe_and_distinct() -> None:
    assert pages.account_file("acc_000030") == "accounts/acc_000030.html"
    odd = [pages.account_file(name) for name in ("a/b", "a b", "a?b")]
    assert len(set(odd)) == 3 and all(re.fullmatch(r"accounts/a_b-[0-9a-f]{8}\.html", name) for name in odd)


def test_a_missing_warehouse_is_one_sentence(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert build(["--db", str(tmp_path / "absent.duckdb"), "--out", str(tmp_path / "a")])[0] == 1
    assert build(["--db", str(empty), "--out", str(tmp_path / "b")])[0] == 1
    errors = [record.getMessage() for record in caplog.records if record.levelname == "ERROR"]
    assert len(errors) == 2
    assert "make demo" in errors[0] and "marts.account_health is missing" in errors[1]
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_every_page_type_is_a_dbt_exposure() -> None:
    import yaml

    from tests.python.support.dbt_project_harness import PROJECT_ROOT

    exposures = {item["name"]: item
                 for path in ("models/marts/_dashboard__exposures.yml", "models/backtest/_backtest__models.yml")
                 for item in yaml.safe_load((PROJECT_ROOT / path).read_text())["exposures"]
                 if item["name"].startswith("dashboard_")}
    assert set(exposures) == {"dashboard_portfolio", "dashboard_attention", "dashboard_account", "dashboard_csm_book",
                              "dashboard_backtest"}
    for name, item in exposures.items():
        assert item["type"] == "dashboard" and item["depends_on"], name
    assert "ref('user_engagement')" in exposures["dashboard_account"]["depends_on"]
    for hook in pages.PORTFOLIO_HOOKS:
        assert f"ref('{hook.mart.rpartition('.')[2]}')" in exposures["dashboard_portfolio"]["depends_on"], hook.mart


def test_the_component_chart_stacks_each_component_once_to_the_score(db: Path) -> None:
    """The weights seed has a row per component and scorecard: the chart must still stack each
    component once, so that a day's points add up to that day's score."""
    from collections import defaultdict

    from customer_health.dashboard import charts, data
    from customer_health.warehouse import Warehouse

    with Warehouse.open(None, str(db.resolve()), read_only=True) as con:
        dashboard = data.load(con)
    assert len(dashboard.components) == len(set(dashboard.components))
    account_id = dashboard.accounts[0]["account_id"]
    history = dashboard.history_of(account_id)
    _, values = charts.component_points(history, dashboard.components, {c: c for c in dashboard.components})
    stacked: dict[str, float] = defaultdict(float)
    for point in values["points"]:
        stacked[point["day"]] += point["points"]
    scores = {charts.iso(row["as_of_date"]): row["health_score"] for row in history}
    assert stacked and stacked == {day: pytest.approx(score) for day, score in scores.items()}
