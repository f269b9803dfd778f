"""segment.identifies and segment.groups rows: who users are and which account they belong to."""
from __future__ import annotations

import numpy as np

from .accounts import Accounts
from .calendar import US_PER_SECOND, Timeline
from .config import PLANS, ROLES
from .planted import SpecialUsers
from .rand import ROW_COUNTER_BASE, id_high, random_u64
from .users import Users, anonymous_ids

IDENTIFIES_FAMILY = 2
GROUPS_FAMILY = 3
SECOND_IDENTIFY_SHARE = 0.15
_MARRIED_NAMES = ("Okafor", "Lindqvist", "Sato", "Brooks", "Reyes", "Meyer")
_ORPHAN_NAMES = ("Sam Rivera", "Alex Moreno", "Jordan Blake", "Robin Keller", "Casey Lund")


def _load_delay(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(1, 120 * US_PER_SECOND, n)


def _work_time(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(8 * 3600, 18 * 3600, n) * US_PER_SECOND + rng.integers(0, US_PER_SECOND, n)


def _role_text(role: np.ndarray) -> np.ndarray:
    return np.array([ROLES[r] if r >= 0 else None for r in role], dtype=object)


def _batch(rng: np.random.Generator, user: np.ndarray, ts: np.ndarray, **columns) -> dict[str, np.ndarray]:
    n = len(user)
    return {
        "hi": np.zeros(n, dtype=np.uint64),  # numbered after all parts are concatenated
        "lo": random_u64(rng, n),
        "user_ix": user.astype(np.int64),
        "ts": ts.astype(np.int64),
        "rcv": (ts + _load_delay(rng, n)).astype(np.int64),
        **columns,
    }


def _concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def _special_identity(special: SpecialUsers, a: Accounts) -> tuple[list[str], list[str]]:
    names, emails = [], []
    for k, _ in enumerate(special.orphans):
        name = _ORPHAN_NAMES[k % len(_ORPHAN_NAMES)]
        names.append(name)
        emails.append(name.lower().replace(" ", ".") + "@" + a.domains[k % a.n])
    for k, _ in enumerate(special.unknown_grouped):
        names.append(f"Trial User {k + 1}")
        emails.append(f"trial.user{k + 1}@trial-workspace.example")
    return names, emails


def build_identifies(rng: np.random.Generator, seed: int, users: Users, a: Accounts,
                     special: SpecialUsers, timeline: Timeline) -> dict[str, np.ndarray]:
    end = timeline.end_day
    everyone = np.arange(users.n)
    parts = [_batch(rng, everyone, users.created_us,
                    email=np.array(users.emails, dtype=object), name=np.array(users.full_names, dtype=object),
                    role=_role_text(users.role))]

    # Later identify: a promotion / demotion or a name change, while the user is around.
    last_day = np.minimum.reduce([users.leave_day, a.churn_day[users.account], np.full(users.n, end + 1)]) - 1
    first_day = users.join_day + 2
    chosen = np.flatnonzero((rng.random(users.n) < SECOND_IDENTIFY_SHARE) & (first_day <= last_day))
    day = first_day[chosen] + np.floor(rng.random(len(chosen)) * (last_day[chosen] - first_day[chosen] + 1)).astype(np.int64)
    old_role = users.role[chosen]
    promote = {-1: 1, 0: 1, 1: 0, 2: 1}
    change_role = (rng.random(len(chosen)) < 0.5) & (users.local[chosen] > 0)
    new_role = np.where(change_role, [promote[int(r)] for r in old_role] if len(chosen) else old_role, old_role)
    married = rng.integers(0, len(_MARRIED_NAMES), len(chosen))
    names = np.array([users.full_names[u] if change_role[k] else f"{users.full_names[u]}-{_MARRIED_NAMES[married[k]]}"
                      for k, u in enumerate(chosen)], dtype=object)
    parts.append(_batch(rng, chosen, timeline.day_us(day) + _work_time(rng, len(chosen)),
                        email=np.array([users.emails[u] for u in chosen], dtype=object), name=names,
                        role=_role_text(new_role)))

    # Movers get an address at their new company on the day they move.
    movers = np.flatnonzero(users.move_to >= 0)
    parts.append(_batch(rng, movers, timeline.day_us(users.move_day[movers]) + _work_time(rng, len(movers)),
                        email=np.array([users.emails[u].split("@")[0] + "@" + a.domains[users.move_to[u]] for u in movers], dtype=object),
                        name=np.array([users.full_names[u] for u in movers], dtype=object),
                        role=_role_text(users.role[movers])))

    # Dated after the end date: must change nothing (new role and address).
    later = np.flatnonzero(users.post_end_to >= 0)
    parts.append(_batch(rng, later,
                        timeline.day_us(end + rng.integers(1, 21, len(later))) + _work_time(rng, len(later)),
                        email=np.array([users.emails[u].split("@")[0] + "@" + a.domains[users.post_end_to[u]] for u in later], dtype=object),
                        name=np.array([users.full_names[u] for u in later], dtype=object),
                        role=_role_text(np.where(users.role[later] == 2, 0, 2))))

    names, emails = _special_identity(special, a)
    extra = special.all
    parts.append(_batch(rng, extra,
                        np.full(len(extra), timeline.day_us(-1)) + _work_time(rng, len(extra)),
                        email=np.array(emails, dtype=object), name=np.array(names, dtype=object),
                        role=_role_text(np.ones(len(extra), dtype=np.int64))))
    batch = _concat(parts)
    counters = np.arange(len(batch["hi"]), dtype=np.uint64) + np.uint64(ROW_COUNTER_BASE)
    batch["hi"] = id_high(counters, seed, IDENTIFIES_FAMILY)
    anon_hi, anon_lo = anonymous_ids(seed, batch["user_ix"])
    batch["anon_hi"], batch["anon_lo"] = anon_hi, anon_lo
    return batch


def build_groups(rng: np.random.Generator, seed: int, users: Users, a: Accounts,
                 special: SpecialUsers, timeline: Timeline) -> dict[str, np.ndarray]:
    end = timeline.end_day
    group_names = [name.strip() for name in a.names]

    def rows(user: np.ndarray, group: np.ndarray, ts: np.ndarray) -> dict[str, np.ndarray]:
        known = group < a.n
        name = np.array([group_names[g] if k else f"Trial Workspace {g - special.unknown_group_of.min() + 1}"
                         for g, k in zip(group, known)], dtype=object)
        plan = np.array([PLANS[a.plan[g]] if k else "trial" for g, k in zip(group, known)], dtype=object)
        return _batch(rng, user, ts, group_ix=group.astype(np.int64), name=name, plan=plan)

    everyone = np.arange(users.n)
    parts = [rows(everyone, users.account, users.created_us + rng.integers(US_PER_SECOND // 2, 3 * US_PER_SECOND, users.n))]
    movers = np.flatnonzero(users.move_to >= 0)
    parts.append(rows(movers, users.move_to[movers],
                      timeline.day_us(users.move_day[movers]) + rng.integers(1, 300, len(movers)) * US_PER_SECOND))
    later = np.flatnonzero(users.post_end_to >= 0)
    parts.append(rows(later, users.post_end_to[later],
                      timeline.day_us(end + rng.integers(1, 21, len(later))) + _work_time(rng, len(later))))
    grouped = special.unknown_grouped
    parts.append(rows(grouped, special.unknown_group_of,
                      np.full(len(grouped), timeline.day_us(-1) + 9 * 3600 * US_PER_SECOND)))
    batch = _concat(parts)
    counters = np.arange(len(batch["hi"]), dtype=np.uint64) + np.uint64(ROW_COUNTER_BASE)
    batch["hi"] = id_high(counters, seed, GROUPS_FAMILY)
    return batch
