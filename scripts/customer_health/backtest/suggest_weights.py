"""Suggest health score weights: the best AUC on the first 70 % of history, checked on the rest.

Reads the per-component scores (score_<component>) of account_health_daily and the
backtest's churn labels from the warehouse, searches weight vectors over the components of
seeds/health_score_weights.csv, and prints a proposed weights file with the AUC it reaches
on the days it was tuned on and on the later days it never saw. It never writes over
your seed: the proposal goes to stdout and to a separate file.

`suggest_weights.py calibrate` (make calibrate) goes further: weights per scorecard and the
band cut-offs, fitted to a false-alarm budget (customer_health/backtest/calibrate_cli.py).
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import numpy as np

from customer_health.cli import add_warehouse_arguments
from customer_health.backtest import tables as warehouse, weights
from customer_health.warehouse import query_errors, where
from customer_health.paths import PROJECT_ROOT

LOG = logging.getLogger("suggest_weights")
DEFAULT_OUTPUT = PROJECT_ROOT / "target" / "backtest" / "health_score_weights.proposed.csv"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_warehouse_arguments(parser)
    weights.add_search_arguments(parser)
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT),
                        help="where to write the proposal (default target/backtest/health_score_weights.proposed.csv); "
                             "never the weights seed itself")
    parser.add_argument("--quiet", action="store_true", help="print only the proposal and the closing summary")
    return parser.parse_args(argv)


def same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def describe(seed: list[weights.SeedRow], current: np.ndarray, proposed: np.ndarray) -> str:
    width = max(len(row.component) for row in seed)
    lines = [f"{'component'.ljust(width)}  current  proposed  change", f"{'-' * width}  -------  --------  ------"]
    for row, old, new in zip(seed, current, proposed):
        change = "" if old == new else f"{(new - old) / weights.UNITS:+.2f}"
        lines.append(f"{row.component.ljust(width)}  {old / weights.UNITS:7.2f}  {new / weights.UNITS:8.2f}  {change:>6}")
    return "\n".join(lines)


def verdict(current_check: float, proposed_check: float, current_tune: float, proposed_tune: float) -> str:
    gain = proposed_check - current_check
    if proposed_tune <= current_tune + 1e-9:
        return "No move of the weights raises the tuning AUC: keep your weights."
    if gain >= 0.01:
        return (f"The proposal also wins on the later days it never saw (+{gain:.3f} AUC): worth trying, "
                "then rerun the backtest.")
    if gain > 0:
        return (f"The proposal gains little on the later days (+{gain:.3f} AUC): within noise; "
                "keep your weights unless you have another reason.")
    return (f"The proposal does worse on the later days ({gain:+.3f} AUC): it fits the tuning days, not churn. "
            "Keep your weights.")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["calibrate"]:
        # make calibrate: weights per scorecard and band cut-offs to a false-alarm budget
        from customer_health.backtest import calibrate_cli
        return calibrate_cli.main(argv[1:])
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(levelname)s %(message)s")
    started = time.monotonic()
    seed_path, output_path = Path(args.weights), Path(args.output)
    if output_path.exists() and (same_file(output_path, seed_path) or same_file(output_path, weights.DEFAULT_SEED)):
        LOG.error("Refusing to write the proposal over the weights seed %s: pass another --output.", output_path)
        return 2
    problem = weights.search_argument_error(args)
    if problem:
        LOG.error("%s", problem)
        return 2
    try:
        seed = weights.read_seed(seed_path)
    except (OSError, ValueError) as error:
        LOG.error("Could not read the weights seed %s: %s", seed_path, getattr(error, "strerror", None) or error)
        return 1
    try:
        with warehouse.connect(args.db, args.warehouse_dsn) as con:
            days = weights.load_days(con, seed)
    except warehouse.BacktestMissing as error:
        LOG.error("%s", error)
        return 1
    except query_errors() as error:
        LOG.error("Could not read %s: %s", where(args.db, args.warehouse_dsn),
                  str(error).splitlines()[0])
        return 1

    current = weights.to_units([row.weight for row in seed])
    matched = weights.reconstruction_share(days, current / weights.UNITS)
    if matched < 0.95:
        LOG.warning("Only %.1f %% of days rebuild to within 1 point of health_score with the seed's weights: the "
                    "warehouse was built with other weights or the model changed; rebuild before trusting this.",
                    100 * matched)
    tuning, check, cut = weights.split_by_date(days, args.tuning_share)
    LOG.info("Tuning on %d labelled account-days before %s (%d followed by churn), checking on %d from %s on (%d).",
             len(tuning.labels), cut, int(tuning.labels.sum()), len(check.labels), cut, int(check.labels.sum()))
    if tuning.labels.all() or not tuning.labels.any():
        LOG.error("The tuning days have no churn (or nothing else): nothing to tune on; use a longer history.")
        return 1

    tuning_scorer, check_scorer = weights.Scorer(tuning), weights.Scorer(check)
    low, high = weights.bounds(current, round(args.max_change * weights.UNITS), round(args.min_weight * weights.UNITS))
    result = weights.search(tuning_scorer, current, low, high, max_rounds=args.max_rounds)
    current_tune, current_check = tuning_scorer.auc(current / weights.UNITS), check_scorer.auc(current / weights.UNITS)
    proposed_check = check_scorer.auc(result.units / weights.UNITS)
    others = [row for row in weights.read_seed(seed_path, scorecard=None) if row.scorecard != weights.SEARCHED_SCORECARD]
    csv_text = weights.proposed_csv(seed, result.units, others)

    if not args.quiet:
        print(f"Weight search over {len(seed)} components of {seed_path.name} (each within {args.max_change:.2f} of "
              f"its weight, at least {args.min_weight:.2f}): {result.evaluations} weight vectors in {result.rounds} "
              f"rounds. The seed's weights rebuild health_score within 1 point on {100 * matched:.1f} % of days.")
        print()
        print(describe(seed, current, result.units))
        print()
        print(f"AUC            tuning (before {cut})  check (from {cut})")
        print(f"your weights   {current_tune:22.3f}  {current_check:17.3f}")
        print(f"proposed       {result.tuning_auc:22.3f}  {proposed_check:17.3f}")
        print()
        print(verdict(current_check, proposed_check, current_tune, result.tuning_auc))
        print("Days of one account are alike, and tuning days near the cut see churn from the check period; read small")
        print("gains as noise.")
        print()
        print(f"Proposed {seed_path.name} (your file is unchanged):")
    print(csv_text, end="")
    try:
        output_path.parent.mkdir(parents=True, exist_ok=True)
        output_path.write_text(csv_text, encoding="utf-8")
    except OSError as error:
        LOG.error("Could not write the proposal to %s: %s", output_path, error.strerror or error)
        return 1
    print(f"Weights: check AUC {current_check:.3f} with yours, {proposed_check:.3f} proposed; "
          f"proposal saved to {output_path} in {time.monotonic() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
