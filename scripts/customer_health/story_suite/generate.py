"""Write a story-suite warehouse: the contract's source tables (columns and types from the
sources YAML, customer_health.source_schema, as the demo's) plus story_meta.account_stories
with each account's story, decline window onset, the first day the decline shows in the data, and churn date.
Events follow the product's own seeds (event catalog and milestones), with per-account feature mixes and usage
shapes unlike the demo's."""
from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np

from customer_health import source_schema
from customer_health.demo_data import warehouse
from customer_health.story_suite.stories import CHURN_STORIES, STORIES, Account, background_urgent_tickets, build

log = logging.getLogger("story_suite")
META_TABLE = "story_meta.account_stories"
META_COLUMNS = [
    ("account_id", "VARCHAR"), ("story", "VARCHAR"), ("is_churn_story", "BOOLEAN"), ("users", "INTEGER"),
    ("events_per_day", "DOUBLE"), ("contract_start_date", "DATE"), ("decline_onset_date", "DATE"),
    ("first_change_date", "DATE"), ("churned_at", "DATE"), ("detail", "VARCHAR"),
]
LOGIN_EVENTS = ("signed_in", "page_viewed")


@dataclass(frozen=True)
class SuiteConfig:
    db: Path
    seeds_dir: Path
    accounts_per_story: int = 12
    days: int = 330
    history_days: int = 210
    end_date: date = date(2025, 6, 30)
    seed: int = 15
    big_share: float = 0.08
    max_users: int = 2000
    background_urgent: bool = True  # False: the suite before the seventh pass (fine accounts with no urgent ticket)


