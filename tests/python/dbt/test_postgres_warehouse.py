"""The same project on PostgreSQL gives the same marts as on DuckDB, row for row.

A throwaway cluster (the postgres_cluster fixture) gets the raw tables of the small test
dataset, all but the last day's loads; dbt builds as of the day before, the last day is
loaded and dbt builds again (incrementally, with the data and unit tests) as of the test date. Every
table in the marts, data_quality and backtest schemas must then equal the DuckDB build of
the same data. Doubles are compared to 9 decimals (engines differ in the last bits of ln());
everything else exactly. The raw timestamps are loaded as `timestamptz` (as Segment and
RudderStack write them on PostgreSQL) into a database whose time zone is Los Angeles: the
project must still read them as UTC. The backtest report and the weight suggestions, read from
PostgreSQL, must print what they print from DuckDB.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from tests.python.support.dbt_project_harness import TEST_AS_OF, reference_warehouse, run_dbt
from tests.python.support.warehouse_copy import SOURCE_TABLES, copy_sources_to_postgres, mismatched_relations

from customer_health.backtest import report_cli as backtest_report
from customer_health.dashboard import cli as build_dashboard
from customer_health import attention as show_attention
from customer_health.backtest import suggest_weights

AS_OF = dt.date.fromisoformat(TEST_AS_OF)
HELD_BACK = ("segment.tracks", "segment.identifies", "segment.groups")
# the database's default time zone, which every dbt session inherits unless it sets its own
NON_UTC_TZ = "America/Los_Angeles"


@pytest.fixture(scope="module")
def duckdb_warehouse() -> Path:
    return reference_warehouse()


def postgres_env(dsn: str) -> dict[str, str]:
    parts = dict(item.split("=", 1) for item in dsn.split())
    return {"DBT_POSTGRES_HOST": parts["host"], "DBT_POSTGRES_PORT": parts["port"], "DBT_POSTGRES_USER": parts["user"],
            "DBT_POSTGRES_PASSWORD": parts["password"], "DBT_POSTGRES_DATABASE": parts["dbname"]}


def build_on_postgres(dsn: str, as_of: dt.date, target: Path, *args: str) -> None:
    env = postgres_env(dsn)
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        result = run_dbt(["build", "--target", "postgres", *args, "--vars", f"{{as_of_date: {as_of.isoformat()}}}"],
                         Path("unused.duckdb"), target_path=target)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert result.returncode == 0, result.stdout[-4000:]


def make_timestamps_time_zone_aware(cursor) -> None:
    """Every plain timestamp column of the raw tables becomes timestamptz, keeping the instants
    (the plain values are UTC)."""
    schemas = tuple(sorted({schema for schema, _ in SOURCE_TABLES}))
    cursor.execute("select table_schema, table_name, column_name from information_schema.columns "
                   "where table_schema in %s and data_type = 'timestamp without time zone'", [schemas])
    columns = cursor.fetchall()
    assert ("segment", "tracks", "timestamp") in columns
    for schema, table, column in columns:
        cursor.execute(f'alter table {schema}.{table} alter column "{column}" type timestamptz '
                       f"""using "{column}" at time zone 'UTC'""")


@pytest.fixture(scope="module")
def postgres_warehouse(postgres_cluster: str, duckdb_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    import psycopg2

    admin = psycopg2.connect(postgres_cluster)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("create database customer_health")
    admin.close()
    dsn = postgres_cluster.replace("dbname=postgres", "dbname=customer_health")
    copy_sources_to_postgres(duckdb_warehouse, dsn)
    with psycopg2.connect(dsn) as con, con.cursor() as cursor:
        cursor.execute("set time zone 'UTC'")
        make_timestamps_time_zone_aware(cursor)
        cursor.execute(f"alter database customer_health set timezone to '{NON_UTC_TZ}'")
        cursor.execute("create schema held_back")
        for table in HELD_BACK:
            name = table.split(".")[1]
            cursor.execute(f"create table held_back.{name} as select * from {table} where received_at >= %s", [AS_OF])
            cursor.execute(f"delete from {table} where received_at >= %s", [AS_OF])
    target = tmp_path_factory.mktemp("postgres_target")
    # the day before, models only; then the last day's loads and an incremental build with every test
    build_on_postgres(dsn, AS_OF - dt.timedelta(days=1), target,
                      "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
    with psycopg2.connect(dsn) as con, con.cursor() as cursor:
        for table in HELD_BACK:
            cursor.execute(f"insert into {table} select * from held_back.{table.split('.')[1]}")
    build_on_postgres(dsn, AS_OF, target)
    return dsn


def test_every_mart_on_postgres_equals_duckdb(postgres_warehouse: str, duckdb_warehouse: Path) -> None:
    import psycopg2

    with psycopg2.connect(postgres_warehouse) as pg, pg.cursor() as cursor:
        def read_postgres(relation: str, select: str) -> list[tuple]:
            cursor.execute(f"select {select} from {relation}")
            return cursor.fetchall()

        assert mismatched_relations(duckdb_warehouse, read_postgres) == {}


def script_output(main, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """What a script prints, without the seconds it took."""
    assert main(argv) == 0
    return re.sub(r" in [0-9.]+ s\.", " in (time) s.", capsys.readouterr().out)


def test_the_scripts_read_postgres_like_duckdb(postgres_warehouse: str, duckdb_warehouse: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """show_attention.py, backtest_report.py and suggest_weights.py print the same from either
    engine's build."""
    printed = {}
    for engine, source in (("duckdb", ["--db", str(duckdb_warehouse)]),
                           ("postgres", ["--warehouse-dsn", postgres_warehouse])):
        report = script_output(backtest_report.main, [*source, "--bootstrap", "50", "--html",
                                                      str(tmp_path / f"{engine}.html")], capsys)
        proposal = script_output(suggest_weights.main, [*source, "--output", str(tmp_path / f"{engine}.csv")],
                                 capsys)
        attention = script_output(show_attention.main, [*source, "--limit", "20"], capsys)
        printed[engine] = (report.replace(str(tmp_path / engine), "(report)"),
                           proposal.replace(str(tmp_path / engine), "(proposal)"), attention)
    assert "Backtest: health score AUC" in printed["duckdb"][0]
    assert "Proposed health_score_weights.csv" in printed["duckdb"][1]
    assert "need attention today" in printed["duckdb"][2]
    assert printed["postgres"] == printed["duckdb"]
    assert (tmp_path / "postgres.csv").read_text() == (tmp_path / "duckdb.csv").read_text()


