"""The story suite (issue 15): the generator's accounts, the AUC it reports, and the early-warning
figures of the small suite, asserted with a margin.

The small suite (13 stories x 5 accounts, up to 200 users, 300 days) is generated and built with
dbt into a temporary warehouse; the figures are read from its account_health_daily. The floors
below are above what the defaults before issue 15 reached on the same suite (52 % warned 28 days
ahead, 28 % 42 days ahead, AUC after onset 0.827), so they fail on those defaults; the first defaults of
issue 15 reached 80 %, 64 %, 0.886 (6.4 % of fine account-days yellow or red, 0.5 % red), the
re-tuned ones (DECISIONLOG "Early warning (issue 15)") 88 %, 68 %, 0.899 (7.9 %, 0.6 %), the third
pass's (DECISIONLOG "third pass") 92 %, 64 %, 0.905 (7.1 %, 0.2 %), the fifth pass's C6 (spread-scaled
dip, decline_persistence, green from 80) 96 %, 68 %, 0.910 (6.9 %, 0.0 %). Since the seventh pass every
account also files background urgent tickets (fine accounts too), and C6 gives 96 %, 68 %, 0.904 (7.95 %,
0.0 %) (DECISIONLOG "seventh pass"). With the support rule E (bad ratings as a share of the rated
tickets, DECISIONLOG "Part 5b: E in SQL") it gives 96 %, 68 %, 0.905 (7.49 %, 0.0 %), the replay's figures:
the fine-day ceiling is lowered from 8 % to 7.9 %, which C6 fails (7.95 %) and E meets by 0.4 points.

The floors sit one account (4 points of 25 churners) below C6's figures where those are above the
issue's targets: 92 % (23 of 25) at 28 days, 64 % (16 of 25) at 42; the AUC floor is the target
0.90; fine days at most 7.9 % yellow or red and 1.5 % red, a margin below the targets (10 %, 2 %).
Those figures date the decline from the first day of the story's window. Since the eleventh pass the targets
date it from the first day it shows in the data (first_change_date): 21 of the 25 churners began 6 weeks or
more before churn, and E warns 100 % of them 28 days ahead, 81 % 42 days ahead, AUC 0.930; the floors sit one
account below (20 and 16 of 21), and the window's figures keep their floors."""
from __future__ import annotations

import argparse
from pathlib import Path

import duckdb
import numpy as np
import pytest

from customer_health.demo_data import warehouse
from customer_health.story_suite import cli
from customer_health.story_suite.report import Summary, auc
from customer_health.story_suite.stories import CHURN_STORIES, FINE_STORIES, background_urgent_tickets, build


def test_auc_counts_ties_half() -> None:
    # positives 1, 3; negatives 2, 3, 4: pairs (1<2,1<3,1<4) = 3, (3<4) = 1, (3=3) = 0.5 -> 4.5 / 6
    assert auc(np.array([1, 3]), np.array([2, 3, 4])) == pytest.approx(0.75)
    assert auc(np.array([5]), np.array([1, 2])) == 0.0
    assert auc(np.array([]), np.array([1])) is None


def _background(users: int, seed: int, months: int = 240) -> list[tuple[int, int | None, str | None]]:
    return background_urgent_tickets(np.random.default_rng(seed), users, 0, 30 * months)


def test_background_urgent_tickets_grow_with_size_and_some_run_long() -> None:
    # 240 account-months each: 0.08 + 0.32 x log(users) / log(2000) a month -> 2 users ~0.109, 2,000 users 0.40
    small = [_background(2, seed) for seed in range(10)]
    big = [_background(2000, seed) for seed in range(10)]
    per_month_small = sum(map(len, small)) / 2400
    per_month_big = sum(map(len, big)) / 2400
    assert 0.09 <= per_month_small <= 0.13, per_month_small
    assert 0.37 <= per_month_big <= 0.43, per_month_big
    tickets = [t for run in small + big for t in run]
    days = np.array([solved - created for created, solved, _csat in tickets if solved is not None])
    assert 0 <= days.min() and days.max() <= 20
    assert 0.65 <= np.mean(days <= 3) <= 0.75          # most solved within 0-3 days
    assert 0.11 <= np.mean(days >= 7) <= 0.19           # 15 % only after 7-20 days
    closed = [(solved - created, csat) for created, solved, csat in tickets if solved is not None]
    slow_bad = np.mean([csat == "bad" for days_open, csat in closed if days_open >= 7])
    quick_bad = np.mean([csat == "bad" for days_open, csat in closed if days_open < 7])
    assert 0.02 <= quick_bad <= 0.10 and 0.12 <= slow_bad <= 0.30, (quick_bad, slow_bad)


def test_background_urgent_tickets_stay_inside_the_contract_and_repeat_by_seed() -> None:
    tickets = background_urgent_tickets(np.random.default_rng(3), 500, 40, 400)
    assert tickets == background_urgent_tickets(np.random.default_rng(3), 500, 40, 400)
    assert len(tickets) >= 2 and all(40 <= created < 400 for created, _solved, _csat in tickets)
    # a ticket that would be solved on or after the end (churn) stays open, unrated
    assert all((solved is None and csat is None) or created <= solved < 400 for created, solved, csat in tickets)
    assert background_urgent_tickets(np.random.default_rng(3), 500, 100, 100) == []
    near_end = [t for seed in range(200) for t in background_urgent_tickets(np.random.default_rng(seed), 2000, 0, 30)]
    still_open = [t for t in near_end if t[1] is None]
    assert still_open and all(csat is None for _created, _solved, csat in still_open)
    assert all(solved < 30 for _created, solved, _csat in near_end if solved is not None)


