#!/usr/bin/env python3
"""Time the project at a named data size and write docs/benchmarks.md.

For each size: generate the demo data (one more day than the history it builds), hold back
the loads of the last day, build everything as of the day before (`dbt build --full-refresh`),
load the last day and build again as of it (the incremental daily run), run the reverse-ETL
dry run (`scripts/sync_crm.py salesforce --dry-run`), time the same daily build over empty source
tables (what dbt itself costs, whatever the data), and time one hand-written DuckDB query
that computes 30-day per-account aggregates straight from the raw events: the floor a full
build is compared with. Each step reports wall time, events per second and the peak memory
(RSS of the whole process tree, sampled from /proc).

    python scripts/benchmark.py --size medium
    python scripts/benchmark.py --size small --size large --workdir /data/bench

Not part of `make test`. Results of sizes not run this time are kept in the document.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DOC = PROJECT_ROOT / "docs" / "benchmarks.md"
DATA_MARKER = "benchmark-data:"
SEGMENT_TABLES = ("tracks", "identifies", "groups")
log = logging.getLogger("benchmark")


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


def _children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            children.extend(int(child) for child in (task / "children").read_text().split())
    except OSError:
        pass
    return children


def process_tree_rss(root: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
        pending.extend(_children(pid))
    return total


def wait_for_quiet_machine(max_wait_seconds: int) -> float:
    """Wait (up to max_wait_seconds) until the 1-minute load average is below 0.5 per core,
    so other jobs do not skew the timings; returns the load average when starting."""
    cores = os.cpu_count() or 1
    deadline = time.monotonic() + max_wait_seconds
    while True:
        load = os.getloadavg()[0]
        if load < 0.5 * cores or time.monotonic() >= deadline:
            if load >= 0.5 * cores:
                log.warning("the machine is busy (load %.1f on %d cores): timings will be slower", load, cores)
            return load
        log.info("waiting for a quiet machine (load %.1f on %d cores)", load, cores)
        time.sleep(15)


def timed(command: list[str], env: dict[str, str] | None = None, label: str = "") -> Step:
    """Run a command, sampling the RSS of its process tree every 50 ms; fail with its output."""
    log.info("%s: %s", label, " ".join(command[:6]))
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    peak = 0
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    while process.poll() is None:
        peak = max(peak, process_tree_rss(process.pid))
        time.sleep(0.1)
    reader.join()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{label} failed (exit {process.returncode}):\n{''.join(output)[-3000:]}")
    log.info("%s: %.1f s, peak %.0f MB", label, seconds, peak / 2**20)
    return Step(seconds=round(seconds, 2), peak_rss_mb=round(peak / 2**20))


def timed_in_process(function, label: str) -> Step:
    """Time a function in this process; peak RSS sampled from a thread."""
    peak = [process_tree_rss(os.getpid())]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], process_tree_rss(os.getpid()))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        function()
    finally:
        done.set()
        sampler.join()
    seconds = time.perf_counter() - started
    log.info("%s: %.2f s, peak %.0f MB", label, seconds, peak[0] / 2**20)
    return Step(seconds=round(seconds, 2), peak_rss_mb=round(peak[0] / 2**20))


def machine_description() -> str:
    cpu = "unknown CPU"
    try:
        match = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = match.group(1).strip() if match else cpu
    except OSError:
        pass
    memory = "unknown memory"
    try:
        kilobytes = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kilobytes / 2**20:.0f} GB RAM"
    except (OSError, AttributeError):
        pass
    dbt_version = subprocess.run([str(BIN / "dbt"), "--version"], capture_output=True, text=True).stdout
    core = re.search(r"installed:\s*([\d.]+)", dbt_version)
    return (f"{os.cpu_count()} cores ({cpu}), {memory}, {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, dbt-core {core.group(1) if core else '?'}, "
            f"dbt threads {os.environ.get('DBT_THREADS', '2')}, DuckDB memory_limit "
            f"{os.environ.get('DBT_DUCKDB_MEMORY_LIMIT', '6GB')}")


def dbt_env(db_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DBT_DUCKDB_PATH=str(db_path), DBT_PROFILES_DIR=str(PROJECT_ROOT), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    return env


def hold_back_last_day(db_path: Path, day: dt.date) -> int:
    """Move the segment rows received on `day` aside (schema benchmark_held_back); returns tracks rows."""
    with duckdb.connect(str(db_path)) as con:
        con.execute("create schema if not exists benchmark_held_back")
        for table in SEGMENT_TABLES:
            con.execute(f"""
                create or replace table benchmark_held_back.{table} as
                select * from segment.{table} where received_at >= cast(? as timestamp)
            """, [day])
            con.execute(f"delete from segment.{table} where received_at >= cast(? as timestamp)", [day])
        return con.execute("select count(*) from benchmark_held_back.tracks").fetchone()[0]


def load_last_day(db_path: Path) -> None:
    with duckdb.connect(str(db_path)) as con:
        for table in SEGMENT_TABLES:
            con.execute(f"insert into segment.{table} select * from benchmark_held_back.{table}")
        con.execute("drop schema benchmark_held_back cascade")


FLOOR_QUERY = """
    -- 30-day per-account aggregates straight from the raw events: each id once (earliest
    -- load), the account the event was sent for, catalog weights and features
    with window_events as (
        select *
        from segment.tracks
        where "timestamp" >= cast(? as timestamp) - interval 29 day
          and "timestamp" < cast(? as timestamp) + interval 1 day
          and user_id is not null and id is not null
        qualify row_number() over (partition by id order by received_at) = 1
    )
    select
        events.context_group_id as account_id,
        count(distinct case when catalog.is_meaningful then events.user_id end) as active_users_30d,
        count(*) as events_30d,
        sum(coalesce(catalog.weight, 0)) as points_30d,
        count(distinct catalog.feature) as features_used_30d
    from window_events as events
    left join read_csv_auto(?) as catalog
        on events.event = catalog.event
    where events.context_group_id is not null
    group by events.context_group_id
