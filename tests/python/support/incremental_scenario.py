"""Load a generated warehouse day by day, the way a loader would, for the incremental tests.

`IncrementalScenario` starts from a complete generated warehouse (the source) and a copy of
it that holds only what had been loaded by the end of a given day: rows of segment.tracks,
identifies and groups received later are removed, and tickets, invoices, NPS answers and
CRM seats are set back to how they stood then. `load_day` then appends what was received on
the next day. `load_late_data` adds the awkward cases on top: loads that arrive with an
older received_at inside the lookback window, events dated weeks back, retried loads of ids
already counted, a group call dated in the past, a new user whose first group call comes
after their first events.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

SEGMENT_TABLES = ("tracks", "identifies", "groups")


def _day_end(day: dt.date) -> str:
    return f"{(day + dt.timedelta(days=1)).isoformat()} 00:00:00"


class IncrementalScenario:
    def __init__(self, source: Path, target: Path, loaded_through: dt.date) -> None:
        self.source = source
        self.target = target
        self.loaded_through = loaded_through

    def _connect(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(str(self.target))
        con.execute(f"attach '{self.source}' as src (read_only)")
        return con

    def start(self, withheld_share: float = 0.02) -> None:
        """Keep what was loaded by the end of loaded_through; hold back a few of the last loads."""
        cutoff = _day_end(self.loaded_through)
        lookback_start = (self.loaded_through - dt.timedelta(days=1)).isoformat()
        with self._connect() as con:
            for table in SEGMENT_TABLES:
                con.execute(f"delete from segment.{table} where received_at >= timestamp '{cutoff}'")
            # loads of the last two days that the loader delivers late, with their original
            # received_at: they arrive inside the lookback window of a later run
            con.execute(f"""
                create or replace table src_withheld as
                select * from segment.tracks
                where received_at >= timestamp '{lookback_start}' and hash(id) % 1000 < {int(withheld_share * 1000)}
            """)
            con.execute("delete from segment.tracks where id in (select id from src_withheld)")
            # the state systems as they stood: later tickets, answers, payments and solves not there yet
            con.execute(f"delete from support.tickets where created_at >= timestamp '{cutoff}'")
            con.execute(f"""
                update support.tickets set solved_at = null, status = 'open', satisfaction = null
                where solved_at >= timestamp '{lookback_start}'
            """)
            con.execute(f"delete from surveys.nps_responses where submitted_at >= timestamp '{cutoff}'")
            con.execute(f"update billing.invoices set paid_at = null, status = 'open' where paid_at >= date '{lookback_start}'")
            con.execute("""
                update crm.accounts set seats = seats + 5
                where account_id in (select account_id from crm.accounts order by account_id limit 2)
            """)

    def load_day(self, day: dt.date) -> None:
        """Append the segment rows received on `day`."""
        start, end = day.isoformat(), _day_end(day)
        with self._connect() as con:
            for table in SEGMENT_TABLES:
                con.execute(f"""
                    insert into segment.{table}
                    select * from src.segment.{table}
                    where received_at >= timestamp '{start}' and received_at < timestamp '{end}'
                      and id not in (select id from src_withheld)
                """)
        self.loaded_through = day

    def sync_state_tables(self) -> None:
        """The CRM, support, survey and billing tables as they stand in the source."""
        with self._connect() as con:
            for schema, table in (("crm", "accounts"), ("support", "tickets"),
                                  ("surveys", "nps_responses"), ("billing", "invoices")):
                con.execute(f"delete from {schema}.{table}")
                con.execute(f"insert into {schema}.{table} select * from src.{schema}.{table}")

    def load_late_data(self, day: dt.date) -> None:
        """Everything a careless loader can do on `day`, on top of that day's rows."""
        at = f"{day.isoformat()} 12:00:00"
        weeks_ago = (day - dt.timedelta(days=20)).isoformat()
        ten_days_ago = f"{(day - dt.timedelta(days=10)).isoformat()} 12:00:00"
        with self._connect() as con:
            # the withheld loads, with their original (older) received_at
            con.execute("insert into segment.tracks select * from src_withheld")
            # events that happened three weeks ago, loaded only now
            con.execute(f"""
                insert into segment.tracks
                select 'late-' || id, anonymous_id, user_id, event, event_text, timestamp,
                       timestamp '{at}', context_group_id
                from segment.tracks
                where cast(timestamp as date) = date '{weeks_ago}' and user_id is not null
                order by id limit 40
            """)
            # retried loads of ids already counted: the earlier load still wins
            con.execute(f"""
                insert into segment.tracks
                select id, anonymous_id, user_id, 'report_created', 'Report Created', timestamp,
                       timestamp '{at}' + interval 1 hour, context_group_id
                from segment.tracks
                where received_at < timestamp '{day.isoformat()}' and user_id is not null
                order by id limit 20
            """)
            # a new id loaded twice today: the first load wins
            con.execute(f"""
                insert into segment.tracks
                select 'twice-' || id, anonymous_id, user_id, event, event_text, timestamp,
                       timestamp '{at}' + interval (n) minute, context_group_id
                from (
                    select * from segment.tracks where user_id is not null and timestamp is not null
                    qualify count(*) over (partition by id) = 1 order by id limit 5
                ) as picked
                cross join (select 1 as n union all select 2) as copies
            """)
            # group calls dated ten days ago, loaded only now: users move to another account
            con.execute(f"""
                insert into segment.groups
                select 'late-group-' || moved.user_id, moved.user_id, other.account_id,
                       timestamp '{ten_days_ago}', timestamp '{at}', other.name, other.plan
                from (
                    select user_id, any_value(context_group_id) as from_account
                    from segment.tracks
                    where context_group_id is null and user_id is not null
                    group by user_id order by user_id limit 3
                ) as moved
                cross join (select account_id, name, plan from crm.accounts order by account_id limit 1) as other
            """)
            # a new user whose events come days before their first group call
            con.execute(f"""
                insert into segment.tracks
                select 'newcomer-' || cast(n as varchar), null, 'usr_newcomer', 'report_created', 'Report Created',
                       timestamp '{(day - dt.timedelta(days=5)).isoformat()} 09:00:00' + interval (n) hour,
                       timestamp '{at}', null
                from range(3) as r(n)
            """)
            con.execute(f"""
                insert into segment.groups
                select 'newcomer-group', 'usr_newcomer', account_id, timestamp '{day.isoformat()} 08:00:00',
                       timestamp '{at}', name, plan
                from crm.accounts order by account_id limit 1
            """)

    def move_user_far_back(self, day: dt.date) -> str:
        """A group call dated 200 days back, loaded on `day`: a user active then moves to another
        account from that day on, so their old account loses user days far before the running
        state's horizon (int_user_last_active_days: its latest active day there moves back)."""
        moved_at = f"{(day - dt.timedelta(days=200)).isoformat()} 12:00:00"
        with self._connect() as con:
            target = con.execute("select account_id, name, plan from crm.accounts order by account_id desc limit 1").fetchone()
            user = con.execute(f"""
                select user_id from segment.tracks
                where
                    context_group_id is null and user_id is not null
                    and timestamp >= timestamp '{moved_at}' and timestamp < timestamp '{moved_at}' + interval 100 day
                    and user_id not in (select user_id from segment.groups where group_id = ?)
                group by user_id order by user_id desc limit 1
            """, [target[0]]).fetchone()[0]
            con.execute(
                "insert into segment.groups values ('far-group-' || ?, ?, ?, cast(? as timestamp), cast(? as timestamp), ?, ?)",
                [user, user, target[0], moved_at, f"{day.isoformat()} 12:00:00", target[1], target[2]],
            )
        return user

    def change_service_history(self, day: dt.date) -> dict[str, int]:
        """Tickets and invoices changed in place long before `day`, the way a help desk or a
        billing system rewrites its state tables: a normal ticket of about four months ago
        becomes urgent and is solved ten days later than it was; an invoice of about four months
        ago that was overdue is voided; a ticket rated bad about two months ago is deleted.
        None of them has a new date near `day`, so only the kept days far back show them.
        Returns how many rows each change touched (each must be 1)."""
        window = [(day - dt.timedelta(days=d)).isoformat() for d in (150, 120, 80, 40)]
        with self._connect() as con:
            changed = con.execute(f"""
                update support.tickets set priority = 'urgent', solved_at = solved_at + interval 10 day
                where ticket_id = (
                    select min(ticket_id) from support.tickets
                    where priority in ('low', 'normal') and solved_at is not null
                      and created_at between timestamp '{window[0]}' and timestamp '{window[1]}'
                )
            """).fetchone()[0]
            voided = con.execute(f"""
                update billing.invoices set status = 'void'
                where invoice_id = (
                    select min(invoice_id) from billing.invoices
                    where status <> 'void' and (paid_at is null or paid_at > due_at + 5)
                      and due_at between date '{window[0]}' and date '{window[1]}'
                )
            """).fetchone()[0]
            deleted = con.execute(f"""
                delete from support.tickets
                where ticket_id = (
                    select min(ticket_id) from support.tickets
                    where satisfaction = 'bad' and solved_at between timestamp '{window[2]}' and timestamp '{window[3]}'
                )
            """).fetchone()[0]
        return {"changed ticket": changed, "voided invoice": voided, "deleted ticket": deleted}
