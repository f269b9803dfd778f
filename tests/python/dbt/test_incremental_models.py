"""Incremental builds give exactly what a full refresh gives.

The warehouse is loaded day by day: a first build as of D-2, then an incremental build
after each day's loads, the last one with late data (older received_at inside the lookback
window, events dated weeks back, retried loads, a group call dated in the past, a user whose
first group call follows their events) and changed tickets, invoices, NPS answers and seats.
A full refresh of the same final data must then match every mart and every incremental
model row for row (`except` both ways, zero rows).
"""
from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb
import pytest

from tests.python.support.dbt_project_harness import TEST_AS_OF, copy_project, generate, run_dbt
from tests.python.support.incremental_scenario import IncrementalScenario

T = TypeVar("T")

AS_OF = dt.date.fromisoformat(TEST_AS_OF)
# models only (no data tests, no unit tests: make test runs those); the backtest reads the marts
BUILD = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test",
         "--exclude", "path:models/backtest"]
# columns that record when and from what a row was built, not what it says
# (state_fingerprint: the in-place inputs when the row was computed; only the latest day's is read)
# (horizon_date: the horizon of the run that last wrote a row of the running states
# int_user_last_active_days and int_account_feature_use; their dates are compared)
BOOKKEEPING = {"rebuilt_at", "source_received_at", "built_as_of_date", "scores_rebuilt_at",
               "state_fingerprint", "horizon_date"}  # config_hash is compared
COMPARED_SCHEMAS = ("marts", "data_quality")
INCREMENTAL_MODELS = ("intermediate.int_events_attributed", "intermediate.int_user_account_days",
                      "intermediate.int_user_feature_days", "intermediate.int_account_daily_metrics",
                      "intermediate.int_account_health_component_scores", "intermediate.int_account_health_scores",
                      "intermediate.int_account_health_bands", "intermediate.int_account_arr_daily",
                      "intermediate.int_user_last_active_days", "intermediate.data_quality_irregular_events",
                      "intermediate.int_account_feature_use", "intermediate.int_user_milestone_completions")


def build(db: Path, as_of: dt.date, target: Path, *extra: str) -> None:
    result = run_dbt([*BUILD, *extra, "--vars", f"{{as_of_date: {as_of.isoformat()}}}"], db, target_path=target)
    assert result.returncode == 0, result.stdout[-4000:]


def differences(left: Path, right: Path, relation: str) -> tuple[int, int, list[tuple]]:
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        columns = [row[0] for row in con.execute(f"describe l.{relation}").fetchall() if row[0] not in BOOKKEEPING]
        select = ", ".join(f'"{c}"' for c in columns)
        only_left = f"select {select} from l.{relation} except all select {select} from r.{relation}"
        only_right = f"select {select} from r.{relation} except all select {select} from l.{relation}"
        left_count = con.execute(f"select count(*) from ({only_left})").fetchone()[0]
        right_count = con.execute(f"select count(*) from ({only_right})").fetchone()[0]
        sample = con.execute(f"{only_left} limit 3").fetchall() + con.execute(f"{only_right} limit 3").fetchall()
    return left_count, right_count, sample


