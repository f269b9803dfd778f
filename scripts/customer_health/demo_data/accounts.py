"""Customer accounts: firmographics, CRM fields and each account's story timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from .calendar import Timeline
from .catalog import Catalog
from .config import (
    CHAMPION_LOSS, DECAYING, EXPANDING, NEVER, NOISY, REGION_SHARES, STALLED,
    STEADY, STORY_SHARES, GeneratorConfig,
)
from .rand import shuffled_labels, stream

STAGE = 1
MAX_ACCOUNTS = 899_999
WHALE_SHARE = 0.015  # ids from 900000 up are reserved for accounts unknown to the CRM
INDUSTRIES = (
    "Software", "Financial Services", "Healthcare", "Retail", "Manufacturing",
    "Education", "Media", "Logistics", "Professional Services", "Telecommunications",
)
_NAME_HEADS = (
    "Northwind", "Bluefin", "Copperleaf", "Silverline", "Redwood", "Brightpath", "Ironbark",
    "Clearwater", "Summit", "Harbor", "Granite", "Lumen", "Meridian", "Oakridge", "Pioneer",
    "Quantum", "Riverstone", "Sapphire", "Tidewater", "Unity", "Vantage", "Westbrook",
    "Zenith", "Aurora", "Beacon", "Cascade", "Driftwood", "Evergreen", "Falcon", "Glacier",
    "Horizon", "Juniper", "Keystone", "Lighthouse", "Maple", "Nimbus", "Orchard", "Polaris",
    "Quarry", "Rosewood", "Stonegate", "Trailhead", "Upland", "Velvet", "Willow", "Yellowtail",
    "Alder", "Birch", "Cobalt", "Delta",
)
_NAME_TAILS = (
    "Analytics", "Labs", "Systems", "Logistics", "Health", "Retail", "Capital", "Media",
    "Robotics", "Foods", "Energy", "Networks", "Software", "Dynamics", "Partners", "Group",
    "Industries", "Studios", "Learning", "Mobility", "Payments", "Security", "Cloud", "Bio",
    "Freight", "Insurance", "Markets", "Works", "Telecom", "Ventures",
)
_LEGAL = ("", " Inc.", " Ltd", " GmbH")
_CSMS = (
    "maya.okafor", "liam.novak", "sofia.reyes", "ethan.brooks",
    "hana.sato", "lucas.meyer", "amara.diallo", "noah.lindqvist",
)
_SF_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ALNUM = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
# Share of each story's accounts that churn within the history (stalled: when dates allow).
CHURN_SHARE = {DECAYING: 0.75, CHAMPION_LOSS: 0.8, STALLED: 0.4}
# Chance that an account uses a non-core feature, by story.
FEATURE_ADOPTION = {STEADY: 0.75, EXPANDING: 0.6, DECAYING: 0.65, CHAMPION_LOSS: 0.75, STALLED: 0.3, NOISY: 0.65}


@dataclass
class Accounts:
    story: np.ndarray
    arr_cents: np.ndarray
    seats: np.ndarray            # seats used to size the user base
    seats_reported: np.ndarray   # what the CRM says: -1 = null, may be 0
    plan: np.ndarray
    region: np.ndarray
    industry: np.ndarray
    start_day: np.ndarray        # contract start (day index, negative before history)
    churn_day: np.ndarray        # churned_at day index, NEVER when still a customer
    decline_start: np.ndarray    # decaying: usage starts falling; champion_loss: silence
    decline_end: np.ndarray      # day the decline reaches its floor (may be past the end)
    silence_day: np.ndarray      # champion_loss: champion's last active day + 1
    growth_start: np.ndarray     # expanding: user growth starts
    fade_start: np.ndarray       # stalled_onboarding: usage starts to fade
    fade_halflife: np.ndarray
    phase: np.ndarray            # seasonal phase in days
    week_multiplier: np.ndarray  # (accounts, weeks): bursts and gaps
    milestone_day: np.ndarray    # (accounts, milestones): onboarding day, -NEVER before history, NEVER not reached
    feature_from: np.ndarray     # (accounts, features): first day the feature may be used
    feature_until: np.ndarray    # (accounts, features): first day it is no longer used
    names: list[str]
    domains: list[str]
    crm_ids: list[str | None]
    csm_emails: list[str | None]
    renewal_dates: list[date]
    special_pool: np.ndarray     # live, healthy, established accounts for planted oddities

    @property
    def n(self) -> int:
        return len(self.story)

    def churned(self) -> np.ndarray:
        return self.churn_day < NEVER


def account_id(index: int) -> str:
    return f"acc_{index + 1:06d}"


def salesforce_id(rng: np.random.Generator) -> str:
    """An 18-character Account Id: `001` + 12 characters, then the 3-character case checksum."""
    body = "001" + "".join(rng.choice(_ALNUM, 12))
    suffix = ""
    for block in range(3):
        chunk = body[block * 5:(block + 1) * 5]
        bits = sum(1 << i for i, char in enumerate(chunk) if char.isupper())
        suffix += _SF_SUFFIX[bits]
    return body + suffix


def _uniform_int(rng: np.random.Generator, low: np.ndarray | int, high: np.ndarray | int, size: int) -> np.ndarray:
    """Integers uniform in [low, high] (high is raised to low where it is smaller)."""
    low = np.broadcast_to(np.asarray(low, dtype=np.int64), (size,))
    high = np.maximum(np.broadcast_to(np.asarray(high, dtype=np.int64), (size,)), low)
    return low + np.floor(rng.random(size) * (high - low + 1)).astype(np.int64)


def _company_names(rng: np.random.Generator, n: int) -> tuple[list[str], list[str]]:
    combos = len(_NAME_HEADS) * len(_NAME_TAILS)
    order = rng.permutation(combos * len(_LEGAL))
    names, domains = [], []
    for i in range(n):
        pick = int(order[i % len(order)])
        head = _NAME_HEADS[pick % len(_NAME_HEADS)]
        tail = _NAME_TAILS[(pick // len(_NAME_HEADS)) % len(_NAME_TAILS)]
        legal = _LEGAL[pick // combos]
        extra = "" if i < len(order) else f" {i // len(order) + 1}"
        names.append(f"{head} {tail}{extra}{legal}")
        domains.append(f"{head}{tail}{extra.strip()}".lower() + ".example")
    return names, domains


def _renewal_date(start: date, end: date) -> date:
    """Next contract anniversary strictly after the end date (29 Feb renews on 28 Feb)."""
    year = max(end.year, start.year + 1)
    while True:
        day = min(start.day, 28) if (start.month == 2 and start.day == 29) else start.day
        candidate = date(year, start.month, day)
        if candidate > end:
            return candidate
        year += 1


def _churners(rng: np.random.Generator, story: np.ndarray, code: int) -> np.ndarray:
    """Exactly floor(share x members) of a story's accounts churn, always leaving one live."""
    members = np.flatnonzero(story == code)
    count = int(CHURN_SHARE[code] * len(members))
    if len(members) >= 2:
        count = min(count, len(members) - 1)
    mask = np.zeros(len(story), dtype=bool)
    mask[rng.permutation(members)[:count]] = True
    return mask