def _accounts(story: str, count: int = 40) -> list:
    return [build(np.random.default_rng(seed), seed, story, (seed % 10) / 10, 330, 0, 120, 0.08, 200)
            for seed in range(count)]


def test_first_change_is_the_first_day_the_decline_shows_in_the_data() -> None:
    for story in CHURN_STORIES:
        for acc in _accounts(story):
            assert acc.onset_day <= (acc.first_change_day or acc.onset_day) < acc.churn_day, story
            if story in ("champion_leaves", "login_only", "nps_detractor_quiet"):
                assert acc.first_change_day == acc.onset_day, story
    # a seat contraction changes on the first day a leaver's expected events drop to zero while the account is
    # still a customer (every user of an established account has events on every day before that)
    contractions = _accounts("seat_contraction")
    for acc in contractions:
        before_churn = acc.lam[:, :acc.churn_day]
        stopped = np.flatnonzero((before_churn == 0).any(axis=0))
        assert acc.first_change_day == (int(stopped[0]) if stopped.size else None)
    later = [acc.first_change_day - acc.onset_day for acc in contractions if acc.first_change_day is not None]
    assert max(later) >= 7, later      # the first leaver can stop weeks into the window
    # an escalation begins with its first urgent ticket, which can come weeks after the window opens
    escalations = _accounts("support_escalation")
    assert all(acc.first_change_day == min(t[0] for t in acc.urgent_tickets) for acc in escalations)
    assert max(acc.first_change_day - acc.onset_day for acc in escalations) >= 14
    # a gradual decline's usage first falls on the day after the window opens (a step at once, a curve slowly)
    assert all(acc.first_change_day == acc.onset_day + 1 for acc in _accounts("gradual_decline"))


@pytest.fixture(scope="module")
def small_suite(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Summary]:
    db = tmp_path_factory.mktemp("story_suite") / "suite.duckdb"
    args = argparse.Namespace(db=db, small=True, accounts_per_story=None, seed=15, report_only=False,
                              docs=None, no_docs=True)
    _text, summary = cli.run_suite(args)
    return db, summary


def test_generator_writes_the_demo_schema_and_every_story(small_suite: tuple[Path, Summary]) -> None:
    db, _summary = small_suite
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table, columns in warehouse.SOURCE_TABLES.items():
            schema, name = table.split(".")
            found = [r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                "order by ordinal_position", [schema, name]).fetchall()]
            assert found == [c[0] for c in columns], table
        rows = con.execute("select story, is_churn_story, count(*), min(users), "
                           "count(*) filter (where is_churn_story and not (contract_start_date <= decline_onset_date "
                           "and decline_onset_date < churned_at)), "
                           "count(*) filter (where first_change_date < decline_onset_date "
                           "or first_change_date >= churned_at or (first_change_date is null) = is_churn_story "
                           "and story <> 'seat_contraction') "
                           "from story_meta.account_stories group by all").fetchall()
        assert {r[0] for r in rows} == set(CHURN_STORIES) | set(FINE_STORIES)
        for story, is_churn, count, min_users, bad_dates, bad_changes in rows:
            assert is_churn == (story in CHURN_STORIES)
            assert count == 5 and min_users >= 2 and bad_dates == 0 and bad_changes == 0, story
        # fine accounts file urgent tickets too, some open a week or more or rated bad (seventh pass)
        fine_urgent = con.execute(
            "select count(*), count(*) filter (where t.satisfaction = 'bad' or t.solved_at is null "
            "or t.solved_at >= t.created_at + interval 7 day) from support.tickets as t "
            "join story_meta.account_stories as m using (account_id) where not m.is_churn_story "
            "and t.priority = 'urgent'").fetchall()[0]
        assert fine_urgent[0] >= 10 and fine_urgent[1] >= 2, fine_urgent
        # fine stories never churn; every churner's churn date is in the CRM
        assert con.execute("select count(*) from story_meta.account_stories as m join crm.accounts as a "
                           "using (account_id) where a.churned_at is distinct from m.churned_at").fetchall()[0][0] == 0
    finally:
        con.close()


def test_small_suite_warns_early_and_quietly(small_suite: tuple[Path, Summary]) -> None:
    _db, s = small_suite
    # the targets that hold, with a margin
    assert s.fine_warned_days <= 0.079, f"fine account-days yellow or red: {s.fine_warned_days:.2%}"
    assert s.fine_red_days <= 0.015, f"fine account-days red: {s.fine_red_days:.1%}"
    assert s.auc >= s.auc_activity + 0.20, f"AUC {s.auc:.3f} vs activity {s.auc_activity:.3f}"
    # one account below the current defaults' figures on this small suite, well above the defaults before
    # issue 15 and the targets (85 %, 60 %, 0.90); the full suite's figures are in docs/story_suite.md.
    # Dated from the first change (the targets' churners): 21 churners, E 100 % (21), 81 % (17), 0.930.
    assert s.target_churners == 21
    assert s.warned_28 >= 20 / 21, f"warned 28 days ahead: {s.warned_28:.0%}"
    assert s.warned_42 >= 16 / 21, f"warned 42 days ahead: {s.warned_42:.0%}"
    assert s.auc >= 0.90, f"AUC after the decline began {s.auc:.3f}"
    # dated from the window's first day (the figures before the eleventh pass): 25 churners, E 96 %, 68 %,
    # 0.905; the defaults before issue 15 gave 52 %, 28 %, 0.827
    assert s.target_churners_window == 25
    assert s.warned_28_window >= 0.92, f"warned 28 days ahead: {s.warned_28_window:.0%}"
    assert s.warned_42_window >= 0.64, f"warned 42 days ahead: {s.warned_42_window:.0%}"
    assert s.auc_window >= 0.90, f"AUC after the window's first day {s.auc_window:.3f}"
