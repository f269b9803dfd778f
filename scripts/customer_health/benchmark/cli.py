"""Time the project at a named data size and write docs/benchmarks.md (`make benchmark SIZE=medium`).

    health-benchmark --size medium
    health-benchmark --size small --size large --workdir /data/bench
    health-benchmark --size medium --double-history   # also medium-2y: two years, same daily volume

Not part of `make test`. Results of sizes not run this time are kept in the document.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from customer_health.benchmark import measure, report
from customer_health.benchmark.results import DOUBLED, SIZES, one_year_size
from customer_health.paths import PROJECT_ROOT

log = logging.getLogger("benchmark")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time the project at a named data size and write docs/benchmarks.md.")
    parser.add_argument("--size", action="append", choices=list(SIZES),
                        help="size to run (repeatable; default medium)")
    parser.add_argument("--workdir", type=Path, default=PROJECT_ROOT / "target" / "benchmark",
                        help="where the benchmark databases go (default target/benchmark; large needs ~15 GB, "
                             "large-2y and xlarge about twice that)")
    parser.add_argument("--double-history", action="store_true",
                        help="also run each size with two years of history at the same daily volume (<size>-2y: "
                             "twice the days and events) and report the growth of the daily run's data work")
    parser.add_argument("--no-doc", action="store_true", help="print the table but leave docs/benchmarks.md alone")
    parser.add_argument("--max-wait", type=int, default=600,
                        help="seconds to wait for a quiet machine before each size (default 600)")
    parser.add_argument("--repeats", type=int, default=3, choices=range(1, 10), metavar="N",
                        help="run the daily build (each time from the same copy of the warehouse) and the builds "
                             "over empty tables N times and report the median (default 3; 1 to 9)")
    return parser.parse_args(argv)


def sizes_to_run(sizes: list[str], double_history: bool) -> list[str]:
    """The sizes in the order given, each followed by its two-year size with --double-history."""
    if not double_history:
        return list(dict.fromkeys(sizes))
    missing = [s for s in sizes if one_year_size(s) is None and s + DOUBLED not in SIZES]
    if missing:
        raise ValueError(f"--double-history has no two-year size for {', '.join(missing)}; "
                         f"use it with {', '.join(s for s in SIZES if s + DOUBLED in SIZES)}.")
    expanded = [name for s in sizes for name in ((s,) if one_year_size(s) else (s, s + DOUBLED))]
    return list(dict.fromkeys(expanded))


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = parse_args(argv)
    try:
        sizes = sizes_to_run(args.size or ["medium"], args.double_history)
    except ValueError as error:
        log.error("%s", error)
        return 2
    results = {}
    for size_name in sizes:
        try:
            results[size_name] = measure.benchmark(size_name, args.workdir, args.max_wait, args.repeats)
        except RuntimeError as error:
            log.error("%s: %s", size_name, error)
            return 1
    kept = {name: report.result_from_dict(data) for name, data in report.load_previous().items() if name not in results}
    measured = [results[s] for s in sizes]
    # a two-year size is compared with its one-year size, measured now or kept in the document
    compared = measured + [kept[name] for s in sizes if (name := one_year_size(s)) and name not in results
                           and name in kept]
    print(report.table(measured))
    print()
    print(report.data_work_table(sorted(compared, key=lambda r: list(SIZES).index(r.size))))
    print()
    print(report.targets(compared))
    if not args.no_doc:
        report.write_document(list({**kept, **results}.values()))
        print(f"\nWrote {report.DOC.relative_to(PROJECT_ROOT)} ({', '.join(sorted({**kept, **results}))}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
