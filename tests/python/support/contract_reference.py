"""CONTRACT.md §4 and §6 written again in plain Python, to check the marts against.

The contract's exact metrics are checked against independent implementations; this is
the project's own. It reads the raw rows with `select *` and the two seed files, and applies
every rule from the contract's own words, with no SQL and nothing taken from the models,
so a mistake in the dbt project shows up as a difference instead of being repeated.

What it computes, as of D, for every current customer:
- `account_health`: active users (7 and 30 days), feature adoption %, activation %,
  active user %, days since last active, tenure days, licensed seats;
- `account_feature_adoption` and `account_activation`: every catalog feature / milestone;
- `user_engagement`: which (account, user) rows exist, the last active date, is_active_30d;
- §6: ARR on a day, and `portfolio_retention`'s exact 'all' rows (`expected_retention`),
  with billing.subscriptions when the warehouse has that table and from crm.accounts without.

Percentages are exact fractions rounded half away from zero to one decimal (the contract:
"round, never truncate"). Slow by design (a few seconds on the 200k-event test data).
"""
from __future__ import annotations

import bisect
import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

Row = dict[str, Any]


@dataclass
class Expected:
    """Keyed like the marts; account_health's keys are the current customers on D."""
    account_health: dict[str, Row] = field(default_factory=dict)
    feature_adoption: dict[tuple[str, str], Row] = field(default_factory=dict)
    activation: dict[tuple[str, str], Row] = field(default_factory=dict)
    user_engagement: dict[tuple[str, str], Row] = field(default_factory=dict)


@dataclass(frozen=True)
class Raw:
    tracks: list[Row]
    groups: list[Row]
    accounts: list[Row]
    subscriptions: list[Row] | None = None   # None: the warehouse has no billing.subscriptions


def read_raw(con: Any, use_subscriptions: bool | None = None) -> Raw:
    """The raw rows the metrics read (a DuckDB connection with the default source schemas).
    use_subscriptions is the var using_subscriptions: None reads the table when it exists."""
    def rows(table: str) -> list[Row]:
        cursor = con.execute(f"select * from {table}")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values)) for values in cursor.fetchall()]
    exists = con.execute("select count(*) from information_schema.tables "
                         "where table_schema = 'billing' and table_name = 'subscriptions'").fetchall()[0][0] > 0
    subscriptions = rows("billing.subscriptions") if exists and use_subscriptions is not False else None
    return Raw(tracks=rows("segment.tracks"), groups=rows("segment.groups"), accounts=rows("crm.accounts"),
               subscriptions=subscriptions)


def percent(numerator: int, denominator: int | None) -> Decimal | None:
    """numerator / denominator x 100, rounded half away from zero to one decimal."""
    if not denominator:
        return None
    exact = Fraction(numerator * 100, denominator)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def read_seeds(seeds_dir: Path) -> tuple[dict[str, Row], list[tuple[str, str]]]:
    with open(seeds_dir / "event_catalog.csv", newline="") as f:
        catalog_rows = list(csv.DictReader(f))
    catalog: dict[str, Row] = {}
    for row in catalog_rows:
        if row["event"] in catalog:
            raise ValueError(f"event {row['event']!r} is listed twice in the catalog")
        catalog[row["event"]] = {"feature": row["feature"].strip() or None,
                                 "is_meaningful": row["is_meaningful"].strip().lower() == "true"}
    with open(seeds_dir / "activation_milestones.csv", newline="") as f:
        milestones = [(row["milestone"], row["event"]) for row in csv.DictReader(f)]
    return catalog, milestones


def _load_order(row: Row) -> tuple:
    """Earliest received_at first (none received last), then earliest timestamp."""
    return (row["received_at"] is None, row["received_at"] or dt.datetime.min, row["timestamp"])


def deduplicated_events(tracks: list[Row]) -> list[Row]:
    """Rows with an id and a timestamp; of several rows with one id, the earliest received_at,
    then the earliest timestamp. A tie on both between rows that differ cannot be resolved
    from the contract: it raises, so a test data change that creates one is noticed."""
    kept: dict[str, Row] = {}
    for row in tracks:
        if row["id"] is None or row["timestamp"] is None:
            continue
        current = kept.get(row["id"])
        if current is None:
            kept[row["id"]] = row
            continue
        if _load_order(row) < _load_order(current):
            kept[row["id"]] = row
        elif _load_order(row) == _load_order(current) and row != current:
            raise ValueError(f"id {row['id']!r}: two different rows tie on received_at and timestamp")
    return list(kept.values())