def relations(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(f"""
            select table_schema || '.' || table_name from information_schema.tables
            where table_schema in {COMPARED_SCHEMAS} order by 1
        """).fetchall()
    return sorted({row[0] for row in rows} | set(INCREMENTAL_MODELS))


@pytest.fixture(scope="module")
def loaded_day_by_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("incremental")
    source = base / "source.duckdb"
    generate(source)
    incremental = base / "incremental.duckdb"
    shutil.copyfile(source, incremental)
    scenario = IncrementalScenario(source, incremental, loaded_through=AS_OF - dt.timedelta(days=2))
    scenario.start()
    build(incremental, AS_OF - dt.timedelta(days=2), base / "target")

    scenario.load_day(AS_OF - dt.timedelta(days=1))
    build(incremental, AS_OF - dt.timedelta(days=1), base / "target")

    scenario.load_day(AS_OF)
    scenario.load_late_data(AS_OF)
    scenario.move_user_far_back(AS_OF)
    scenario.sync_state_tables()
    build(incremental, AS_OF, base / "target")

    # the next run of the same day: tickets and invoices rewritten in place months back (found
    # only through int_account_service_count_changes, the state of what the counts were built from)
    changed = scenario.change_service_history(AS_OF)
    assert changed == {"changed ticket": 1, "voided invoice": 1, "deleted ticket": 1}
    build(incremental, AS_OF, base / "target")

    full = base / "full.duckdb"
    shutil.copyfile(incremental, full)
    build(full, AS_OF, base / "target", "--full-refresh")
    return incremental, full


def build_edited_and_refreshed(incremental: Path, tmp_path: Path, edit: Callable[[Path], T]) -> tuple[Path, Path, T]:
    """Copy the day-by-day warehouse, edit its sources in place (`edit` returns what it changed),
    copy the edited warehouse, and build the first copy incrementally and the second with
    --full-refresh, both as of AS_OF. Returns both warehouses and what `edit` returned."""
    changed, refreshed = tmp_path / "changed.duckdb", tmp_path / "refreshed.duckdb"
    shutil.copyfile(incremental, changed)
    edited = edit(changed)
    shutil.copyfile(changed, refreshed)
    build(changed, AS_OF, tmp_path / "target")
    build(refreshed, AS_OF, tmp_path / "target", "--full-refresh")
    return changed, refreshed, edited


def test_incremental_build_equals_full_refresh(loaded_day_by_day: tuple[Path, Path]) -> None:
    incremental, full = loaded_day_by_day
    compared = relations(full)
    assert "marts.account_health" in compared and "marts.account_health_daily" in compared
    assert mismatched_relations(incremental, full) == {}


def test_the_late_data_was_counted(loaded_day_by_day: tuple[Path, Path]) -> None:
    """The scenario really exercised the lookback: late loads are in, retried ids are not doubled."""
    incremental, _ = loaded_day_by_day
    with duckdb.connect(str(incremental), read_only=True) as con:
        late = con.execute("select count(*) from intermediate.int_events_attributed where event_id like 'late-%'").fetchone()[0]
        twice = con.execute("select count(*) from intermediate.int_events_attributed where event_id like 'twice-%'").fetchone()[0]
        withheld = con.execute("""
            select count(*) from intermediate.int_events_attributed
            where event_id in (select id from main.src_withheld)
        """).fetchone()[0]
        newcomer = con.execute("""
            select count(*), min(attributed_from_date) from intermediate.int_events_attributed
            where user_id = 'usr_newcomer'
        """).fetchone()
    assert late == 40
    assert twice == 5
    assert withheld > 0
    assert newcomer == (3, AS_OF)


def test_a_far_back_move_reached_the_running_state(loaded_day_by_day: tuple[Path, Path]) -> None:
    """The user moved 200 days back (move_user_far_back) left their old account's user days far
    before the running state's horizon: the state (int_user_last_active_days) recomputed that
    account, so no latest active day there is on or after the move."""
    incremental, _ = loaded_day_by_day
    moved_on = AS_OF - dt.timedelta(days=200)
    with duckdb.connect(str(incremental), read_only=True) as con:
        user, account = con.execute("select user_id, group_id from segment.groups where id like 'far-group-%'").fetchone()
        old_accounts = con.execute("""
            select count(*) from intermediate.int_user_account_days
            where user_id = ? and account_id <> ? and activity_date < ? and count_meaningful_events > 0
        """, [user, account, moved_on]).fetchone()[0]
        stale = con.execute("""
            select count(*) from intermediate.int_user_last_active_days
            where user_id = ? and account_id <> ? and last_active_date >= ?
        """, [user, account, moved_on]).fetchone()[0]
        moved = con.execute("""
            select count(*) from intermediate.int_user_last_active_days where user_id = ? and account_id = ?
        """, [user, account]).fetchone()[0]
    assert old_accounts > 0, "the moved user had no active day in an old account before the move"
    assert stale == 0
    assert moved == 1


def move_user_off_account(con: duckdb.DuckDBPyConnection, chosen_sql: str, group_id: str) -> tuple[str, str, str]:
    """A group call loaded now, dated just before a user's first event for an account, moves that
    user's events there to another account. `chosen_sql` selects candidate (account_id, user_id,
    item) rows; the first one, by account and item, whose user reached the account only through
    events without a context account is moved. Returns the account, the item and the user."""
    account, item, user, moved_at = con.execute(f"""
        with chosen as ({chosen_sql}),

        user_events as (
            select
                events.account_id,
                events.user_id,
                min(events.event_at) as first_event_at,
                bool_or(events.has_context_account) as any_context
            from intermediate.int_events_attributed as events
            inner join chosen
                on events.account_id = chosen.account_id and events.user_id = chosen.user_id
            group by events.account_id, events.user_id
        )

        select chosen.account_id, chosen.item, chosen.user_id, user_events.first_event_at - interval 1 second
        from chosen
        inner join user_events
            on chosen.account_id = user_events.account_id and chosen.user_id = user_events.user_id
        where not user_events.any_context
        order by chosen.account_id, chosen.item, chosen.user_id
        limit 1
    """).fetchone()
    inserted = con.execute(f"""
        insert into segment.groups
        select ?, ?, other.account_id, cast(? as timestamp), timestamp '{AS_OF} 13:00:00',
               other.name, other.plan
        from crm.accounts as other
        where other.account_id = (select min(account_id) from crm.accounts where account_id <> ?)
    """, [group_id, user, moved_at, account]).fetchone()[0]
    assert inserted == 1
    return account, item, user


def move_a_sole_feature_user(db: Path) -> tuple[str, str]:
    """The user moved (move_user_off_account) is the only one who ever used some key feature for
    the account, through events without a context account, all long before the running state's
    horizon: the account's first and last use of that feature (int_account_feature_use) must go.
    Returns the account and the feature."""
    with duckdb.connect(str(db)) as con:
        account, feature, _ = move_user_off_account(con, f"""
            select account_id, feature as item, min(user_id) as user_id
            from intermediate.int_user_feature_days
            group by account_id, feature
            having count(distinct user_id) = 1 and max(used_date) < date '{AS_OF}' - 100
        """, "sole-feature-group")
    return account, feature


def test_a_moved_sole_feature_user_reached_the_feature_state(loaded_day_by_day: tuple[Path, Path],
                                                             tmp_path: Path) -> None:
    """The running state of first and last use per account and feature (int_account_feature_use)
    recomputes an account whose feature days changed before its horizon (int_user_feature_days
    logs its change list): after a move that takes away the only use of a feature, long ago, the
    incremental run equals a full refresh, and the state's row for that feature really changed."""
    incremental, _ = loaded_day_by_day
    moved, refreshed, (account, feature) = build_edited_and_refreshed(incremental, tmp_path, move_a_sole_feature_user)
    assert mismatched_relations(moved, refreshed) == {}
    before, after = before_and_after(incremental, moved, "select first_used_date, last_used_date "
                                     "from {}.intermediate.int_account_feature_use where account_id = ? and feature = ?",
                                     [account, feature])
    assert before and before != after, (account, feature, before, after)


def before_and_after(before_db: Path, after_db: Path, sql: str, params: list) -> tuple[list[tuple], list[tuple]]:
    """The rows of one query (`sql`, with {} for the database) on two warehouses."""
    with duckdb.connect() as con:
        con.execute(f"attach '{before_db}' as before (read_only)")
        con.execute(f"attach '{after_db}' as after (read_only)")
        return (con.execute(sql.format("before"), params).fetchall(),
                con.execute(sql.format("after"), params).fetchall())


def move_and_backdate_milestone_completions(db: Path) -> dict[str, tuple]:
    """Two changes to kept milestone completions (int_user_milestone_completions), both found
    only through the account-day change list: a user who completed a milestone for an account
    long ago is moved off it (move_user_off_account), and another completion gets an earlier
    event of its milestone, dated six weeks before it and loaded only now. Returns each change's
    (account, user, milestone)."""
    with duckdb.connect(str(db)) as con:
        account, milestone, user = move_user_off_account(con, f"""
            select account_id, user_id, milestone as item
            from intermediate.int_user_milestone_completions
            where completed_date < date '{AS_OF}' - 100
        """, "milestone-user-group")
        late = con.execute(f"""
            select completions.account_id, completions.user_id, completions.milestone, milestones.event
            from intermediate.int_user_milestone_completions as completions
            inner join config.activation_milestones as milestones
                on completions.milestone = milestones.milestone
            where completions.completed_date between date '{AS_OF}' - 150 and date '{AS_OF}' - 60
                and completions.user_id <> ?
            order by completions.account_id, completions.user_id, completions.milestone
            limit 1
        """, [user]).fetchone()
        inserted = con.execute(f"""
            insert into segment.tracks
            select 'backdated-milestone', null, ?, ?, ?, completed_date - interval 42 day + interval 9 hour,
                   timestamp '{AS_OF} 13:00:00', ?
            from intermediate.int_user_milestone_completions
            where account_id = ? and user_id = ? and milestone = ?
        """, [late[1], late[3], late[3], late[0], late[0], late[1], late[2]]).fetchone()[0]
    assert inserted == 1
    return {"moved": (account, user, milestone), "backdated": late[:3]}


def test_moved_and_backdated_milestone_completions(loaded_day_by_day: tuple[Path, Path], tmp_path: Path) -> None:
    """The completions are kept from run to run (int_user_milestone_completions is incremental):
    a completion whose user moved off the account long ago, and one whose milestone event turns
    out to be six weeks earlier, are recomputed; the run equals a full refresh, and both rows
    really changed."""
    incremental, _ = loaded_day_by_day
    changed, refreshed, edits = build_edited_and_refreshed(incremental, tmp_path, move_and_backdate_milestone_completions)
    assert mismatched_relations(changed, refreshed) == {}
    completion = "select completed_date from {}.intermediate.int_user_milestone_completions " \
                 "where account_id = ? and user_id = ? and milestone = ?"
    moved_before, moved_after = before_and_after(incremental, changed, completion, list(edits["moved"]))
    late_before, late_after = before_and_after(incremental, changed, completion, list(edits["backdated"]))
    assert moved_before and moved_before != moved_after, (edits, moved_before, moved_after)
    assert late_after == [(late_before[0][0] - dt.timedelta(days=42),)], (edits, late_before, late_after)


def test_changed_configuration_rebuilds_every_day(loaded_day_by_day: tuple[Path, Path], tmp_path: Path) -> None:
    """New vars and a changed configuration seed on an incremental run: every stored day is
    recomputed (the configuration hash, score_version and band settings on each row differ), so it
    equals a full refresh with them. The seed change (data_connected completed by another event)
    is read by int_user_milestone_completions through its own hash of activation_milestones."""
    incremental, full = loaded_day_by_day
    project = copy_project(tmp_path / "project")
    milestones = project / "seeds" / "activation_milestones.csv"
    text = milestones.read_text()
    edited = text.replace("data_connected,data_source_connected,", "data_connected,integration_connected,")
    assert edited != text
    milestones.write_text(edited)
    changed = {"champion_dark_days": 10, "band_hysteresis_points": 5}
    vars_text = "{" + ", ".join([f"as_of_date: {AS_OF.isoformat()}", *(f"{k}: {v}" for k, v in changed.items())]) + "}"
    reconfigured, refreshed = tmp_path / "reconfigured.duckdb", tmp_path / "refreshed.duckdb"
    shutil.copyfile(incremental, reconfigured)
    shutil.copyfile(full, refreshed)
    for db, extra in ((reconfigured, []), (refreshed, ["--full-refresh"])):
        result = run_dbt([*BUILD, *extra, "--vars", vars_text], db, project_dir=project, target_path=tmp_path / "target")
        assert result.returncode == 0, result.stdout[-4000:]
    assert mismatched_relations(reconfigured, refreshed) == {}
    # and the change did move something, so the comparison is not between two unchanged builds
    assert differences(incremental, reconfigured, "marts.account_health_daily")[0] > 0
    connected_before, connected_after = before_and_after(
        incremental, reconfigured, "select account_id, user_id, completed_date from {}.intermediate."
        "int_user_milestone_completions where milestone = 'data_connected' order by all", [])
    assert connected_before and connected_before != connected_after


def change_old_seats_and_nps_in_place(db: Path) -> dict[str, str]:
    """Edit the state tables in place for days weeks back, as a billing system or survey tool
    does when it corrects a record: one NPS answer given weeks to months ago gets another score, and a
    subscription that ended a month ago (its seats counted on old days only) gets other seats.
    Returns the accounts changed."""
    with duckdb.connect(str(db)) as con:
        nps_account, response_id = con.execute(f"""
            select account_id, response_id from surveys.nps_responses
            where account_id is not null and score between 0 and 10
              and cast(submitted_at as date) between date '{AS_OF}' - 120 and date '{AS_OF}' - 40
            qualify count(*) over (partition by account_id, cast(submitted_at as date)) = 1
            order by submitted_at desc, response_id limit 1
        """).fetchone()
        con.execute("update surveys.nps_responses set score = case when score >= 5 then score - 5 else score + 5 end "
                    "where response_id = ?", [response_id])
        seats_account, subscription_id = con.execute(f"""
            select account_id, subscription_id from billing.subscriptions
            where seats is not null and ended_on between date '{AS_OF}' - 100 and date '{AS_OF}' - 20
              and started_on < ended_on - 30
            order by subscription_id limit 1
        """).fetchone()
        con.execute("update billing.subscriptions set seats = seats + 7 where subscription_id = ?", [subscription_id])
    return {"nps": nps_account, "seats": seats_account}


def test_old_seats_and_nps_changed_in_place(loaded_day_by_day: tuple[Path, Path], tmp_path: Path) -> None:
    """A seat count and an NPS answer corrected in place for days weeks back (nothing else new):
    the incremental run finds them through the per-account fingerprints of its in-place inputs and
    must equal a full refresh of the same data, and the change must reach the published history."""
    incremental, _ = loaded_day_by_day
    changed, refreshed, accounts = build_edited_and_refreshed(incremental, tmp_path, change_old_seats_and_nps_in_place)
    assert mismatched_relations(changed, refreshed) == {}
    # both edits moved the old days' scores of their accounts, so the comparison is not between unchanged builds
    with duckdb.connect() as con:
        con.execute(f"attach '{incremental}' as before (read_only)")
        con.execute(f"attach '{changed}' as after (read_only)")
        for kind, account in accounts.items():
            moved = con.execute("""
                select count(*) from (
                    select as_of_date, licensed_seats, latest_nps_score, health_score from after.marts.account_health_daily
                    where account_id = ?
                    except all
                    select as_of_date, licensed_seats, latest_nps_score, health_score from before.marts.account_health_daily
                    where account_id = ?
                )
            """, [account, account]).fetchone()[0]
            assert moved > 0, f"the {kind} edit changed no day of {account}"


def rate_an_old_ticket_in_place(db: Path) -> tuple[str, str]:
    """A help desk's late rating, written in place: a ticket solved weeks ago without a rating is
    now rated good. It changes no bad rating, only how many tickets were rated in the 90 days after
    it was solved (count_rated_csat_90d), the denominator of the support score's bad-rating share.
    The ticket chosen belongs to an account with a bad rating solved within 20 days of it and with
    the most other ratings around it (so its bad share, and the support score, move). Returns the
    account and the ticket."""
    with duckdb.connect(str(db)) as con:
        account, ticket = con.execute(f"""
            select unrated.account_id, unrated.ticket_id
            from support.tickets as unrated
            inner join support.tickets as bad
                on unrated.account_id = bad.account_id and bad.satisfaction = 'bad'
                and unrated.solved_at between bad.solved_at - interval 20 day and bad.solved_at + interval 20 day
            inner join support.tickets as rated
                on unrated.account_id = rated.account_id and rated.satisfaction in ('good', 'bad')
                and rated.solved_at between unrated.solved_at - interval 45 day and unrated.solved_at + interval 45 day
            where unrated.satisfaction is null and unrated.solved_at is not null
              and cast(unrated.solved_at as date) between date '{AS_OF}' - 150 and date '{AS_OF}' - 30
            group by unrated.account_id, unrated.ticket_id
            order by count(distinct rated.ticket_id) desc, unrated.ticket_id
            limit 1
        """).fetchone()
        updated = con.execute("update support.tickets set satisfaction = 'good' where ticket_id = ?",
                              [ticket]).fetchone()[0]
    assert updated == 1
    return account, ticket


def test_a_late_rating_changes_the_rated_count_in_place(loaded_day_by_day: tuple[Path, Path],
                                                        tmp_path: Path) -> None:
    """A rating given late to a ticket solved weeks ago, nothing else new: only the rated count of
    the ticket timeline (int_account_service_count_changes' rated_csat) moves, so the incremental
    run finds the account's days through that state alone. It must equal a full refresh, and the
    account's published rated count and support score must really have changed."""
    incremental, _ = loaded_day_by_day
    changed, refreshed, (account, ticket) = build_edited_and_refreshed(incremental, tmp_path, rate_an_old_ticket_in_place)
    assert mismatched_relations(changed, refreshed) == {}
    history = ("select as_of_date, count_rated_csat_90d, count_bad_csat_90d, score_support "
               "from {}.marts.account_health_daily where account_id = ?")
    with duckdb.connect() as con:
        con.execute(f"attach '{incremental}' as before (read_only)")
        con.execute(f"attach '{changed}' as after (read_only)")
        before = {row[0]: row[1:] for row in con.execute(history.format("before"), [account]).fetchall()}
        after = {row[0]: row[1:] for row in con.execute(history.format("after"), [account]).fetchall()}
    moved = [day for day in after if after[day] != before.get(day)]
    assert moved, f"the late rating of {ticket} changed no day of {account}"
    assert all(after[day][0] == before[day][0] + 1 and after[day][1] == before[day][1] for day in moved), \
        [(day, before[day], after[day]) for day in moved[:5]]
    assert any(after[day][2] > before[day][2] for day in moved), "the support score moved on no day"


def drop_the_busiest_crm_account(db: Path) -> str:
    """Delete from the CRM the known account with the most events; returns its id."""
    with duckdb.connect(str(db)) as con:
        account = con.execute("""
            select account_id from intermediate.int_events_attributed
            where account_id in (select account_id from crm.accounts)
            group by account_id order by count(*) desc, account_id limit 1
        """).fetchone()[0]
        con.execute("delete from crm.accounts where account_id = ?", [account])
    return account


def test_an_account_dropped_from_the_crm_recounts_the_event_issues(loaded_day_by_day: tuple[Path, Path],
                                                                   tmp_path: Path) -> None:
    """An account with events removed from the CRM, nothing else new: its events, kept as normal
    events outside data_quality_irregular_events (the running state of the event counts), now
    count as unknown_account. The state's fingerprint of the CRM's ids (config_hash) changed, so
    the run classifies every event again and data_quality_issues equals a full refresh's."""
    incremental, _ = loaded_day_by_day
    dropped, refreshed, _ = build_edited_and_refreshed(incremental, tmp_path, drop_the_busiest_crm_account)
    for relation in ("data_quality.data_quality_issues", "intermediate.data_quality_irregular_events",
                     "data_quality.data_quality_unknown_event_names"):
        assert differences(dropped, refreshed, relation)[:2] == (0, 0), relation
    unknown = "select row_count from data_quality.data_quality_issues where kind = 'unknown_account' and source_table like '%tracks'"
    with duckdb.connect(str(incremental), read_only=True) as con:
        before = con.execute(unknown).fetchone()[0]
    with duckdb.connect(str(dropped), read_only=True) as con:
        after = con.execute(unknown).fetchone()[0]
    assert after > before + 100, (before, after)


def end_customer_days_in_place(db: Path) -> dict[str, str]:
    """Edit the CRM in place so that stored days stop being customer days: one current customer
    gets a churn date 60 days back, another a contract start 40 days back (its earlier days go);
    and a customer whose contract started inside the daily series gets a start 20 days earlier
    (days that become customer days). Returns the accounts changed."""
    with duckdb.connect(str(db)) as con:
        churned, started_late = [row[0] for row in con.execute(f"""
            select account_id from crm.accounts
            where churned_at is null and contract_start_date < date '{AS_OF}' - 250
            order by account_id limit 2
        """).fetchall()]
        started_early = con.execute(f"""
            select account_id from crm.accounts
            where churned_at is null and contract_start_date between date '{AS_OF}' - 150 and date '{AS_OF}' - 30
            order by account_id limit 1
        """).fetchone()[0]
        con.execute("update crm.accounts set contract_start_date = contract_start_date - 20 where account_id = ?",
                    [started_early])
        con.execute(f"update crm.accounts set churned_at = date '{AS_OF}' - 60 where account_id = ?", [churned])
        con.execute(f"update crm.accounts set contract_start_date = date '{AS_OF}' - 40 where account_id = ?",
                    [started_late])
    return {"churned": churned, "started_late": started_late, "started_early": started_early}


def test_days_that_stop_being_customer_days_are_deleted(loaded_day_by_day: tuple[Path, Path],
                                                        tmp_path: Path) -> None:
    """A churn date set weeks back and a contract start moved later or earlier, nothing else new:
    the incremental run's pre-hooks delete the stored days that are no longer customer days
    (delete_non_customer_days()), the new customer days are built, and it equals a full refresh;
    the scoring tables really held the days that went."""
    incremental, _ = loaded_day_by_day
    changed, refreshed, accounts = build_edited_and_refreshed(incremental, tmp_path, end_customer_days_in_place)
    assert mismatched_relations(changed, refreshed) == {}
    gone = {"churned": f"as_of_date >= date '{AS_OF}' - 60", "started_late": f"as_of_date < date '{AS_OF}' - 40"}
    with duckdb.connect() as con:
        con.execute(f"attach '{incremental}' as before (read_only)")
        con.execute(f"attach '{changed}' as after (read_only)")
        for table in ("int_account_health_component_scores", "int_account_health_scores", "int_account_health_bands"):
            for kind, account in accounts.items():
                if kind not in gone:
                    continue
                counts = [con.execute(f"select count(*) from {db}.intermediate.{table} "
                                      f"where account_id = ? and {gone[kind]}", [account]).fetchone()[0]
                          for db in ("before", "after")]
                assert counts[0] > 0 and counts[1] == 0, f"{table}, {kind} {account}: {counts}"
        # the days that became customer days were built (every table holds the customer days)
        added = [con.execute(f"select count(*) from {db}.intermediate.int_account_health_component_scores "
                             "where account_id = ?",
                             [accounts["started_early"]]).fetchone()[0] for db in ("before", "after")]
        assert added[1] == added[0] + 20, added


def test_scoped_data_tests_still_catch_a_bad_row_the_build_wrote(loaded_day_by_day: tuple[Path, Path],
                                                                  tmp_path: Path) -> None:
    """The data tests of the account-day history tables check only the days the latest build wrote
    (days_the_latest_build_wrote(), a `where` config): a bad row stamped by that build on a day
    months back (a duplicated ARR day, a band outside green/yellow/red) still fails them; the same
    rows stamped by an earlier build are outside the scope (that build's tests saw them)."""
    incremental, _ = loaded_day_by_day
    old_day = (AS_OF - dt.timedelta(days=150)).isoformat()
    # as after a scheduled run that wrote only the last ten days (this scenario's last run rewrote
    # whole accounts, as late retries of old ids do): older rows carry an earlier run's stamp
    recent = (AS_OF - dt.timedelta(days=10)).isoformat()
    restamp = [
        f"update intermediate.{table} set {stamp} = {stamp} - interval 1 day where as_of_date < date '{recent}'"
        for table, stamp in (("int_account_arr_daily", "rebuilt_at"), ("int_account_health_scores", "rebuilt_at"),
                             ("int_account_health_bands", "scores_rebuilt_at"))
    ]
    tests = ["test", "--select", "int_account_arr_daily account_health_daily",
             "--vars", f"{{as_of_date: {AS_OF.isoformat()}}}"]
    outcomes = {}
    for stamp in ("latest", "earlier"):
        db = tmp_path / f"{stamp}.duckdb"
        shutil.copyfile(incremental, db)
        with duckdb.connect(str(db)) as con:
            for statement in restamp:
                con.execute(statement)
            arr_stamp, band_stamp = con.execute("""
                select (select max(rebuilt_at) from intermediate.int_account_arr_daily),
                       (select max(scores_rebuilt_at) from intermediate.int_account_health_bands)
            """).fetchone()
            if stamp == "earlier":
                arr_stamp, band_stamp = arr_stamp - dt.timedelta(days=1), band_stamp - dt.timedelta(days=1)
            con.execute(f"""
                insert into intermediate.int_account_arr_daily
                select * replace (cast(? as timestamp) as rebuilt_at) from intermediate.int_account_arr_daily
                where as_of_date = date '{old_day}' order by account_id limit 1
            """, [arr_stamp])
            con.execute(f"""
                update intermediate.int_account_health_bands
                set health_band = 'purple', scores_rebuilt_at = cast(? as timestamp)
                where as_of_date = date '{old_day}'
                  and account_id = (select min(account_id) from intermediate.int_account_health_bands
                                    where as_of_date = date '{old_day}')
            """, [band_stamp])
        result = run_dbt(tests, db, target_path=tmp_path / "target")
        outcomes[stamp] = (result.returncode, result.stdout)
    code, log = outcomes["latest"]
    assert code != 0
    assert "FAIL 1 unique_combination_int_account_arr_daily_account_id__as_of_date" in log
    assert "FAIL 1 accepted_values_account_health" in log
    code, log = outcomes["earlier"]
    assert code == 0, log[-3000:]


def create_other_loader_schemas(db: Path) -> dict[str, str]:
    """Schemas of a second loader beside the first, with different data in every table: a third
    of the events (over all history, so most lie outside the lookback window), users' groups
    and traits as they are, one account fewer and other seats, half the tickets, NPS answers and
    invoices. Returns the *_schema vars that point at them."""
    with duckdb.connect(str(db)) as con:
        for schema in ("rudder", "rudder_crm", "rudder_support", "rudder_surveys", "rudder_billing"):
            con.execute(f"create schema {schema}")
        con.execute("create table rudder.tracks as select * from segment.tracks where hash(id) % 3 = 0")
        con.execute("create table rudder.identifies as select * from segment.identifies")
        con.execute("create table rudder.groups as select * from segment.groups")
        con.execute("""
            create table rudder_crm.accounts as
            select * replace (seats * 2 as seats) from crm.accounts
            where account_id <> (select min(account_id) from crm.accounts)
        """)
        con.execute("create table rudder_support.tickets as select * from support.tickets where hash(ticket_id) % 2 = 0")
        con.execute("create table rudder_surveys.nps_responses as "
                    "select * from surveys.nps_responses where hash(response_id) % 2 = 0")
        con.execute("create table rudder_billing.invoices as select * from billing.invoices where hash(invoice_id) % 2 = 0")
    return {"segment_schema": "rudder", "crm_schema": "rudder_crm", "support_schema": "rudder_support",
            "surveys_schema": "rudder_surveys", "billing_schema": "rudder_billing"}


def test_switching_source_schemas_rebuilds_from_the_new_ones(loaded_day_by_day: tuple[Path, Path],
                                                             tmp_path: Path) -> None:
    """The *_schema vars now name another loader's schemas on an existing warehouse: the
    incremental build must equal a full refresh of the new schemas (not keep the old schema's
    events beside the last days of the new one), and no data-quality count is negative."""
    incremental, _ = loaded_day_by_day
    switched, refreshed = tmp_path / "switched.duckdb", tmp_path / "refreshed.duckdb"
    shutil.copyfile(incremental, switched)
    schema_vars = create_other_loader_schemas(switched)
    shutil.copyfile(switched, refreshed)
    vars_text = "{" + ", ".join([f"as_of_date: {AS_OF.isoformat()}", *(f"{k}: {v}" for k, v in schema_vars.items())]) + "}"
    for db, extra in ((switched, []), (refreshed, ["--full-refresh"])):
        result = run_dbt([*BUILD, *extra, "--vars", vars_text], db, target_path=tmp_path / "target")
        assert result.returncode == 0, result.stdout[-4000:]
    assert mismatched_relations(switched, refreshed) == {}
    with duckdb.connect(str(switched), read_only=True) as con:
        negative = con.execute("select kind, row_count from data_quality.data_quality_issues where row_count < 0").fetchall()
        kept = con.execute("select count(*) from intermediate.int_events_attributed").fetchone()[0]
        loaded = con.execute("select count(distinct id) from rudder.tracks where timestamp is not null").fetchone()[0]
    assert negative == []
    assert kept == loaded
    # the new schemas really hold other data, so the comparison is not between two unchanged builds
    assert differences(incremental, switched, "marts.account_health")[0] > 0


def mismatched_relations(left: Path, right: Path) -> dict[str, tuple[int, int, list[tuple]]]:
    mismatches = {}
    for relation in relations(right):
        only_left, only_right, sample = differences(left, right, relation)
        if only_left or only_right:
            mismatches[relation] = (only_left, only_right, sample)
    return mismatches


def test_changed_event_keys_rebuild_the_events(loaded_day_by_day: tuple[Path, Path], tmp_path: Path) -> None:
    """The kept event_key of each id (its hash) no longer matches what the engine computes now,
    as after an engine upgrade that changed its hash: the next run must start over, or a re-sent
    id would no longer find its kept row and be counted twice."""
    incremental, full = loaded_day_by_day
    rehashed = tmp_path / "rehashed.duckdb"
    shutil.copyfile(incremental, rehashed)
    with duckdb.connect(str(rehashed)) as con:
        con.execute("update intermediate.int_events_attributed set event_key = event_key + 1")
    result = run_dbt([*BUILD, "--vars", f"{{as_of_date: {AS_OF.isoformat()}}}"], rehashed, target_path=tmp_path / "target")
    assert result.returncode == 0, result.stdout[-4000:]
    assert "int_events_attributed is rebuilt from scratch: this engine now hashes event ids" in result.stdout
    assert mismatched_relations(rehashed, full) == {}


def test_colliding_event_keys_lose_no_event(loaded_day_by_day: tuple[Path, Path], tmp_path: Path) -> None:
    """A hash that collides all the time (4,096 keys for some 200,000 ids): the day's incremental
    run, with re-sent ids, late loads inside the lookback and moved users, still equals a full
    refresh, because every kept row under a redone key is redone and ids are ranked by the id."""
    incremental, _ = loaded_day_by_day
    project = copy_project(tmp_path / "project")
    macro = project / "macros" / "adapters" / "hash_key.sql"
    text = macro.read_text()
    weak = text.replace("cast(hash({{ column }}) >> 1 as bigint)", "cast(hash({{ column }}) % 4096 as bigint)")
    assert weak != text
    macro.write_text(weak)
    source = incremental.parent / "source.duckdb"
    colliding, refreshed = tmp_path / "colliding.duckdb", tmp_path / "refreshed.duckdb"
    shutil.copyfile(source, colliding)
    scenario = IncrementalScenario(source, colliding, loaded_through=AS_OF - dt.timedelta(days=1))
    scenario.start()
    result = run_dbt([*BUILD, "--vars", f"{{as_of_date: {(AS_OF - dt.timedelta(days=1)).isoformat()}}}"], colliding,
                     project_dir=project, target_path=tmp_path / "target")
    assert result.returncode == 0, result.stdout[-4000:]
    scenario.load_day(AS_OF)
    scenario.load_late_data(AS_OF)
    scenario.move_user_far_back(AS_OF)
    scenario.sync_state_tables()
    shutil.copyfile(colliding, refreshed)
    for db, extra in ((colliding, []), (refreshed, ["--full-refresh"])):
        result = run_dbt([*BUILD, *extra, "--vars", f"{{as_of_date: {AS_OF.isoformat()}}}"], db, project_dir=project,
                         target_path=tmp_path / "target")
        assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(colliding), read_only=True) as con:
        keys, ids = con.execute("select count(distinct event_key), count(*) from intermediate.int_events_attributed").fetchone()
    assert keys <= 4096 < ids
    assert mismatched_relations(colliding, refreshed) == {}


