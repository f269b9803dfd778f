"""The raw source tables are written once, in the sources YAML: the empty source tables and the
demo generator's tables are created from it, and a column without a type is a clear error."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from customer_health import empty_sources, source_schema
from customer_health.demo_data import warehouse as demo_warehouse
from customer_health.paths import PROJECT_ROOT


def _columns(db: Path) -> dict[str, list[tuple[str, str]]]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("""select table_schema || '.' || table_name, column_name, data_type
                              from information_schema.columns
                              where table_schema in ('segment', 'crm', 'support', 'surveys', 'billing')
                              order by table_schema, table_name, ordinal_position""").fetchall()
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        found.setdefault(table, []).append((column, kind))
    return found


def _project_copy(tmp_path: Path) -> Path:
    """dbt_project.yml and the staging sources YAML, to edit without touching the project."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(PROJECT_ROOT / "dbt_project.yml", root / "dbt_project.yml")
    for path in (PROJECT_ROOT / "models" / "staging").glob("*/_*__sources.yml"):
        target = root / path.relative_to(PROJECT_ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return root


def test_every_source_column_has_a_type_and_the_empty_sources_match_the_demo(tmp_path: Path) -> None:
    tables = source_schema.source_tables()
    assert set(tables) == {"segment.tracks", "segment.identifies", "segment.groups", "crm.accounts",
                           "support.tickets", "surveys.nps_responses", "billing.invoices", "billing.subscriptions"}
    assert ("timestamp", "TIMESTAMP") in tables["segment.tracks"]
    assert ("arr", "DECIMAL(18,2)") in tables["crm.accounts"]
    empty = tmp_path / "empty.duckdb"
    empty_sources.create_empty_sources(empty, with_subscriptions=True)
    demo = tmp_path / "demo.duckdb"
    con = demo_warehouse.connect(demo)
    try:
        demo_warehouse.create_tables(con)
    finally:
        con.close()
    assert _columns(empty) == _columns(demo)
    assert {table: [name for name, _ in columns] for table, columns in _columns(empty).items()} == \
        {table: [name for name, _ in columns] for table, columns in tables.items()}
    without = tmp_path / "without.duckdb"
    empty_sources.create_empty_sources(without)
    assert "billing.subscriptions" not in _columns(without)


def test_a_column_added_to_the_sources_yaml_is_created(tmp_path: Path) -> None:
    root = _project_copy(tmp_path)
    path = root / "models" / "staging" / "crm" / "_crm__sources.yml"
    raw = yaml.safe_load(path.read_text())
    raw["sources"][0]["tables"][0]["columns"].append({"name": "health_owner", "data_type": "string"})
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    columns = source_schema.source_tables(root)["crm.accounts"]
    assert columns[-1] == ("health_owner", "VARCHAR")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("create schema crm")
        con.execute(source_schema.create_table_sql("crm.accounts", columns))
        assert con.execute("select column_name from information_schema.columns "
                           "where table_name = 'accounts' order by ordinal_position").fetchall()[-1] == ("health_owner",)


def test_a_column_without_a_type_is_named_in_one_sentence(tmp_path: Path) -> None:
    root = _project_copy(tmp_path)
    path = root / "models" / "staging" / "surveys" / "_surveys__sources.yml"
    raw = yaml.safe_load(path.read_text())
    del raw["sources"][0]["tables"][0]["columns"][3]["data_type"]       # score
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    with pytest.raises(source_schema.SourceSchemaError, match=r"^Column score of source surveys\.nps_responses has no "
                       r"data_type in .*_surveys__sources\.yml: add one \(string, integer, decimal\(p,s\), date or timestamp\)\.$"):
        source_schema.source_tables(root)
    raw["sources"][0]["tables"][0]["columns"][3]["data_type"] = "int4range"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    source_schema.source_tables.cache_clear()
    with pytest.raises(source_schema.SourceSchemaError, match=r"data_type 'int4range', which is not one of"):
        source_schema.source_tables(root)