def _timelines(rng: np.random.Generator, story: np.ndarray, timeline: Timeline) -> dict[str, np.ndarray]:
    n, end = len(story), timeline.end_day
    in_history = rng.random(n) < 0.3
    start = np.where(in_history, _uniform_int(rng, 0, max(0, end - 21), n), -_uniform_int(rng, 30, 1800, n))
    churn = np.full(n, NEVER, dtype=np.int64)
    decline_start = np.full(n, NEVER, dtype=np.int64)
    decline_end = np.full(n, NEVER, dtype=np.int64)
    silence = np.full(n, NEVER, dtype=np.int64)
    growth = np.full(n, NEVER, dtype=np.int64)
    fade = np.full(n, NEVER, dtype=np.int64)

    mask = story == DECAYING
    churns = _churners(rng, story, DECAYING)
    churn_at = _uniform_int(rng, min(14, end), end, n)
    length = _uniform_int(rng, 90, 200, n)  # declines start months before the cancellation
    live_start = end - _uniform_int(rng, 30, 150, n)
    decline_start = np.where(churns, churn_at - length, np.where(mask, live_start, decline_start))
    decline_end = np.where(churns, churn_at, np.where(mask, live_start + _uniform_int(rng, 150, 270, n), decline_end))
    churn = np.where(churns, churn_at, churn)
    start = np.where(mask, decline_start - _uniform_int(rng, 120, 900, n), start)

    mask = story == CHAMPION_LOSS
    churns = _churners(rng, story, CHAMPION_LOSS)
    churn_at = _uniform_int(rng, min(35, end), end, n)
    churned_silence = churn_at - _uniform_int(rng, 35, 70, n)
    live_silence = end + 1 - _uniform_int(rng, 14, 28, n)
    silence = np.where(churns, churned_silence, np.where(mask, live_silence, silence))
    decline_start = np.where(mask, silence, decline_start)
    decline_end = np.where(churns, churn_at, np.where(mask, silence + _uniform_int(rng, 90, 150, n), decline_end))
    churn = np.where(churns, churn_at, churn)
    start = np.where(mask, silence - _uniform_int(rng, 150, 1200, n), start)

    mask = story == STALLED
    stalled_start = np.maximum(0, end - _uniform_int(rng, 60, 120, n))
    start = np.where(mask, stalled_start, start)
    fade = np.where(mask, start + _uniform_int(rng, 7, 21, n), fade)
    stalled_churn = start + _uniform_int(rng, 45, 110, n)
    churns = _churners(rng, story, STALLED) & (stalled_churn <= end)
    churn = np.where(churns, stalled_churn, churn)

    mask = story == EXPANDING
    growth = np.where(mask, np.maximum(start + 14, end - _uniform_int(rng, 150, 360, n)), growth)
    return {
        "start_day": start, "churn_day": churn, "decline_start": decline_start,
        "decline_end": decline_end, "silence_day": silence, "growth_start": growth,
        "fade_start": fade, "fade_halflife": rng.uniform(8, 20, n),
        "phase": rng.uniform(0, 365, n),
    }


