"""Decide what to send: compare the export with the values the CRM last accepted."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from customer_health.values import canonical

TARGET_FIELD = "__target__"  # pseudo-field: the id the record was matched by; a change resends all


@dataclass
class OutRecord:
    key: str
    crm_id: str | None
    name: str | None
    target: str
    values: dict[str, Any]                # CRM field -> raw mart value
    canonical: dict[str, str | None]      # CRM field (and TARGET_FIELD) -> canonical text
    status: str                           # "new" (never accepted) | "changed" | "unchanged"
    diffs: list[tuple[str, str | None, str | None]] = field(default_factory=list)


@dataclass
class Plan:
    to_send: list[OutRecord]
    unchanged: list[OutRecord]
    skipped: list[tuple[str, str | None, str]]   # (key, name, reason)
    deferred: int = 0                            # changed but held back by --limit
    total: int = 0

    @property
    def new(self) -> int:
        return sum(1 for r in self.to_send if r.status == "new")

    @property
    def changed(self) -> int:
        return sum(1 for r in self.to_send if r.status == "changed")

    def skipped_by_reason(self) -> Counter[str]:
        return Counter(reason for _, _, reason in self.skipped)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def build_plan(rows: list[dict[str, Any]], mapping: dict[str, str], *, key_column: str, crm_id_column: str,
               name_column: str, target_column: str, require_crm_id: bool,
               state: dict[str, dict[str, str | None]], full: bool, limit: int | None) -> Plan:
    """Split export rows into to-send / unchanged / skipped (with the reason)."""
    skipped: list[tuple[str, str | None, str]] = []
    key_counts = Counter(_text(r.get(key_column)) for r in rows)
    target_counts = Counter(_text(r.get(target_column)) for r in rows)
    candidates: list[OutRecord] = []
    for row in rows:
        key = _text(row.get(key_column))
        name = _text(row.get(name_column))
        crm_id = _text(row.get(crm_id_column))
        target = _text(row.get(target_column))
        if key is None:
            skipped.append(("(null)", name, f"no {key_column}"))
            continue
        if key_counts[key] > 1:
            skipped.append((key, name, f"{key_column} appears more than once in the export"))
            continue
        if require_crm_id and crm_id is None:
            skipped.append((key, name, f"no {crm_id_column}"))
            continue
        if target is None:
            skipped.append((key, name, f"no {target_column}"))
            continue
        if target_counts[target] > 1:
            skipped.append((key, name, f"{target_column} shared with another account"))
            continue
        values = {dest: row.get(column) for column, dest in mapping.items()}
        canon: dict[str, str | None] = {dest: canonical(value) for dest, value in values.items()}
        canon[TARGET_FIELD] = target
        previous = state.get(key)
        if previous is None:
            status = "new"
            diffs = [(f, None, v) for f, v in canon.items() if f != TARGET_FIELD]
        else:
            diffs = [(f, previous.get(f), v) for f, v in canon.items() if f not in previous or previous[f] != v]
            status = "changed" if diffs else "unchanged"
        if full and status == "unchanged":
            status = "changed"
        candidates.append(OutRecord(key, crm_id, name, target, values, canon, status, diffs))

    candidates.sort(key=lambda r: r.key)
    to_send = [r for r in candidates if r.status != "unchanged"]
    unchanged = [r for r in candidates if r.status == "unchanged"]
    deferred = 0
    if limit is not None and len(to_send) > limit:
        deferred = len(to_send) - limit
        to_send = to_send[:limit]
    return Plan(to_send=to_send, unchanged=unchanged, skipped=skipped, deferred=deferred, total=len(rows))