class Memberships:
    """A user's account at an instant, from their groups rows dated at or before D."""

    def __init__(self, groups: list[Row], cutoff: dt.datetime) -> None:
        per_user: dict[str, list[Row]] = defaultdict(list)
        for row in groups:
            if row["user_id"] is not None and row["timestamp"] is not None and row["timestamp"] <= cutoff:
                per_user[row["user_id"]].append(row)
        # ascending by timestamp, then received_at, then id: of the rows at one timestamp the
        # last is the one with the latest received_at, then the greatest id
        self.rows = {user: sorted(rows, key=lambda r: (r["timestamp"], r["received_at"] or dt.datetime.min,
                                                       r["id"] or ""))
                     for user, rows in per_user.items()}
        self.times = {user: [r["timestamp"] for r in rows] for user, rows in self.rows.items()}

    def account_at(self, user_id: str, at: dt.datetime) -> str | None:
        rows = self.rows.get(user_id)
        if not rows:
            return None
        position = bisect.bisect_right(self.times[user_id], at)
        if position > 0:                       # the latest row at or before the event
            return rows[position - 1]["group_id"]
        first_time = rows[0]["timestamp"]      # else the earliest row (ties: same rule)
        return [r for r in rows if r["timestamp"] == first_time][-1]["group_id"]


def seats_on_day(raw: Raw, subscriptions_by_account: dict[str, list[Row]], account_id: str,
                 day: dt.date) -> int | None:
    """Licensed seats on D: crm.accounts.seats as it stands; with subscriptions (§6) the sum of
    seats over the account's subscriptions that count on D, null when none of them has seats."""
    if raw.subscriptions is None:
        return next(a["seats"] for a in raw.accounts if a["account_id"] == account_id)
    seats = [s["seats"] for s in subscriptions_by_account.get(account_id, [])
             if subscription_counts(s, day) and s["seats"] is not None]
    return sum(seats) if seats else None


def expected_marts(raw: Raw, seeds_dir: Path, as_of: dt.date) -> Expected:
    catalog, milestones = read_seeds(seeds_dir)
    features = sorted({c["feature"] for c in catalog.values() if c["feature"]})
    cutoff = dt.datetime.combine(as_of, dt.time(23, 59, 59, 999000))
    accounts = {a["account_id"]: a for a in raw.accounts}
    memberships = Memberships(raw.groups, cutoff)

    events_by_account: dict[str, list[Row]] = defaultdict(list)
    for row in deduplicated_events(raw.tracks):
        if row["user_id"] is None or row["timestamp"] > cutoff:
            continue
        account = row["context_group_id"]
        if account is None:
            account = memberships.account_at(row["user_id"], row["timestamp"])
        if account is None or account not in accounts:
            continue
        entry = catalog.get(row["event"])
        events_by_account[account].append({
            "user_id": row["user_id"], "event": row["event"], "date": row["timestamp"].date(),
            "is_meaningful": bool(entry and entry["is_meaningful"]), "feature": entry and entry["feature"],
        })

    subscriptions_by_account: dict[str, list[Row]] = defaultdict(list)
    for subscription in raw.subscriptions or []:
        subscriptions_by_account[subscription["account_id"]].append(subscription)
    current = {a["account_id"] for a in raw.accounts
               if a["contract_start_date"] is not None and a["contract_start_date"] <= as_of
               and (a["churned_at"] is None or a["churned_at"] > as_of)}
    expected = Expected()
    start_7d, start_30d = as_of - dt.timedelta(days=6), as_of - dt.timedelta(days=29)
    for account_id in sorted(current):
        events = events_by_account.get(account_id, [])
        meaningful = [e for e in events if e["is_meaningful"]]
        active_7d = {e["user_id"] for e in meaningful if e["date"] >= start_7d}
        active_30d = {e["user_id"] for e in meaningful if e["date"] >= start_30d}
        feature_users_30d: dict[str, set[str]] = defaultdict(set)
        feature_dates: dict[str, list[dt.date]] = defaultdict(list)
        for e in events:
            if e["feature"]:
                feature_dates[e["feature"]].append(e["date"])
                if e["date"] >= start_30d:
                    feature_users_30d[e["feature"]].add(e["user_id"])
        completed = {m: min((e["date"] for e in events if e["event"] == event), default=None)
                     for m, event in milestones}
        last_active = max((e["date"] for e in meaningful), default=None)
        seats = seats_on_day(raw, subscriptions_by_account, account_id, as_of)
        expected.account_health[account_id] = {
            "active_users_7d": len(active_7d),
            "active_users_30d": len(active_30d),
            "feature_adoption_pct": percent(sum(1 for f in features if feature_users_30d[f]), len(features)),
            "activation_pct": percent(sum(1 for d in completed.values() if d is not None), len(milestones)),
            "active_user_pct": percent(len(active_30d), seats),
            "days_since_last_active": (as_of - last_active).days if last_active else None,
            "tenure_days": (as_of - accounts[account_id]["contract_start_date"]).days,
            "licensed_seats": seats,
        }
        for feature in features:
            dates = feature_dates.get(feature, [])
            expected.feature_adoption[(account_id, feature)] = {
                "users_30d": len(feature_users_30d[feature]),
                "first_used_date": min(dates, default=None),
                "last_used_date": max(dates, default=None),
                "is_adopted_30d": bool(feature_users_30d[feature]),
            }
        for milestone, _ in milestones:
            expected.activation[(account_id, milestone)] = {
                "completed_date": completed[milestone], "is_completed": completed[milestone] is not None}
        user_last: dict[str, dt.date] = {}
        for e in meaningful:
            user_last[e["user_id"]] = max(e["date"], user_last.get(e["user_id"], e["date"]))
        for user_id, last in user_last.items():
            expected.user_engagement[(account_id, user_id)] = {
                "last_active_date": last, "is_active_30d": last >= start_30d}
    return expected


