"""Run the dbt project from tests: generate data, build, query the warehouse.

The test command builds the small test warehouse before pytest runs and passes its path
in HEALTH_TEST_WAREHOUSE; run alone, pytest builds one itself (about 30 s).
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Mapping

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
TEST_AS_OF = os.environ.get("HEALTH_TEST_AS_OF", "2025-06-30")
TEST_DATA_FLAGS = ["--seed", "7", "--accounts", "60", "--days", "300", "--events", "200000", "--end-date", TEST_AS_OF]


def dbt_env(db_path: Path, extra_env: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DBT_DUCKDB_PATH=str(db_path),
        DBT_PROFILES_DIR=str(PROJECT_ROOT),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    env.update(extra_env or {})
    return env


def run_dbt(args: list[str], db_path: Path, project_dir: Path = PROJECT_ROOT, target_path: Path | None = None,
            extra_env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a dbt command; a separate target path keeps parallel builds from sharing artefacts.
    extra_env adds to (or overrides) the environment, e.g. TZ for a machine in another time zone."""
    command = [str(BIN / "dbt"), *args, "--project-dir", str(project_dir), "--profiles-dir", str(PROJECT_ROOT)]
    if target_path is not None:
        command += ["--target-path", str(target_path)]
    return subprocess.run(command, cwd=project_dir, env=dbt_env(db_path, extra_env), capture_output=True, text=True,
                          check=False)


def generate(db_path: Path, flags: list[str] = TEST_DATA_FLAGS) -> None:
    subprocess.run(
        [sys.executable, "-m", "customer_health.demo_data.cli", "--db", str(db_path), "--quiet", *flags],
        check=True, capture_output=True, text=True,
    )


def build_test_warehouse(db_path: Path) -> Path:
    generate(db_path)
    result = run_dbt(["build", "--vars", f"{{as_of_date: {TEST_AS_OF}}}"], db_path,
                     target_path=db_path.parent / "dbt_target")
    if result.returncode != 0:
        raise RuntimeError(f"dbt build of the test warehouse failed:\n{result.stdout[-4000:]}")
    return db_path


@functools.lru_cache(maxsize=1)
def reference_warehouse() -> Path:
    """The prebuilt test warehouse (HEALTH_TEST_WAREHOUSE), or one built once per pytest run.

    Shared by every test that reads it: copy it (copy_warehouse) before changing anything.
    """
    prebuilt = os.environ.get("HEALTH_TEST_WAREHOUSE")
    if prebuilt and Path(prebuilt).exists():
        return Path(prebuilt)
    return build_test_warehouse(Path(tempfile.mkdtemp(prefix="test_warehouse_")) / "warehouse.duckdb")


def copy_project(destination: Path) -> Path:
    """A copy of the dbt project (no environments, builds, logs or warehouses) whose seeds a
    test may change."""
    shutil.copytree(PROJECT_ROOT, destination, ignore=shutil.ignore_patterns(
        ".venv*", "target", "logs", "*.duckdb", ".git", "docs", "__pycache__"))
    return destination


def copy_warehouse(source: Path, destination: Path) -> Path:
    shutil.copyfile(source, destination)
    return destination


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of one query on a DuckDB warehouse, opened read-only."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()
