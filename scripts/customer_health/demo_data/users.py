"""Users of each account: when they join and leave, how engaged they are, who they are."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .accounts import Accounts, special_roles
from .calendar import US_PER_SECOND, Timeline
from .config import (
    CHAMPION_LOSS, DECAYING, EXPANDING, NEVER, NOISY, ROLES, STALLED, STEADY, GeneratorConfig,
)
from .rand import mix64, stream

STAGE = 2
# Users per licensed seat, by story (low, high); expanding is the final head count.
USERS_PER_SEAT = {STEADY: (0.7, 0.95), EXPANDING: (1.0, 1.35), DECAYING: (0.6, 0.9),
                  CHAMPION_LOSS: (0.6, 0.9), STALLED: (0.2, 0.45), NOISY: (0.6, 0.9)}
ROLE_SHARES = (0.08, 0.60, 0.32)  # admin, member, viewer for everyone but the first user
_FIRST = (
    "Ava", "Ben", "Chloe", "Daniel", "Elena", "Felix", "Grace", "Hugo", "Isla", "Jonas",
    "Kara", "Leo", "Mia", "Nikhil", "Olivia", "Pablo", "Quinn", "Rosa", "Samir", "Tara",
    "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Aiko", "Bruno", "Carmen", "Dmitri",
    "Esther", "Farah", "Gustav", "Hiro", "Ingrid", "Jamal", "Katya", "Lars", "Maren", "Nadia",
)
_LAST = (
    "Adams", "Bauer", "Chen", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
    "Kim", "Lopez", "Moreau", "Nakamura", "Owens", "Patel", "Quiroga", "Rossi", "Schmidt",
    "Tanaka", "Ueda", "Varga", "Walsh", "Xu", "Yilmaz", "Zhang", "Andersen", "Brennan",
    "Costa", "Dahl", "Eriksen", "Ferreira", "Gupta", "Horvat", "Ivanova", "Jovanovic",
    "Kowalski", "Larsen", "Murphy", "Novak",
)
_NAME_STEP = 617  # coprime with len(_FIRST) * len(_LAST): distinct names inside an account


@dataclass
class Users:
    account: np.ndarray      # account index per user
    local: np.ndarray        # index inside the account; 0 = first admin (the top user)
    first_of_account: np.ndarray  # (accounts + 1) offsets into the user arrays
    role: np.ndarray         # index into ROLES, -1 = null trait
    join_day: np.ndarray     # day of the identify/group calls; events start the day after
    leave_day: np.ndarray    # first day without any activity (NEVER = stays)
    created_us: np.ndarray   # timestamp of the first identify / groups call
    engagement: np.ndarray   # chance of being active on a normal day
    intensity: np.ndarray    # relative events per active day
    full_names: list[str]
    emails: list[str]
    anon_hi: np.ndarray
    anon_lo: np.ndarray
    move_day: np.ndarray     # NEVER, or the day the user moves to `move_to`
    move_to: np.ndarray      # account index, -1 = no move
    post_end_to: np.ndarray  # account index of a groups row dated after the end date, -1 = none

    @property
    def n(self) -> int:
        return len(self.account)

    def alive(self, users: np.ndarray, days: np.ndarray) -> np.ndarray:
        """True where a user can act on a day (joined before it and not yet left)."""
        return (days > self.join_day[users]) & (days < self.leave_day[users])


def user_id(index: int) -> str:
    return f"usr_{index + 1:07d}"


def anonymous_ids(seed: int, users: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A stable device id per user (two uint64 halves of a uuid)."""
    base = np.asarray(users, dtype=np.uint64) * np.uint64(2)
    salt = np.uint64(seed) << np.uint64(32)
    return mix64(base ^ salt ^ np.uint64(0xA5A5)), mix64((base + np.uint64(1)) ^ salt ^ np.uint64(0x5A5A))


