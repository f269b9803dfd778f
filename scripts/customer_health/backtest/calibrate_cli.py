"""`suggest_weights.py calibrate` (make calibrate): weights per scorecard and band cut-offs fitted on
the first 70 % of your history to a false-alarm budget, checked on the last 30 %.

Reads what the warehouse stores (no dbt rebuild): account_health_daily's component scores and
the backtest's labels. Writes a proposed weights seed and the proposed band vars next to it,
never over your seed. See customer_health/backtest/calibration.py for the method.
"""
from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import numpy as np

from customer_health.cli import add_warehouse_arguments
from customer_health.paths import PROJECT_ROOT
from customer_health.backtest import calibration, weights
from customer_health.backtest import tables as warehouse
from customer_health.backtest.calibration import Bands, Measures
from customer_health.warehouse import query_errors, where

LOG = logging.getLogger("calibrate")
DEFAULT_OUTPUT_DIR = PROJECT_ROOT / "target" / "calibration"
SEED_NAME = "health_score_weights.proposed.csv"
VARS_NAME = "band_vars.proposed.yml"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="health-suggest-weights calibrate", description=__doc__.splitlines()[0])
    add_warehouse_arguments(parser)
    weights.add_search_arguments(parser)
    parser.add_argument("--project", default=str(PROJECT_ROOT / "dbt_project.yml"),
                        help="dbt_project.yml whose band vars the warehouse was built with (default: this project's)")
    parser.add_argument("--output-dir", default=str(DEFAULT_OUTPUT_DIR),
                        help=f"where to write {SEED_NAME} and {VARS_NAME} (default target/calibration); "
                             "never the seeds folder")
    parser.add_argument("--max-yellow-or-red-pct", type=float, default=10.0,
                        help="false-alarm budget: at most this share of never-churned account-days yellow or red "
                             "(percent, default 10)")
    parser.add_argument("--max-red-pct", type=float, default=2.0,
                        help="false-alarm budget: at most this share of never-churned account-days red "
                             "(percent, default 2)")
    parser.add_argument("--min-churners", type=int, default=10,
                        help="churned accounts needed on each side of the cut to calibrate at all, and on a "
                             "scorecard's fitting days to refit its weights (default 10)")
    parser.add_argument("--lead-days", type=int, default=None,
                        help="a churner counts as warned when yellow or red at least this many days before churning "
                             "(default: the project's backtest_warning_lead_days, 28)")
    parser.add_argument("--horizon-days", type=int, default=None,
                        help="how far before churn a warning counts (default: the project's backtest_horizon_days, 90)")
    parser.add_argument("--quiet", action="store_true", help="print only the closing summary")
    return parser.parse_args(argv)


def argument_error(args: argparse.Namespace) -> str | None:
    """One sentence naming a bad argument and the fix, or None."""
    if not 0 <= args.max_yellow_or_red_pct <= 100 or not 0 <= args.max_red_pct <= 100:
        return "--max-yellow-or-red-pct and --max-red-pct are percentages: give numbers from 0 to 100."
    if args.max_red_pct > args.max_yellow_or_red_pct:
        return (f"--max-red-pct {args.max_red_pct} exceeds --max-yellow-or-red-pct {args.max_yellow_or_red_pct}: "
                "red days are also yellow-or-red days, so give a red budget no larger.")
    search_problem = weights.search_argument_error(args)
    if search_problem:
        return search_problem
    if args.min_churners < 1:
        return f"--min-churners must be 1 or more, got {args.min_churners}."
    output_dir = Path(args.output_dir).resolve()
    for protected in (Path(args.weights).resolve().parent, (PROJECT_ROOT / "seeds").resolve()):
        if output_dir == protected:
            return (f"Refusing to write the proposal into {output_dir}, where your seeds live (dbt would load it and "
                    "the seed could be overwritten): pass another --output-dir.")
    return None


def pct_text(value: float, digits: int = 1) -> str:
    return "n/a" if np.isnan(value) else f"{value:.{digits}f} %"


def row(label: str, before: str, after: str) -> str:
    return f"{label:<42}{before:>16}{after:>16}"