def test_stale_user_keys_rebuild_the_events(loaded_day_by_day: tuple[Path, Path], tmp_path: Path) -> None:
    """The kept user_key of each event (a hash of user_id) no longer matches what the engine
    computes now, as after an engine upgrade that changed its hash. Regrouped users' kept events
    are found by user_key, so the next day's run (the day's late loads, and a group call dated two
    months back for a user whose older events have no context account) would leave those events
    on their old account: it must start over and equal a full refresh."""
    incremental, _ = loaded_day_by_day
    source = incremental.parent / "source.duckdb"
    stale, refreshed = tmp_path / "stale.duckdb", tmp_path / "refreshed.duckdb"
    shutil.copyfile(source, stale)
    scenario = IncrementalScenario(source, stale, loaded_through=AS_OF - dt.timedelta(days=1))
    scenario.start()
    build(stale, AS_OF - dt.timedelta(days=1), tmp_path / "target")
    with duckdb.connect(str(stale)) as con:
        con.execute("update intermediate.int_events_attributed set user_key = user_key + 1")
    scenario.load_day(AS_OF)
    scenario.load_late_data(AS_OF)
    # and a group call dated two months back, loaded now, for a user whose events of one to two
    # months ago (long before the cutoff) have no context account: those events change account
    months_ago = AS_OF - dt.timedelta(days=60)
    with duckdb.connect(str(stale)) as con:
        moved = con.execute(f"""
            insert into segment.groups
            select 'stale-key-group', moved.user_id, other.account_id, timestamp '{months_ago} 00:00:00',
                   timestamp '{AS_OF} 13:00:00', other.name, other.plan
            from (
                select user_id, any_value(account_id) as account_id
                from intermediate.int_events_attributed
                where not has_context_account and account_id is not null
                    and event_date between date '{months_ago}' and date '{AS_OF - dt.timedelta(days=30)}'
                group by user_id order by count(*) desc, user_id limit 1
            ) as moved
            inner join crm.accounts as other
                on other.account_id = (select min(account_id) from crm.accounts where account_id <> moved.account_id)
        """).fetchone()[0]
    assert moved == 1
    scenario.sync_state_tables()
    shutil.copyfile(stale, refreshed)
    result = run_dbt([*BUILD, "--vars", f"{{as_of_date: {AS_OF.isoformat()}}}"], stale, target_path=tmp_path / "target")
    assert result.returncode == 0, result.stdout[-4000:]
    build(refreshed, AS_OF, tmp_path / "target", "--full-refresh")
    assert mismatched_relations(stale, refreshed) == {}
    assert "int_events_attributed is rebuilt from scratch: this engine now hashes user ids" in result.stdout


