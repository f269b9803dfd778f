"""Dirty segment.tracks rows, planted on copies of clean events so each has one flaw.

The data-quality model classifies tracks rows in this order (first match wins):
missing_id_or_timestamp, duplicate_id, future_timestamp, anonymous_event,
unattributed_event, unknown_account, unknown_event. Every planted row is a copy of a
clean natural event (of a healthy-story customer, which never churns, at least two days
before the end date) with exactly one flaw, so it lands in its own kind and nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .calendar import US_PER_DAY, US_PER_SECOND, Timeline
from .config import MIN_PLANTED, PLANTED_EVENT_SHARE
from .rand import PLANTED_COUNTER_BASE, allocate, id_high, random_u64
from .users import anonymous_ids
from .activity import EVENT_ID_FAMILY, TS_NULL
from .catalog import UNKNOWN_EVENT_NAMES

TRACK_KINDS = (
    "missing_id_or_timestamp", "duplicate_id", "future_timestamp", "anonymous_event",
    "unattributed_event", "unknown_account", "unknown_event",
)
# (kind, how it is planted), in the order sources are handed out.
VARIANTS = (
    ("missing_id_or_timestamp", "null_id"),
    ("missing_id_or_timestamp", "null_timestamp"),
    ("duplicate_id", "reload_with_later_received_at"),
    ("future_timestamp", "client_clock_ahead"),
    ("anonymous_event", "no_user_id"),
    ("unattributed_event", "user_without_groups_call"),
    ("unknown_account", "context_group_id_unknown"),
    ("unknown_account", "user_grouped_to_unknown_account"),
    ("unknown_event", "name_not_in_catalog"),
)
UNKNOWN_CONTEXT_ACCOUNTS = np.array([900_000, 900_001, 900_002])  # acc_900001..acc_900003
UNKNOWN_GROUP_ACCOUNTS = np.array([900_003, 900_004])             # acc_900004, acc_900005
N_ORPHANS = 3
N_UNKNOWN_NAMES = len(UNKNOWN_EVENT_NAMES)


@dataclass(frozen=True)
class SpecialUsers:
    """Users appended after the natural ones, who only appear in planted rows."""
    orphans: np.ndarray           # identified, never grouped
    unknown_grouped: np.ndarray   # grouped only to an account the CRM does not know
    unknown_group_of: np.ndarray  # their group (account index)
    anon_hi: np.ndarray           # indexed by position in orphans + unknown_grouped
    anon_lo: np.ndarray

    @property
    def all(self) -> np.ndarray:
        return np.concatenate([self.orphans, self.unknown_grouped])


def special_users(first_index: int, seed: int) -> SpecialUsers:
    orphans = np.arange(first_index, first_index + N_ORPHANS)
    grouped = np.arange(first_index + N_ORPHANS, first_index + N_ORPHANS + len(UNKNOWN_GROUP_ACCOUNTS))
    anon_hi, anon_lo = anonymous_ids(seed, np.concatenate([orphans, grouped]))
    return SpecialUsers(orphans, grouped, UNKNOWN_GROUP_ACCOUNTS.copy(), anon_hi, anon_lo)


def variant_totals(target_events: int) -> np.ndarray:
    """How many rows to plant per variant: each kind gets max(5, 0.15% of the target)."""
    per_kind = max(MIN_PLANTED, round(PLANTED_EVENT_SHARE * target_events))
    totals = []
    for kind, _ in VARIANTS:
        parts = sum(1 for k, _ in VARIANTS if k == kind)
        position = sum(1 for k, _ in VARIANTS[: len(totals)] if k == kind)
        totals.append(per_kind // parts + (1 if position < per_kind % parts else 0))
    return np.array(totals, dtype=np.int64)


def chunk_allocation(totals: np.ndarray, chunk_weights: np.ndarray) -> np.ndarray:
    """(chunks, variants): each variant's total spread over chunks by eligible volume."""
    return np.stack([allocate(int(t), chunk_weights) for t in totals], axis=1)


def plant_events(rng: np.random.Generator, batch: dict[str, np.ndarray], wanted: np.ndarray,
                 source_account: np.ndarray, special: SpecialUsers, timeline: Timeline, seed: int,
                 first_counter: int, unknown_code_base: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Copy clean events of this chunk into flawed rows; returns the rows and counts per variant.

    `source_account` marks the accounts whose events may be copied (healthy stories only,
    so planted rows never blur a churn, a decline or a silent champion).
    """
    eligible = np.flatnonzero((batch["day"] <= timeline.end_day - 2) & source_account[batch["acct"]])
    take = min(int(wanted.sum()), len(eligible))
    source = rng.choice(eligible, size=take, replace=False) if take else np.array([], dtype=np.int64)
    counts = np.zeros(len(VARIANTS), dtype=np.int64)
    remaining = take
    for v, want in enumerate(wanted):
        counts[v] = min(int(want), remaining)
        remaining -= counts[v]
    rows = {key: values[source].copy() for key, values in batch.items()}
    n = take
    rows["hi"] = id_high(np.arange(first_counter, first_counter + n, dtype=np.uint64) + np.uint64(PLANTED_COUNTER_BASE),
                         seed, EVENT_ID_FAMILY)
    rows["lo"] = random_u64(rng, n)
    edges = np.concatenate([[0], np.cumsum(counts)])
    part = {name: slice(int(edges[v]), int(edges[v + 1])) for v, (_, name) in enumerate(VARIANTS)}

    s = part["null_id"]
    rows["hi"][s] = 0
    rows["lo"][s] = 0
    rows["ts"][part["null_timestamp"]] = TS_NULL

    s = part["reload_with_later_received_at"]
    rows["hi"][s] = batch["hi"][source[s]]
    rows["lo"][s] = batch["lo"][source[s]]
    rows["rcv"][s] = batch["rcv"][source[s]] + rng.integers(1, 6 * 3600, s.stop - s.start) * US_PER_SECOND

    s = part["client_clock_ahead"]
    ahead = rng.integers(1, 121, s.stop - s.start)
    rows["ts"][s] = timeline.day_us(timeline.end_day + ahead) + rows["ts"][s] % US_PER_DAY

    s = part["no_user_id"]
    rows["user_ix"][s] = -1
    rows["anon_hi"][s] = random_u64(rng, s.stop - s.start)
    rows["anon_lo"][s] = random_u64(rng, s.stop - s.start)
    rows["anon_null"][s] = False

    for name, group in (("user_without_groups_call", special.orphans),
                        ("user_grouped_to_unknown_account", special.unknown_grouped)):
        s = part[name]
        pick = np.arange(s.stop - s.start) % len(group)
        position = np.searchsorted(special.all, group[pick])
        rows["user_ix"][s] = group[pick]
        rows["anon_hi"][s] = special.anon_hi[position]
        rows["anon_lo"][s] = special.anon_lo[position]
        rows["ctx"][s] = -1

    s = part["context_group_id_unknown"]
    rows["ctx"][s] = UNKNOWN_CONTEXT_ACCOUNTS[np.arange(s.stop - s.start) % len(UNKNOWN_CONTEXT_ACCOUNTS)]

    s = part["name_not_in_catalog"]
    # Codes from the catalog size upwards name catalog.UNKNOWN_EVENT_NAMES.
    rows["code"][s] = unknown_code_base + np.arange(s.stop - s.start) % N_UNKNOWN_NAMES
    return rows, counts
