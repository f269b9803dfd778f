"""The same project on Spark (dbt-spark, session method, local PySpark) gives the same marts.

Run with the Spark virtual environment (`make test-spark`): the raw tables of the small test
dataset are loaded into a throwaway local Spark warehouse, dbt builds the project there
(models and data tests) and every table in the marts, data_quality and backtest schemas must
equal the DuckDB build of the same data (HEALTH_TEST_WAREHOUSE), row for row. Doubles are
compared to 9 decimals; everything else exactly.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parents[1]
sys.path.insert(0, str(PROJECT_ROOT / "tests" / "python"))

from warehouse_copy import BOOKKEEPING_COLUMNS, normalised_rows, row_differences  # noqa: E402

BIN = Path(sys.executable).parent
TEST_AS_OF = os.environ.get("HEALTH_TEST_AS_OF", "2025-06-30")
COMPARED_SCHEMAS = ("marts", "data_quality", "backtest")


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join(line for line in result.stdout.splitlines() if not line.startswith('{"ts"'))[-4000:]
        pytest.fail(f"{' '.join(command[:3])} failed:\n{tail}\n{result.stderr[-2000:]}")
    return result


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
    run([sys.executable, tables, "load", str(duckdb_warehouse), str(base / "sources")], env)
    run([str(BIN / "dbt"), "build", "--target", "spark", "--exclude-resource-type", "unit_test",
         "--vars", f"{{as_of_date: {TEST_AS_OF}}}", "--target-path", str(base / "target"),
         "--log-path", str(base / "logs")], env)
    run([sys.executable, tables, "export", str(base / "marts"), *COMPARED_SCHEMAS], env)
    return base / "marts"


def test_every_mart_on_spark_equals_duckdb(spark_marts: Path, duckdb_warehouse: Path) -> None:
    with duckdb.connect(str(duckdb_warehouse), read_only=True) as con:
        relations = [row[0] for row in con.execute(f"""
            select table_schema || '.' || table_name from information_schema.tables
            where table_schema in {COMPARED_SCHEMAS} order by 1
        """).fetchall()]
        assert "marts.account_health" in relations
        mismatches = {}
        for relation in relations:
            columns = [row[0] for row in con.execute(f"describe {relation}").fetchall()
                       if row[0] not in BOOKKEEPING_COLUMNS]
            select = ", ".join(f'"{column}"' for column in columns)
            in_duckdb = normalised_rows(con.execute(f"select {select} from {relation}").fetchall())
            exported = spark_marts / relation
            if not exported.exists():
                mismatches[relation] = "not built on Spark"
                continue
            in_spark = normalised_rows(con.execute(
                f"select {select} from read_parquet('{exported}/*.parquet')").fetchall())
            only_duckdb, only_spark = row_differences(in_duckdb, in_spark)
            if only_duckdb or only_spark or not in_duckdb:
                mismatches[relation] = (len(in_duckdb), len(in_spark), only_duckdb[:2], only_spark[:2])
    assert mismatches == {}
