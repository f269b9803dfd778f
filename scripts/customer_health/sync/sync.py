"""Run one sync end to end: read, plan, check fields, send batches, persist after each batch."""
from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, TextIO

from customer_health.sync.config import Settings
from customer_health.credentials import hubspot_token, redact, salesforce_credentials
from customer_health.errors import ConfigError, SyncStopped
from customer_health.freshness import check_not_stale
from customer_health.sync.plan import Plan, build_plan
from customer_health.sync.state import ensure_sync_tables, finish_run, load_state, save_batch, start_run, utc_now
from customer_health.warehouse import Warehouse

log = logging.getLogger(__name__)

EXIT_OK, EXIT_REJECTIONS, EXIT_CONFIG, EXIT_STOPPED = 0, 1, 2, 3
EXIT_STALE = 5  # the scores were computed on stale data; nothing sent (see freshness.py)
_LIST_LIMIT = 20


@dataclass
class Options:
    destination: str            # "salesforce" | "hubspot"
    dry_run: bool = False
    full: bool = False
    limit: int | None = None
    show_diffs: int = 20
    warehouse_dsn: str | None = None
    warehouse_path: str | None = None
    force_stale: bool = False   # send even when as_of_date lies far past the latest loaded event


def _target(settings: Settings, destination: str) -> tuple[dict[str, str], str, str, bool]:
    """(mapping, object, target column, crm_id required) for the destination."""
    wh = settings.warehouse
    if destination == "salesforce":
        sf = settings.salesforce
        if sf.match_mode == "id":
            return sf.fields, sf.object, wh.crm_id_column, True
        return sf.fields, sf.object, sf.external_id_column, not sf.send_without_crm_id
    hs = settings.hubspot
    if hs.match_mode == "id":
        return hs.fields, hs.object, wh.crm_id_column, True
    return hs.fields, hs.object, hs.id_property_column, True


def _make_destination(settings: Settings, destination: str, sleep: Callable[[float], None]) -> Any:
    if destination == "salesforce":
        from customer_health.sync.salesforce import SalesforceDestination

        return SalesforceDestination(settings.salesforce, settings.retry, salesforce_credentials(), sleep)
    from customer_health.sync.hubspot import HubSpotDestination

    return HubSpotDestination(settings.hubspot, settings.retry, hubspot_token(), sleep)


def _list(items: list[tuple[str, str | None, str]], limit: int = _LIST_LIMIT) -> str:
    shown = ", ".join(f"{key} ({name})" if name else key for key, name, _ in items[:limit])
    return shown + (f", and {len(items) - limit} more" if len(items) > limit else "")


def _skipped_lines(plan: Plan) -> list[str]:
    lines = []
    for reason, count in plan.skipped_by_reason().most_common():
        items = [s for s in plan.skipped if s[2] == reason]
        lines.append(f"  skipped, {reason}: {count}: {_list(items)}")
    return lines


def print_dry_run(plan: Plan, name: str, settings: Settings, options: Options, out: TextIO) -> None:
    destination = options.destination
    upsert = destination == "salesforce" and settings.salesforce.match_mode == "external_id"
    threshold = settings.salesforce.bulk_threshold
    if destination == "salesforce":
        api = ("Bulk API 2.0" if len(plan.to_send) > threshold else "sObject Collections") + f" (threshold {threshold})"
    else:
        api = f"companies batch update ({settings.hubspot.batch_size} per call)"
    out.write(f"Dry run for {name}: nothing is sent to the CRM and nothing is written to the warehouse.\n")
    out.write(f"  export rows:        {plan.total}\n")
    out.write(f"  to create:          {plan.new if upsert else 0}"
              f"{' (never synced; upsert creates them when the CRM has no match)' if upsert else ''}\n")
    out.write(f"  to update:          {len(plan.to_send) - (plan.new if upsert else 0)}"
              f" ({plan.changed} changed since the last accepted values"
              f"{'' if upsert else f', {plan.new} never synced'}{', --full resends all' if options.full else ''})\n")
    out.write(f"  unchanged:          {len(plan.unchanged)}\n")
    out.write(f"  skipped:            {len(plan.skipped)}\n")
    for line in _skipped_lines(plan):
        out.write(line + "\n")
    if plan.deferred:
        out.write(f"  held back by --limit: {plan.deferred}\n")
    out.write(f"  would send through: {api}\n")
    diffs = [(r.key, f, old, new) for r in plan.to_send for f, old, new in r.diffs]
    if options.show_diffs and diffs:
        out.write(f"First {min(options.show_diffs, len(diffs))} of {len(diffs)} field-level changes "
                  "(record: field: last accepted -> now):\n")
        for key, field_name, old, new in diffs[:options.show_diffs]:
            out.write(f"  {key}: {field_name}: {_short(old)} -> {_short(new)}\n")


def _short(value: str | None, width: int = 60) -> str:
    if value is None:
        return "(none)"
    value = value.replace("\n", " ")
    return repr(value if len(value) <= width else value[: width - 1] + "…")