def _week_multipliers(rng: np.random.Generator, story: np.ndarray, weeks: int) -> np.ndarray:
    """Small weekly jitter for everyone; bursts and one-week gaps for noisy accounts."""
    jitter = np.exp(rng.normal(0, 0.12, (len(story), weeks)))
    gap = rng.random((len(story), weeks)) < 0.2
    gap[:, 1:] &= ~gap[:, :-1]  # never two gap weeks in a row
    bursty = np.where(gap, 0.03, np.exp(rng.normal(0, 0.45, (len(story), weeks))))
    return np.where((story == NOISY)[:, None], bursty, jitter)


def _milestone_days(rng: np.random.Generator, t: dict[str, np.ndarray], story: np.ndarray,
                    n_milestones: int, end: int) -> np.ndarray:
    n = len(story)
    gaps = _uniform_int(rng, 1, 8, n * n_milestones).reshape(n, n_milestones)
    gaps[:, 0] = 0
    days = t["start_day"][:, None] + np.cumsum(gaps, axis=1)
    reached = np.full(n, n_milestones)
    reached = np.where(np.isin(story, (DECAYING, CHAMPION_LOSS)), _uniform_int(rng, min(4, n_milestones), n_milestones, n), reached)
    reached = np.where(story == STALLED, np.minimum(n_milestones, 1 + (rng.random(n) < 0.5)), reached)
    limit = np.minimum.reduce([t["churn_day"], t["silence_day"], np.full(n, end + 1)])
    ok = (np.arange(n_milestones)[None, :] < reached[:, None]) & (days < limit[:, None])
    days = np.where(ok, days, NEVER)
    return np.where((t["start_day"] < 0)[:, None], -NEVER, days)


def _feature_windows(rng: np.random.Generator, t: dict[str, np.ndarray], story: np.ndarray,
                     milestone_day: np.ndarray, catalog: Catalog, end: int) -> tuple[np.ndarray, np.ndarray]:
    n, n_features = len(story), len(catalog.features)
    share = np.array([FEATURE_ADOPTION[s] for s in story])
    adopted = rng.random((n, n_features)) < share[:, None]
    if catalog.core_feature >= 0:
        adopted[:, catalog.core_feature] = True
    start = t["start_day"][:, None]
    lo = np.where(start < 0, -NEVER, start + _uniform_int(rng, 0, 30, n * n_features).reshape(n, n_features))
    if catalog.core_feature >= 0:
        lo[:, catalog.core_feature] = np.where(t["start_day"] < 0, -NEVER, t["start_day"])
    # A feature that has a milestone is only used once its milestone is reached.
    for k, event in enumerate(catalog.milestone_event):
        feature = catalog.event_feature[event]
        if feature >= 0:
            lo[:, feature] = np.maximum(lo[:, feature], milestone_day[:, k])
    late = (story == EXPANDING)[:, None] & ~adopted & (rng.random((n, n_features)) < 0.5)
    late_day = _uniform_int(rng, t["growth_start"].repeat(n_features), end - 14, n * n_features).reshape(n, n_features)
    lo = np.where(late, np.maximum(lo, late_day), lo)
    lo = np.where(adopted | late, lo, NEVER)

    hi = np.full((n, n_features), NEVER, dtype=np.int64)
    non_core = np.ones(n_features, dtype=bool)
    if catalog.core_feature >= 0:
        non_core[catalog.core_feature] = False
    roll = rng.random((n, n_features))
    decline_drop = _uniform_int(rng, t["decline_start"].repeat(n_features),
                                np.minimum(t["decline_end"], NEVER - 1).repeat(n_features), n * n_features).reshape(n, n_features)
    hi = np.where((story == DECAYING)[:, None] & non_core & (roll < 0.8), decline_drop, hi)
    silence_drop = t["silence_day"][:, None] + _uniform_int(rng, 0, 21, n * n_features).reshape(n, n_features)
    hi = np.where((story == CHAMPION_LOSS)[:, None] & non_core & (roll < 0.6), silence_drop, hi)
    fade_drop = t["fade_start"][:, None] + _uniform_int(rng, 10, 40, n * n_features).reshape(n, n_features)
    hi = np.where((story == STALLED)[:, None] & (roll < 0.5), fade_drop, hi)
    return lo, hi