def regroup_a_user_at_one_of_their_events(db: Path, loaded_at: str) -> tuple[str, dt.datetime]:
    """A group call loaded at `loaded_at`, dated exactly at one of a user's old events without a
    context account (months before the cutoff), to another account: the user has context events
    and events without one before and after that moment. Returns the user and the call's time."""
    with duckdb.connect(str(db)) as con:
        user, moved_at = con.execute(f"""
            select user_id, quantile_disc(event_at, 0.5)
            from intermediate.int_events_attributed
            where not has_context_account and account_id is not null
                and event_date between date '{AS_OF - dt.timedelta(days=90)}' and date '{AS_OF - dt.timedelta(days=30)}'
                and user_id in (
                    select user_id from intermediate.int_events_attributed
                    where has_context_account and event_date < date '{AS_OF - dt.timedelta(days=10)}'
                )
            group by user_id having count(distinct event_at) >= 5
            order by count(*) desc, user_id limit 1
        """).fetchone()
        inserted = con.execute(f"""
            insert into segment.groups
            select 'regroup-at-event', ?, other.account_id, ?, timestamp '{loaded_at}', other.name, other.plan
            from crm.accounts as other
            where other.account_id = (
                select min(account_id) from crm.accounts where account_id <> (
                    select account_id from intermediate.int_events_attributed where user_id = ? and event_at = ? limit 1
                )
            )
        """, [user, moved_at, user, moved_at]).fetchone()[0]
    assert inserted == 1
    return user, moved_at