def run(settings: Settings, options: Options, out: TextIO, sleep: Callable[[float], None] = time.sleep) -> int:
    destination = options.destination
    mapping, obj, target_column, require_crm_id = _target(settings, destination)
    dest = None if options.dry_run else _make_destination(settings, destination, sleep)  # credentials first
    whs = settings.warehouse
    wh = Warehouse.open(options.warehouse_dsn, options.warehouse_path, read_only=options.dry_run)
    try:
        check_not_stale(wh, whs.freshness_relation, force=options.force_stale, sending=not options.dry_run,
                        what="the scores")
        table = wh.read_relation(whs.export_relation, "the export model")
        needed = [whs.key_column, whs.crm_id_column, target_column, *mapping]
        missing = sorted({c for c in needed if c not in table.columns})
        if missing:
            raise ConfigError(f"The export model {whs.export_relation} has no column(s) {', '.join(missing)}; "
                              "fix the mapping in the YAML beside the script.")
        name = f"{destination}:{obj}"
        state = load_state(wh, whs.state_schema, name)
        plan = build_plan(table.rows, mapping, key_column=whs.key_column, crm_id_column=whs.crm_id_column,
                          name_column=whs.name_column if whs.name_column in table.columns else whs.key_column,
                          target_column=target_column, require_crm_id=require_crm_id, state=state,
                          full=options.full, limit=options.limit)
        for key, account, reason in plan.skipped:
            log.info("Not sent: %s (%s): %s", key, account or "no name", reason)
        if options.dry_run:
            print_dry_run(plan, name, settings, options, out)
            return EXIT_OK
        return _send(wh, settings, options, dest, plan, name, mapping, table.kinds, out)
    finally:
        wh.close()


def _send(wh: Warehouse, settings: Settings, options: Options, dest: Any, plan: Plan, name: str,
          mapping: dict[str, str], kinds: dict[str, str], out: TextIO) -> int:
    schema = settings.warehouse.state_schema
    started = time.monotonic()
    if plan.to_send:
        dest.connect()
        dest.validate(mapping, kinds)  # raises ConfigError before any write
    ensure_sync_tables(wh, schema)
    run_id = f"{utc_now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    start_run(wh, schema, run_id, name, "full" if options.full else "changes")
    counts = {"records_in_export": plan.total, "records_changed": len(plan.to_send) + plan.deferred,
              "records_unchanged": len(plan.unchanged), "records_skipped": len(plan.skipped),
              "records_sent": 0, "records_accepted": 0, "records_created": 0, "records_rejected": 0,
              "write_requests": 0}
    status, message, batches = "succeeded", "", 0
    rejection_codes: dict[str, int] = {}
    try:
        for outcome in (dest.send(plan.to_send) if plan.to_send else []):
            batches += 1
            accepted = {r.key: r.canonical for r in outcome.accepted if r.key not in outcome.rejected_keys}
            counts["records_sent"] += len(accepted) + len(outcome.rejected_keys)
            counts["records_accepted"] += len(accepted)
            counts["records_created"] += outcome.created
            counts["records_rejected"] += len(outcome.rejected_keys)
            counts["write_requests"] = dest.write_requests
            rows = [(r.key, r.crm_id, r.field, r.code, r.message) for r in outcome.rejections]
            for rejection in outcome.rejections:
                rejection_codes[rejection.code] = rejection_codes.get(rejection.code, 0) + 1
                log.warning("Rejected %s (%s) field %s: %s %s", rejection.key, rejection.crm_id or "-",
                            rejection.field or "-", rejection.code, redact(rejection.message)[:300])
            save_batch(wh, schema, run_id, name, accepted, rows, counts, outcome.api)
            log.info("Batch %d saved: %d accepted, %d rejected", batches, len(accepted), len(outcome.rejected_keys))
    except SyncStopped as exc:
        status, message = "stopped", str(exc)
        log.error("%s", message)
    except ConfigError:
        finish_run(wh, schema, run_id, counts, "failed", "field check failed", getattr(dest, "api_used", None))
        raise
    if dest is not None:
        counts["write_requests"] = dest.write_requests
    if status == "succeeded" and counts["records_rejected"]:
        status = "completed_with_rejections"
    finish_run(wh, schema, run_id, counts, status, message, getattr(dest, "api_used", None) if plan.to_send else None)
    _summary(out, name, plan, counts, rejection_codes, status, message, run_id, schema, dest, batches,
             time.monotonic() - started)
    if status == "stopped":
        return EXIT_STOPPED
    return EXIT_REJECTIONS if counts["records_rejected"] else EXIT_OK


def _summary(out: TextIO, name: str, plan: Plan, counts: dict[str, int], codes: dict[str, int], status: str,
             message: str, run_id: str, schema: str, dest: Any, batches: int, seconds: float) -> None:
    api = {"collections": "sObject Collections", "bulk2": "Bulk API 2.0", "batch_update": "batch update"}.get(
        getattr(dest, "api_used", ""), "no API")
    out.write(f"Sync to {name} {status.replace('_', ' ')} in {seconds:.1f} s (run {run_id}).\n")
    out.write(f"  {plan.total} accounts in the export: {len(plan.to_send)} to send, {len(plan.unchanged)} unchanged, "
              f"{len(plan.skipped)} skipped" + (f", {plan.deferred} held back by --limit" if plan.deferred else "")
              + ".\n")
    if plan.to_send:
        out.write(f"  Sent {counts['records_sent']} records through {api} in {batches} batch(es), "
                  f"{counts['write_requests']} write request(s): {counts['records_accepted']} accepted "
                  f"({counts['records_created']} created), {counts['records_rejected']} rejected.\n")
    elif plan.deferred:
        out.write("  Nothing sent: --limit held every changed record back.\n")
    else:
        out.write("  Nothing changed since the last accepted values: no write request was made.\n")
    if codes:
        out.write("  Rejections by error code: " + ", ".join(f"{c} {n}" for c, n in sorted(codes.items()))
                  + f"; details in {schema}.sync_log (run_id = '{run_id}'); they are retried next run.\n")
    for line in _skipped_lines(plan):
        out.write(line + "\n")
    if getattr(dest, "truncated", 0):
        out.write(f"  {dest.truncated} text value(s) were longer than their field and were cut, ending with a marker.\n")
    if status == "stopped":
        left = len(plan.to_send) - counts["records_sent"]
        out.write(f"  Stopped early: {message} {left} record(s) not sent yet will go in the next run.\n")
