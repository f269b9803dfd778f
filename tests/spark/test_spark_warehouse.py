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

from tests.python.support.warehouse_copy import COMPARED_SCHEMAS, mismatched_relations

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parents[1]

BIN = Path(sys.executable).parent
TEST_AS_OF = os.environ.get("HEALTH_TEST_AS_OF", "2025-06-30")


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
    with duckdb.connect() as parquet:
        def read_spark(relation: str, select: str) -> list[tuple] | None:
            exported = spark_marts / relation
            if not exported.exists():
                return None
            return parquet.execute(f"select {select} from read_parquet('{exported}/*.parquet')").fetchall()

        assert mismatched_relations(duckdb_warehouse, read_spark) == {}
