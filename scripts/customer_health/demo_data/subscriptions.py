"""billing.subscriptions: the ARR and seats history behind each account's CRM figures.

The subscriptions that count on the end date add up to crm.accounts exactly (arr, and
seats: null stays null, 0 stays 0); churned accounts' subscriptions all end on the churn
date. Around that, the stories a portfolio report has to get right:
- expanding accounts upgrade (the first subscription ends, a larger one starts the same
  day) and later add an overlapping add-on;
- some steady accounts contracted at a renewal inside the history and stayed;
- decaying accounts that churn downgraded first;
- some noisy-but-fine accounts ran a 60-day pilot add-on that ended;
- a few rows name accounts the CRM does not know (counted as data-quality issues).
Uses its own random stream, so the other tables do not change.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .accounts import Accounts
from .calendar import Timeline
from .config import DECAYING, EXPANDING, NEVER, NOISY, PLANS, STEADY

CONTRACTED_SHARE = 0.35     # of live steady accounts old enough: contracted at a renewal and stayed
PILOT_SHARE = 0.5           # of live noisy-but-fine accounts: ran a pilot add-on that ended
PILOT_DAYS = 60
UNKNOWN_ACCOUNT_ROWS = 2    # subscriptions of accounts the CRM does not know
UNKNOWN_ACCOUNT_BASE = 990_000


@dataclass
class SubscriptionRows:
    account_ix: list[int] = field(default_factory=list)
    plan: list[str] = field(default_factory=list)
    arr_cents: list[int] = field(default_factory=list)
    seats: list[int] = field(default_factory=list)       # -1 = null
    start_day: list[int] = field(default_factory=list)
    end_day: list[int] = field(default_factory=list)     # NEVER = still active

    def add(self, account: int, plan: str, arr_cents: int, seats: int, start: int, end: int) -> None:
        self.account_ix.append(account)
        self.plan.append(plan)
        self.arr_cents.append(int(arr_cents))
        self.seats.append(int(seats))
        self.start_day.append(int(start))
        self.end_day.append(int(end))


def _dollars(cents: float) -> int:
    """Cents rounded to whole hundreds of dollars (how the CRM's ARR is written)."""
    return int(round(cents / 10_000)) * 10_000


def _share(seats: int, fraction: float) -> int:
    """A part of an account's seats (null and 0 stay as they are)."""
    return seats if seats <= 0 else max(1, int(round(seats * fraction)))


def _pick(rng: np.random.Generator, eligible: np.ndarray, share: float) -> np.ndarray:
    """A share of the eligible accounts (at least one when any is eligible), chosen at random."""
    members = np.flatnonzero(eligible)
    chosen = np.zeros(len(eligible), dtype=bool)
    chosen[rng.permutation(members)[:max(1, round(share * len(members)))] if len(members) else []] = True
    return chosen


def build_subscription_rows(rng: np.random.Generator, a: Accounts, timeline: Timeline) -> tuple[SubscriptionRows, int]:
    """Every subscription, and how many name accounts unknown to the CRM."""
    end = timeline.end_day
    rows = SubscriptionRows()
    offset = rng.random(a.n)
    live = a.churn_day >= NEVER
    age = end - np.maximum(a.start_day, 0)
    contracted = _pick(rng, (a.story == STEADY) & live & (age > 75), CONTRACTED_SHARE)
    piloted = _pick(rng, (a.story == NOISY) & live & (age > PILOT_DAYS + 30), PILOT_SHARE)
    for i in range(a.n):
        arr, seats, plan = int(a.arr_cents[i]), int(a.seats_reported[i]), PLANS[int(a.plan[i])]
        start, churn = int(a.start_day[i]), int(a.churn_day[i])
        story, age = int(a.story[i]), end - max(start, 0)
        if story == EXPANDING and live[i] and int(a.growth_start[i]) + 30 <= end and a.growth_start[i] > start:
            upgrade = int(a.growth_start[i])
            add_on_day = upgrade + 15 + int(offset[i] * max(end - upgrade - 30, 0))
            add_on_arr = _dollars(arr * 0.2)
            add_on_seats = _share(seats, 0.2) if seats > 1 else 0 if seats >= 0 else -1
            rows.add(i, PLANS[max(int(a.plan[i]) - 1, 0)], _dollars(arr * 0.55), _share(seats, 0.55), start, upgrade)
            rows.add(i, plan, arr - add_on_arr, seats - add_on_seats if seats >= 0 else -1, upgrade, NEVER)
            rows.add(i, plan, add_on_arr, add_on_seats, add_on_day, NEVER)
        elif story == DECAYING and not live[i] and churn - 45 > max(start, 0) + 30:
            downgrade = churn - 45 - int(offset[i] * 60)
            downgrade = max(downgrade, start + 1)
            rows.add(i, plan, _dollars(arr * 1.4), _share(seats, 1.4), start, downgrade)
            rows.add(i, plan, arr, seats, downgrade, churn)
        elif contracted[i]:
            renewal = end - 30 - int(offset[i] * min(age - 60, 300))
            rows.add(i, plan, _dollars(arr * 1.25), _share(seats, 1.25), start, renewal)
            rows.add(i, plan, arr, seats, renewal, NEVER)
        elif piloted[i]:
            pilot = end - PILOT_DAYS - 10 - int(offset[i] * min(age - PILOT_DAYS - 30, 250))
            rows.add(i, plan, arr, seats, start, NEVER)
            rows.add(i, plan, _dollars(arr * 0.15), _share(seats, 0.1), pilot, pilot + PILOT_DAYS)
        else:
            rows.add(i, plan, arr, seats, start, churn)
    for k in range(UNKNOWN_ACCOUNT_ROWS):
        rows.add(UNKNOWN_ACCOUNT_BASE + k, "growth", 1_200_000, 10, max(end - 100 * (k + 1), 0), NEVER)
    return rows, UNKNOWN_ACCOUNT_ROWS


def build_subscriptions(rng: np.random.Generator, a: Accounts, timeline: Timeline) -> tuple[dict[str, np.ndarray], int]:
    rows, unknown = build_subscription_rows(rng, a, timeline)
    end_day = np.array(rows.end_day, dtype=np.int64)
    return {
        "account_ix": np.array(rows.account_ix, dtype=np.int64),
        "plan": np.array(rows.plan, dtype=object),
        "arr_cents": np.array(rows.arr_cents, dtype=np.int64),
        "seats": np.array(rows.seats, dtype=np.int64),
        "start_epoch": np.array(rows.start_day, dtype=np.int64) + timeline.epoch_day0,
        "active": end_day >= NEVER,
        "end_epoch": np.where(end_day >= NEVER, 0, end_day) + timeline.epoch_day0,
    }, unknown