def test_regrouped_users_rewrite_only_the_events_a_group_call_moves(
        loaded_day_by_day: tuple[Path, Path], tmp_path: Path) -> None:
    """A group call moves only its user's events without a context account, from the call's time
    on (all of them when it is the user's first call). int_events_attributed rewrites only those
    (the others keep their row and rebuilt_at), and still equals a full refresh: a user regrouped
    at the exact time of one of their old events, and a user whose new call comes before their
    first one (their older events fall back to it). Both users' events were loaded before the
    run's cutoff, so only the regrouping can redo them."""
    incremental, _ = loaded_day_by_day
    first_day, later = tmp_path / "first.duckdb", tmp_path / "later.duckdb"
    shutil.copyfile(incremental, first_day)
    events = "intermediate.int_events_attributed"
    # a new user: three events without a context account and one with it, then their first group
    # call; and one event loaded four days later, so the next run's cutoff (the latest load minus
    # the three-day lookback) falls after all of them
    with duckdb.connect(str(first_day)) as con:
        con.execute(f"""
            insert into segment.tracks
            select 'early-' || cast(n as varchar), null, 'usr_early', 'report_created', 'Report Created',
                   timestamp '{AS_OF}' - to_days(cast(n as integer)), timestamp '{AS_OF} 14:00:00',
                   case when n = 35 then (select min(account_id) from crm.accounts) end
            from (values (40), (35), (30), (20)) as days_ago(n)
        """)
        con.execute(f"""
            insert into segment.groups
            select 'early-group', 'usr_early', account_id, timestamp '{AS_OF}' - interval 25 day,
                   timestamp '{AS_OF} 14:00:00', name, plan
            from crm.accounts order by account_id desc limit 1
        """)
        con.execute(f"""
            insert into segment.tracks
            select 'pushed-' || id, anonymous_id, user_id, event, event_text, timestamp,
                   timestamp '{AS_OF + dt.timedelta(days=4)} 12:00:00', context_group_id
            from segment.tracks where user_id is not null order by id limit 1
        """)
    build(first_day, AS_OF, tmp_path / "target")
    with duckdb.connect(str(first_day), read_only=True) as con:
        assert con.execute(f"select count(*) from {events} where user_id = 'usr_early' and account_id is not null"
                           ).fetchone()[0] == 4

    def move_two_users(db: Path) -> tuple[str, dt.datetime]:
        loaded_at = f"{AS_OF + dt.timedelta(days=4)} 13:00:00"
        moved = regroup_a_user_at_one_of_their_events(db, loaded_at)
        with duckdb.connect(str(db)) as con:
            con.execute(f"""
                insert into segment.groups
                select 'earlier-group', 'usr_early', account_id, timestamp '{AS_OF}' - interval 32 day,
                       timestamp '{loaded_at}', name, plan
                from crm.accounts order by account_id limit 1 offset 1
            """)
        return moved

    with duckdb.connect(str(first_day), read_only=True) as con:
        before = {row[0]: row[1:] for row in con.execute(f"select event_id, account_id, rebuilt_at from {events}").fetchall()}
    changed, refreshed, (user, moved_at) = build_edited_and_refreshed(first_day, tmp_path, move_two_users)
    assert mismatched_relations(changed, refreshed) == {}
    with duckdb.connect(str(changed), read_only=True) as con:
        rows = con.execute(f"""
            select event_id, user_id, has_context_account, event_at >= ?, account_id, rebuilt_at
            from {events} where user_id in (?, 'usr_early')
        """, [moved_at, user]).fetchall()
    # (has a context account, at or after the call, rewritten) per event of each user
    moved = {(row[2], row[3], row[5] != before[row[0]][1]) for row in rows if row[1] == user}
    assert (False, True, True) in moved and (False, True, False) not in moved
    assert (False, False, False) in moved and (False, False, True) not in moved
    assert any(kind[0] for kind in moved) and not any(kind[0] and kind[2] for kind in moved)
    early = {row[0]: (row[2], row[5] != before[row[0]][1]) for row in rows if row[1] == "usr_early"}
    assert early == {"early-40": (False, True), "early-35": (True, False), "early-30": (False, True),
                     "early-20": (False, True)}
    # and the new first call did move the older two (the run had something to redo)
    accounts = {row[0]: row[4] for row in rows if row[1] == "usr_early"}
    assert accounts["early-40"] == accounts["early-30"] != before["early-30"][0] == accounts["early-20"]


