"""Move tables between a DuckDB warehouse and a local Spark warehouse, through Parquet.

    python spark_tables.py load   <duckdb file> <parquet dir>   # raw sources into Spark
    python spark_tables.py export <parquet dir> <schema or schema.table> ...  # Spark tables out to Parquet

Run with the Spark virtual environment; the Spark warehouse and metastore are the ones the
project's `spark` target uses (DBT_SPARK_WAREHOUSE_DIR, DBT_SPARK_METASTORE_DIR). Each call
is its own process: the local metastore admits one Spark driver at a time.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

SOURCE_TABLES = (
    ("segment", "tracks"), ("segment", "identifies"), ("segment", "groups"), ("crm", "accounts"),
    ("support", "tickets"), ("surveys", "nps_responses"), ("billing", "invoices"),
    ("billing", "subscriptions"),   # optional in the contract; the test dataset has it
)
log = logging.getLogger("spark_tables")


def spark_session():
    from pyspark.sql import SparkSession

    warehouse = os.environ["DBT_SPARK_WAREHOUSE_DIR"]
    metastore = os.environ["DBT_SPARK_METASTORE_DIR"]
    return (SparkSession.builder.enableHiveSupport()
            .config("spark.sql.warehouse.dir", warehouse)
            .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={metastore}")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false")
            .getOrCreate())


def load(duckdb_file: Path, parquet_dir: Path) -> None:
    import duckdb

    parquet_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(duckdb_file), read_only=True) as con:
        for schema, table in SOURCE_TABLES:
            con.execute(f"copy {schema}.{table} to '{parquet_dir / f'{schema}.{table}.parquet'}' (format parquet)")
    spark = spark_session()
    try:
        for schema, table in SOURCE_TABLES:
            spark.sql(f"create database if not exists {schema}")
            frame = spark.read.parquet(str(parquet_dir / f"{schema}.{table}.parquet"))
            # timestamps without time zone, read as the session's (UTC) timestamps
            for field in frame.schema.fields:
                if field.dataType.typeName() == "timestamp_ntz":
                    frame = frame.withColumn(field.name, frame[field.name].cast("timestamp"))
            frame.write.mode("overwrite").format("parquet").saveAsTable(f"{schema}.{table}")
            log.info("loaded %s.%s", schema, table)
    finally:
        spark.stop()


def export(parquet_dir: Path, names: list[str]) -> None:
    """Every table of each schema named, or the one table of each `schema.table` named."""
    spark = spark_session()
    try:
        for name in names:
            if "." in name:
                relations = [name]
            else:
                relations = [f"{name}.{row['tableName']}" for row in spark.sql(f"show tables in {name}").collect()]
            for relation in relations:
                spark.table(relation).write.mode("overwrite").parquet(str(parquet_dir / relation))
    finally:
        spark.stop()


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if len(argv) >= 3 and argv[0] == "load":
        load(Path(argv[1]), Path(argv[2]))
        return 0
    if len(argv) >= 3 and argv[0] == "export":
        export(Path(argv[1]), argv[2:])
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