def test_the_dashboard_built_from_postgres_equals_duckdbs(postgres_warehouse: str, duckdb_warehouse: Path,
                                                          tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    """make dashboard with a DSN writes the same pages as from the DuckDB file, and Chromium
    shows the PostgreSQL marts' band counts on its portfolio page."""
    import psycopg2

    from tests.python.support.backtest_harness import chromium

    sites = {}
    for engine, source in (("duckdb", ["--db", str(duckdb_warehouse)]),
                           ("postgres", ["--warehouse-dsn", postgres_warehouse])):
        sites[engine] = tmp_path / engine
        printed = script_output(build_dashboard.main, [*source, "--out", str(sites[engine])], capsys)
        assert "Dashboard as of" in printed and "with the backtest" in printed
    pages_of = {engine: sorted(p.relative_to(site) for p in site.rglob("*.html")) for engine, site in sites.items()}
    assert pages_of["postgres"] == pages_of["duckdb"] and len(pages_of["duckdb"]) > 4
    for page in pages_of["duckdb"]:
        assert (sites["postgres"] / page).read_text() == (sites["duckdb"] / page).read_text(), page
    dom = chromium(["--virtual-time-budget=15000", "--dump-dom", (sites["postgres"] / "index.html").as_uri()],
                   tmp_path).stdout
    with psycopg2.connect(postgres_warehouse) as con, con.cursor() as cursor:
        cursor.execute("select health_band, count(*) from marts.account_health group by 1")
        counts = dict(cursor.fetchall())
        cursor.execute("select nrr_pct from marts.portfolio_retention where segment_type = 'all' and period_days = 90")
        (nrr,) = cursor.fetchone()
    for band in ("green", "yellow", "red"):
        shown = re.search(rf'data-metric="accounts-{band}"><span class="value">([0-9,]+)<', dom)
        assert shown and int(shown.group(1).replace(",", "")) == counts.get(band, 0), band
    assert re.search(rf'data-metric="nrr-90d"><span class="value">{nrr:.1f} %<', dom)
    # bands over time, ARR by band, NRR/GRR by band, ARR by renewal window, ARR by band over time
    assert dom.count('data-rendered="true"') == 5
