"""What the benchmark measures: the sizes, one step's time and memory, one size's result."""
from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

@dataclass(frozen=True)
class Size:
    accounts: int
    events: int
    days: int


    @property
    def events_per_day(self) -> float:
        return self.events / self.days

    def doubled_history(self) -> Size:
        """Two years instead of one at the same daily volume: twice the days and the events."""
        return Size(accounts=self.accounts, events=2 * self.events, days=2 * self.days)


ONE_YEAR = {
    "small": Size(accounts=5_000, events=1_000_000, days=365),
    "medium": Size(accounts=5_000, events=10_000_000, days=365),
    "large": Size(accounts=5_000, events=50_000_000, days=365),
}
# Issue 18: the daily run's data work may grow by at most 20 % when the history doubles at the
# same daily volume; `<size>-2y` is that size (`health-benchmark --double-history` adds it).
DOUBLED = "-2y"
# xlarge: 100 M events in large's shape, more customers rather than denser ones: twice the
# accounts (so about twice the users) and the same events per account and day as large.
SIZES = {
    **{name: size for one_year, size in ONE_YEAR.items()
       for name, size in ((one_year, size), (one_year + DOUBLED, size.doubled_history()))},
    "xlarge": Size(accounts=10_000, events=100_000_000, days=365),
}


def one_year_size(name: str) -> str | None:
    """The one-year size a doubled-history size is compared with (None for a one-year size)."""
    return name.removesuffix(DOUBLED) if name.endswith(DOUBLED) else None


# Targets of issue 18 ("data work": a build's time minus the same build over empty sources).
DAILY_DATA_WORK_TARGET = 10.0       # % of the full build's data work, at medium and large
DAILY_DATA_WORK_TARGET_SIZES = ("medium", "large")
DOUBLED_HISTORY_GROWTH_TARGET = 20.0  # % growth of the daily data work when the history doubles
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


def median_step(steps: list[Step]) -> Step:
    """One figure for a build run several times: the median run's seconds (the lower middle run
    for an even count, so always a measured time) and the highest peak memory of any run."""
    return Step(seconds=statistics.median_low(step.seconds for step in steps),
                peak_rss_mb=max(step.peak_rss_mb for step in steps))


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
    empty_full_build: Step | None = None  # the full build (--full-refresh) over empty source tables
    commit: str | None = None         # the project's commit measured (`git describe --always --dirty`)
    # each run's seconds where a build was run several times (--repeats; the Step above is their
    # median): the daily run (each from the same copy of the warehouse) and the two empty builds
    daily_runs: list[float] | None = None
    empty_build_runs: list[float] | None = None
    empty_full_build_runs: list[float] | None = None

    @property
    def incremental_share(self) -> float:
        return 100.0 * self.incremental_build.seconds / self.full_build.seconds

    @property
    def floor_ratio(self) -> float:
        return self.full_build.seconds / self.floor_query.seconds

    @property
    def full_data_work(self) -> float | None:
        """Seconds of the full build beyond the same build over empty source tables."""
        return None if self.empty_full_build is None else self.full_build.seconds - self.empty_full_build.seconds

    @property
    def daily_data_work(self) -> float | None:
        """Seconds of the daily (incremental, next-day) build beyond the same build over empty sources."""
        return None if self.empty_build is None else self.incremental_build.seconds - self.empty_build.seconds

    @property
    def daily_data_work_share(self) -> float | None:
        """The daily run's data work in % of the full build's, to 0.1 % (None without both, or no full data work)."""
        full, daily = self.full_data_work, self.daily_data_work
        if full is None or daily is None or full <= 0:
            return None
        return round(100.0 * daily / full, 1)   # timings have 0.01 s: no float noise at the target

    @property
    def empty_daily_within_empty_full(self) -> bool | None:
        """Whether the daily build over empty sources takes no longer than the full build over them."""
        if self.empty_build is None or self.empty_full_build is None:
            return None
        return self.empty_build.seconds <= self.empty_full_build.seconds


def shared_empty_build(one_year: Result, two_years: Result) -> float | None:
    """The daily build over empty tables as one figure for both sizes, when both were run several
    times: over empty tables the data size does not matter, so their runs are runs of one build
    and their median (median_low of all of them) is the firmer figure. None otherwise."""
    if one_year.commit != two_years.commit or not (one_year.empty_build_runs and two_years.empty_build_runs):
        return None
    runs = [*one_year.empty_build_runs, *two_years.empty_build_runs]
    return statistics.median_low(runs) if len(runs) > 2 else None


def doubled_history_growth(one_year: Result, two_years: Result) -> float | None:
    """Growth (%, to 0.1 %) of the daily run's data work from one year of history to two (same daily
    volume): each daily run minus the shared empty build (shared_empty_build()) when there is one,
    else minus its own size's."""
    shared = shared_empty_build(one_year, two_years)
    if shared is not None:
        before = one_year.incremental_build.seconds - shared
        after = two_years.incremental_build.seconds - shared
    else:
        before, after = one_year.daily_data_work, two_years.daily_data_work
    if before is None or after is None or before <= 0:
        return None
    return round(100.0 * (after - before) / before, 1)