# ---- CONTRACT.md section 6 ----------------------------------------------------------------

RETENTION_PERIODS = (90, 365)


def percent_of(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator / denominator x 100 for exact decimals, rounded half away from zero to one decimal."""
    if not denominator:
        return None
    exact = Fraction(numerator) * 100 / Fraction(denominator)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def subscription_counts(subscription: Row, day: dt.date) -> bool:
    """A subscription counts on D when started_on <= D and (ended_on is null or ended_on > D)."""
    return subscription["started_on"] <= day and (subscription["ended_on"] is None or subscription["ended_on"] > day)


def arr_on_day(raw: Raw, day: dt.date) -> dict[str, Decimal]:
    """ARR_D(a) for every account of crm.accounts (a null CRM or subscription ARR is no revenue)."""
    accounts = {a["account_id"]: a for a in raw.accounts}
    if raw.subscriptions is not None:
        arr = {account_id: Decimal(0) for account_id in accounts}
        for subscription in raw.subscriptions:
            if subscription["account_id"] in accounts and subscription_counts(subscription, day):
                arr[subscription["account_id"]] += subscription["arr"] or Decimal(0)
        return arr
    return {account_id: (a["arr"] or Decimal(0))
            if a["contract_start_date"] <= day and (a["churned_at"] is None or a["churned_at"] > day) else Decimal(0)
            for account_id, a in accounts.items()}


def expected_retention(raw: Raw, as_of: dt.date, periods: tuple[int, ...] = RETENTION_PERIODS) -> dict[int, Row]:
    """portfolio_retention's 'all' row per period, from the contract's words."""
    on_end = arr_on_day(raw, as_of)
    result: dict[int, Row] = {}
    for period in periods:
        start_day = as_of - dt.timedelta(days=period)
        on_start = arr_on_day(raw, start_day)
        cohort = [a for a, arr in on_start.items() if arr > 0]
        starting = sum((on_start[a] for a in cohort), Decimal(0))
        ending = sum((on_end[a] for a in cohort), Decimal(0))
        churned = sum((on_start[a] for a in cohort if on_end[a] == 0), Decimal(0))
        contraction = sum((on_start[a] - on_end[a] for a in cohort if 0 < on_end[a] < on_start[a]), Decimal(0))
        expansion = sum((on_end[a] - on_start[a] for a in cohort if on_end[a] > on_start[a]), Decimal(0))
        new = sum((on_end[a] for a in on_start if on_start[a] == 0 and on_end[a] > 0), Decimal(0))
        retained = sum(1 for a in cohort if on_end[a] > 0)
        empty = not cohort
        result[period] = {
            "period_start_date": start_day,
            "count_accounts_start": len(cohort),
            "count_accounts_retained": retained,
            "starting_arr": starting,
            "expansion_arr": expansion,
            "contraction_arr": contraction,
            "churned_arr": churned,
            "new_arr": new,
            "ending_arr": ending,
            "nrr_pct": None if empty else percent_of(ending, starting),
            "grr_pct": None if empty else percent_of(starting - churned - contraction, starting),
            "logo_retention_pct": None if empty else percent_of(retained, len(cohort)),
        }
    return result