"""


def run_floor_query(db_path: Path, as_of: dt.date) -> None:
    with duckdb.connect(str(db_path), read_only=True) as con:
        threads = os.environ.get("DBT_THREADS", "2")
        con.execute(f"set threads = {int(threads)}")
        rows = con.execute(FLOOR_QUERY, [as_of, as_of, str(PROJECT_ROOT / "seeds" / "event_catalog.csv")]).fetchall()
    if not rows:
        raise RuntimeError("the floor query returned no accounts")


def benchmark(size_name: str, workdir: Path, max_wait_seconds: int) -> Result:
    size = SIZES[size_name]
    load_before = wait_for_quiet_machine(max_wait_seconds)
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / f"{size_name}.duckdb"
    for stale in (db_path, Path(f"{db_path}.wal")):
        stale.unlink(missing_ok=True)
    target = workdir / f"{size_name}_target"
    shutil.rmtree(target, ignore_errors=True)
    env = dbt_env(db_path)
    day_before = END_DATE - dt.timedelta(days=1)

    generate = timed([sys.executable, "scripts/generate_demo_data.py", "--db", str(db_path), "--seed", str(SEED),
                      "--accounts", str(size.accounts), "--days", str(size.days + 1), "--events", str(size.events),
                      "--end-date", END_DATE.isoformat(), "--quiet"], env, "generate")
    with duckdb.connect(str(db_path), read_only=True) as con:
        events = con.execute("select count(*) from segment.tracks").fetchone()[0]
        users = con.execute("select count(distinct user_id) from segment.groups").fetchone()[0]
    last_day_events = hold_back_last_day(db_path, END_DATE)

    dbt = [str(BIN / "dbt"), "build", "--selector", DAILY_SELECTOR, "--target-path", str(target),
           "--log-path", str(workdir / "logs")]
    full_build = timed([*dbt, "--full-refresh", "--vars", f"{{as_of_date: {day_before.isoformat()}}}"], env, "full build")
    shutil.copyfile(target / "run_results.json", workdir / f"{size_name}_full_run_results.json")
    load_last_day(db_path)
    # A scheduled daily run starts from the previous run's parse (dbt re-parses the whole
    # project when vars change, as the --vars of the full build did): parse once, untimed.
    timed([str(BIN / "dbt"), "parse", "--target-path", str(target), "--log-path", str(workdir / "logs"),
           "--vars", f"{{as_of_date: {END_DATE.isoformat()}}}"], env, "parse (untimed)")
    incremental_build = timed([*dbt, "--vars", f"{{as_of_date: {END_DATE.isoformat()}}}"], env, "incremental build")
    shutil.copyfile(target / "run_results.json", workdir / f"{size_name}_incremental_run_results.json")
    # The same build again with nothing new: the fixed cost of any build (dbt's own work per
    # node, the data tests, the as-of-D marts that read all history, the lookback window).
    repeat_build = timed([*dbt, "--vars", f"{{as_of_date: {END_DATE.isoformat()}}}"], env, "repeat build")
    sync_dry_run = timed([sys.executable, "scripts/sync_crm.py", "salesforce", "--dry-run"], env, "sync dry run")
    empty_build, empty_models, dbt_start = time_empty_builds(workdir, size_name)
    floor_query = timed_in_process(lambda: run_floor_query(db_path, END_DATE), "floor query")

    return Result(size=size_name, measured_at=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                  machine=machine_description(), events=events, accounts=size.accounts, users=users,
                  last_day_events=last_day_events, load_before=round(load_before, 2),
                  load_after=round(os.getloadavg()[0], 2), generate=generate, full_build=full_build,
                  incremental_build=incremental_build, repeat_build=repeat_build, sync_dry_run=sync_dry_run,
                  floor_query=floor_query, empty_build=empty_build, empty_models=empty_models,
                  dbt_start=dbt_start)


def time_empty_builds(workdir: Path, size_name: str) -> tuple[Step, Step, Step]:
    """What any daily run costs before it reads a row: the daily build over empty source
    tables (starting dbt, every node, every test query), the same without the data tests,
    and starting dbt and loading the parsed project alone (`dbt ls`).

    The incremental build minus the first is the SQL that reads data. Built once (untimed)
    as of the day before, then timed as of the day.
    """
    db_path = workdir / f"{size_name}_empty.duckdb"
    db_path.unlink(missing_ok=True)
    subprocess.run([sys.executable, "scripts/make_empty_sources.py", "--db", str(db_path)], cwd=PROJECT_ROOT,
                   check=True, capture_output=True)
    env = dbt_env(db_path)
    common = ["--target-path", str(workdir / f"{size_name}_empty_target"), "--log-path", str(workdir / "logs")]
    dbt = [str(BIN / "dbt"), "build", "--selector", DAILY_SELECTOR, *common]
    as_of = ["--vars", f"{{as_of_date: {END_DATE.isoformat()}}}"]
    timed([*dbt, "--full-refresh", "--vars", f"{{as_of_date: {(END_DATE - dt.timedelta(days=1)).isoformat()}}}"],
          env, "empty full build (untimed)")
    timed([str(BIN / "dbt"), "parse", *common, *as_of], env, "parse (untimed)")
    empty_build = timed([*dbt, *as_of], env, "empty build")
    empty_models = timed([*dbt, "--exclude-resource-type", "test", *as_of], env, "empty build, models only")
    dbt_start = timed([str(BIN / "dbt"), "ls", "--resource-type", "model", "--output", "name", *common, *as_of],
                      env, "dbt ls")
    return empty_build, empty_models, dbt_start


def rate(events: int, step: Step) -> str:
    per_second = events / step.seconds
    return f"{per_second / 1e6:.2f} M/s" if per_second >= 1e5 else f"{per_second / 1e3:.1f} k/s"


def table(results: list[Result]) -> str:
    lines = [
        "| size | events | accounts / users | step | wall time | events per second | peak memory |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for r in results:
        who = f"{r.accounts:,} / {r.users:,}"
        rows = [
            ("data generation", r.generate, rate(r.events, r.generate)),
            ("full `dbt build`", r.full_build, rate(r.events, r.full_build)),
            (f"incremental `dbt build` (+1 day, {r.last_day_events:,} loads; {r.incremental_share:.0f} % of full)",
             r.incremental_build, rate(r.last_day_events, r.incremental_build)),
            (f"the same build again, nothing new ({100 * r.repeat_build.seconds / r.full_build.seconds:.0f} % of full)",
             r.repeat_build, ""),
            *([(f"the same build over empty tables: dbt's own cost "
                f"({100 * r.empty_build.seconds / r.full_build.seconds:.0f} % of full)", r.empty_build, "")]
              if r.empty_build else []),
            *([(f"the models alone over empty tables, no data tests "
                f"({100 * r.empty_models.seconds / r.full_build.seconds:.0f} % of full)", r.empty_models, "")]
              if r.empty_models else []),
            *([(f"starting dbt and loading the parsed project, `dbt ls` "
                f"({100 * r.dbt_start.seconds / r.full_build.seconds:.0f} % of full)", r.dbt_start, "")]
              if r.dbt_start else []),
            ("sync dry run (Salesforce)", r.sync_dry_run, ""),
            (f"floor: one DuckDB query, 30-day aggregates (full build = {r.floor_ratio:.0f}x)", r.floor_query,
             rate(r.events, r.floor_query)),
        ]
        for index, (step_name, step, events_per_second) in enumerate(rows):
            first = index == 0
            lines.append(
                f"| {r.size if first else ''} | {f'{r.events:,}' if first else ''} | {who if first else ''} | "
                f"{step_name} | {step.seconds:.1f} s | {events_per_second} | {step.peak_rss_mb:,.0f} MB |"
            )
    return "\n".join(lines)


def targets(results: list[Result]) -> str:
    """The project's targets (2 cores / 24 GB) against what was measured."""
    by_size = {r.size: r for r in results}
    lines = ["Targets (2 cores, 24 GB):", ""]
    if "medium" in by_size:
        medium = by_size["medium"]
        lines.append(f"- `medium` full build under 60 s: {medium.full_build.seconds:.1f} s, "
                     f"{'met' if medium.full_build.seconds < 60 else 'not met'}.")
    for r in (by_size[name] for name in SIZES if name in by_size):
        lines.append(incremental_target_line(r))
    if "large" in by_size:
        large = by_size["large"]
        peak = max(step.peak_rss_mb for step in (large.full_build, large.incremental_build, large.repeat_build))
        lines.append(f"- `large` completes without exceeding 8 GB: peak {peak:,.0f} MB, "
                     f"{'met' if peak < 8192 else 'not met'}.")
    return "\n".join(lines)