def test_a_new_day_reads_the_look_back_of_the_baseline_spread_and_persistence(
        loaded_day_by_day: tuple[Path, Path], tmp_path: Path) -> None:
    """The next day's run rebuilds, for most accounts, only the new day of
    int_account_health_component_scores, but that day's engagement_vs_baseline spread needs the
    points of the 98 days before it and its decline_persistence those of the 140 days before: read
    from before the batch, they must give what a full refresh gives. The comparison means something only if the new day really has
    a dip scaled by the spread and a run of more than one day below the baseline on accounts whose
    older days were kept, not rebuilt."""
    incremental, _ = loaded_day_by_day
    next_day = AS_OF + dt.timedelta(days=1)
    advanced, refreshed = tmp_path / "advanced.duckdb", tmp_path / "refreshed.duckdb"
    shutil.copyfile(incremental, advanced)
    shutil.copyfile(incremental, refreshed)
    for db, extra in ((advanced, []), (refreshed, ["--full-refresh"])):
        build(db, next_day, tmp_path / "target", *extra)
    with duckdb.connect() as con:
        con.execute(f"attach '{advanced}' as advanced (read_only)")
        con.execute(f"attach '{refreshed}' as refreshed (read_only)")
        # the accounts whose only rebuilt day is the new one (others had late data), and on that day
        # (as the full refresh has it) those with a dip scaled by the spread and with more than one
        # day in a row below the baseline
        only_new_day, scaled, long_runs = con.execute(f"""
            with rebuilt as (
                select account_id, min(as_of_date) as from_date
                from advanced.intermediate.int_account_health_component_scores
                where rebuilt_at = (select max(rebuilt_at) from advanced.intermediate.int_account_health_component_scores)
                group by account_id
            )
            select
                count(*),
                count(*) filter (where scores.driver_note_engagement_vs_baseline <> ''),
                count(*) filter (where scores.raw_value_decline_persistence > 1)
            from rebuilt
            inner join refreshed.intermediate.int_account_health_component_scores as scores
                on rebuilt.account_id = scores.account_id and scores.as_of_date = rebuilt.from_date
            where rebuilt.from_date = date '{next_day}'
        """).fetchone()
    assert only_new_day >= 5 and scaled > 0 and long_runs > 0, (only_new_day, scaled, long_runs)
    assert differences(advanced, refreshed, "intermediate.int_account_health_component_scores")[:2] == (0, 0)
    assert mismatched_relations(advanced, refreshed) == {}


