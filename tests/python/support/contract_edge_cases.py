"""A tiny raw warehouse with one CONTRACT.md §4 fine point per account, as of 2025-06-30,
and the §6 fine points of ARR and retention (PORTFOLIO_ACCOUNTS without subscriptions,
SUBSCRIPTIONS with them: write_edge_subscriptions adds billing.subscriptions afterwards).

The generated test data never reaches some fine points (no user's events predate their
first group call, duplicated ids are identical copies, no groups row ties). Each account
here holds one of them, so a difference from contract_reference.py names the rule. Where
the contract can be read two ways, the case pins the literal reading and says so.

Built on a project copy whose milestones also hold `alert_fired` (the non-meaningful
`alert_triggered`): a milestone reached only through a non-meaningful event.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
from customer_health.empty_sources import create_empty_sources

AS_OF = dt.date(2025, 6, 30)
EXTRA_MILESTONE = "alert_fired,alert_triggered,Saw a first alert fire (a non-meaningful event)\n"
T = dt.datetime
START = dt.date(2024, 1, 1)

# account id, seats, contract start, churned_at, the fine point
ACCOUNTS = [
    ("acc_e01", 10, START, None, "an event before the user's first group call: the earliest groups row"),
    ("acc_e02", 10, START, None, "the user's only group call is after D: no account, not even by fallback"),
    ("acc_e03", 10, START, None, "groups rows tied on timestamp: the latest received_at, then the greatest id"),
    ("acc_e04", 10, START, None, "the losers of those ties: no events"),
    ("acc_e05", 10, START, None, "an unknown context_group_id: left out though the groups row names this account"),
    ("acc_e07", 10, START, None, "duplicated ids: the kept copies (earliest received_at, then timestamp)"),
    ("acc_e08", 10, START, None, "the dropped copies: no events"),
    ("acc_e09", 10, START, None, "the first-received copy has no timestamp: dropped first, the next copy counts"),
    ("acc_e10", 10, START, None, "the first-received copy is anonymous: it wins deduplication, so none counts"),
    ("acc_e11", 10, START, None, "the first-received copy is dated after D: it wins, so none counts"),
    ("acc_e12", 16, START, None, "window edges: D-6 00:00, D-29 00:00, D 23:59:59.999"),
    ("acc_e13", 10, START, None, "an event at D 23:59:59.9995: after the end of D"),
    ("acc_e14", 16, START, None, "5 active of 16 seats: 31.25 rounds to 31.3"),
    ("acc_e15", 10, START, None, "non-meaningful events only: a feature and a milestone, no active user"),
    ("acc_e16", 10, START, None, "anonymous events, a miscased and an unknown event name"),
    ("acc_e17", 10, START, None, "a user who moved: before the move"),
    ("acc_e18", 10, START, None, "... and from the instant of the move on"),
    ("acc_e19", 10, AS_OF, None, "the contract starts on D; an event before the contract counts"),
    ("acc_e20", 10, START, AS_OF, "churned on D: not a customer"),
    ("acc_e21", 10, START, AS_OF + dt.timedelta(days=1), "churns the day after D: a customer"),
    ("acc_e22", 10, AS_OF + dt.timedelta(days=1), None, "starts the day after D: not a customer"),
    ("acc_e23", None, START, None, "seats null: active user % null"),
    ("acc_e24", 0, START, None, "seats 0: active user % null"),
    ("acc_e25", 10, START, None, "context_group_id wins over the user's groups rows"),
    ("acc_e26", 10, START, None, "where those groups rows point: no events"),
    ("acc_e27", 3, START, None, "2 of 3 seats: 66.7; a feature used only through a non-meaningful event"),
]
S90, S365 = AS_OF - dt.timedelta(days=90), AS_OF - dt.timedelta(days=365)
# §6 without subscriptions: account id, ARR, contract start, churned_at, the fine point
PORTFOLIO_ACCOUNTS = [
    ("acc_p01", 5000, START, S90, "churned on S90: not in the 90-day cohort; churned in the 365-day one"),
    ("acc_p02", 7000, START, S90 + dt.timedelta(days=1), "churned the day after S90: in the cohort, churned"),
    ("acc_p03", 9000, S90, None, "started on S90: in the 90-day cohort"),
    ("acc_p04", 3000, S90 + dt.timedelta(days=1), None, "started the day after S90: new ARR"),
    ("acc_p05", 2500, S365, None, "started on S365: in the 365-day cohort"),
]
# §6 with subscriptions: id, account, ARR, seats, started_on, ended_on (the fine point)
SUBSCRIPTIONS = [
    ("sub01", "acc_e01", 12000, 10, START, None),                 # retained
    ("sub02", "acc_e03", 12000, 10, START, AS_OF),                # ends exactly on D: ARR_D 0, churned
    ("sub03", "acc_e04", 10000, 10, START, None),                 # and an overlapping add-on: expansion
    ("sub04", "acc_e04", 3000, 2, dt.date(2025, 5, 1), None),
    ("sub05", "acc_e07", 12000, 10, START, dt.date(2025, 5, 1)),  # replaced by a smaller one: contraction
    ("sub06", "acc_e07", 8000, 6, dt.date(2025, 5, 1), None),
    ("sub07", "acc_e08", 6000, 5, START, S90),                    # ends on S90: 0 on S90, back by D: new
    ("sub08", "acc_e08", 6000, 5, dt.date(2025, 5, 1), None),
    ("sub09", "acc_e09", 4000, 4, S90, None),                     # starts on S90: in the 90-day cohort
    ("sub10", "acc_e10", 1500, 1, AS_OF, None),                   # starts on D: new
    ("sub11", "acc_e11", 9000, 9, AS_OF + dt.timedelta(days=1), None),   # starts after D: never counts
    ("sub12", "acc_e12", 0, 3, START, None),                      # ARR 0: in no cohort, not new
    ("sub13", "acc_e20", 12000, 10, START, None),                 # the CRM says churned on D; billing wins
    ("sub14", "acc_e14", 16000, None, START, None),               # seats null
    ("sub15", "acc_unknown", 99000, 10, START, None),             # unknown to the CRM: left out, counted
]
# groups rows: id, user, account, timestamp, received_at (None: 30 s later)
GROUPS = [
    ("g01", "u01", "acc_e01", T(2025, 3, 1, 12), None),
    ("g02", "u02", "acc_e02", T(2025, 7, 5, 12), None),
    ("g04-a", "u04", "acc_e03", T(2025, 5, 1, 10), T(2025, 5, 1, 10, 5)),
    ("g04-b", "u04", "acc_e04", T(2025, 5, 1, 10), T(2025, 5, 1, 10, 1)),
    ("g05-x", "u05", "acc_e04", T(2025, 5, 1, 10), T(2025, 5, 1, 10, 1)),
    ("g05-y", "u05", "acc_e03", T(2025, 5, 1, 10), T(2025, 5, 1, 10, 1)),
    ("g06-m", "u06", "acc_e03", T(2025, 5, 1, 10), T(2025, 5, 1, 10, 9)),
    ("g06-n", "u06", "acc_e04", T(2025, 5, 1, 10), T(2025, 5, 1, 10, 2)),
    ("g07", "u07", "acc_e05", T(2025, 1, 1, 10), None),
    ("g22-1", "u22", "acc_e17", T(2025, 6, 1, 10), None),
    ("g22-2", "u22", "acc_e18", T(2025, 6, 15, 10), None),
    ("g29", "u29", "acc_e26", T(2025, 1, 1), None),
]
# tracks rows: user, event, timestamp, context_group_id, id (None: numbered), received_at (None: 30 s later)
TRACKS = [
    ("u01", "report_created", T(2025, 2, 1, 9), None, None, None),
    ("u01", "page_viewed", T(2025, 6, 29, 9), None, None, None),
    ("u02", "dashboard_created", T(2025, 6, 20, 9), None, None, None),
    ("u04", "dashboard_created", T(2025, 6, 20, 9), None, None, None),
    ("u05", "report_created", T(2025, 6, 21, 9), None, None, None),
    ("u06", "query_run", T(2025, 4, 15, 9), None, None, None),
    ("u07", "integration_connected", T(2025, 6, 29, 9), "acc_unknown", None, None),
    ("u08", "report_created", T(2025, 6, 29, 0, 59), "acc_e07", "dup1", T(2025, 6, 29, 1)),
    ("u08", "report_created", T(2025, 6, 29, 0, 59), "acc_e08", "dup1", T(2025, 6, 30, 1)),
    ("u09", "query_run", T(2025, 6, 10, 9), "acc_e07", "dup2", T(2025, 6, 13, 1)),
    ("u09", "query_run", T(2025, 6, 12, 9), "acc_e08", "dup2", T(2025, 6, 13, 1)),
    ("u10", "integration_connected", None, "acc_e09", "dup3", T(2025, 6, 1, 1)),
    ("u10", "integration_connected", T(2025, 6, 2, 9), "acc_e09", "dup3", T(2025, 6, 3, 1)),
    (None, "alert_created", T(2025, 6, 2, 9), "acc_e10", "dup4", T(2025, 6, 2, 10)),
    ("u11", "alert_created", T(2025, 6, 2, 9), "acc_e10", "dup4", T(2025, 6, 3, 10)),
    ("u12", "api_key_created", T(2025, 7, 5, 9), "acc_e11", "dup5", T(2025, 6, 5, 9, 1)),
    ("u12", "api_key_created", T(2025, 6, 5, 9), "acc_e11", "dup5", T(2025, 6, 6, 9)),
    ("u13", "comment_added", T(2025, 6, 24), "acc_e12", None, None),
    ("u14", "comment_added", T(2025, 6, 23, 23, 59, 59, 999999), "acc_e12", None, None),
    ("u15", "comment_added", T(2025, 6, 1), "acc_e12", None, None),
    ("u16", "comment_added", T(2025, 5, 31, 23, 59, 59, 999000), "acc_e12", None, None),
    ("u17", "comment_added", T(2025, 6, 30, 23, 59, 59, 999000), "acc_e12", None, None),
    ("u18", "comment_added", T(2025, 7, 1), "acc_e12", None, None),
    ("u19", "comment_added", T(2025, 6, 30, 23, 59, 59, 999500), "acc_e13", None, None),
    *[(f"u14_{i}", "search_performed", T(2025, 6, 25, 9 + i), "acc_e14", None, None) for i in range(5)],
    ("u20", "page_viewed", T(2025, 6, 25, 9), "acc_e15", None, None),
    ("u20", "alert_triggered", T(2025, 6, 26, 9), "acc_e15", None, None),
    ("u20", "integration_synced", T(2025, 3, 1, 9), "acc_e15", None, None),
    (None, "report_created", T(2025, 6, 25, 9), "acc_e16", None, None),
    ("u21", "Report_Created", T(2025, 6, 25, 10), "acc_e16", None, None),
    ("u21", "legacy_thing", T(2025, 6, 25, 11), "acc_e16", None, None),
    ("u22", "dashboard_viewed", T(2025, 6, 10, 9), None, None, None),
    ("u22", "query_run", T(2025, 6, 15, 10), None, None, None),
    ("u22", "report_exported", T(2025, 6, 20, 9), None, None, None),
    ("u23", "template_used", T(2025, 6, 20, 9), "acc_e19", None, None),
    ("u24", "template_used", T(2025, 6, 29, 9), "acc_e20", None, None),
    ("u25", "template_used", T(2025, 6, 29, 9), "acc_e21", None, None),
    ("u26", "template_used", T(2025, 6, 29, 9), "acc_e22", None, None),
    ("u27", "template_used", T(2025, 6, 29, 9), "acc_e23", None, None),
    ("u28", "template_used", T(2025, 6, 29, 9), "acc_e24", None, None),
    ("u29", "user_invited", T(2025, 6, 29, 9), "acc_e25", None, None),
    ("u30", "workspace_created", T(2025, 6, 28, 9), "acc_e27", None, None),
    ("u31", "workspace_created", T(2025, 6, 28, 9), "acc_e27", None, None),
    ("u31", "integration_synced", T(2025, 6, 28, 10), "acc_e27", None, None),
]


def write_edge_case_warehouse(db_path: Path) -> None:
    create_empty_sources(db_path)
    later = dt.timedelta(seconds=30)
    with duckdb.connect(str(db_path)) as con:
        con.executemany("insert into crm.accounts values (?, ?, ?, 12000, ?, 'growth', ?, '2026-01-01', null, "
                        "'Software', 'NA', ?)",
                        [[account_id, f"001E{n:014d}", note[:60], seats, start, churned]
                         for n, (account_id, seats, start, churned, note) in enumerate(ACCOUNTS)])
        con.executemany("insert into crm.accounts values (?, ?, ?, ?, 10, 'growth', ?, '2026-01-01', null, "
                        "'Software', 'NA', ?)",
                        [[account_id, f"001P{n:014d}", note[:60], arr, start, churned]
                         for n, (account_id, arr, start, churned, note) in enumerate(PORTFOLIO_ACCOUNTS)])
        con.executemany("insert into segment.groups values (?, ?, ?, ?, ?, 'name', 'growth')",
                        [[gid, user, account, at, received or at + later] for gid, user, account, at, received in GROUPS])
        con.executemany("insert into segment.tracks values (?, 'anon', ?, ?, ?, ?, ?, ?)",
                        [[event_id or f"ev{n:03d}", user, event, event.replace("_", " ").title(), at,
                          received or (at + later if at else T(2025, 6, 1)), context]
                         for n, (user, event, at, context, event_id, received) in enumerate(TRACKS)])
        users = sorted({row[0] for row in TRACKS if row[0]} | {row[1] for row in GROUPS})
        con.executemany("insert into segment.identifies values (?, ?, 'anon', '2024-12-01', '2024-12-01', ?, ?, "
                        "'member')", [[f"id-{user}", user, f"{user}@example.com", user] for user in users])


def write_edge_subscriptions(db_path: Path) -> None:
    """Add billing.subscriptions (SUBSCRIPTIONS) to the edge-case warehouse."""
    with duckdb.connect(str(db_path)) as con:
        con.execute("create table billing.subscriptions (subscription_id varchar, account_id varchar, plan varchar, "
                    "arr decimal(18,2), seats integer, started_on date, ended_on date)")
        con.executemany("insert into billing.subscriptions values (?, ?, 'growth', ?, ?, ?, ?)",
                        [list(row) for row in SUBSCRIPTIONS])
