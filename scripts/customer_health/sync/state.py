"""The sync's own tables, in the state schema (default `reverse_etl`), created on the first real run:
- sync_state: per destination, record and CRM field, the value the CRM last accepted.
- sync_log:   per-record rejections (run id, record, field, error code, message).
- sync_runs:  one row per run with its counts and how it ended.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from customer_health.credentials import redact
from customer_health.warehouse import ROWS_PER_INSERT as _ROWS_PER_INSERT
from customer_health.warehouse import Warehouse


STATE_COLUMNS = ("destination", "record_key", "field", "value", "accepted_at", "run_id")
LOG_COLUMNS = ("run_id", "destination", "record_key", "crm_id", "field", "error_code", "message", "logged_at")
RUN_COUNTS = ("records_in_export", "records_changed", "records_sent", "records_accepted", "records_created",
              "records_rejected", "records_unchanged", "records_skipped", "write_requests")


def ensure_sync_tables(wh: Warehouse, schema: str) -> None:
    wh.execute(f"create schema if not exists {schema}")
    wh.execute(f"""create table if not exists {schema}.sync_state (
        destination varchar not null, record_key varchar not null, field varchar not null,
        value varchar, accepted_at timestamp not null, run_id varchar not null)""")
    wh.execute(f"""create table if not exists {schema}.sync_log (
        run_id varchar not null, destination varchar not null, record_key varchar not null,
        crm_id varchar, field varchar, error_code varchar not null, message varchar,
        logged_at timestamp not null)""")
    counts = ", ".join(f"{name} integer" for name in RUN_COUNTS)
    wh.execute(f"""create table if not exists {schema}.sync_runs (
        run_id varchar not null, destination varchar not null, mode varchar, api varchar,
        status varchar, started_at timestamp, finished_at timestamp, {counts}, message varchar)""")


def load_state(wh: Warehouse, schema: str, destination: str) -> dict[str, dict[str, str | None]]:
    """record_key -> {field: value last accepted}; empty when the table does not exist yet."""
    if not wh.table_exists(schema, "sync_state"):
        return {}
    table = wh.fetch(f"select record_key, field, value from {schema}.sync_state where destination = %s",
                     (destination,))
    state: dict[str, dict[str, str | None]] = {}
    for row in table.rows:
        state.setdefault(row["record_key"], {})[row["field"]] = row["value"]
    return state


def utc_now() -> dt.datetime:
    # Microseconds kept: two runs can start within one second (a re-run right after a crash),
    # and sync_runs is read in started_at order.
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def start_run(wh: Warehouse, schema: str, run_id: str, destination: str, mode: str) -> None:
    with wh.transaction():
        wh.insert_rows(f"{schema}.sync_runs", ("run_id", "destination", "mode", "status", "started_at"),
                       [(run_id, destination, mode, "running", utc_now())])


def save_batch(wh: Warehouse, schema: str, run_id: str, destination: str,
               accepted: dict[str, dict[str, str | None]],
               rejections: list[tuple[str, str | None, str | None, str, str]],
               counts: dict[str, int], api: str) -> None:
    """In one transaction: new state for accepted records, log rows for rejections, run counts."""
    now = utc_now()
    with wh.transaction():
        keys = list(accepted)
        for start in range(0, len(keys), _ROWS_PER_INSERT):
            chunk = keys[start:start + _ROWS_PER_INSERT]
            wh.execute(f"delete from {schema}.sync_state where destination = %s and record_key in ("
                       + ", ".join(["%s"] * len(chunk)) + ")", [destination, *chunk])
        wh.insert_rows(f"{schema}.sync_state", STATE_COLUMNS,
                       [(destination, key, field, value, now, run_id)
                        for key, fields in accepted.items() for field, value in fields.items()])
        wh.insert_rows(f"{schema}.sync_log", LOG_COLUMNS,
                       [(run_id, destination, key, crm_id, field, code, redact(message), now)
                        for key, crm_id, field, code, message in rejections])
        _update_run(wh, schema, run_id, counts, api=api)


def _update_run(wh: Warehouse, schema: str, run_id: str, counts: dict[str, int], **extra: Any) -> None:
    values = {name: counts.get(name, 0) for name in RUN_COUNTS}
    values.update({k: v for k, v in extra.items() if v is not None})
    assignments = ", ".join(f"{name} = %s" for name in values)
    wh.execute(f"update {schema}.sync_runs set {assignments} where run_id = %s", [*values.values(), run_id])


def finish_run(wh: Warehouse, schema: str, run_id: str, counts: dict[str, int], status: str,
               message: str, api: str | None) -> None:
    with wh.transaction():
        _update_run(wh, schema, run_id, counts, status=status, message=redact(message),
                    finished_at=utc_now(), api=api)
