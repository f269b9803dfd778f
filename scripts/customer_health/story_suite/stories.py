"""Story definitions: per account, the random parameters and the usage shape over time.

Each story turns an account's parameters into a per-user, per-day expected event count
(lam, users x days) plus flags for the event mix (login-only days) and the service events
(tickets, NPS). Days are indices 0..days-1 of the generated period.

Every account, whatever its story, also gets background urgent tickets (background_urgent_tickets): a
Poisson number a month growing with size, most solved within 0-3 days, 15 % after 7-20 days, a few
rated bad. generate.py draws them from their own random stream, so the rest of a draw does not depend
on them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CHURN_STORIES = (
    "gradual_decline", "champion_leaves", "seat_contraction", "stalled_onboarding",
    "login_only", "support_escalation", "nps_detractor_quiet",
)
FINE_STORIES = ("steady", "growing", "noisy", "seasonal", "one_bad_week", "team_reorg")
STORIES = CHURN_STORIES + FINE_STORIES


@dataclass
class Account:
    """One generated account: what the warehouse gets and what the meta table records."""
    index: int
    story: str
    users: int
    seats: int
    events_per_day: float
    start_day: int                 # contract start (may be before day 0: an established account)
    churn_day: int | None          # first day no longer a customer (None: never churns)
    onset_day: int | None          # first day of the story's decline window (churn stories)
    detail: str = ""
    # the first day the decline shows in the generated data (churn stories; None: it never does). The window's
    # first day is not always it: a seat contraction's first user stops at a random day inside the window, an
    # escalation starts with its first urgent ticket, and an account can draw no leaver at all.
    first_change_day: int | None = None
    lam: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # users x days
    login_only_from: int | None = None
    stalled_milestones: int | None = None  # stalled onboarding: milestones ever reached
    user_join_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    admin_user: int = 0
    urgent_tickets: list[tuple[int, int | None, str | None]] = field(default_factory=list)  # created, solved, csat
    nps_answers: list[tuple[int, int]] = field(default_factory=list)  # day, score


# Background urgent tickets (every account, fine and churn stories alike): a real B2B queue has urgent tickets
# from healthy customers too (outages, blocking bugs), and some of them run long or end unhappy.
URGENT_PER_MONTH_FLOOR = 0.08     # outages and blocking bugs reach every customer, whatever its size
URGENT_PER_MONTH_SIZE = 0.32      # + this x log(users) / log(2000): 2 users ~0.11 a month, 2,000 users 0.40
URGENT_SOLVE_DAYS = ((0.70, 0, 3), (0.15, 4, 6), (0.15, 7, 20))  # share, fewest and most days to solve
URGENT_RATING_QUICK = (0.40, 0.06)  # good, bad when solved within 6 days (the rest unrated)
URGENT_RATING_SLOW = (0.30, 0.20)   # good, bad when it took 7 days or more


def background_urgent_tickets(rng: np.random.Generator, users: int, first: int, end: int,
                              ) -> list[tuple[int, int | None, str | None]]:
    """Urgent tickets of an account's ordinary life between day first and day end (exclusive: churn or the end of
    the period): a Poisson number per month growing with size; most solved within 0-3 days, 15 % only after 7-20
    days; a few rated bad, more of the slow ones. A ticket whose solve day would fall on or after end stays open."""
    if end <= first:
        return []
    per_month = URGENT_PER_MONTH_FLOOR + URGENT_PER_MONTH_SIZE * np.log(max(users, 1)) / np.log(2000)
    tickets: list[tuple[int, int | None, str | None]] = []
    for created in sorted(int(day) for day in rng.integers(first, end, rng.poisson(per_month * (end - first) / 30))):
        roll = rng.random()
        for share, low, high in URGENT_SOLVE_DAYS:
            if roll < share:
                break
            roll -= share
        solved = created + int(rng.integers(low, high + 1))
        good, bad = URGENT_RATING_SLOW if solved - created >= 7 else URGENT_RATING_QUICK
        rating = rng.random()
        csat = "good" if rating < good else ("bad" if rating < good + bad else None)
        tickets.append((created, solved, csat) if solved < end else (created, None, None))
    return tickets


def _log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))


def _size(rng: np.random.Generator, position: float, big_share: float, max_users: int) -> tuple[int, float]:
    """Users (2..2,000) and events a day (a few a week .. thousands a day), spread evenly over the
    range in log terms by position (0..1), a big_share of accounts in the top decade."""
    users = int(round(np.exp(np.log(2) + position * (np.log(max_users) - np.log(2)))))
    users = max(2, min(max_users, users))
    per_user = _log_uniform(rng, 0.08, 2.5)
    if position > 1 - big_share:
        per_user = _log_uniform(rng, 1.0, 3.0)
    events = max(0.4, min(users * per_user, 4000.0))
    if users > 300 and position <= 1 - big_share:
        # big organisations that use the product lightly: a handful of events per user a week
        events = min(events, _log_uniform(rng, 30, 300))
    return users, events


def _user_shares(rng: np.random.Generator, users: int) -> np.ndarray:
    shares = rng.lognormal(0.0, 1.0, users)
    return shares / shares.sum()


def _first_below_one(account: np.ndarray) -> int | None:
    """The first day an account-level usage multiplier falls below 1 (None: it never does)."""
    below = np.flatnonzero(account < 1.0)
    return int(below[0]) if below.size else None


def _weekday_factor(days: int, first_weekday: int, weekend: float) -> np.ndarray:
    weekday = (np.arange(days) + first_weekday) % 7
    return np.where(weekday >= 5, weekend, 1.0)


def build(rng: np.random.Generator, index: int, story: str, position: float, days: int, first_weekday: int,
          history_start: int, big_share: float, max_users: int = 2000) -> Account:
    """One account of a story, its parameters drawn from rng."""
    users, events = _size(rng, position, big_share, max_users)
    seats = int(np.ceil(users * rng.uniform(1.0, 1.4)))
    start_day = -int(rng.integers(60, 900))
    churn_day: int | None = None
    onset_day: int | None = None
    first_change: int | None = None
    detail = ""
    shares = _user_shares(rng, users)
    join = np.full(users, start_day, dtype=np.int64)
    t = np.arange(days, dtype=np.float64)
    account = np.ones(days)                      # account-level multiplier
    per_user = np.ones((users, days))           # per-user multiplier
    weekend = rng.uniform(0.2, 1.0)
    acc = Account(index, story, users, seats, events, start_day, None, None)

    if story in CHURN_STORIES:
        churn_day = int(rng.integers(history_start + 50, days))

    if story == "gradual_decline":
        weeks = int(rng.integers(3, 17))
        onset_day = churn_day - 7 * weeks
        depth = rng.uniform(0.3, 1.0)
        shape = str(rng.choice(["linear", "exponential", "step"]))
        x = np.clip((t - onset_day) / (churn_day - onset_day), 0.0, 1.0)
        if shape == "linear":
            account = 1.0 - depth * x
        elif shape == "exponential":
            account = 1.0 - depth * (1.0 - np.exp(-3.0 * x)) / (1.0 - np.exp(-3.0))
        else:
            account = np.where(x <= 0, 1.0, np.where(x < 0.5, 1.0 - depth / 2, 1.0 - depth))
        account = np.maximum(account, 0.0)
        first_change = _first_below_one(account)
        detail = f"{shape}, depth {depth:.0%}, onset {weeks} weeks before churn"
    elif story == "champion_leaves":
        weeks = int(rng.integers(4, 11))
        onset_day = churn_day - 7 * weeks
        champion_share = rng.uniform(0.2, 0.8)
        champion = int(np.argmax(shares))
        rest = shares.copy()
        rest[champion] = 0.0
        rest = rest / rest.sum() * (1 - champion_share) if rest.sum() > 0 else rest
        shares = rest
        shares[champion] = champion_share
        per_user[champion, t >= onset_day] = 0.0
        first_change = onset_day
        others_drift = rng.uniform(0.0, 0.25)
        account = np.where(t >= onset_day, 1.0 - others_drift * np.clip((t - onset_day) / (7 * weeks), 0, 1), 1.0)
        if rng.random() < 0.5:
            acc.admin_user = champion
        detail = (f"champion ({'admin' if acc.admin_user == champion else 'member'}) holds {champion_share:.0%}, "
                  f"silent {weeks} weeks before churn")
    elif story == "seat_contraction":
        weeks = int(rng.integers(4, 13))
        onset_day = churn_day - 7 * weeks
        leaving = rng.uniform(0.4, 0.9)
        stops = []
        for user in range(users):
            if rng.random() < leaving and not (users == 2 and user == 0):
                stop = int(rng.integers(onset_day, churn_day))
                per_user[user, t >= stop] = 0.0
                stops.append(stop)
        first_change = min(stops) if stops else None
        detail = f"{leaving:.0%} of users stop from {weeks} weeks before churn"
    elif story == "stalled_onboarding":
        start_day = int(rng.integers(history_start - 40, days - 90))
        fade_after = int(rng.integers(10, 35))
        onset_day = start_day + fade_after
        churn_day = min(days - 1, start_day + int(rng.integers(60, 150)))
        join[:] = start_day
        x = np.clip((t - onset_day) / 21.0, 0.0, 1.0)
        account = np.where(t < start_day, 0.0, 1.0 - rng.uniform(0.6, 1.0) * x)
        first_change = onset_day + 1  # x is 0 on the onset day itself
        acc.stalled_milestones = int(rng.integers(0, 3))
        detail = f"{acc.stalled_milestones} milestones, fades from day {fade_after}"
    elif story == "login_only":
        weeks = int(rng.integers(4, 13))
        onset_day = churn_day - 7 * weeks
        acc.login_only_from = onset_day
        first_change = onset_day
        account = np.where(t >= onset_day, rng.uniform(0.4, 1.0), 1.0)
        detail = f"only logins and page views from {weeks} weeks before churn"
    elif story == "support_escalation":
        weeks = int(rng.integers(3, 11))
        onset_day = churn_day - 7 * weeks
        drop = rng.uniform(0.0, 0.4)
        account = 1.0 - drop * np.clip((t - onset_day) / (churn_day - onset_day), 0, 1)
        for _ in range(int(rng.integers(1, 5))):
            created = int(rng.integers(onset_day, max(onset_day + 1, churn_day - 7)))
            if rng.random() < 0.5:
                acc.urgent_tickets.append((created, None, None))
            else:
                solved = min(churn_day - 1, created + int(rng.integers(3, 20)))
                acc.urgent_tickets.append((created, solved, "bad"))
        # the escalation begins with its first urgent ticket; usage drifts down by `drop` (0-40 %) over the
        # whole window, too little on its first days to count as the change
        first_change = min(created for created, _solved, _csat in acc.urgent_tickets)
        detail = f"{len(acc.urgent_tickets)} urgent tickets from {weeks} weeks before churn, usage -{drop:.0%}"
    elif story == "nps_detractor_quiet":
        weeks = int(rng.integers(4, 11))
        onset_day = churn_day - 7 * weeks
        acc.nps_answers.append((onset_day, int(rng.integers(0, 7))))
        first_change = onset_day
        quiet_over = rng.uniform(7, 21)
        floor = rng.uniform(0.05, 0.3)
        account = 1.0 - (1.0 - floor) * np.clip((t - onset_day) / quiet_over, 0, 1)
        detail = f"NPS {acc.nps_answers[0][1]}, then quiet ({floor:.0%} of usage) from {weeks} weeks before churn"
    elif story == "steady":
        detail = "steady"
    elif story == "growing":
        if rng.random() < 0.5:
            start_day = int(rng.integers(history_start - 40, days - 60))
            join[:] = start_day
            detail = "new customer, onboarding well, "
        growth = rng.uniform(1.5, 4.0)
        begin = max(0, start_day)
        account = np.where(t < begin, 0.0, 1.0 + (growth - 1.0) * np.clip((t - begin) / (days - begin), 0, 1))
        # new users join along the way: the last third of users join at random days
        late = rng.random(users) < 0.33
        late[0] = False
        join[late] = rng.integers(begin, days - 10, late.sum())
        detail += f"grows {growth:.1f}x"
    elif story == "noisy":
        account = np.clip(rng.lognormal(0.0, 0.45, days), 0.3, 2.5)
        detail = "daily usage +-50%"
    elif story == "seasonal":
        weekend = rng.uniform(0.05, 0.4)
        holiday = int(rng.integers(history_start, days - 14))
        dip = rng.uniform(0.1, 0.4)
        account = np.where((t >= holiday) & (t < holiday + 14), dip, 1.0)
        quarter_end = ((t.astype(int) + 15) % 91) >= 77
        account = account * np.where(quarter_end, rng.uniform(1.3, 2.0), 1.0)
        detail = f"weekends x{weekend:.2f}, two-week holiday at {dip:.0%}, end-of-quarter peaks"
    elif story == "one_bad_week":
        bad = int(rng.integers(history_start, days - 7))
        level = rng.uniform(0.0, 0.3)
        account = np.where((t >= bad) & (t < bad + 7), level, 1.0)
        detail = f"one week at {level:.0%}"
    elif story == "team_reorg":
        day = int(rng.integers(history_start, days - 30))
        replaced = rng.uniform(0.3, 0.8)
        new_users = max(1, int(round(users * replaced)))
        old = rng.choice(users, size=min(new_users, users - 1), replace=False)
        per_user[np.ix_(old, t >= day)] = 0.0
        # the newcomers take over the leavers' share over two weeks
        newcomer_share = shares[old].copy()
        ramp = np.clip((t - day) / 14.0, 0, 1)
        shares = np.concatenate([shares, newcomer_share])
        per_user = np.vstack([per_user, np.tile(ramp, (len(old), 1))])
        join = np.concatenate([join, np.full(len(old), day)])
        users = users + len(old)
        acc.users = users
        acc.seats = max(seats, int(np.ceil((users - len(old)) * 1.2)))
        detail = f"{replaced:.0%} of users replaced on one day"
    else:  # pragma: no cover - STORIES lists every story
        raise ValueError(f"unknown story {story!r}")

    wk = _weekday_factor(days, first_weekday, weekend)
    lam = events * shares[:, None] * per_user * (account * wk)[None, :]
    lam[:, t < max(start_day, 0)] = 0.0
    for user in range(len(join)):
        lam[user, t < join[user]] = 0.0
    if churn_day is not None:
        lam[:, t >= churn_day] = 0.0
    acc.lam = lam
    acc.start_day = start_day
    acc.churn_day = churn_day
    acc.onset_day = onset_day
    acc.first_change_day = first_change
    acc.detail = detail
    acc.user_join_day = np.maximum(join, 0)
    # a few ordinary NPS answers: fine accounts mostly promoters, other churners mixed
    if rng.random() < 0.4:
        low, high = (6, 11) if story in FINE_STORIES else (4, 10)
        for day in range(max(0, start_day) + int(rng.integers(20, 90)), churn_day or days, 90):
            if story == "nps_detractor_quiet" and day >= (onset_day or 0):
                break
            acc.nps_answers.append((day, int(rng.integers(low, high))))
    return acc
