"""Read what the dashboard shows from the warehouse: the health marts, the score history,
users, alerts and (when built) the backtest and the portfolio marts. Read-only; DuckDB or PostgreSQL alike.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from customer_health import attention as show_attention
from customer_health.warehouse import Row, Warehouse
from customer_health.warehouse import rows as fetch
from customer_health.backtest import tables as backtest_warehouse

MARTS = "marts"
CONFIG = "config"


class DashboardDataMissing(RuntimeError):
    """A mart the dashboard needs is missing: a sentence saying what to run."""


@dataclass
class Dashboard:
    as_of_date: dt.date
    accounts: list[Row]                       # account_health, one row per current customer
    attention: list[Row]                      # the ranked attention list (show_attention's ranking)
    history: list[Row]                        # account_health_daily
    users: dict[str, list[Row]]               # user_engagement per account
    alerts: dict[str, list[Row]]              # health_alerts per account
    components: list[str]                     # the score's components, in the weights seed's order
    max_points: dict[str, float]              # component -> the points it can give
    backtest: backtest_warehouse.Backtest | None = None
    optional_tables: set[str] = field(default_factory=set)   # portfolio marts that exist
    retention: list[Row] = field(default_factory=list)        # portfolio_retention
    renewals: list[Row] = field(default_factory=list)         # renewal_forecast, soonest window first
    arr_history: list[Row] = field(default_factory=list)      # ARR per day and band (int_account_arr_daily)
    csm_book: list[Row] = field(default_factory=list)         # csm_book, biggest book first
    _history_by_account: dict[str, list[Row]] = field(default_factory=dict, repr=False)

    def history_of(self, account_id: str) -> list[Row]:
        if not self._history_by_account:
            for row in self.history:
                self._history_by_account.setdefault(row["account_id"], []).append(row)
        return self._history_by_account.get(account_id, [])


def require(con: Warehouse, schema: str, table: str) -> None:
    if not con.table_exists(schema, table):
        raise DashboardDataMissing(f"The table {schema}.{table} is missing: run `make demo` (or dbt build) first.")


def relation(name: str) -> tuple[str, str]:
    """'schema.table', or a bare table name in marts."""
    schema, _, table = name.rpartition(".")
    return schema or MARTS, table


def load_portfolio(con: Warehouse, present: set[str]) -> dict[str, list[Row]]:
    """The portfolio marts' rows, for those of them the warehouse has (empty lists for the others)."""
    loaded: dict[str, list[Row]] = {"retention": [], "renewals": [], "arr_history": [], "csm_book": []}
    if "portfolio_retention" in present:
        loaded["retention"] = fetch(con, f"""
            select * from {MARTS}.portfolio_retention
            order by period_days, segment_type, segment_value""")
    if "renewal_forecast" in present:
        loaded["renewals"] = fetch(con, f"""
            select * from {MARTS}.renewal_forecast
            order by window_order, case health_band when 'green' then 1 when 'yellow' then 2 else 3 end""")
    if "intermediate.int_account_arr_daily" in present:
        # ARR on a day (CONTRACT section 6) over the score history's days, split by that day's band;
        # accounts with ARR that day but no score that day (customers who have left since) are 'no band'
        loaded["arr_history"] = fetch(con, f"""
            select arr_day.as_of_date as day, coalesce(daily.health_band, 'no band') as band,
                count(*) as accounts, sum(arr_day.arr) as arr
            from intermediate.int_account_arr_daily as arr_day
            left join {MARTS}.account_health_daily as daily
                on daily.account_id = arr_day.account_id and daily.as_of_date = arr_day.as_of_date
            where arr_day.arr > 0
                and arr_day.as_of_date >= (select min(as_of_date) from {MARTS}.account_health_daily)
            group by arr_day.as_of_date, coalesce(daily.health_band, 'no band')
            order by 1, 2""")
    if "csm_book" in present:
        loaded["csm_book"] = fetch(con, f"""
            select * from {MARTS}.csm_book
            order by is_unassigned, arr desc nulls last, csm_email""")
    return loaded


def load(con: Warehouse, optional_tables: tuple[str, ...] = ()) -> Dashboard:
    for table in ("account_health", "account_health_daily", "health_alerts", "user_engagement"):
        require(con, MARTS, table)
    require(con, CONFIG, "health_score_weights")
    accounts = fetch(con, f"select * from {MARTS}.account_health order by account_name, account_id")
    if not accounts:
        raise DashboardDataMissing("account_health has no rows: the warehouse has no current customer as of "
                                   "its as_of_date; check the demo data or the as_of_date var.")
    # one entry per component: the weights seed has a row per component and scorecard
    components = list(dict.fromkeys(
        row["component"] for row in fetch(con, f"select component from {CONFIG}.health_score_weights")))
    point_columns = ", ".join(f"points_{name}, max_points_{name}" for name in components)
    history = fetch(con, f"""
        select account_id, as_of_date, health_score, health_band, {point_columns}
        from {MARTS}.account_health_daily
        order by account_id, as_of_date""")
    max_points = {name: max((row[f"max_points_{name}"] or 0) for row in history) if history else 0.0
                  for name in components}
    attention = fetch(con, show_attention.ATTENTION_SQL, [len(accounts)])
    users: dict[str, list[Row]] = {}
    for row in fetch(con, f"""
            select account_id, user_id, email, role, engagement_score, last_active_date, days_inactive,
                is_active_30d, is_power_user, usage_frequency
            from {MARTS}.user_engagement
            order by account_id, engagement_score desc nulls last, last_active_date desc, user_id"""):
        users.setdefault(row["account_id"], []).append(row)
    alerts: dict[str, list[Row]] = {}
    for row in fetch(con, f"""
            select account_id, alert_date, alert_type, severity, what_changed, why_it_matters, what_to_do
            from {MARTS}.health_alerts order by account_id, priority_score desc, alert_type"""):
        alerts.setdefault(row["account_id"], []).append(row)
    backtest = None
    if con.table_exists(backtest_warehouse.BACKTEST_SCHEMA, "health_backtest_summary"):
        try:
            backtest = backtest_warehouse.load(con, with_days=False)
        except backtest_warehouse.BacktestMissing:
            backtest = None
    present = {name for name in optional_tables if con.table_exists(*relation(name))}
    return Dashboard(
        as_of_date=accounts[0]["as_of_date"], accounts=accounts, attention=attention, history=history,
        users=users, alerts=alerts, components=components, max_points=max_points, backtest=backtest,
        optional_tables=present, **load_portfolio(con, present),
    )