def _catalog(seeds_dir: Path) -> tuple[list[str], np.ndarray, list[str]]:
    with open(seeds_dir / "event_catalog.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(seeds_dir / "activation_milestones.csv", newline="") as handle:
        milestones = [row["event"] for row in csv.DictReader(handle)]
    events = [row["event"] for row in rows]
    meaningful = np.array([row["is_meaningful"].strip().lower() == "true" for row in rows])
    return events, meaningful, milestones


def _mix(rng: np.random.Generator, events: list[str], meaningful: np.ndarray, exclude: set[str]) -> np.ndarray:
    """A per-account event mix: a random subset of the meaningful events, plus logins and page views."""
    candidates = [i for i, name in enumerate(events) if meaningful[i] and name not in exclude]
    chosen = rng.choice(candidates, size=int(rng.integers(max(2, len(candidates) // 3), len(candidates) + 1)),
                        replace=False)
    p = np.zeros(len(events))
    p[chosen] = rng.dirichlet(np.ones(len(chosen)))
    p *= 1 - (passive := rng.uniform(0.15, 0.6))
    for name in LOGIN_EVENTS:
        p[events.index(name)] += passive / len(LOGIN_EVENTS)
    return p / p.sum()


def _login_mix(events: list[str]) -> np.ndarray:
    p = np.zeros(len(events))
    p[events.index("signed_in")] = 0.6
    p[events.index("page_viewed")] = 0.4
    return p


def _epoch_day(day0: date, day: int) -> int:
    return (day0 + timedelta(days=int(day)) - date(1970, 1, 1)).days


def generate(config: SuiteConfig) -> dict[str, int]:
    """Generate the suite into config.db (source tables replaced); returns rows per table."""
    events, meaningful, milestones = _catalog(config.seeds_dir)
    day0 = config.end_date - timedelta(days=config.days - 1)
    history_start = config.days - config.history_days
    con = warehouse.connect(config.db)
    warehouse.create_tables(con)
    con.execute("CREATE SCHEMA IF NOT EXISTS story_meta")
    con.execute(source_schema.create_table_sql(META_TABLE, META_COLUMNS, replace=True))
    root = np.random.default_rng(np.random.SeedSequence([config.seed]))
    user_offset = 0
    account_index = 0
    meta_rows: list[tuple] = []
    account_rows: list[tuple] = []
    identify_rows: list[tuple] = []
    group_rows: list[tuple] = []
    ticket_rows: list[tuple] = []
    nps_rows: list[tuple] = []
    invoice_rows: list[tuple] = []
    event_total = 0
    login_mix = _login_mix(events)
    for story_number, story in enumerate(STORIES):
        positions = (np.arange(config.accounts_per_story) + root.random(config.accounts_per_story)) \
            / config.accounts_per_story
        for position in positions:
            rng = np.random.default_rng(np.random.SeedSequence([config.seed, story_number, account_index]))
            acc = build(rng, account_index, story, float(position), config.days, day0.weekday(), history_start,
                        config.big_share, config.max_users)
            account_id = f"acc_{account_index + 1:06d}"
            if config.background_urgent:
                # their own random stream, so that every other row of the draw stays as it was without them
                urgent_rng = np.random.default_rng(
                    np.random.SeedSequence([config.seed, story_number, account_index, 7]))
                acc.urgent_tickets.extend(background_urgent_tickets(
                    urgent_rng, acc.users, max(0, acc.start_day),
                    acc.churn_day if acc.churn_day is not None else config.days))
            exclude = set(milestones) if story == "stalled_onboarding" else set()
            mix = _mix(rng, events, meaningful, exclude)
            _write_events(con, rng, acc, events, user_offset, mix, login_mix, day0)
            event_total += int(acc.lam.sum())
            # milestones: every milestone event once early on, stalled accounts only a few
            reached = milestones if acc.stalled_milestones is None else milestones[:acc.stalled_milestones]
            first = max(0, acc.start_day)
            ms_rows = []
            for number, name in enumerate(reached):
                day = first + int(rng.integers(0, 30 if acc.start_day >= 0 else 5)) + number
                ms_rows.append((user_offset + acc.admin_user, day * 86400 + 36000 + number, events.index(name)))
            if ms_rows:
                user_ix, secs, code = (np.array(column) for column in zip(*ms_rows))
                _insert_tracks(con, user_ix, secs, code, account_index, day0, events)
            for user in range(acc.users):
                user_id = f"usr_{user_offset + user + 1:07d}"
                joined = day0 + timedelta(days=int(acc.user_join_day[user]))
                role = "admin" if user == acc.admin_user else "member"
                identify_rows.append((f"idf_{user_offset + user + 1:07d}", user_id, None, joined, joined,
                                      f"{user_id}@{account_id}.example", f"User {user + 1}", role))
                group_rows.append((f"grp_{user_offset + user + 1:07d}", user_id, account_id, joined, joined,
                                   f"Account {account_index + 1}", "pro"))
            start = day0 + timedelta(days=acc.start_day)
            churned = day0 + timedelta(days=acc.churn_day) if acc.churn_day is not None else None
            onset = day0 + timedelta(days=acc.onset_day) if acc.onset_day is not None else None
            first_change = (day0 + timedelta(days=acc.first_change_day) if acc.first_change_day is not None
                            else None)
            account_rows.append((account_id, f"crm_{account_index + 1}", f"{story.replace('_', ' ').title()} "
                                 f"{account_index + 1}", round(acc.seats * 600.0, 2), acc.seats, "pro", start,
                                 start + timedelta(days=365 * 3), "csm@example.com", "software", "emea", churned))
            meta_rows.append((account_id, story, story in CHURN_STORIES, acc.users, acc.events_per_day, start,
                              onset, first_change, churned, acc.detail))
            _service_rows(rng, acc, account_id, user_offset, day0, config.days, ticket_rows, nps_rows, invoice_rows)
            user_offset += acc.users
            account_index += 1
        log.info("story %-20s %3d accounts", story, config.accounts_per_story)
    _insert_rows(con, "crm.accounts", account_rows)
    _insert_rows(con, "segment.identifies", identify_rows)
    _insert_rows(con, "segment.groups", group_rows)
    _insert_rows(con, "support.tickets", ticket_rows)
    _insert_rows(con, "surveys.nps_responses", nps_rows)
    _insert_rows(con, "billing.invoices", invoice_rows)
    _insert_rows(con, META_TABLE, meta_rows)
    counts = {table: int(warehouse.scalar(con, f"select count(*) from {table}"))
              for table in [*warehouse.SOURCE_TABLES, META_TABLE]}
    con.close()
    return counts


def _write_events(con: duckdb.DuckDBPyConnection, rng: np.random.Generator, acc: Account, names: list[str],
                  user_offset: int, mix: np.ndarray, login_mix: np.ndarray, day0: date) -> None:
    counts = rng.poisson(acc.lam)
    users, days = np.nonzero(counts)
    repeats = counts[users, days]
    user_ix = np.repeat(users, repeats) + user_offset
    day = np.repeat(days, repeats)
    n = len(day)
    if n == 0:
        return
    code = rng.choice(len(mix), size=n, p=mix)
    if acc.login_only_from is not None:
        late = day >= acc.login_only_from
        code[late] = rng.choice(len(login_mix), size=int(late.sum()), p=login_mix)
    secs = day.astype(np.int64) * 86400 + rng.integers(7 * 3600, 20 * 3600, n)
    _insert_tracks(con, user_ix, secs, code, acc.index, day0, names)


def _insert_tracks(con: duckdb.DuckDBPyConnection, user_ix: np.ndarray, secs: np.ndarray, code: np.ndarray,
                   account_index: int, day0: date, names: list[str]) -> None:
    base_us = _epoch_day(day0, 0) * 86_400_000_000
    ts = base_us + np.asarray(secs, dtype=np.int64) * 1_000_000
    offset = int(warehouse.scalar(con, "select count(*) from segment.tracks"))
    batch = {
        "user_ix": np.asarray(user_ix, dtype=np.int64),
        "ts": ts,
        "rcv": ts + 2_000_000,
        "code": np.asarray(code, dtype=np.int64),
        "ctx": np.full(len(ts), account_index, dtype=np.int64),
        "evt": np.arange(offset + 1, offset + len(ts) + 1, dtype=np.int64),
    }
    warehouse.insert(con, "segment.tracks", (
        "printf('evt_%010d', evt), NULL, demo_user(user_ix), "
        f"{warehouse.sql_list(names)}[code + 1], NULL, demo_ts(ts), demo_ts(rcv), demo_account(ctx)"), batch)


def _service_rows(rng: np.random.Generator, acc: Account, account_id: str, user_offset: int, day0: date,
                  days: int, tickets: list[tuple], nps: list[tuple], invoices: list[tuple]) -> None:
    end = acc.churn_day if acc.churn_day is not None else days
    first = max(0, acc.start_day)
    user_id = f"usr_{user_offset + acc.admin_user + 1:07d}"

    def ts(day: int, hour: int = 10) -> object:
        return np.datetime64(day0 + timedelta(days=int(day))) + np.timedelta64(hour, "h")

    # ordinary tickets: normal priority, solved within days, rarely rated bad
    rate = min(0.3, 0.01 + acc.users / 2000)
    for day in np.nonzero(rng.random(end - first) < rate)[0] + first:
        solved = min(days - 1, int(day + rng.integers(0, 6)))
        priority = "high" if rng.random() < 0.1 else "normal"
        csat = "bad" if rng.random() < 0.03 else ("good" if rng.random() < 0.5 else None)
        tickets.append((f"T-{acc.index}-{len(tickets)}", account_id, user_id, ts(day).item(), ts(solved, 16).item(),
                        priority, "solved", csat))
    for created, solved, csat in acc.urgent_tickets:
        tickets.append((f"T-{acc.index}-{len(tickets)}", account_id, user_id, ts(created).item(),
                        ts(solved, 16).item() if solved is not None else None, "urgent",
                        "solved" if solved is not None else "open", csat))
    for day, score in acc.nps_answers:
        if first <= day < end:
            nps.append((f"N-{acc.index}-{len(nps)}", user_id, account_id, score, ts(day, 12).item(), None))
    # monthly invoices, paid within the 30 days allowed
    for day in range(first, end, 30):
        issued = day0 + timedelta(days=int(day))
        paid = issued + timedelta(days=int(rng.integers(1, 25)))
        invoices.append((f"I-{acc.index}-{day}", account_id, round(acc.seats * 50.0, 2), "USD", issued,
                         issued + timedelta(days=30), paid if paid <= day0 + timedelta(days=days - 1) else None,
                         "paid" if paid <= day0 + timedelta(days=days - 1) else "open"))


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert rows in one statement: every value as text, cast to the table's column types in SQL."""
    if not rows:
        return
    columns = warehouse.SOURCE_TABLES.get(table) or META_COLUMNS
    batch = {f"c{i}": np.array([None if row[i] is None else str(row[i]) for row in rows], dtype=object)
             for i in range(len(columns))}
    select = ", ".join(f"cast(c{i} as {kind})" for i, (_name, kind) in enumerate(columns))
    con.register("suite_rows", batch)
    try:
        con.execute(f"INSERT INTO {table} SELECT {select} FROM suite_rows").fetchall()
    finally:
        con.unregister("suite_rows")
