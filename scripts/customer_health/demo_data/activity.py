"""Natural product events: each user's chance of being active per day, then events.

Everything is vectorised over (user, day) blocks; a run is two passes over the users:
`expected_activity` sums the daily probabilities (to hit the --events target), then
`natural_events` draws the events of one chunk of users at a time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .accounts import Accounts
from .calendar import US_PER_DAY, US_PER_SECOND, Timeline
from .catalog import Catalog
from .config import (
    CHAMPION_LOSS, CHUNK_EVENTS, CHUNK_USER_DAYS, DECAYING, EXPANDING, NEVER, STALLED, STEADY,
)
from .rand import id_high, random_u64
from .users import Users

MAX_DAILY_PROBABILITY = 0.95
MIN_EXTRA_EVENTS = 0.3       # mean extra events on an active day, before thinning days
CONTEXT_NULL_SHARE = 0.2     # share of events sent without context.groupId
PEAK_HOUR_UTC = np.array([17.0, 11.0, 3.0, 15.0])  # NA, EMEA, APAC, LATAM working peak
TS_NULL = np.iinfo(np.int64).min  # sentinel for a null timestamp in event batches
EVENT_ID_FAMILY = 1


@dataclass(frozen=True)
class ActivityPlan:
    scale: float             # multiplies every daily probability
    extra_events: float      # mean extra events per active day (times user intensity)
    user_expected: np.ndarray  # expected natural events per user
    chunk_of_user: np.ndarray  # chunk index per user (contiguous)

    @property
    def n_chunks(self) -> int:
        return int(self.chunk_of_user[-1]) + 1 if len(self.chunk_of_user) else 0


def account_curves(a: Accounts, timeline: Timeline) -> np.ndarray:
    """(accounts, days) activity level: story shape x seasonality x weekly bursts."""
    day = np.arange(timeline.days, dtype=np.float64)[None, :]
    curve = np.ones((a.n, timeline.days))
    story = a.story[:, None]

    steady = 1 + 0.08 * np.sin(2 * np.pi * (day + a.phase[:, None]) / 365)
    curve = np.where(story == STEADY, steady, curve)

    g0 = a.growth_start[:, None].astype(np.float64)
    growth = np.clip((day - g0) / np.maximum(timeline.end_day - g0, 1), 0, 1)
    curve = np.where(story == EXPANDING, 0.85 + 0.35 * growth, curve)

    d0 = a.decline_start[:, None].astype(np.float64)
    d1 = np.minimum(a.decline_end, NEVER - 1)[:, None].astype(np.float64)
    progress = np.clip((day - d0) / np.maximum(d1 - d0, 1), 0, 1)
    curve = np.where(story == DECAYING, 1 - 0.88 * progress, curve)
    curve = np.where(story == CHAMPION_LOSS, 1 - 0.75 * progress, curve)

    since_fade = np.maximum(day - a.fade_start[:, None], 0)
    fade = 0.9 * np.power(0.5, since_fade / a.fade_halflife[:, None])
    curve = np.where(story == STALLED, np.maximum(fade, 0.015), curve)

    first_week = (timeline.epoch_day0 + 3) // 7  # weeks start on Monday
    week = (timeline.epoch_day0 + 3 + np.arange(timeline.days)) // 7 - first_week
    curve *= a.week_multiplier[:, week]
    curve *= timeline.activity_factor()[None, :]
    live = (day > a.start_day[:, None]) & (day < a.churn_day[:, None])
    return np.where(live, curve, 0.0).astype(np.float32)


def daily_probability(users: Users, curves: np.ndarray, lo: int, hi: int, scale: float = 1.0) -> np.ndarray:
    """(users lo..hi, days) probability that each user is active on each day."""
    idx = np.arange(lo, hi)
    p = curves[users.account[idx]] * users.engagement[idx, None].astype(np.float32)
    np.minimum(p, MAX_DAILY_PROBABILITY, out=p)
    day = np.arange(curves.shape[1])[None, :]
    alive = (day > users.join_day[idx, None]) & (day < users.leave_day[idx, None])
    p *= alive
    if scale != 1.0:
        p *= np.float32(scale)
    return p


def _user_day_blocks(users: Users, days: int) -> list[tuple[int, int]]:
    step = max(1, CHUNK_USER_DAYS // max(days, 1))
    return [(lo, min(lo + step, users.n)) for lo in range(0, users.n, step)]


def expected_activity(users: Users, curves: np.ndarray, target_events: float) -> ActivityPlan:
    """Choose the daily scale and events per active day that hit the target in expectation."""
    active_days = np.zeros(users.n)
    for lo, hi in _user_day_blocks(users, curves.shape[1]):
        active_days[lo:hi] = daily_probability(users, curves, lo, hi).sum(axis=1, dtype=np.float64)
    base = active_days.sum()
    weighted = (active_days * users.intensity).sum()
    if base <= 0:
        scale, extra = 1.0, MIN_EXTRA_EVENTS
    else:
        extra = (target_events - base) / max(weighted, 1e-9)
        scale = 1.0
        if extra < MIN_EXTRA_EVENTS:
            extra = MIN_EXTRA_EVENTS
            scale = target_events / (base + extra * weighted)
    expected = scale * active_days * (1 + extra * users.intensity)
    cost = np.maximum(curves.shape[1] / CHUNK_USER_DAYS, expected / CHUNK_EVENTS)
    before = np.concatenate([[0.0], np.cumsum(cost)[:-1]])
    return ActivityPlan(scale=float(scale), extra_events=float(extra), user_expected=expected,
                        chunk_of_user=np.floor(before).astype(np.int64))


def chunk_ranges(plan: ActivityPlan) -> list[tuple[int, int]]:
    bounds = np.flatnonzero(np.diff(plan.chunk_of_user)) + 1
    edges = np.concatenate([[0], bounds, [len(plan.chunk_of_user)]])
    return [(int(lo), int(hi)) for lo, hi in zip(edges[:-1], edges[1:]) if hi > lo]


def allowed_windows(a: Accounts, catalog: Catalog) -> tuple[np.ndarray, np.ndarray]:
    """(accounts, events) first and last+1 day each event may happen naturally."""
    feature = catalog.event_feature
    has_feature = feature >= 0
    lo = np.where(has_feature[None, :], a.feature_from[:, np.maximum(feature, 0)], -NEVER)
    hi = np.where(has_feature[None, :], a.feature_until[:, np.maximum(feature, 0)], NEVER)
    for k, event in enumerate(catalog.milestone_event):
        reached = a.milestone_day[:, k]
        lo[:, event] = np.maximum(lo[:, event], np.where(reached >= NEVER, NEVER, reached + 1))
    return lo, hi


def _seconds_of_day(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    hours = PEAK_HOUR_UTC[region] + rng.normal(0, 3.0, len(region))
    us = np.floor(np.mod(hours * 3600, 86_400) * US_PER_SECOND).astype(np.int64)
    return np.clip(us, 0, US_PER_DAY - 1)


def received_delay(rng: np.random.Generator, n: int) -> np.ndarray:
    """Load delay in microseconds: a few seconds, sometimes minutes (at most 15)."""
    seconds = np.minimum(np.exp(rng.normal(np.log(2.5), 1.0, n)), 900)
    return (seconds * US_PER_SECOND).astype(np.int64) + 1


def finish_events(rng: np.random.Generator, users: Users, a: Accounts, timeline: Timeline,
                  user: np.ndarray, day: np.ndarray, code: np.ndarray, time_us: np.ndarray,
                  catalog: Catalog, seed: int, first_counter: int) -> dict[str, np.ndarray]:
    """Turn (user, day, event, time) into a loadable batch with ids, context and load times."""
    n = len(user)
    acct = users.account[user]
    ts = timeline.day_us(day) + time_us
    day_end = timeline.day_us(day + 1) - 1
    received = np.minimum(ts + received_delay(rng, n), day_end)
    ctx = np.where(rng.random(n) < CONTEXT_NULL_SHARE, -1, acct)
    ctx = np.where(day >= users.move_day[user], -1, ctx)  # movers rely on their groups rows
    return {
        "hi": id_high(np.arange(first_counter, first_counter + n, dtype=np.uint64), seed, EVENT_ID_FAMILY),
        "lo": random_u64(rng, n),
        "anon_hi": users.anon_hi[user],
        "anon_lo": users.anon_lo[user],
        "anon_null": catalog.server_side[code],
        "user_ix": user.astype(np.int64),
        "code": code.astype(np.int16),
        "ts": ts.astype(np.int64),
        "rcv": received.astype(np.int64),
        "ctx": ctx.astype(np.int64),
        "day": day.astype(np.int64),
        "acct": acct.astype(np.int64),
    }


def natural_events(rng: np.random.Generator, users: Users, a: Accounts, curves: np.ndarray,
                   windows: tuple[np.ndarray, np.ndarray], catalog: Catalog, timeline: Timeline,
                   plan: ActivityPlan, lo: int, hi: int, seed: int, first_counter: int) -> dict[str, np.ndarray]:
    """Events of users lo..hi: active days, events per day, event names and times."""
    p = daily_probability(users, curves, lo, hi, plan.scale)
    active = rng.random(p.shape, dtype=np.float32) < p
    del p
    local_user, day = np.nonzero(active)
    del active
    user = local_user + lo
    per_day = 1 + rng.poisson(plan.extra_events * users.intensity[user])
    user = np.repeat(user, per_day)
    day = np.repeat(day, per_day)
    n = len(user)
    acct = users.account[user]

    cdf = np.cumsum(catalog.frequency)
    code = np.minimum(np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right"), catalog.n_events - 1)
    noise_cdf = np.cumsum(catalog.noise_frequency)
    noise = catalog.noise_codes[np.minimum(np.searchsorted(noise_cdf, rng.random(n) * noise_cdf[-1], side="right"),
                                           len(catalog.noise_codes) - 1)]
    allowed_from, allowed_until = windows
    allowed = (day >= allowed_from[acct, code]) & (day < allowed_until[acct, code])
    allowed &= ~((users.role[user] == 2) & catalog.authoring[code])  # viewers do not author
    code = np.where(allowed, code, noise)

    region = a.region[acct]
    time_us = _seconds_of_day(rng, region)
    return finish_events(rng, users, a, timeline, user, day, code, time_us, catalog, seed, first_counter)


def onboarding_events(rng: np.random.Generator, users: Users, a: Accounts, catalog: Catalog,
                      timeline: Timeline, seed: int, first_counter: int) -> dict[str, np.ndarray]:
    """Milestone events of accounts that start inside the history, by their first admin."""
    acct, k = np.nonzero((a.milestone_day >= 0) & (a.milestone_day < NEVER))
    day = a.milestone_day[acct, k]
    admin = users.first_of_account[acct]
    code = catalog.milestone_event[k]
    created_time = users.created_us[admin] - timeline.day_us(users.join_day[admin])
    later = _seconds_of_day(rng, a.region[acct])
    same_day = day == users.join_day[admin]
    after_creation = created_time + rng.integers(5 * 60, 45 * 60, len(acct)) * US_PER_SECOND
    time_us = np.where(same_day, after_creation, later)
    return finish_events(rng, users, a, timeline, admin, day, code, time_us, catalog, seed, first_counter)