def start_later_with_an_event_before_the_start(db: Path) -> dict[str, object]:
    """Edit in place so that an account is rebuilt from a day whose day before is no longer a
    customer day: a current customer's contract start moves to D-40 (its earlier stored days stop
    being customer days) and two meaningful events of one of its users are loaded now, dated D-45
    (before the new start: in the windows of the days from D-40, on no customer day) and D-38.
    Returns the account and how many stored rows it had before the new start."""
    start, before_start, after_start = (AS_OF - dt.timedelta(days=n) for n in (40, 45, 38))
    with duckdb.connect(str(db)) as con:
        account, user = con.execute(f"""
            select accounts.account_id, min(tracks.user_id)
            from crm.accounts as accounts
            inner join segment.tracks as tracks on tracks.context_group_id = accounts.account_id
            where accounts.churned_at is null and accounts.contract_start_date < date '{AS_OF}' - 250
                and tracks.user_id is not null
            group by accounts.account_id order by accounts.account_id limit 1
        """).fetchone()
        kept_before = con.execute("""
            select count(*) from intermediate.int_account_daily_metrics where account_id = ? and as_of_date < ?
        """, [account, start]).fetchone()[0]
        con.execute("update crm.accounts set contract_start_date = ? where account_id = ?", [start, account])
        for n, day in enumerate((before_start, after_start)):
            con.execute(f"""
                insert into segment.tracks values
                ('gap-{n}', null, ?, 'report_created', 'Report Created', timestamp '{day} 10:00:00',
                 timestamp '{AS_OF} 13:00:00', ?)
            """, [user, account])
    return {"account": account, "kept_before": kept_before, "start": start}