def incremental_target_line(r: Result) -> str:
    """The 15 % target at one size, with what the build costs whatever the data."""
    def share(step: Step) -> float:
        return 100 * step.seconds / r.full_build.seconds

    line = (f"- `{r.size}`: incremental daily run under 15 % of the full build: {r.incremental_share:.0f} %, "
            f"{'met' if r.incremental_share < 15 else 'not met'}. The same build with nothing new "
            f"takes {share(r.repeat_build):.0f} %, so the day's new data is not what costs")
    if r.empty_build:
        line += (f"; over empty tables it takes {share(r.empty_build):.0f} %: dbt's own work (starting, every "
                 "node, the test queries)")
        if r.empty_models and r.dbt_start:
            line += (f"; starting dbt and loading the project take {share(r.dbt_start):.0f} %, and the "
                     f"models alone with no data test {share(r.empty_models):.0f} %")
            if share(r.empty_models) >= 15:
                line += ", above the target before a row is read or a test runs"
        line += (". The rest is SQL whose cost follows the history, not the day: the lookback and the 60-day "
                 "windows each rebuilt day reads, the change detection that compares every stored day with "
                 "its inputs, the as-of-D marts and the data-quality counts that scan all events")
    return line + "."


def load_previous() -> dict[str, dict]:
    if not DOC.exists():
        return {}
    match = re.search(rf"<!-- {DATA_MARKER}\s*(.*?)\s*-->", DOC.read_text(), flags=re.DOTALL)
    return json.loads(match.group(1)) if match else {}