def measures_table(title: str, before: Measures, after: Measures, lead_days: int) -> str:
    def warned(m: Measures) -> str:
        return f"{m.count_warned} of {m.count_churners} ({m.pct_warned:.0f} %)" if m.count_churners else "no churner"

    return "\n".join([
        row(title, "yours", "proposed"),
        row("AUC (labelled days)", "n/a" if np.isnan(before.auc) else f"{before.auc:.3f}",
            "n/a" if np.isnan(after.auc) else f"{after.auc:.3f}"),
        row(f"churners yellow/red >= {lead_days} d ahead", warned(before), warned(after)),
        row("never-churned days yellow or red (known)", pct_text(before.pct_fine_yellow_or_red),
            pct_text(after.pct_fine_yellow_or_red)),
        row("never-churned days red (known)", pct_text(before.pct_fine_red), pct_text(after.pct_fine_red)),
    ])


def weights_table(seed: list[weights.SeedRow], components: list[str], current: dict[str, np.ndarray],
                  proposed: dict[str, np.ndarray]) -> str:
    width = max(len(r.component) for r in seed)
    lines = [f"{'scorecard':<12}{'component'.ljust(width)}  current  proposed"]
    for r in seed:
        index = components.index(r.component)
        old, new = current[r.scorecard][index], proposed[r.scorecard][index]
        change = "" if abs(new - old) < 1e-9 else f"  {new - old:+.2f}"
        lines.append(f"{r.scorecard:<12}{r.component.ljust(width)}  {old:7.2f}  {new:8.2f}{change}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(levelname)s %(message)s")
    started = time.monotonic()
    problem = argument_error(args)
    if problem:
        LOG.error("%s", problem)
        return 2
    try:
        seed = weights.read_seed(Path(args.weights), scorecard=None)
        current_bands = calibration.band_settings(Path(args.project))
        project_vars = calibration.project_vars(Path(args.project))
        args.lead_days = args.lead_days or int(project_vars.get("backtest_warning_lead_days", 28))
        args.horizon_days = args.horizon_days or int(project_vars.get("backtest_horizon_days", 90))
    except (OSError, ValueError) as error:
        LOG.error("Could not read the configuration: %s", getattr(error, "strerror", None) or error)
        return 1
    try:
        with warehouse.connect(args.db, args.warehouse_dsn) as con:
            history = calibration.load_history(con, seed)
    except warehouse.BacktestMissing as error:
        LOG.error("%s", error)
        return 1
    except query_errors() as error:
        LOG.error("Could not read %s: %s", where(args.db, args.warehouse_dsn), str(error).splitlines()[0])
        return 1

    try:
        cut = calibration.cut_date(history, args.tuning_share)
        calibration.check_enough_churners(history, cut, args.min_churners)
    except (warehouse.BacktestMissing, calibration.TooFewChurners) as error:
        LOG.error("%s", error)
        return 1

    group_start = history.group_start
    current = calibration.weight_table(seed, history.components)
    current_scores = calibration.rebuild_scores(history, current)
    current_band = calibration.assign_bands(current_scores, group_start, current_bands)
    score_match = float(np.mean(np.abs(current_scores - history.health_score) <= 1))
    band_names = np.array(["green", "yellow", "red"], dtype=object)
    band_match = float(np.mean(band_names[current_band] == history.health_band))
    if score_match < 0.95 or band_match < 0.95:
        LOG.warning("Your weights and band vars rebuild only %.1f %% of the stored scores (within 1 point) and "
                    "%.1f %% of the bands: the warehouse was built with other settings; rebuild before trusting this.",
                    100 * score_match, 100 * band_match)

    tuning, held_out = history.dates < cut, history.dates >= cut
    fitted, notes = calibration.fit_weights(history, current, tuning, args.min_churners, args.max_change,
                                            args.min_weight, args.max_rounds)
    fitted_scores = calibration.rebuild_scores(history, fitted)
    try:
        # a day's band looks back only, so banding the whole series and counting the fitting days
        # sees nothing of the held-out part
        proposed_bands = calibration.fit_cutoffs(fitted_scores, group_start, tuning & history.never_churned,
                                                 current_bands, args.max_yellow_or_red_pct, args.max_red_pct)
    except ValueError as error:
        LOG.error("%s", error)
        return 1
    fitted_band = calibration.assign_bands(fitted_scores, group_start, proposed_bands)

    first, last = history.dates.min(), history.dates.max()
    day = np.timedelta64(1, "D")
    parts = {"fitting": (tuning, first, cut - day), "held-out": (held_out, cut, last)}
    results = {
        name: (calibration.measure(history, current_scores, current_band, mask, start, end, args.lead_days,
                                   args.horizon_days),
               calibration.measure(history, fitted_scores, fitted_band, mask, start, end, args.lead_days,
                                   args.horizon_days))
        for name, (mask, start, end) in parts.items()
    }

    output_dir = Path(args.output_dir)
    seed_text = calibration.proposed_seed(seed, history.components, fitted)
    vars_text = (f"# make calibrate, {dt_text(first)} to {dt_text(last)}, fitted before {dt_text(cut)}: pass with\n"
                 f"#   dbt build --vars '{calibration.vars_snippet(proposed_bands)}'\n"
                 f"band_green_min_score: {proposed_bands.green_min}\nband_red_below_score: {proposed_bands.red_below}\n")
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        (output_dir / SEED_NAME).write_text(seed_text, encoding="utf-8")
        (output_dir / VARS_NAME).write_text(vars_text, encoding="utf-8")
    except OSError as error:
        LOG.error("Could not write the proposal to %s: %s", output_dir, error.strerror or error)
        return 1

    held_before, held_after = results["held-out"]
    if not args.quiet:
        print(f"Calibration on {len(history.dates):,} account-days of {len(set(history.accounts.tolist()))} accounts, "
              f"{dt_text(first)} to {dt_text(last)}: fitted on the days before {dt_text(cut)}, held out from it on.")
        print(f"Your weights and band vars rebuild {100 * score_match:.1f} % of the stored scores (within 1 point) "
              f"and {100 * band_match:.1f} % of the bands.")
        print()
        print("Weights (constrained search per scorecard, tuning AUC):")
        for note in notes:
            print(f"  {note}")
        print()
        print(weights_table(seed, history.components, current, fitted))
        print()
        print(f"Band cut-offs, fitted to at most {args.max_yellow_or_red_pct:g} % of never-churned account-days yellow "
              f"or red and {args.max_red_pct:g} % red (hysteresis {current_bands.margin} points kept):")
        print(f"  green at or above {current_bands.green_min} -> {proposed_bands.green_min}, "
              f"red below {current_bands.red_below} -> {proposed_bands.red_below}")
        print()
        print(measures_table(f"Fitting part (before {dt_text(cut)})", *results["fitting"], args.lead_days))
        print()
        print(measures_table(f"Held-out part ({dt_text(cut)} to {dt_text(last)})", held_before, held_after,
                             args.lead_days))
        print()
        print("The held-out part is the one to believe: the fitting part was used to choose the proposal. Days near")
        print("the cut share churners with the fitting part, and a few churners make the warned share jumpy.")
        print(f"False alarms count the days of never-churned accounts whose {args.horizon_days}-day outcome is known "
              "(an account quiet in the last days may yet churn).")
        print()
        print(f"Proposed seed ({output_dir / SEED_NAME}; {args.weights} is unchanged):")
        print(seed_text, end="")
        print(f"Proposed band vars ({output_dir / VARS_NAME}): --vars '{calibration.vars_snippet(proposed_bands)}'")
    print(f"Calibration: held-out AUC {held_before.auc:.3f} -> {held_after.auc:.3f}, churners warned "
          f"{args.lead_days} d ahead {pct_text(held_before.pct_warned, 0)} -> {pct_text(held_after.pct_warned, 0)}, "
          f"never-churned days yellow or red {pct_text(held_before.pct_fine_yellow_or_red)} -> "
          f"{pct_text(held_after.pct_fine_yellow_or_red)}; proposal in {output_dir} "
          f"({time.monotonic() - started:.1f} s).")
    return 0


def dt_text(value: np.datetime64) -> str:
    return str(value.astype("datetime64[D]"))
