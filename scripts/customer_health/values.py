"""Value kinds, canonical text forms (for change detection) and truncation."""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

# Logical kinds of mart columns, from warehouse type names.
TEXT, INTEGER, NUMBER, DATE, TIMESTAMP, BOOLEAN = "text", "integer", "number", "date", "timestamp", "boolean"

_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "INT", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                  "UINTEGER", "UBIGINT", "INT2", "INT4", "INT8"}
_NUMBER_TYPES = {"DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC", "FLOAT4", "FLOAT8", "DOUBLE PRECISION"}

# psycopg2 type OIDs -> kind.
_PG_OIDS = {16: BOOLEAN, 20: INTEGER, 21: INTEGER, 23: INTEGER, 700: NUMBER, 701: NUMBER, 1700: NUMBER,
            1082: DATE, 1114: TIMESTAMP, 1184: TIMESTAMP, 25: TEXT, 1043: TEXT, 1042: TEXT, 19: TEXT}


def kind_of_type(type_name: str) -> str:
    """Map a DuckDB type name (e.g. 'DECIMAL(18,2)') to a logical kind."""
    base = type_name.upper().split("(")[0].strip()
    if base in _INTEGER_TYPES:
        return INTEGER
    if base in _NUMBER_TYPES:
        return NUMBER
    if base == "DATE":
        return DATE
    if base.startswith("TIMESTAMP"):
        return TIMESTAMP
    if base in ("BOOLEAN", "BOOL"):
        return BOOLEAN
    return TEXT


def kind_of_pg_oid(oid: int) -> str:
    return _PG_OIDS.get(oid, TEXT)


def canonical(value: Any) -> str | None:
    """A stable text form of a mart value, stored in sync_state and compared run to run."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return None
        return format(number, ".15g")
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def json_number(value: Any) -> int | float | None:
    """A JSON-friendly number (Decimal and float become float, whole numbers stay exact)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        return None
    return number


def truncate(text: str, max_length: int | None, marker: str) -> tuple[str, bool]:
    """Cut text to max_length characters, ending with a visible marker. Returns (text, was_cut)."""
    if not max_length or max_length <= 0 or len(text) <= max_length:
        return text, False
    if len(marker) >= max_length:
        return text[:max_length], True
    return text[: max_length - len(marker)].rstrip() + marker, True
