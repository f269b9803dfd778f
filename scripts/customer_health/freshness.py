"""Refuse to send scores computed on stale data (as_of_date far past the latest loaded event).

The dbt model data_quality.data_freshness says, for the build in the warehouse, how many days
as_of_date lies past the latest loaded event and whether that is more than the var
stale_data_warn_days. Scores built on such a date show every account inactive (a mistyped or
far-future as_of_date, or a loader that stopped): the CRM sync and the Slack digest stop with
one sentence unless given --force-stale.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from customer_health.errors import SyncError
from customer_health.warehouse import Warehouse

log = logging.getLogger(__name__)

DEFAULT_FRESHNESS_RELATION = "data_quality.data_freshness"


class StaleData(SyncError):
    """The scores in the warehouse were computed on stale data; nothing was sent."""


@dataclass(frozen=True)
class Freshness:
    as_of_date: dt.date
    latest_event_date: dt.date | None
    days_since_latest_event: int | None
    stale_data_warn_days: int
    is_stale: bool

    def describe(self) -> str:
        """What is stale, in words: 'the scores are as of X but ...'."""
        if self.latest_event_date is None:
            behind = "no event at or before that date is loaded"
        else:
            behind = (f"the latest loaded event is from {self.latest_event_date}, "
                      f"{self.days_since_latest_event} days earlier")
        return (f"the scores are computed as of {self.as_of_date} but {behind} "
                f"(more than stale_data_warn_days: {self.stale_data_warn_days})")


def read_freshness(wh: Warehouse, relation: str) -> Freshness:
    rows = wh.read_relation(relation, "the data freshness model").rows
    if len(rows) != 1:
        raise StaleData(f"The data freshness model '{relation}' has {len(rows)} rows instead of one: "
                        "run `dbt build` again.")
    row = rows[0]
    days = row["days_since_latest_event"]
    return Freshness(as_of_date=row["as_of_date"], latest_event_date=row["latest_event_date"],
                     days_since_latest_event=None if days is None else int(days),
                     stale_data_warn_days=int(row["stale_data_warn_days"]), is_stale=bool(row["is_stale"]))


def check_not_stale(wh: Warehouse, relation: str, *, force: bool, sending: bool, what: str) -> Freshness:
    """Raise StaleData when the build is stale and the caller would send without --force-stale.

    `what` names what would be sent ("the scores", "the digest"). A dry run (sending=False)
    and a forced run only log a warning.
    """
    freshness = read_freshness(wh, relation)
    if not freshness.is_stale:
        return freshness
    if sending and not force:
        described = freshness.describe()
        raise StaleData(f"{described[:1].upper()}{described[1:]}, so every account would read as inactive: check "
                        "that the loaders are running and as_of_date is right and run dbt build again, or pass "
                        f"--force-stale to send {what} anyway.")
    log.warning("Stale data: %s; %s.", freshness.describe(),
                "sending anyway (--force-stale)" if sending else "a real run would refuse to send without --force-stale")
    return freshness
