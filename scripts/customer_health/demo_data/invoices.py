"""billing.invoices: monthly on the contract's day of month; strained accounts pay late or not at all."""
from __future__ import annotations

import numpy as np

from .accounts import Accounts
from .calendar import Timeline
from .config import NEVER
from .phases import strained

DUE_DAYS = 30
EUR_SHARE_EMEA = 0.4
VOID_SHARE = 0.01
# (on time, late, very late); the rest never pays.
HEALTHY_PAYMENT = (0.85, 0.12, 0.03)
STRAINED_PAYMENT = (0.45, 0.35, 0.0)
UNCOLLECTIBLE_AFTER_DAYS = 90


def _issue_days(a: Accounts, timeline: Timeline) -> tuple[np.ndarray, np.ndarray]:
    """(account, day) of every invoice issued inside the history, before churn."""
    day0 = np.datetime64(timeline.start_date, "D")
    start = day0 + a.start_day
    start_month = start.astype("datetime64[M]")
    day_of_month = (start - start_month.astype("datetime64[D]")).astype(np.int64)
    first_month = np.maximum(start_month, day0.astype("datetime64[M]"))
    acct_parts, day_parts = [], []
    for k in range(timeline.days // 28 + 2):
        month = first_month + k
        month_start = month.astype("datetime64[D]")
        month_days = ((month + 1).astype("datetime64[D]") - month_start).astype(np.int64)
        issue = (month_start + np.minimum(day_of_month, month_days - 1) - day0).astype(np.int64)
        ok = (issue >= np.maximum(a.start_day, 0)) & (issue <= timeline.end_day) & (issue < a.churn_day)
        acct_parts.append(np.flatnonzero(ok))
        day_parts.append(issue[ok])
    acct, day = np.concatenate(acct_parts), np.concatenate(day_parts)
    order = np.lexsort((day, acct))
    return acct[order], day[order]


def build_invoices(rng: np.random.Generator, a: Accounts, timeline: Timeline) -> dict[str, np.ndarray]:
    end = timeline.end_day
    acct, issued = _issue_days(a, timeline)
    n = len(acct)
    eur = (a.region == 1) & (rng.random(a.n) < EUR_SHARE_EMEA)
    amount = np.round(a.arr_cents[acct] / 12).astype(np.int64)

    under_strain = strained(a, acct, issued)
    roll = rng.random(n)
    on_time = np.where(under_strain, STRAINED_PAYMENT[0], HEALTHY_PAYMENT[0])
    late = on_time + np.where(under_strain, STRAINED_PAYMENT[1], HEALTHY_PAYMENT[1])
    very_late = late + np.where(under_strain, STRAINED_PAYMENT[2], HEALTHY_PAYMENT[2])
    delay = np.where(roll < on_time, rng.integers(0, 29, n),
                     np.where(roll < late, DUE_DAYS + rng.integers(1, 26, n),
                              np.where(roll < very_late, rng.integers(60, 121, n), NEVER)))
    paid = issued + delay
    void = rng.random(n) < VOID_SHARE
    due = issued + DUE_DAYS

    # Live accounts under strain at the end keep their latest past-due invoice open.
    live_strained = (a.churn_day >= NEVER) & strained(a, np.arange(a.n), np.full(a.n, end))
    past_due = np.flatnonzero(live_strained[acct] & (due < end))
    if len(past_due):
        latest = past_due[np.r_[acct[past_due][1:] != acct[past_due][:-1], True]]
        paid[latest] = NEVER
        void[latest] = False

    unpaid = (paid > end) | (paid >= a.churn_day[acct]) | void
    churned = a.churn_day[acct] < NEVER
    status = np.where(void, "void", np.where(~unpaid, "paid", np.where(
        churned | (due < end - UNCOLLECTIBLE_AFTER_DAYS), "uncollectible", "open")))
    return {
        "account_ix": acct.astype(np.int64),
        "amount_cents": amount,
        "currency": np.where(eur[acct], "EUR", "USD").astype(object),
        "issued": (issued + timeline.epoch_day0).astype(np.int64),
        "due": (due + timeline.epoch_day0).astype(np.int64),
        "paid": (np.where(unpaid, 0, paid) + timeline.epoch_day0).astype(np.int64),
        "paid_null": unpaid,
        "status": status.astype(object),
    }
