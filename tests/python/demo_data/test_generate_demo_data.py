"""Tests for the demo data generator (customer_health.demo_data, `health-demo-data`): checked with independent SQL on a small warehouse."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from customer_health.demo_data import cli as gen
from customer_health.paths import PROJECT_ROOT as ROOT

END_DATE = "2025-03-01"
SMALL = ["--seed", "42", "--accounts", "30", "--days", "120", "--events", "40000", "--end-date", END_DATE, "--quiet"]
CATALOG = (ROOT / "seeds" / "event_catalog.csv").as_posix()

# The contract (CONTRACT.md section 2), written out here rather than imported from the generator.
CONTRACT_COLUMNS = {
    "segment.tracks": [
        ("id", "VARCHAR"), ("anonymous_id", "VARCHAR"), ("user_id", "VARCHAR"), ("event", "VARCHAR"),
        ("event_text", "VARCHAR"), ("timestamp", "TIMESTAMP"), ("received_at", "TIMESTAMP"),
        ("context_group_id", "VARCHAR")],
    "segment.identifies": [
        ("id", "VARCHAR"), ("user_id", "VARCHAR"), ("anonymous_id", "VARCHAR"), ("timestamp", "TIMESTAMP"),
        ("received_at", "TIMESTAMP"), ("email", "VARCHAR"), ("name", "VARCHAR"), ("role", "VARCHAR")],
    "segment.groups": [
        ("id", "VARCHAR"), ("user_id", "VARCHAR"), ("group_id", "VARCHAR"), ("timestamp", "TIMESTAMP"),
        ("received_at", "TIMESTAMP"), ("name", "VARCHAR"), ("plan", "VARCHAR")],
    "crm.accounts": [
        ("account_id", "VARCHAR"), ("crm_id", "VARCHAR"), ("name", "VARCHAR"), ("arr", "DECIMAL(18,2)"),
        ("seats", "INTEGER"), ("plan", "VARCHAR"), ("contract_start_date", "DATE"), ("renewal_date", "DATE"),
        ("csm_email", "VARCHAR"), ("industry", "VARCHAR"), ("region", "VARCHAR"), ("churned_at", "DATE")],
    "support.tickets": [
        ("ticket_id", "VARCHAR"), ("account_id", "VARCHAR"), ("requester_user_id", "VARCHAR"),
        ("created_at", "TIMESTAMP"), ("solved_at", "TIMESTAMP"), ("priority", "VARCHAR"), ("status", "VARCHAR"),
        ("satisfaction", "VARCHAR")],
    "surveys.nps_responses": [
        ("response_id", "VARCHAR"), ("user_id", "VARCHAR"), ("account_id", "VARCHAR"), ("score", "INTEGER"),
        ("submitted_at", "TIMESTAMP"), ("comment", "VARCHAR")],
    "billing.invoices": [
        ("invoice_id", "VARCHAR"), ("account_id", "VARCHAR"), ("amount", "DECIMAL(18,2)"), ("currency", "VARCHAR"),
        ("issued_at", "DATE"), ("due_at", "DATE"), ("paid_at", "DATE"), ("status", "VARCHAR")],
    # optional, CONTRACT.md section 6
    "billing.subscriptions": [
        ("subscription_id", "VARCHAR"), ("account_id", "VARCHAR"), ("plan", "VARCHAR"), ("arr", "DECIMAL(18,2)"),
        ("seats", "INTEGER"), ("started_on", "DATE"), ("ended_on", "DATE")],
    "demo_meta.account_stories": [("account_id", "VARCHAR"), ("story", "VARCHAR"), ("churned_at", "DATE")],
    "demo_meta.planted_issues": [("source_table", "VARCHAR"), ("kind", "VARCHAR"), ("row_count", "BIGINT")],
    "demo_meta.run_info": [("seed", "INTEGER"), ("end_date", "DATE"), ("days", "INTEGER"), ("accounts", "INTEGER"),
                           ("generated_events", "BIGINT")],
}

# The data-quality classification of segment.tracks, as the brief states it: each row
# under the first kind that applies; groups rows dated after the end date do not count.
CLASSIFY_TRACKS = f"""
with params as (select end_date as d from demo_meta.run_info),
groups_asof as (select * from segment.groups where timestamp::date <= (select d from params)),
rest1 as (select * from segment.tracks where id is not null and timestamp is not null),
dedup as (select * from rest1 qualify row_number() over (partition by id order by received_at, timestamp) = 1),
rest3 as (select * from dedup where timestamp::date <= (select d from params)),
rest4 as (select * from rest3 where user_id is not null),
rest5 as (select * from rest4 where context_group_id is not null or user_id in (select user_id from groups_asof)),
attributed as (
    select r.*, coalesce(
        r.context_group_id,
        (select g.group_id from groups_asof g where g.user_id = r.user_id and g.timestamp <= r.timestamp
         order by g.timestamp desc, g.received_at desc, g.id desc limit 1),
        (select g.group_id from groups_asof g where g.user_id = r.user_id
         order by g.timestamp, g.received_at desc, g.id desc limit 1)) as account_id
    from rest5 r),
