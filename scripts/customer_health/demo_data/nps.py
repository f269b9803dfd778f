"""surveys.nps_responses: a quarterly survey, a few users per account, scores by story."""
from __future__ import annotations

import numpy as np

from .accounts import Accounts
from .calendar import US_PER_SECOND, Timeline
from .config import (
    CHAMPION_LOSS, DECAYING, EXPANDING, MIN_PLANTED, NOISY, PLANTED_NPS_SHARE, STALLED, STEADY,
)
from .users import Users, pick_alive

SURVEY_EVERY_DAYS = 91
ACCOUNT_NULL_SHARE = 0.3
# Mean score by story (healthy phase) and while under strain.
MEAN_SCORE = {STEADY: 8.7, NOISY: 8.3, EXPANDING: 9.0, DECAYING: 7.5, CHAMPION_LOSS: 8.0, STALLED: 5.5}
STRAINED_SCORE = {DECAYING: 3.5, CHAMPION_LOSS: 4.5}
OUT_OF_RANGE = (11, -1, 42, None)  # planted nps_score_out_of_range values, cycled
COMMENTS = {
    "promoter": ("Love the dashboards", "Scheduled reports save us hours every week", "Great support team"),
    "passive": ("Solid, but the export options are limited", "Good product, a bit pricey", "Would like more integrations"),
    "detractor": ("Too slow for our data volumes", "We struggle to get the team to use it",
                  "Support took days to answer", "Missing the features we were promised"),
}


def _survey_days(end: int) -> np.ndarray:
    first = end - 20 if end >= 20 else end // 2
    return np.arange(first, -1, -SURVEY_EVERY_DAYS)[::-1]


def _scores(rng: np.random.Generator, a: Accounts, acct: np.ndarray, day: np.ndarray) -> np.ndarray:
    story = a.story[acct]
    mean = np.array([MEAN_SCORE[s] for s in story])
    declining = (story == DECAYING) & (day >= a.decline_start[acct])
    silent = (story == CHAMPION_LOSS) & (day >= a.silence_day[acct])
    mean = np.where(declining, STRAINED_SCORE[DECAYING], mean)
    mean = np.where(silent, STRAINED_SCORE[CHAMPION_LOSS], mean)
    return np.clip(np.round(mean + rng.normal(0, 1.6, len(acct))), 0, 10).astype(np.int64)


def _comments(rng: np.random.Generator, score: np.ndarray) -> np.ndarray:
    band = np.where(score >= 9, "promoter", np.where(score >= 7, "passive", "detractor"))
    pick = rng.random(len(score))
    has = rng.random(len(score)) < 0.4
    return np.array([COMMENTS[b][int(p * len(COMMENTS[b]))] if h else None for b, p, h in zip(band, pick, has)], dtype=object)


def build_nps(rng: np.random.Generator, a: Accounts, users: Users, timeline: Timeline) -> tuple[dict[str, np.ndarray], int]:
    """Natural responses plus planted out-of-range scores; returns the rows and the planted count."""
    end = timeline.end_day
    n_users = np.diff(users.first_of_account)
    acct_parts, day_parts = [], []
    for survey_day in _survey_days(end):
        live = np.flatnonzero((a.start_day < survey_day) & (survey_day < a.churn_day))
        answers = np.minimum(5, rng.poisson(1.3, len(live)) + (n_users[live] >= 20))
        acct = np.repeat(live, answers)
        lag = np.minimum(rng.geometric(0.35, len(acct)) - 1, 13)
        acct_parts.append(acct)
        day_parts.append(survey_day + lag)
    acct = np.concatenate(acct_parts) if acct_parts else np.array([], dtype=np.int64)
    day = np.concatenate(day_parts) if day_parts else np.array([], dtype=np.int64)
    keep = (day <= end) & (day < a.churn_day[acct])
    acct, day = acct[keep], day[keep]
    user = pick_alive(rng, users, acct, day)
    keep = user >= 0
    acct, day, user = acct[keep], day[keep], user[keep]
    score = _scores(rng, a, acct, day)
    submitted = timeline.day_us(day) + rng.integers(8 * 3600, 20 * 3600, len(acct)) * US_PER_SECOND
    account_ix = np.where(rng.random(len(acct)) < ACCOUNT_NULL_SHARE, -1, acct)
    rows = {
        "user_ix": user.astype(np.int64), "account_ix": account_ix.astype(np.int64),
        "score": score, "score_null": np.zeros(len(acct), dtype=bool),
        "submitted": submitted.astype(np.int64), "comment": _comments(rng, score),
    }

    planted = max(MIN_PLANTED, round(PLANTED_NPS_SHARE * len(acct))) if len(acct) else 0
    source = rng.choice(len(acct), size=planted, replace=planted > len(acct)) if planted else np.array([], dtype=np.int64)
    bad = [OUT_OF_RANGE[k % len(OUT_OF_RANGE)] for k in range(planted)]
    day_end = timeline.day_us(day[source] + 1) - 1
    extra = {
        "user_ix": rows["user_ix"][source], "account_ix": rows["account_ix"][source],
        "score": np.array([0 if b is None else b for b in bad], dtype=np.int64),
        "score_null": np.array([b is None for b in bad], dtype=bool),
        "submitted": np.minimum(rows["submitted"][source] + rng.integers(60, 600, planted) * US_PER_SECOND, day_end),
        "comment": np.full(planted, None, dtype=object),
    }
    merged = {key: np.concatenate([rows[key], extra[key]]) for key in rows}
    return merged, planted
