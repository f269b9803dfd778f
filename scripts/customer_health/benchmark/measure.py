"""Measure the project at a named data size (the report is written by benchmark.report).

For each size: generate the demo data (one more day than the history it builds), hold back
the loads of the last day, build everything as of the day before (`dbt build --full-refresh`),
load the last day and build again as of it (the incremental daily run), run the reverse-ETL
dry run (`health-sync salesforce --dry-run`), time the same full and daily builds over empty
source tables (what dbt itself costs, whatever the data: a build's "data work" is its time
minus that), and time one hand-written DuckDB query
that computes 30-day per-account aggregates straight from the raw events: the floor a full
build is compared with. Each step reports wall time, events per second and the peak memory
(RSS of the whole process tree, sampled from /proc).

    health-benchmark --size medium
    health-benchmark --size small --size large --workdir /data/bench

Not part of `make test`. Results of sizes not run this time are kept in the document.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

from customer_health.benchmark.results import DAILY_SELECTOR, END_DATE, SEED, SIZES, Result, Step, median_step
from customer_health.paths import PROJECT_ROOT

BIN = Path(sys.executable).parent
SEGMENT_TABLES = ("tracks", "identifies", "groups")
log = logging.getLogger("benchmark")


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
            f"dbt threads {profile_setting('DBT_THREADS')}, DuckDB memory_limit {profile_setting('DBT_DUCKDB_MEMORY_LIMIT')}")


def profile_setting(name: str) -> str:
    """The value dbt uses for a profiles.yml setting read with env_var(name, default): the environment's, else
    the profile's own default (read from the file, so the figure printed never drifts from the profile)."""
    if name in os.environ:
        return os.environ[name]
    match = re.search(rf"env_var\(\s*'{re.escape(name)}'\s*,\s*'([^']*)'\s*\)", (PROJECT_ROOT / "profiles.yml").read_text())
    return match.group(1) if match else "unknown"


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


def copy_warehouse(source: Path, destination: Path) -> None:
    """Copy a closed DuckDB warehouse file (and its write-ahead log, if one was left)."""
    shutil.copyfile(source, destination)
    wal, copied_wal = Path(f"{source}.wal"), Path(f"{destination}.wal")
    if wal.exists():
        shutil.copyfile(wal, copied_wal)
    else:
        copied_wal.unlink(missing_ok=True)


def timed_runs(repeats: int, command: list[str], env: dict[str, str], label: str,
               before_each=None) -> tuple[Step, list[float]]:
    """Run the same build `repeats` times (before_each(i) prepares run i): the median step and
    each run's seconds. One wall time of a whole build varies by seconds from run to run on a
    shared machine, more than the daily run's data work itself."""
    steps = []
    for run in range(repeats):
        if before_each is not None:
            before_each(run)
        steps.append(timed(command, env, f"{label} ({run + 1} of {repeats})" if repeats > 1 else label))
    return median_step(steps), [step.seconds for step in steps]