def _uniform_int(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    low = np.asarray(low, dtype=np.int64)
    high = np.maximum(np.asarray(high, dtype=np.int64), low)
    return low + np.floor(rng.random(low.shape) * (high - low + 1)).astype(np.int64)


def _head_counts(rng: np.random.Generator, accounts: Accounts) -> tuple[np.ndarray, np.ndarray]:
    low = np.array([USERS_PER_SEAT[s][0] for s in accounts.story])
    high = np.array([USERS_PER_SEAT[s][1] for s in accounts.story])
    total = np.maximum(2, np.round(accounts.seats * rng.uniform(low, high))).astype(np.int64)
    initial_share = rng.uniform(0.5, 0.7, accounts.n) / high
    initial = np.where(accounts.story == EXPANDING, np.maximum(2, np.round(total * initial_share)), total)
    return total, initial.astype(np.int64)


def _join_leave(rng: np.random.Generator, a: Accounts, acct: np.ndarray, local: np.ndarray,
                initial: np.ndarray, end: int) -> tuple[np.ndarray, np.ndarray]:
    n = len(acct)
    story, start = a.story[acct], a.start_day[acct]
    first = local == 0
    before = start + np.floor(rng.beta(1, 3, n) * np.maximum(-start, 1)).astype(np.int64)
    early = np.minimum(start + _uniform_int(rng, np.zeros(n), np.full(n, 30)), end - 1)
    join = np.where(start < 0, np.minimum(before, -1), early)
    turnover = np.isin(story, (STEADY, NOISY, EXPANDING)) & (rng.random(n) < 0.08)
    join = np.where(turnover, _uniform_int(rng, np.maximum(start, 0), np.full(n, end - 1)), join)
    growth = (story == EXPANDING) & (local >= initial[acct])
    g0 = np.minimum(a.growth_start[acct], end - 1)
    join = np.where(growth, g0 + np.floor((end - 1 - g0) * np.sqrt(rng.random(n))).astype(np.int64), join)
    join = np.where(story == STALLED, start + _uniform_int(rng, np.zeros(n), np.full(n, 14)), join)
    join = np.where(first, start, join)

    leave = np.full(n, NEVER, dtype=np.int64)
    roll = rng.random(n)
    churn_out = np.isin(story, (STEADY, NOISY, EXPANDING)) & (roll < 0.04)
    leave = np.where(churn_out, _uniform_int(rng, np.maximum(join + 30, 0), np.full(n, end + 200)), leave)
    leave_share = rng.uniform(0.4, 0.8, len(a.story))[acct]
    decaying = (story == DECAYING) & (roll < leave_share)
    leave = np.where(decaying, _uniform_int(rng, a.decline_start[acct], np.minimum(a.decline_end[acct], NEVER - 1)), leave)
    champion_team = (story == CHAMPION_LOSS) & (roll < 0.25)
    leave = np.where(champion_team, _uniform_int(rng, a.silence_day[acct], np.minimum(a.decline_end[acct], NEVER - 1)), leave)
    stalled = (story == STALLED) & (roll < 0.5)
    leave = np.where(stalled, _uniform_int(rng, a.fade_start[acct], a.fade_start[acct] + 45), leave)
    leave = np.where(first, NEVER, leave)
    leave = np.where(first & (story == CHAMPION_LOSS), a.silence_day[acct], leave)
    return join, leave


def _names_and_emails(rng: np.random.Generator, a: Accounts, acct: np.ndarray, local: np.ndarray) -> tuple[list[str], list[str]]:
    combos = len(_FIRST) * len(_LAST)
    offset = rng.integers(0, combos, a.n)[acct]
    pick = (offset + local * _NAME_STEP) % combos
    mixed_case = rng.random(len(acct)) < 0.05
    full_names, emails = [], []
    for i in range(len(acct)):
        first, last = _FIRST[pick[i] % len(_FIRST)], _LAST[pick[i] // len(_FIRST)]
        suffix = "" if local[i] < combos else str(local[i] // combos)
        full_names.append(f"{first} {last}")
        domain = a.domains[acct[i]]
        if mixed_case[i]:
            emails.append(f"{first}.{last}{suffix}@{domain.capitalize()}")
        else:
            emails.append(f"{first}.{last}{suffix}@{domain}".lower())
    return full_names, emails


def build_users(config: GeneratorConfig, timeline: Timeline, a: Accounts) -> Users:
    rng = stream(config.seed, STAGE)
    end = timeline.end_day
    total, initial = _head_counts(rng, a)
    first_of_account = np.concatenate([[0], np.cumsum(total)])
    acct = np.repeat(np.arange(a.n), total)
    local = np.arange(len(acct)) - first_of_account[acct]
    n = len(acct)

    role = rng.choice(len(ROLES), n, p=np.array(ROLE_SHARES))
    role = np.where(rng.random(n) < 0.02, -1, role)
    role = np.where(local == 0, 0, role)
    join, leave = _join_leave(rng, a, acct, local, initial, end)
    created_us = timeline.day_us(join) + rng.integers(6 * 3600, 11 * 3600, n) * US_PER_SECOND + rng.integers(0, US_PER_SECOND, n)

    engagement = rng.beta(1.6, 2.4, n)
    engagement = np.where(role == 2, engagement * 0.6, engagement)
    engagement = np.where(role == 0, np.minimum(engagement * 1.1, 0.95), engagement)
    engagement = np.where(local == 0, rng.uniform(0.8, 0.95, n), engagement)
    intensity = np.exp(rng.normal(-0.125, 0.5, n))
    intensity = np.where(local == 0, intensity * np.where(a.story[acct] == CHAMPION_LOSS, 3.0, 2.0), intensity)

    full_names, emails = _names_and_emails(rng, a, acct, local)
    anon_hi, anon_lo = anonymous_ids(config.seed, np.arange(n))

    move_day = np.full(n, NEVER, dtype=np.int64)
    move_to = np.full(n, -1, dtype=np.int64)
    post_end_to = np.full(n, -1, dtype=np.int64)
    roles = special_roles(a.special_pool)
    for source, target in zip(roles["mover_from"], roles["mover_to"]):
        candidates = np.flatnonzero((acct == source) & (local > 0) & (join < end // 3) & (leave == NEVER))
        if source == target or len(candidates) == 0:
            continue
        mover = candidates[np.argmax(engagement[candidates])]  # someone who keeps using the product
        move_day[mover] = int(rng.integers(end // 3, max(end // 3 + 1, 2 * end // 3)))
        move_to[mover] = target
    for source, target in zip(roles["post_end_from"], roles["post_end_to"]):
        candidates = np.flatnonzero((acct == source) & (local > 0) & (leave == NEVER) & (move_to < 0) & (join < end - 1))
        if source == target or len(candidates) == 0:
            continue
        post_end_to[candidates[rng.integers(0, len(candidates))]] = target

    return Users(
        account=acct, local=local, first_of_account=first_of_account, role=role,
        join_day=join, leave_day=leave, created_us=created_us, engagement=engagement,
        intensity=intensity, full_names=full_names, emails=emails, anon_hi=anon_hi,
        anon_lo=anon_lo, move_day=move_day, move_to=move_to, post_end_to=post_end_to,
    )


def pick_alive(rng: np.random.Generator, users: Users, accounts: np.ndarray, days: np.ndarray,
               tries: int = 8, exclude_first: bool = False) -> np.ndarray:
    """For each (account, day) pick a random user who is around that day; -1 if none found."""
    n = len(accounts)
    chosen = np.full(n, -1, dtype=np.int64)
    base = users.first_of_account[accounts]
    size = users.first_of_account[accounts + 1] - base
    for _ in range(tries):
        todo = chosen < 0
        if not todo.any():
            break
        candidate = base + np.floor(rng.random(n) * size).astype(np.int64)
        ok = todo & users.alive(candidate, days)
        if exclude_first:
            ok &= users.local[candidate] > 0
        chosen = np.where(ok, candidate, chosen)
    return chosen
