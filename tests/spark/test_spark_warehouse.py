"""The same project on Spark (dbt-spark, session method, local PySpark) gives the same marts,
and its incremental build equals a full build.

Run with the Spark virtual environment (`make test-spark`). The raw tables of the small test
dataset are loaded into a throwaway local Spark warehouse as they stood the day before: without
the last day's loads and with a few loads of the two days before held back (they arrive late,
with their original received_at), one subscription with other seats (corrected in place later,
months back), one account's churn not yet in the CRM and one overdue invoice still marked void.
dbt builds that as of the day before (the models Spark builds incrementally and their parents);
then the sources as they stand now are loaded and dbt builds everything again, incrementally (the
account-day tables replace only the date partitions they rebuild: insert_overwrite), with every
data test.
Every table in the marts, data_quality and backtest schemas, and each incremental table Spark
builds by date partitions, must then equal the DuckDB full build of the same final data
(HEALTH_TEST_WAREHOUSE), row for row: so the incremental build equals a full refresh, and Spark
equals DuckDB. Doubles are compared to 9 decimals; everything else exactly.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.python.support.warehouse_copy import (
    BOOKKEEPING_COLUMNS, COMPARED_SCHEMAS, mismatched_relations, normalised_rows, row_differences,
)

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parents[1]

BIN = Path(sys.executable).parent
TEST_AS_OF = os.environ.get("HEALTH_TEST_AS_OF", "2025-06-30")
AS_OF = dt.date.fromisoformat(TEST_AS_OF)
# the incremental tables Spark keeps by date partitions (insert_overwrite), compared whole, and the
# scoring chain (whole tables on Spark until the daily metrics replace date partitions too); the
# ticket and invoice state keeps rows of zeros for changes that went away (not in a full build)
DATE_PARTITIONED = ("intermediate.int_account_arr_daily", "intermediate.int_account_service_count_changes",
                    "intermediate.int_account_health_component_scores", "intermediate.int_account_health_scores",
                    "intermediate.int_account_health_bands")
ONLY_ROWS_WHERE = {"intermediate.int_account_service_count_changes":
                   "open_urgent_tickets <> 0 or bad_csat <> 0 or rated_csat <> 0 or overdue_invoices <> 0"}
# hashes of engine-formatted text (what a row was computed from) and the run that saw a change:
# not what a row says
FINGERPRINTS = frozenset({"state_fingerprint", "source_fingerprint", "changed_at"})


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join(line for line in result.stdout.splitlines() if not line.startswith('{"ts"'))[-4000:]
        pytest.fail(f"{' '.join(command[:3])} failed:\n{tail}\n{result.stderr[-2000:]}")
    return result


def earlier_sources(reference: Path, earlier: Path, as_of: dt.date) -> dict[str, str]:
    """A copy of the reference warehouse's raw tables as they stood at the end of the day
    before `as_of`: the last day's loads not there yet, 2 % of the loads of the two days before
    held back (the loader delivers them with the last day, their received_at unchanged: inside the
    lookback), one subscription that ended weeks ago with 7 seats fewer (corrected in place since),
    one account that churned months ago still without its churn date, and one invoice overdue
    months ago still marked void. Returns what changed."""
    shutil.copyfile(reference, earlier)
    day, two_days_before = as_of.isoformat(), (as_of - dt.timedelta(days=2)).isoformat()
    with duckdb.connect(str(earlier)) as con:
        held_back = con.execute(f"""
            select count(*) from segment.tracks
            where received_at >= timestamp '{two_days_before}' and received_at < timestamp '{day}' and hash(id) % 50 = 0
        """).fetchone()[0]
        con.execute(f"""
            delete from segment.tracks
            where received_at >= timestamp '{two_days_before}' and received_at < timestamp '{day}' and hash(id) % 50 = 0
        """)
        for table in ("tracks", "identifies", "groups"):
            con.execute(f"delete from segment.{table} where received_at >= timestamp '{day}'")
        subscription = con.execute(f"""
            select subscription_id from billing.subscriptions
            where seats > 7 and ended_on between date '{day}' - 100 and date '{day}' - 20 and started_on < ended_on - 30
              and account_id in (select account_id from crm.accounts)
            order by subscription_id limit 1
        """).fetchone()[0]
        con.execute("update billing.subscriptions set seats = seats - 7 where subscription_id = ?", [subscription])
        churned = con.execute(f"""
            select account_id from crm.accounts
            where churned_at between date '{day}' - 150 and date '{day}' - 20 and contract_start_date < churned_at - 60
            order by account_id limit 1
        """).fetchone()[0]
        con.execute("update crm.accounts set churned_at = null where account_id = ?", [churned])
        invoice = con.execute(f"""
            select invoice_id from billing.invoices
            where status <> 'void' and (paid_at is null or paid_at > due_at + 5)
              and due_at between date '{day}' - 150 and date '{day}' - 60
              and account_id in (select account_id from crm.accounts)
            order by invoice_id limit 1
        """).fetchone()[0]
        con.execute("update billing.invoices set status = 'void' where invoice_id = ?", [invoice])
    assert held_back > 0
    return {"subscription": subscription, "churned account": churned, "invoice": invoice}


@pytest.fixture(scope="module")
def duckdb_warehouse() -> Path:
    path = os.environ.get("HEALTH_TEST_WAREHOUSE")
    if not path or not Path(path).exists():
        pytest.skip("HEALTH_TEST_WAREHOUSE is not set: run `make test-spark` (it builds the DuckDB reference first)")
    return Path(path)


@pytest.fixture(scope="module")
def spark_marts(duckdb_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("spark")
    env = dict(os.environ)
    env.update(
        DBT_PROFILES_DIR=str(PROJECT_ROOT),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_SPARK_WAREHOUSE_DIR=str(base / "warehouse"),
        DBT_SPARK_METASTORE_DIR=str(base / "metastore"),
    )
    tables = str(HERE / "spark_tables.py")
    dbt = [str(BIN / "dbt"), "build", "--target", "spark", "--target-path", str(base / "target"),
           "--log-path", str(base / "logs")]
    earlier_sources(duckdb_warehouse, base / "earlier.duckdb", AS_OF)
    # the day before: the models Spark builds incrementally and their parents (a full build; the
    # others are whole tables there, built by the next run anyway); then the sources as they stand
    # now and an incremental build of everything with every data test
    run([sys.executable, tables, "load", str(base / "earlier.duckdb"), str(base / "earlier_sources")], env)
    run([*dbt, "--select", "+config.materialized:incremental",
         "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test",
         "--vars", f"{{as_of_date: {(AS_OF - dt.timedelta(days=1)).isoformat()}}}"], env)
    run([sys.executable, tables, "load", str(duckdb_warehouse), str(base / "sources")], env)
    run([*dbt, "--exclude-resource-type", "unit_test", "--vars", f"{{as_of_date: {TEST_AS_OF}}}"], env)
    run([sys.executable, tables, "export", str(base / "marts"), *COMPARED_SCHEMAS, *DATE_PARTITIONED], env)
    return base / "marts"


def read_exported(spark_marts: Path, parquet: duckdb.DuckDBPyConnection, relation: str, select: str,
                  where: str = "") -> list[tuple] | None:
    exported = spark_marts / relation
    if not exported.exists():
        return None
    return parquet.execute(f"select {select} from read_parquet('{exported}/*.parquet') {where}").fetchall()


def test_every_mart_on_spark_equals_duckdb(spark_marts: Path, duckdb_warehouse: Path) -> None:
    with duckdb.connect() as parquet:
        def read_spark(relation: str, select: str) -> list[tuple] | None:
            return read_exported(spark_marts, parquet, relation, select)

        assert mismatched_relations(duckdb_warehouse, read_spark) == {}


def test_incremental_date_partitions_equal_a_full_build(spark_marts: Path, duckdb_warehouse: Path) -> None:
    """The tables Spark kept by replacing date partitions hold, after the incremental run, exactly
    the rows of a full build: no date rebuilt for only some accounts (a partition is replaced whole),
    no day left that is no longer a customer day (the churn the CRM learnt of), the corrected seats
    on the old days, the late loads counted, the invoice that became overdue months back."""
    mismatches = {}
    with duckdb.connect() as parquet, duckdb.connect(str(duckdb_warehouse), read_only=True) as reference:
        for relation in DATE_PARTITIONED:
            columns = [row[0] for row in reference.execute(f"describe {relation}").fetchall()
                       if row[0] not in BOOKKEEPING_COLUMNS | FINGERPRINTS]
            select = ", ".join(f'"{column}"' for column in columns)
            where = f"where {ONLY_ROWS_WHERE[relation]}" if relation in ONLY_ROWS_WHERE else ""
            expected = normalised_rows(reference.execute(f"select {select} from {relation} {where}").fetchall())
            spark_rows = read_exported(spark_marts, parquet, relation, select, where)
            assert spark_rows is not None, f"{relation} was not built on Spark"
            only_duckdb, only_spark = row_differences(expected, normalised_rows(spark_rows))
            if only_duckdb or only_spark or not expected:
                mismatches[relation] = (len(expected), len(spark_rows), only_duckdb[:2], only_spark[:2])
    assert mismatches == {}