def benchmark(size_name: str, workdir: Path, max_wait_seconds: int, repeats: int = 1) -> Result:
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

    generate = timed([sys.executable, "-m", "customer_health.demo_data.cli", "--db", str(db_path), "--seed", str(SEED),
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
    # each daily run starts from the same warehouse: a copy taken before the first
    before_daily = workdir / f"{size_name}_before_daily.duckdb"
    copy_warehouse(db_path, before_daily)
    incremental_build, daily_runs = timed_runs(
        repeats, [*dbt, "--vars", f"{{as_of_date: {END_DATE.isoformat()}}}"], env, "incremental build",
        before_each=lambda run: copy_warehouse(before_daily, db_path) if run else None)
    for stale in (before_daily, Path(f"{before_daily}.wal")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(target / "run_results.json", workdir / f"{size_name}_incremental_run_results.json")
    # The same build again with nothing new: the fixed cost of any build (dbt's own work per
    # node, the data tests, the as-of-D marts that read all history, the lookback window).
    repeat_build = timed([*dbt, "--vars", f"{{as_of_date: {END_DATE.isoformat()}}}"], env, "repeat build")
    sync_dry_run = timed([sys.executable, "-m", "customer_health.sync.cli", "salesforce", "--dry-run"], env, "sync dry run")
    empty = time_empty_builds(workdir, size_name, repeats)
    floor_query = timed_in_process(lambda: run_floor_query(db_path, END_DATE), "floor query")

    return Result(size=size_name, measured_at=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                  machine=machine_description(), events=events, accounts=size.accounts, users=users,
                  last_day_events=last_day_events, load_before=round(load_before, 2),
                  load_after=round(os.getloadavg()[0], 2), generate=generate, full_build=full_build,
                  incremental_build=incremental_build, repeat_build=repeat_build, sync_dry_run=sync_dry_run,
                  floor_query=floor_query, empty_build=empty["empty_build"], empty_models=empty["empty_models"],
                  dbt_start=empty["dbt_start"], empty_full_build=empty["empty_full_build"], commit=project_commit(),
                  daily_runs=daily_runs, empty_build_runs=empty["empty_build_runs"],
                  empty_full_build_runs=empty["empty_full_build_runs"])


def project_commit() -> str | None:
    """The commit measured (`-dirty` when the work tree has changes), or None outside git."""
    described = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=10"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True)
    return described.stdout.strip() or None if described.returncode == 0 else None


def time_empty_builds(workdir: Path, size_name: str, repeats: int = 1) -> dict:
    """What any run costs before it reads a row: the full build (--full-refresh, as of the
    day before) and the daily build (incremental, as of the day) over empty source tables
    (starting dbt, every node, every test query), the daily build without the data tests, and
    starting dbt and loading the parsed project alone (`dbt ls`).

    Each build minus the same build over empty tables is its data work: the SQL that reads
    data. The empty full build starts from an unparsed project like the full build does (each
    of its `repeats` runs); the empty daily build from a parsed one like the daily run. Both run
    `repeats` times (the median counts): over empty tables a run leaves nothing that changes
    the next one.
    """
    db_path = workdir / f"{size_name}_empty.duckdb"
    db_path.unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "customer_health.empty_sources", "--db", str(db_path)], cwd=PROJECT_ROOT,
                   check=True, capture_output=True)
    env = dbt_env(db_path)
    empty_target = workdir / f"{size_name}_empty_target"
    common = ["--target-path", str(empty_target), "--log-path", str(workdir / "logs")]
    dbt = [str(BIN / "dbt"), "build", "--selector", DAILY_SELECTOR, *common]
    as_of = ["--vars", f"{{as_of_date: {END_DATE.isoformat()}}}"]
    empty_full_build, empty_full_build_runs = timed_runs(
        repeats, [*dbt, "--full-refresh", "--vars", f"{{as_of_date: {(END_DATE - dt.timedelta(days=1)).isoformat()}}}"],
        env, "empty full build",
        before_each=lambda run: shutil.rmtree(empty_target, ignore_errors=True))  # unparsed, like the full build's
    timed([str(BIN / "dbt"), "parse", *common, *as_of], env, "parse (untimed)")
    empty_build, empty_build_runs = timed_runs(repeats, [*dbt, *as_of], env, "empty build")
    empty_models = timed([*dbt, "--exclude-resource-type", "test", *as_of], env, "empty build, models only")
    dbt_start = timed([str(BIN / "dbt"), "ls", "--resource-type", "model", "--output", "name", *common, *as_of],
                      env, "dbt ls")
    return {"empty_full_build": empty_full_build, "empty_full_build_runs": empty_full_build_runs,
            "empty_build": empty_build, "empty_build_runs": empty_build_runs,
            "empty_models": empty_models, "dbt_start": dbt_start}
