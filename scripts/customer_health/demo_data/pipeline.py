"""The generator's stages in order, from seeds to a loaded DuckDB file."""
from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np

from . import warehouse
from .accounts import INDUSTRIES, Accounts, build_accounts
from .activity import (
    account_curves, allowed_windows, chunk_ranges, expected_activity, natural_events, onboarding_events,
)
from .calendar import Timeline
from .catalog import Catalog, event_text, load_catalog
from .config import CHAMPION_LOSS, DECAYING, HEALTHY_STORIES, NEVER, PLANS, REGIONS, STORIES, GeneratorConfig
from .identity import build_groups, build_identifies
from .invoices import build_invoices
from .nps import build_nps
from .planted import TRACK_KINDS, VARIANTS, SpecialUsers, chunk_allocation, plant_events, special_users, variant_totals
from .rand import stream
from .subscriptions import build_subscriptions
from .tickets import build_tickets
from .users import Users, build_users, user_id

log = logging.getLogger("generate_demo_data")
EVENTS_STAGE, IDENTITY_STAGE, TICKETS_STAGE, NPS_STAGE, INVOICES_STAGE, SUBSCRIPTIONS_STAGE = 3, 4, 5, 6, 7, 8


@dataclass
class RunSummary:
    db_path: Path
    rows: dict[str, int] = field(default_factory=dict)
    planted: list[tuple[str, str, int]] = field(default_factory=list)
    stories: dict[str, tuple[int, int]] = field(default_factory=dict)  # story -> (accounts, churned)
    users: int = 0
    seconds: float = 0.0


@contextmanager
def stage(name: str) -> Iterator[None]:
    started = time.perf_counter()
    log.info("%s ...", name)
    yield
    log.info("%s done in %.1f s", name, time.perf_counter() - started)


def _epoch(timeline: Timeline, day: np.ndarray) -> np.ndarray:
    return (np.asarray(day, dtype=np.int64) + timeline.epoch_day0).astype(np.int64)


