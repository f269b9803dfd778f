"""What the benchmark measures: the sizes, one step's time and memory, one size's result."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

@dataclass(frozen=True)
class Size:
    accounts: int
    events: int
    days: int


SIZES = {
    "small": Size(accounts=5_000, events=1_000_000, days=365),
    "medium": Size(accounts=5_000, events=10_000_000, days=365),
    "large": Size(accounts=5_000, events=50_000_000, days=365),
}
# The day the data ends (fixed, so every run builds the same data); the full build runs as of
# the day before it, the incremental build as of it.
END_DATE = dt.date(2025, 6, 30)
SEED = 11
# Every build times what the scheduled job builds (selectors.yml, also used by `make daily`):
# the models, seeds and data tests, without the backtest and the unit tests.
DAILY_SELECTOR = "daily"


@dataclass
class Step:
    seconds: float
    peak_rss_mb: float


@dataclass
class Result:
    size: str
    measured_at: str
    machine: str
    events: int
    accounts: int
    users: int
    last_day_events: int
    load_before: float
    load_after: float
    generate: Step
    full_build: Step
    incremental_build: Step
    repeat_build: Step
    sync_dry_run: Step
    floor_query: Step
    empty_build: Step | None = None   # the same daily build over empty source tables: dbt's own cost
    empty_models: Step | None = None  # ... with the models alone (no data tests)
    dbt_start: Step | None = None     # starting dbt and loading the parsed project (`dbt ls`)

    @property
    def incremental_share(self) -> float:
        return 100.0 * self.incremental_build.seconds / self.full_build.seconds

    @property
    def floor_ratio(self) -> float:
        return self.full_build.seconds / self.floor_query.seconds