def result_from_dict(data: dict) -> Result:
    steps = {key: Step(**data[key]) for key in ("generate", "full_build", "incremental_build", "repeat_build",
                                                  "sync_dry_run", "floor_query", "empty_build", "empty_models", "dbt_start")
             if data.get(key)}
    plain = {key: value for key, value in data.items() if key not in steps}
    return Result(**plain, **steps)


def write_document(results: list[Result]) -> None:
    ordered = sorted(results, key=lambda r: list(SIZES).index(r.size))
    machines = sorted({f"- {r.size} ({r.measured_at}, 1-minute load average {r.load_before} before, "
                       f"{r.load_after} after): {r.machine}" for r in ordered})
    data = json.dumps({r.size: asdict(r) for r in ordered}, indent=1)
    DOC.write_text(f"""# Benchmarks

Written by `scripts/benchmark.py` (`make benchmark SIZE=medium`); every figure below comes
from it. Each size is generated with `scripts/generate_demo_data.py` (seed {SEED}, one year
of history plus one day, ending {END_DATE}); the loads received on the last day are held
back, the project is built as of the day before with `dbt build --selector daily
--full-refresh`, then the last day is loaded and `dbt build --selector daily` runs again as
of it: the incremental daily run. It starts from a parsed project, as a scheduled run does
after the previous day's (a different `as_of_date` makes dbt re-parse everything; an untimed
`dbt parse` stands for yesterday's run). Then the same build runs once more with nothing
new, and once over empty source tables (what dbt itself costs: starting, every node, every
test query); over the empty tables also the models alone (`--exclude-resource-type test`)
and `dbt ls` (starting dbt and loading the parsed project, nothing run). Every build selects
what the scheduled job (`make daily`) builds, the `daily` selector in `selectors.yml`: the
seeds, the models and their data tests, without the backtest (it re-reads the whole score
history; `make backtest` rebuilds it over its own longer history) and the unit tests (they
check logic on fixed inputs, not the day's data, and run in `make test`). Peak memory is the
resident memory of the whole process tree (dbt and DuckDB), sampled every 100 ms. Events per
second are the raw `segment.tracks` rows divided by the wall time (for the incremental
build: the rows loaded on the last day). The floor is one hand-written DuckDB query that
computes 30-day per-account aggregates (active users, events, points, features) straight
from the raw events; the ratio says how much more the whole project does, and costs, than
that one query. Where the time goes per model: `run_results.json` of the full and the
incremental build are kept next to the benchmark database.

Machine:

{chr(10).join(machines)}

{table(ordered)}

{targets(results)}

<!-- {DATA_MARKER}
{data}
-->
""")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", action="append", choices=list(SIZES),
                        help="size to run (repeatable; default medium)")
    parser.add_argument("--workdir", type=Path, default=PROJECT_ROOT / "target" / "benchmark",
                        help="where the benchmark databases go (default target/benchmark; large needs ~15 GB)")
    parser.add_argument("--no-doc", action="store_true", help="print the table but leave docs/benchmarks.md alone")
    parser.add_argument("--max-wait", type=int, default=600,
                        help="seconds to wait for a quiet machine before each size (default 600)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = parse_args(argv)
    sizes = args.size or ["medium"]
    results = {}
    for size_name in sizes:
        try:
            results[size_name] = benchmark(size_name, args.workdir, args.max_wait)
        except RuntimeError as error:
            log.error("%s: %s", size_name, error)
            return 1
    print(table([results[s] for s in sizes]))
    if not args.no_doc:
        kept = {name: result_from_dict(data) for name, data in load_previous().items() if name not in results}
        write_document(list({**kept, **results}.values()))
        print(f"\nWrote {DOC.relative_to(PROJECT_ROOT)} ({', '.join(sorted({**kept, **results}))}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