def test_a_rebuild_after_a_customer_day_gap_starts_without_a_seed(loaded_day_by_day: tuple[Path, Path],
                                                                  tmp_path: Path) -> None:
    """The account's first rebuilt day (the new contract start, D-40) has no kept row the day
    before: the pre-hook deleted D-41 and earlier (no longer customer days) before the select, so
    its windows are read whole (int_account_metric_windows: no seed), and they hold the event of
    D-45. The kept row of D-41, had it seeded the chain, lacks that event. Equal to a full refresh."""
    incremental, _ = loaded_day_by_day
    changed, refreshed, edited = build_edited_and_refreshed(incremental, tmp_path, start_later_with_an_event_before_the_start)
    assert edited["kept_before"] > 0
    assert mismatched_relations(changed, refreshed) == {}
    with duckdb.connect() as con:
        con.execute(f"attach '{incremental}' as before (read_only)")
        con.execute(f"attach '{changed}' as after (read_only)")
        moved = con.execute("""
            select count(*) from (
                select as_of_date, count_meaningful_events_30d, sum_points_baseline from after.intermediate.int_account_daily_metrics
                where account_id = ? and as_of_date = ?
                except all
                select as_of_date, count_meaningful_events_30d, sum_points_baseline from before.intermediate.int_account_daily_metrics
                where account_id = ? and as_of_date = ?
            )
        """, [edited["account"], edited["start"], edited["account"], edited["start"]]).fetchone()[0]
    assert moved == 1, "the event before the new start is not in the first rebuilt day's windows"


def test_a_reader_older_than_the_saved_change_list_computes_its_own(loaded_day_by_day: tuple[Path, Path],
                                                                     tmp_path: Path) -> None:
    """int_user_account_days saves its change list for the run's other readers
    (macros/incremental/saved_day_changes.sql). Here two loads, a feature event dated 40 days back
    and an event loaded five days later, are read by int_user_account_days alone (a --select of
    one model), so that its next cutoff is past the feature event: in the next run
    int_user_feature_days and product_activity_daily, last built before those loads, must not
    use the list saved from that later cutoff, which misses the feature event's day (the mart
    always runs after the owner; int_user_feature_days reads the list only if it starts after it)."""
    incremental, _ = loaded_day_by_day
    changed, refreshed = tmp_path / "changed.duckdb", tmp_path / "refreshed.duckdb"
    shutil.copyfile(incremental, changed)
    used_day = AS_OF - dt.timedelta(days=40)
    with duckdb.connect(str(changed)) as con:
        latest = con.execute("select max(received_at) from segment.tracks").fetchone()[0]
        # a feature event of a user with no feature day on used_day, loaded an hour after the latest load
        feature_event = con.execute(f"""
            select tracks.id, tracks.user_id, tracks.event from segment.tracks as tracks
            inner join intermediate.int_event_catalog as catalog on tracks.event = catalog.event_name
            where catalog.feature is not null and tracks.user_id is not null and tracks.context_group_id is not null
              and tracks.user_id not in (select user_id from intermediate.int_user_feature_days
                                         where used_date = date '{used_day.isoformat()}' and user_id is not null)
            order by tracks.id limit 1
        """).fetchone()
        assert feature_event is not None
        con.execute(f"""
            insert into segment.tracks
            select 'older-' || id, anonymous_id, user_id, event, event_text, timestamp '{used_day.isoformat()} 12:00:00',
                   timestamp '{latest}' + interval 1 hour, context_group_id
            from segment.tracks where id = '{feature_event[0]}' and event = '{feature_event[2]}'
            limit 1
        """)
        # and an event loaded past the look-back: the next cutoff of what reads it is beyond the first one
        con.execute(f"""
            insert into segment.tracks
            select 'later-' || id, anonymous_id, user_id, event, event_text, timestamp '{AS_OF.isoformat()} 10:00:00',
                   timestamp '{latest}' + interval 5 day, context_group_id
            from segment.tracks where user_id is not null and user_id <> '{feature_event[1]}'
              and context_group_id is not null
            order by id limit 1
        """)
    # int_user_account_days alone reads both; then the whole run
    build(changed, AS_OF, tmp_path / "target", "--select", "int_events_attributed", "int_user_account_days")
    build(changed, AS_OF, tmp_path / "target")
    with duckdb.connect(str(changed), read_only=True) as con:
        saved_cutoff = con.execute(
            "select cutoff from intermediate.account_day_changes_saved where account_id is null").fetchone()[0]
    assert saved_cutoff > latest + dt.timedelta(hours=1)
    shutil.copyfile(changed, refreshed)
    build(refreshed, AS_OF, tmp_path / "target", "--full-refresh")
    with duckdb.connect(str(refreshed), read_only=True) as con:
        feature_days = con.execute(f"""
            select count(*) from intermediate.int_user_feature_days
            where user_id = '{feature_event[1]}' and used_date = date '{used_day.isoformat()}'
        """).fetchone()[0]
    assert feature_days >= 1
    assert mismatched_relations(changed, refreshed) == {}


def missing_event_rows(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("""
            select row_count from data_quality.data_quality_issues
            where kind = 'missing_id_or_timestamp'
        """).fetchone()[0]


def test_data_quality_uses_only_the_raw_counts_saved_by_its_own_run(loaded_day_by_day: tuple[Path, Path],
                                                                    tmp_path: Path) -> None:
    """int_events_attributed's start-over check counts the raw events and its pre-hook saves the
    counts (macros/events/raw_counts.sql); data_quality_issues uses them only in the same run. Here,
    after a whole run of the copied warehouse (the saved row names its raw table, whose catalog is
    the file's name), three rows without an id and two without a timestamp are loaded: a run of
    data_quality_issues alone must count them itself (the saved counts are the last run's, five
    fewer), and the next whole run must use the counts its own check saved (its compiled query
    says so) and equal a full refresh."""
    incremental, _ = loaded_day_by_day
    changed, refreshed = tmp_path / "changed.duckdb", tmp_path / "refreshed.duckdb"
    shutil.copyfile(incremental, changed)
    build(changed, AS_OF, tmp_path / "target")
    before = missing_event_rows(changed)
    with duckdb.connect(str(changed)) as con:
        latest = con.execute("select max(received_at) from segment.tracks").fetchone()[0]
        saved_before = con.execute("select raw_relation, count_missing from intermediate.events_raw_counts_saved").fetchall()
        assert saved_before == [('"changed"."segment"."tracks"', before)]
        con.execute(f"""
            insert into segment.tracks
            select case when n <= 3 then null else 'no-timestamp-' || n end, anonymous_id, user_id, event, event_text,
                   case when n <= 3 then timestamp else null end, timestamp '{latest}' + interval 1 hour, context_group_id
            from (select *, row_number() over (order by id) as n from segment.tracks where id is not null) as numbered
            where n <= 5
        """)
    build(changed, AS_OF, tmp_path / "target", "--select", "data_quality_issues")
    assert missing_event_rows(changed) == before + 5
    build(changed, AS_OF, tmp_path / "target")
    compiled = (tmp_path / "target" / "compiled" / "customer_health" / "models" / "data_quality"
                / "data_quality_issues.sql").read_text()
    assert "counted by int_events_attributed's start-over check in this run" in compiled
    assert missing_event_rows(changed) == before + 5
    shutil.copyfile(changed, refreshed)
    build(refreshed, AS_OF, tmp_path / "target", "--full-refresh")
    assert missing_event_rows(refreshed) == before + 5
    assert mismatched_relations(changed, refreshed) == {}