def build_accounts(config: GeneratorConfig, timeline: Timeline, catalog: Catalog) -> Accounts:
    rng = stream(config.seed, STAGE)
    n, end = config.accounts, timeline.end_day
    story = shuffled_labels(rng, n, STORY_SHARES)
    arr = np.clip(np.exp(rng.normal(np.log(25_000), 1.3, n)), 3_000, 3_000_000)
    # A heavy top: about 1.5% of accounts (at least one from 20 accounts) are large enterprises.
    whales = rng.permutation(n)[: round(WHALE_SHARE * n) if n >= 20 else 0]
    arr[whales] = np.clip(np.exp(rng.normal(np.log(900_000), 0.4, len(whales))), 520_000, 3_000_000)
    arr_cents = (np.round(arr / 100) * 100 * 100).astype(np.int64)
    price_per_seat = np.exp(rng.normal(np.log(1_150), 0.3, n))
    seats = np.clip(np.round(arr_cents / 100 / price_per_seat), 3, 3000).astype(np.int64)
    plan = np.where(arr_cents < 20_000_00, 0, np.where(arr_cents < 100_000_00, 1, 2))
    region = rng.choice(len(REGION_SHARES), n, p=np.array(REGION_SHARES))
    industry = rng.integers(0, len(INDUSTRIES), n)

    t = _timelines(rng, story, timeline)
    weeks = (timeline.days + 13) // 7
    week_multiplier = _week_multipliers(rng, story, weeks)
    milestone_day = _milestone_days(rng, t, story, len(catalog.milestones), end)
    feature_from, feature_until = _feature_windows(rng, t, story, milestone_day, catalog, end)

    names, domains = _company_names(rng, n)
    untrimmed = rng.permutation(n)[: max(2, round(0.04 * n))] if n >= 2 else np.array([], dtype=np.int64)
    for k, i in enumerate(untrimmed):
        names[i] = (" " + names[i], names[i] + " ", "  " + names[i] + "  ")[k % 3]
    crm_ids: list[str | None] = [salesforce_id(rng) for _ in range(n)]
    has_csm = rng.random(n) < np.array([0.3, 0.9, 1.0])[plan]
    csm_pick = rng.integers(0, len(_CSMS), n)
    csm_emails = [f"{_CSMS[csm_pick[i]]}@vendor.example" if has_csm[i] else None for i in range(n)]

    live_healthy = (t["churn_day"] == NEVER) & np.isin(story, (STEADY, NOISY)) & (t["start_day"] < min(0, end - 60))
    special_pool = rng.permutation(np.flatnonzero(live_healthy))
    seats_reported = seats.copy()
    # Planted CRM oddities on otherwise normal customers: 3 without crm_id, 2 without
    # seats, 2 with seats = 0 (the pool order decides who, see `special_roles`).
    roles = special_roles(special_pool)
    for i in roles["missing_crm_id"]:
        crm_ids[i] = None
    seats_reported[roles["seats_null"]] = -1
    seats_reported[roles["seats_zero"]] = 0

    start_dates = [timeline.to_date(d) for d in t["start_day"]]
    return Accounts(
        story=story, arr_cents=arr_cents, seats=seats, seats_reported=seats_reported,
        plan=plan, region=region, industry=industry, week_multiplier=week_multiplier,
        milestone_day=milestone_day, feature_from=feature_from, feature_until=feature_until,
        names=names, domains=domains, crm_ids=crm_ids, csm_emails=csm_emails,
        renewal_dates=[_renewal_date(s, config.end_date) for s in start_dates],
        special_pool=special_pool, **t,
    )


def special_roles(pool: np.ndarray) -> dict[str, np.ndarray]:
    """Which pool accounts carry which planted oddity (small pools share roles)."""
    size = len(pool)

    def take(offset: int, count: int) -> np.ndarray:
        if size == 0:
            return np.array([], dtype=np.int64)
        return pool[[(offset + k) % size for k in range(min(count, size))]]

    return {
        "missing_crm_id": take(0, 3),
        "seats_null": take(3, 2) if size > 3 else np.array([], dtype=np.int64),
        "seats_zero": take(5, 2) if size > 5 else np.array([], dtype=np.int64),
        "mover_from": take(7, 2),
        "mover_to": take(9, 2),
        "post_end_from": take(11, 3),
        "post_end_to": take(14, 3),
    }
