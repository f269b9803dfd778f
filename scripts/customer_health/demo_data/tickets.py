"""support.tickets: more and worse tickets while an account is under strain."""
from __future__ import annotations

import numpy as np

from .accounts import Accounts
from .activity import PEAK_HOUR_UTC
from .calendar import US_PER_SECOND, Timeline
from .config import CHAMPION_LOSS, DECAYING, NEVER
from .phases import strained
from .users import Users, pick_alive

PRIORITIES = ("low", "normal", "high", "urgent")
HEALTHY_PRIORITY = (0.30, 0.55, 0.12, 0.03)
STRAINED_PRIORITY = (0.15, 0.45, 0.28, 0.12)
OPEN_STATUSES = ("new", "open", "pending")
HEALTHY_SATISFACTION = (0.55, 0.08)  # good, bad (the rest: no rating)
STRAINED_SATISFACTION = (0.30, 0.30)
STRAIN_TICKET_FACTOR = 2.5


def _choice(rng: np.random.Generator, probs_a: tuple[float, ...], probs_b: tuple[float, ...], use_b: np.ndarray) -> np.ndarray:
    roll = rng.random(len(use_b))
    cdf = np.where(use_b[:, None], np.cumsum(probs_b)[None, :], np.cumsum(probs_a)[None, :])
    return np.minimum((roll[:, None] >= cdf).sum(axis=1), len(probs_a) - 1)


def _created_time(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    hours = np.clip(PEAK_HOUR_UTC[region] - 2 + rng.normal(0, 2.5, len(region)), 0.5, 21.5)
    return (hours * 3600 * US_PER_SECOND).astype(np.int64)


def build_tickets(rng: np.random.Generator, a: Accounts, users: Users, timeline: Timeline) -> dict[str, np.ndarray]:
    end = timeline.end_day
    n_users = np.diff(users.first_of_account)
    per_day = (0.3 + n_users / 30) / 30
    day = np.arange(timeline.days)[None, :]
    acct_grid = np.arange(a.n)[:, None]
    factor = np.where(strained(a, np.broadcast_to(acct_grid, (a.n, timeline.days)), np.broadcast_to(day, (a.n, timeline.days))),
                      STRAIN_TICKET_FACTOR, 1.0)
    live = (day > a.start_day[:, None]) & (day < a.churn_day[:, None])
    weekday = np.maximum(timeline.activity_factor(), 0.3)[None, :]
    counts = rng.poisson(per_day[:, None] * factor * weekday * live)
    acct_nz, day_nz = np.nonzero(counts)
    repeats = counts[acct_nz, day_nz]
    acct, tday = np.repeat(acct_nz, repeats), np.repeat(day_nz, repeats)
    created = timeline.day_us(tday) + _created_time(rng, a.region[acct]) + rng.integers(0, 60 * US_PER_SECOND, len(acct))
    under_strain = strained(a, acct, tday)
    priority = _choice(rng, HEALTHY_PRIORITY, STRAINED_PRIORITY, under_strain)

    hours = np.exp(rng.normal(np.log(18), 1.2, len(acct))) * np.where(under_strain, 1.8, 1.0)
    hours = np.where(priority == 3, hours * 0.5, hours)
    solved = created + (hours * 3600 * US_PER_SECOND).astype(np.int64)
    churned = a.churn_day[acct] < NEVER
    churn_limit = timeline.day_us(np.minimum(a.churn_day[acct], end + 1)) - 1
    settle = churn_limit - rng.integers(0, 3600, len(acct)) * US_PER_SECOND
    solved = np.where(churned & (solved > churn_limit), np.maximum(settle, created + 60 * US_PER_SECOND), solved)
    open_now = solved > timeline.day_us(end + 1) - 1
    recently = solved > timeline.day_us(end - 6)
    status = np.where(open_now, np.array(OPEN_STATUSES, dtype=object)[rng.integers(0, 3, len(acct))],
                      np.where(recently, "solved", "closed"))
    rating = _choice(rng, (*HEALTHY_SATISFACTION, 1 - sum(HEALTHY_SATISFACTION)),
                     (*STRAINED_SATISFACTION, 1 - sum(STRAINED_SATISFACTION)), under_strain)
    satisfaction = np.where(open_now, None, np.array(["good", "bad", None], dtype=object)[rating])

    # Live decliners end with one or two urgent tickets still open.
    live_decliner = (a.churn_day >= NEVER) & (
        ((a.story == DECAYING) & (a.decline_start <= end)) | ((a.story == CHAMPION_LOSS) & (a.silence_day <= end)))
    extra_acct = np.repeat(np.flatnonzero(live_decliner), 1 + (rng.random(int(live_decliner.sum())) < 0.5))
    extra_day = np.maximum(end - rng.integers(0, 10, len(extra_acct)), a.start_day[extra_acct] + 1)
    extra_created = timeline.day_us(extra_day) + _created_time(rng, a.region[extra_acct])

    all_acct = np.concatenate([acct, extra_acct])
    all_day = np.concatenate([tday, extra_day])
    requester = pick_alive(rng, users, all_acct, all_day)
    return {
        "account_ix": all_acct.astype(np.int64),
        "requester_ix": requester,
        "created": np.concatenate([created, extra_created]).astype(np.int64),
        "solved": np.concatenate([np.where(open_now, 0, solved), np.zeros(len(extra_acct), dtype=np.int64)]).astype(np.int64),
        "solved_null": np.concatenate([open_now, np.ones(len(extra_acct), dtype=bool)]),
        "priority": np.array(PRIORITIES, dtype=object)[np.concatenate([priority, np.full(len(extra_acct), 3)])],
        "status": np.concatenate([status.astype(object), np.array(["open", "new"], dtype=object)[rng.integers(0, 2, len(extra_acct))]]),
        "satisfaction": np.concatenate([satisfaction.astype(object), np.full(len(extra_acct), None, dtype=object)]),
    }
