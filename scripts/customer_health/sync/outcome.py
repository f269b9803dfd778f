"""What a destination reports back for one batch: accepted records and per-record rejections."""
from __future__ import annotations

from dataclasses import dataclass, field

from customer_health.sync.plan import OutRecord


@dataclass(frozen=True)
class Rejection:
    key: str
    crm_id: str | None
    field: str | None
    code: str
    message: str


@dataclass
class BatchOutcome:
    api: str
    accepted: list[OutRecord] = field(default_factory=list)
    created: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    rejected_keys: set[str] = field(default_factory=set)

    def accept(self, record: OutRecord, created: bool = False) -> None:
        self.accepted.append(record)
        if created:
            self.created += 1

    def reject(self, record: OutRecord, field_name: str | None, code: str, message: str) -> None:
        self.rejections.append(Rejection(record.key, record.crm_id, field_name, code or "UNKNOWN", message or ""))
        self.rejected_keys.add(record.key)

    def merge(self, other: "BatchOutcome") -> None:
        self.accepted.extend(other.accepted)
        self.created += other.created
        self.rejections.extend(other.rejections)
        self.rejected_keys |= other.rejected_keys
