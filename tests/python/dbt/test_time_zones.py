"""Time-zone-aware sources are read as UTC wall time, whatever the machine's time zone.

Segment and RudderStack write `TIMESTAMP WITH TIME ZONE` on several warehouses. Casting one
to a plain timestamp goes through the session's time zone, which DuckDB takes from the
machine (TZ) unless the profile sets it. The test takes the test warehouse (plain UTC
timestamps, built in UTC), turns every timestamp column of the raw tables into a time-zone-
aware one holding the same instants, builds it with the dbt process in Los Angeles time and
compares every table of marts, data_quality and backtest with the UTC build.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from tests.python.support.dbt_project_harness import TEST_AS_OF, copy_warehouse, reference_warehouse, run_dbt
from tests.python.support.warehouse_copy import SOURCE_TABLES, mismatched_relations

# eight hours behind UTC in winter, seven in summer: an evening event moves to the next UTC day
NON_UTC_TZ = "America/Los_Angeles"


def make_sources_time_zone_aware(db: Path) -> list[str]:
    """ALTER every TIMESTAMP column of the raw tables to TIMESTAMPTZ, keeping the instants."""
    changed = []
    with duckdb.connect(str(db)) as con:
        con.execute("set TimeZone = 'UTC'")  # the plain values are UTC wall times
        for schema, table in SOURCE_TABLES:
            for column, kind, *_ in con.execute(f"describe {schema}.{table}").fetchall():
                if kind == "TIMESTAMP":
                    con.execute(f'alter table {schema}.{table} alter column "{column}" set data type timestamptz')
                    changed.append(f"{schema}.{table}.{column}")
    return changed


def test_time_zone_aware_sources_under_a_non_utc_machine_give_the_utc_build(tmp_path: Path) -> None:
    reference = reference_warehouse()
    db = copy_warehouse(reference, tmp_path / "warehouse.duckdb")
    changed = make_sources_time_zone_aware(db)
    assert "segment.tracks.timestamp" in changed and "support.tickets.created_at" in changed

    result = run_dbt(["build", "--full-refresh", "--exclude-resource-type", "test", "--exclude-resource-type",
                      "unit_test", "--vars", f"{{as_of_date: {TEST_AS_OF}}}"],
                     db, target_path=tmp_path / "target", extra_env={"TZ": NON_UTC_TZ})
    assert result.returncode == 0, result.stdout[-4000:]

    with duckdb.connect(str(db), read_only=True) as built:
        # the sources really are time-zone-aware, so the comparison is not between two plain builds
        kind = built.execute("select data_type from information_schema.columns where table_schema = 'segment' "
                             "and table_name = 'tracks' and column_name = 'timestamp'").fetchone()[0]
        assert kind == "TIMESTAMP WITH TIME ZONE"

        def read_built(relation: str, select: str) -> list[tuple] | None:
            schema, table = relation.split(".")
            exists = built.execute("select count(*) from information_schema.tables where table_schema = ? "
                                   "and table_name = ?", [schema, table]).fetchone()[0]
            return built.execute(f"select {select} from {relation}").fetchall() if exists else None

        assert mismatched_relations(reference, read_built) == {}
