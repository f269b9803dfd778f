"""Time the project at a named data size and write docs/benchmarks.md (`make benchmark SIZE=medium`).

    health-benchmark --size medium
    health-benchmark --size small --size large --workdir /data/bench

Not part of `make test`. Results of sizes not run this time are kept in the document.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from customer_health.benchmark import measure, report
from customer_health.benchmark.results import SIZES
from customer_health.paths import PROJECT_ROOT

log = logging.getLogger("benchmark")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time the project at a named data size and write docs/benchmarks.md.")
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
            results[size_name] = measure.benchmark(size_name, args.workdir, args.max_wait)
        except RuntimeError as error:
            log.error("%s: %s", size_name, error)
            return 1
    print(report.table([results[s] for s in sizes]))
    if not args.no_doc:
        kept = {name: report.result_from_dict(data) for name, data in report.load_previous().items() if name not in results}
        report.write_document(list({**kept, **results}.values()))
        print(f"\nWrote {report.DOC.relative_to(PROJECT_ROOT)} ({', '.join(sorted({**kept, **results}))}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