def in_load_order(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The batch's rows sorted by load time (rows without one first), as a loader appends them.

    Warehouses store loads in arrival order, so a filter on received_at (what every
    incremental run reads) skips most of a table; rows written in user order would make it
    scan everything. Stable, so the data stays the same for a seed.
    """
    if not batch or len(batch["rcv"]) == 0:
        return batch
    order = np.argsort(batch["rcv"], kind="stable")
    return {name: column[order] for name, column in batch.items()}


def _load_events(con: duckdb.DuckDBPyConnection, config: GeneratorConfig, catalog: Catalog, timeline: Timeline, a: Accounts,
                 users: Users, special: SpecialUsers) -> np.ndarray:
    """Natural and planted events, chunk by chunk; returns rows planted per variant."""
    names = catalog.all_event_names
    select = warehouse.tracks_select(names, [event_text(name) for name in names])
    curves = account_curves(a, timeline)
    windows = allowed_windows(a, catalog)
    totals = variant_totals(config.events)
    onboarding = onboarding_events(stream(config.seed, EVENTS_STAGE, 0), users, a, catalog, timeline, config.seed, 0)
    warehouse.insert(con, "segment.tracks", select, in_load_order(onboarding))
    target = max(config.events - int(totals.sum()) - len(onboarding["hi"]), 0)
    plan = expected_activity(users, curves, target)
    chunks = chunk_ranges(plan)
    log.info("target %d natural events: %d users in %d chunk(s), daily scale %.3f, %.2f extra events per active day",
             target, users.n, len(chunks), plan.scale, plan.extra_events)
    source_account = np.isin(a.story, HEALTHY_STORIES) & (a.churn_day >= NEVER)
    eligible = plan.user_expected * source_account[users.account]
    weights = np.array([eligible[lo:hi].sum() for lo, hi in chunks])
    allocation = chunk_allocation(totals, weights) if chunks else np.zeros((0, len(totals)), dtype=np.int64)

    counter, planted_counter = len(onboarding["hi"]), 0
    planted = np.zeros(len(VARIANTS), dtype=np.int64)
    natural = len(onboarding["hi"])
    started = time.perf_counter()
    for i, (lo, hi) in enumerate(chunks):
        rng = stream(config.seed, EVENTS_STAGE, i + 1)
        batch = natural_events(rng, users, a, curves, windows, catalog, timeline, plan, lo, hi, config.seed, counter)
        counter += len(batch["hi"])
        natural += len(batch["hi"])
        dirty, counts = plant_events(rng, batch, allocation[i], source_account, special, timeline, config.seed,
                                     planted_counter, catalog.n_events)
        planted_counter += len(dirty["hi"])
        planted += counts
        warehouse.insert(con, "segment.tracks", select, in_load_order(batch))
        warehouse.insert(con, "segment.tracks", select, in_load_order(dirty))
        log.info("events chunk %d/%d: %d natural + %d planted rows (%.1f s so far)",
                 i + 1, len(chunks), len(batch["hi"]), len(dirty["hi"]), time.perf_counter() - started)
    log.info("events: %d natural, %d planted", natural, int(planted.sum()))
    return planted


def _load_accounts(con: duckdb.DuckDBPyConnection, timeline: Timeline, a: Accounts, users: Users) -> None:
    churned = a.churn_day < NEVER
    churn_epoch = _epoch(timeline, np.where(churned, a.churn_day, 0))
    renewal = np.array([(d - timeline.start_date).days for d in a.renewal_dates], dtype=np.int64)
    warehouse.insert(con, "crm.accounts", warehouse.ACCOUNTS_SELECT, {
        "account_ix": np.arange(a.n, dtype=np.int64),
        "crm_id": np.array(a.crm_ids, dtype=object),
        "name": np.array(a.names, dtype=object),
        "arr_cents": a.arr_cents,
        "seats": a.seats_reported.astype(np.int64),
        "plan": np.array([PLANS[p] for p in a.plan], dtype=object),
        "start_epoch": _epoch(timeline, a.start_day),
        "renewal_epoch": _epoch(timeline, renewal),
        "csm_email": np.array(a.csm_emails, dtype=object),
        "industry": np.array([INDUSTRIES[i] for i in a.industry], dtype=object),
        "region": np.array([REGIONS[r] for r in a.region], dtype=object),
        "churned": churned,
        "churn_epoch": churn_epoch,
    })
    story = np.array([STORIES[s] for s in a.story], dtype=object)
    warehouse.insert(con, "demo_meta.account_stories",
                     "demo_account(account_ix), story, CASE WHEN churned THEN demo_date(churn_epoch) END",
                     {"account_ix": np.arange(a.n, dtype=np.int64), "story": story, "churned": churned, "churn_epoch": churn_epoch})
    decline = np.where(a.story == DECAYING, a.decline_start, np.where(a.story == CHAMPION_LOSS, a.silence_day, NEVER))
    champion = a.story == CHAMPION_LOSS
    reached = ((a.milestone_day >= 0) & (a.milestone_day < NEVER)).sum(axis=1)
    warehouse.insert(con, "demo_meta.account_timelines", (
        "demo_account(account_ix), story, demo_date(start_epoch), CASE WHEN churned THEN demo_date(churn_epoch) END, "
        "CASE WHEN has_decline THEN demo_date(decline_epoch) END, CASE WHEN champion THEN demo_user(champion_ix) END, "
        "CASE WHEN champion THEN demo_date(silence_epoch) END, reached"), {
        "account_ix": np.arange(a.n, dtype=np.int64), "story": story, "start_epoch": _epoch(timeline, a.start_day),
        "churned": churned, "churn_epoch": churn_epoch, "has_decline": decline < NEVER,
        "decline_epoch": _epoch(timeline, np.where(decline < NEVER, decline, 0)), "champion": champion,
        "champion_ix": users.first_of_account[:-1].astype(np.int64),
        "silence_epoch": _epoch(timeline, np.where(champion, a.silence_day, 0)), "reached": reached.astype(np.int64),
    })


def _load_special_users(con: duckdb.DuckDBPyConnection, timeline: Timeline, a: Accounts, users: Users, special: SpecialUsers) -> None:
    rows: list[tuple[str, str, str | None, str]] = []
    for u in np.flatnonzero(users.move_to >= 0):
        rows.append((user_id(u), "mover", f"acc_{users.account[u] + 1:06d}",
                     f"second groups row to acc_{users.move_to[u] + 1:06d} on {timeline.to_date(users.move_day[u])}; "
                     "events from then on have no context_group_id"))
    for u in np.flatnonzero(users.post_end_to >= 0):
        rows.append((user_id(u), "grouped_after_end_date", f"acc_{users.account[u] + 1:06d}",
                     f"groups row to acc_{users.post_end_to[u] + 1:06d} and an identifies row dated after the end date"))
    for u in special.orphans:
        rows.append((user_id(u), "never_grouped", None, "identified, no groups row; events have no context_group_id"))
    for u, g in zip(special.unknown_grouped, special.unknown_group_of):
        rows.append((user_id(u), "grouped_to_unknown_account", f"acc_{g + 1:06d}", "only groups row names an account the CRM does not know"))
    if rows:
        columns = list(zip(*rows))
        warehouse.insert(con, "demo_meta.special_users", "user_id, role_in_demo, account_id, note",
                         {key: np.array(values, dtype=object) for key, values in zip(("user_id", "role_in_demo", "account_id", "note"), columns)})


def _load_meta(con: duckdb.DuckDBPyConnection, config: GeneratorConfig, summary: RunSummary, details: list[tuple[str, str, str, int]]) -> None:
    table, kind, count = zip(*summary.planted)
    warehouse.insert(con, "demo_meta.planted_issues", "source_table, kind, row_count", {
        "source_table": np.array(table, dtype=object), "kind": np.array(kind, dtype=object),
        "row_count": np.array(count, dtype=np.int64)})
    table, kind, variant, count = zip(*details)
    warehouse.insert(con, "demo_meta.planted_details", "source_table, kind, variant, row_count", {
        "source_table": np.array(table, dtype=object), "kind": np.array(kind, dtype=object),
        "variant": np.array(variant, dtype=object), "row_count": np.array(count, dtype=np.int64)})
    con.execute("INSERT INTO demo_meta.run_info VALUES (?, ?, ?, ?, ?)",
                [config.seed, config.end_date, config.days, config.accounts, summary.rows["segment.tracks"]]).fetchall()


def run(config: GeneratorConfig) -> RunSummary:
    started = time.perf_counter()
    summary = RunSummary(db_path=config.db_path)
    with stage("reading the product seeds"):
        catalog = load_catalog(config.seeds_dir)
        timeline = Timeline(config.end_date, config.days)
    with stage(f"accounts and users ({config.accounts} accounts, {timeline.start_date} .. {timeline.end_date})"):
        a = build_accounts(config, timeline, catalog)
        users = build_users(config, timeline, a)
        special = special_users(users.n, config.seed)
    con = warehouse.connect(config.db_path)
    try:
        with stage(f"creating tables in {config.db_path}"):
            warehouse.create_tables(con)
        with stage("segment.tracks"):
            planted = _load_events(con, config, catalog, timeline, a, users, special)
        with stage("segment.identifies and segment.groups"):
            rng = stream(config.seed, IDENTITY_STAGE)
            warehouse.insert(con, "segment.identifies", warehouse.IDENTIFIES_SELECT,
                             build_identifies(rng, config.seed, users, a, special, timeline))
            warehouse.insert(con, "segment.groups", warehouse.GROUPS_SELECT,
                             build_groups(rng, config.seed, users, a, special, timeline))
        with stage("crm.accounts, support.tickets, surveys.nps_responses, billing.invoices and subscriptions"):
            _load_accounts(con, timeline, a, users)
            _load_special_users(con, timeline, a, users, special)
            warehouse.insert(con, "support.tickets", warehouse.TICKETS_SELECT,
                             build_tickets(stream(config.seed, TICKETS_STAGE), a, users, timeline))
            nps_rows, nps_planted = build_nps(stream(config.seed, NPS_STAGE), a, users, timeline)
            warehouse.insert(con, "surveys.nps_responses", warehouse.NPS_SELECT, nps_rows)
            warehouse.insert(con, "billing.invoices", warehouse.INVOICES_SELECT,
                             build_invoices(stream(config.seed, INVOICES_STAGE), a, timeline))
            subscriptions, unknown_subscriptions = build_subscriptions(stream(config.seed, SUBSCRIPTIONS_STAGE), a, timeline)
            warehouse.insert(con, "billing.subscriptions", warehouse.SUBSCRIPTIONS_SELECT, subscriptions)
        for table in warehouse.SOURCE_TABLES:
            summary.rows[table] = int(warehouse.scalar(con, f"SELECT count(*) FROM {table}"))
        by_kind = {kind: 0 for kind in TRACK_KINDS}
        for (kind, _), count in zip(VARIANTS, planted):
            by_kind[kind] += int(count)
        missing_crm = sum(1 for crm_id in a.crm_ids if crm_id is None)
        summary.planted = [("segment.tracks", kind, count) for kind, count in by_kind.items()]
        summary.planted += [("surveys.nps_responses", "nps_score_out_of_range", nps_planted),
                            ("crm.accounts", "missing_crm_id", missing_crm),
                            ("billing.subscriptions", "unknown_account", unknown_subscriptions)]
        details = [("segment.tracks", kind, variant, int(count)) for (kind, variant), count in zip(VARIANTS, planted)]
        details += [("surveys.nps_responses", "nps_score_out_of_range", "score_null_or_outside_0_10", nps_planted),
                    ("crm.accounts", "missing_crm_id", "crm_id_null", missing_crm),
                    ("billing.subscriptions", "unknown_account", "account_not_in_crm", unknown_subscriptions)]
        _load_meta(con, config, summary, details)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    churned = a.churn_day < NEVER
    summary.stories = {name: (int((a.story == s).sum()), int((churned & (a.story == s)).sum())) for s, name in enumerate(STORIES)}
    summary.users = users.n
    summary.seconds = time.perf_counter() - started
    return summary