rest6 as (select * from attributed where account_id in (select account_id from crm.accounts)),
rest7 as (select * from rest6 where event in (select event from read_csv('{CATALOG}')))
select 'missing_id_or_timestamp', (select count(*) from segment.tracks) - (select count(*) from rest1)
union all select 'duplicate_id', (select count(*) - count(distinct id) from rest1)
union all select 'future_timestamp', (select count(*) from dedup) - (select count(*) from rest3)
union all select 'anonymous_event', (select count(*) from rest3) - (select count(*) from rest4)
union all select 'unattributed_event', (select count(*) from rest4) - (select count(*) from rest5)
union all select 'unknown_account', (select count(*) from rest5) - (select count(*) from rest6)
union all select 'unknown_event', (select count(*) from rest6) - (select count(*) from rest7)
"""


def _generate(path: Path, *extra: str) -> Path:
    assert gen.main(["--db", str(path), *SMALL, *extra]) == 0
    return path


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def _value(con: duckdb.DuckDBPyConnection, sql: str):
    return con.execute(sql).fetchall()[0][0]


def _checksums(path: Path) -> dict[str, tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {table: _rows(con, f"select count(*), md5(string_agg(h, '' order by h)) "
                                  f"from (select md5(t::varchar) h from {table} t)")[0]
                for table in CONTRACT_COLUMNS}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("demo") / "demo.duckdb")


@pytest.fixture(scope="module")
def con(warehouse: Path):
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def test_tables_have_the_contract_columns_and_types(con) -> None:
    for table, expected in CONTRACT_COLUMNS.items():
        schema, name = table.split(".")
        actual = _rows(con, f"""select column_name, data_type from information_schema.columns
                                where table_schema = '{schema}' and table_name = '{name}' order by ordinal_position""")
        assert actual == expected, table
        assert _value(con, f"select count(*) from {table}") > 0, f"{table} is empty"


def test_same_seed_gives_identical_tables_and_rerun_replaces(warehouse: Path, tmp_path: Path) -> None:
    first = _checksums(warehouse)
    again = _generate(tmp_path / "again.duckdb")
    assert _checksums(again) == first
    _generate(again)  # re-running into the same file replaces, never appends
    assert _checksums(again) == first
    other = _checksums(_generate(tmp_path / "other.duckdb", "--seed", "7"))
    assert other["segment.tracks"] != first["segment.tracks"]
    assert other["crm.accounts"] != first["crm.accounts"]


def test_planted_track_kinds_match_an_independent_classification(con) -> None:
    recorded = dict(_rows(con, "select kind, row_count from demo_meta.planted_issues where source_table = 'segment.tracks'"))
    recomputed = dict(_rows(con, CLASSIFY_TRACKS))
    assert recomputed == recorded
    assert min(recorded.values()) >= 5


def test_planted_nps_and_crm_counts(con) -> None:
    recorded = dict(_rows(con, "select kind, row_count from demo_meta.planted_issues where source_table <> 'segment.tracks'"))
    assert recorded["nps_score_out_of_range"] == _value(
        con, "select count(*) from surveys.nps_responses where score is null or score not between 0 and 10")
    assert recorded["missing_crm_id"] == _value(con, "select count(*) from crm.accounts where crm_id is null")
    assert recorded["nps_score_out_of_range"] >= 5 and 2 <= recorded["missing_crm_id"] <= 3
    # Accounts without a crm_id are otherwise ordinary, current customers.
    assert _value(con, "select count(*) from crm.accounts where crm_id is null and churned_at is null") == recorded["missing_crm_id"]
    bad_ids = [r[0] for r in _rows(con, "select crm_id from crm.accounts where crm_id is not null")
               if not re.fullmatch(r"001[A-Za-z0-9]{15}", r[0])]
    assert bad_ids == []


def test_churned_accounts_have_no_activity_after_churn(con) -> None:
    churned = "select account_id, churned_at from crm.accounts where churned_at is not null"
    assert _value(con, f"select count(*) from ({churned})") > 0
    members = f"""select distinct g.user_id, c.account_id, c.churned_at
                  from segment.groups g join ({churned}) c on g.group_id = c.account_id"""
    late = {
        "events with context": f"""select count(*) from segment.tracks t join ({churned}) c
                                   on t.context_group_id = c.account_id where t.timestamp::date > c.churned_at""",
        "events of members": f"""select count(*) from segment.tracks t join ({members}) m using (user_id)
                                 where t.timestamp::date > m.churned_at""",
        "tickets": f"""select count(*) from support.tickets t join ({churned}) c using (account_id)
                       where t.created_at::date > c.churned_at or t.solved_at::date > c.churned_at""",
        "nps": f"""select count(*) from surveys.nps_responses n join ({members}) m using (user_id)
                   where n.submitted_at::date > m.churned_at""",
        "invoices": f"""select count(*) from billing.invoices i join ({churned}) c using (account_id)
                        where i.issued_at > c.churned_at or i.paid_at > c.churned_at""",
    }
    assert {name: _value(con, sql) for name, sql in late.items()} == {name: 0 for name in late}


def test_no_event_precedes_its_users_first_groups_and_identifies_rows(con) -> None:
    for table in ("segment.groups", "segment.identifies"):
        early = _value(con, f"""
            select count(*) from segment.tracks t
            join (select user_id, min(timestamp) first_seen from {table} group by 1) f using (user_id)
            where t.timestamp < f.first_seen""")
        assert early == 0, table


def test_every_story_is_present_and_churn_fits_the_story(con) -> None:
    stories = dict(_rows(con, "select story, count(*) from demo_meta.account_stories group by 1"))
    assert set(stories) == {"steady", "expanding", "decaying", "champion_loss", "stalled_onboarding", "noisy_fine"}
    assert max(stories, key=stories.get) == "steady"
    churned_by_story = dict(_rows(con, "select story, count(churned_at) from demo_meta.account_stories group by 1"))
    assert churned_by_story["steady"] == churned_by_story["expanding"] == churned_by_story["noisy_fine"] == 0
    assert churned_by_story["decaying"] + churned_by_story["champion_loss"] > 0
    assert _value(con, """select count(*) from crm.accounts a join demo_meta.account_stories s using (account_id)
                          where a.churned_at is distinct from s.churned_at
                             or a.churned_at > (select end_date from demo_meta.run_info)""") == 0


def test_story_timelines_are_believable(con) -> None:
    end = f"date '{END_DATE}'"
    # Decaying churners decline for at least three months first.
    assert _value(con, """select count(*) from demo_meta.account_timelines where story = 'decaying'
                          and churned_at is not null and churned_at - decline_start_date < 90""") == 0
    # The champion goes silent 5-10 weeks before churn, and is silent from then on.
    assert _value(con, """select count(*) from demo_meta.account_timelines where story = 'champion_loss'
                          and churned_at is not null and churned_at - champion_silent_from not between 35 and 70""") == 0
    assert _value(con, """select count(*) from segment.tracks t join demo_meta.account_timelines a
                          on t.user_id = a.champion_user_id where t.timestamp >= a.champion_silent_from""") == 0
    # Stalled onboardings started in the last ~120 days; expanding accounts end near or above their seats.
    assert _value(con, f"""select count(*) from crm.accounts join demo_meta.account_stories using (account_id)
                           where story = 'stalled_onboarding' and {end} - contract_start_date > 120""") == 0
    utilisation = _value(con, f"""
        with active as (
            select t.context_group_id as account_id, count(distinct t.user_id) as users
            from segment.tracks t join read_csv('{CATALOG}') c using (event)
            where c.is_meaningful and t.timestamp::date between {end} - 29 and {end} group by 1)
        select avg(active.users / a.seats) from crm.accounts a join demo_meta.account_stories s using (account_id)
        join active using (account_id) where s.story = 'expanding' and a.seats > 0""")
    assert utilisation > 0.75  # context_group_id alone misses ~20% of events, so this understates


def test_planted_edge_cases_exist(con) -> None:
    end = f"date '{END_DATE}'"
    assert _value(con, "select count(*) from crm.accounts where seats is null") >= 1
    assert _value(con, "select count(*) from crm.accounts where seats = 0") >= 1
    assert _value(con, "select count(*) from crm.accounts where name <> trim(name)") >= 1
    assert _value(con, "select count(*) from segment.identifies where email <> lower(email)") >= 1
    assert _value(con, f"select count(*) from segment.groups where timestamp::date > {end}") >= 1
    assert _value(con, f"select count(*) from segment.identifies where timestamp::date > {end}") >= 1
    movers = _rows(con, f"""
        select g.user_id, max(g.timestamp) moved_at from segment.groups g
        where g.timestamp::date <= {end} and g.group_id in (select account_id from crm.accounts)
        group by 1 having count(distinct g.group_id) > 1""")
    assert movers, "no user moves between two known accounts"
    after = [_rows(con, f"""select count(*), count(context_group_id) from segment.tracks
                            where user_id = '{user}' and timestamp > '{moved_at}' and timestamp::date <= {end}""")[0]
             for user, moved_at in sorted(movers)]
    assert sum(events for events, _ in after) > 0  # movers keep working at their new company
    assert sum(with_context for _, with_context in after) == 0


def test_support_and_billing_rows_are_consistent(con) -> None:
    assert _value(con, """select count(*) from support.tickets where (solved_at is null) <> (status in ('new', 'open', 'pending'))
                          or priority not in ('low', 'normal', 'high', 'urgent')""") == 0
    assert _value(con, """select count(*) from support.tickets t join demo_meta.account_stories s using (account_id)
                          where s.story in ('decaying', 'champion_loss') and s.churned_at is null
                          and t.priority = 'urgent' and t.solved_at is null""") >= 1
    assert _value(con, "select count(*) from billing.invoices where due_at <> issued_at + 30") == 0
    assert _value(con, "select count(*) from billing.invoices where (paid_at is null) <> (status <> 'paid')") == 0
    for table, key in (("support.tickets", "ticket_id"), ("surveys.nps_responses", "response_id"),
                       ("billing.invoices", "invoice_id"), ("segment.groups", "id"), ("segment.identifies", "id")):
        assert _value(con, f"select count(*) - count(distinct {key}) from {table}") == 0, table


@pytest.mark.parametrize("events", [40_000, 120_000])
def test_events_target_is_roughly_honoured(events: int, warehouse: Path, tmp_path: Path) -> None:
    path = warehouse if events == 40_000 else _generate(tmp_path / "more.duckdb", "--events", str(events))
    with duckdb.connect(str(path), read_only=True) as con:
        total = _value(con, "select count(*) from segment.tracks")
        assert _value(con, "select generated_events from demo_meta.run_info") == total
    assert abs(total - events) / events < 0.15


def test_bad_arguments_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        gen.main(["--db", str(tmp_path / "x.duckdb"), "--days", "5"])
    assert exit_info.value.code == 2


def test_database_path_defaults_to_the_dbt_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DBT_DUCKDB_PATH", str(tmp_path / "from_env.duckdb"))
    assert gen._default_db() == tmp_path / "from_env.duckdb"
    monkeypatch.delenv("DBT_DUCKDB_PATH")
    assert gen._default_db() == ROOT / "warehouse.duckdb"


def test_subscriptions_counting_today_match_the_crm_and_tell_the_portfolio_stories(con) -> None:
    end = f"date '{END_DATE}'"
    counts = f"started_on <= {end} and (ended_on is null or ended_on > {end})"
    # today's counting rows add up to crm.accounts (ARR and seats; null seats stay null) for current customers
    assert _value(con, f"""
        with today as (select account_id, sum(arr) arr, sum(seats) seats from billing.subscriptions
                       where {counts} group by 1)
        select count(*) from crm.accounts a left join today t using (account_id)
        where (a.churned_at is null or a.churned_at > {end}) and a.contract_start_date <= {end}
          and (t.arr is distinct from a.arr or t.seats is distinct from a.seats)""") == 0
    # churned accounts: nothing counts on or after the churn date
    assert _value(con, """select count(*) from billing.subscriptions s join crm.accounts a using (account_id)
                          where a.churned_at is not null and (s.ended_on is null or s.ended_on > a.churned_at)""") == 0
    stories = dict(_rows(con, """
        with per as (select s.account_id, st.story, count(*) n, count(s.ended_on) ended,
                            max(case when s.ended_on is null then 0 else 1 end) has_ended
                     from billing.subscriptions s join demo_meta.account_stories st using (account_id) group by 1, 2)
        select story, count(*) filter (where n > 1) from per group by 1"""))
    # upgrades and add-ons, contractions that stayed, downgrades before churn, pilots that ended
    assert stories["expanding"] > 0 and stories["steady"] > 0 and stories["noisy_fine"] > 0
    assert stories["decaying"] > 0
    assert _value(con, """select count(*) from billing.subscriptions
                          where account_id not in (select account_id from crm.accounts)""") == _value(
        con, "select row_count from demo_meta.planted_issues where source_table = 'billing.subscriptions'")
