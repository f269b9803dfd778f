"""The plain-text backtest report: a few aligned tables and the sentences that read them."""
from __future__ import annotations

import math
from typing import Any, Sequence

from customer_health.backtest.ranking import Interval
from customer_health.backtest.tables import SCORER_LABELS, SCORER_PHRASES, SCORER_SHORT_LABELS, Backtest, fmt_date

BAND_LABELS = {"red": "red", "yellow_or_red": "yellow or red", "yellow": "yellow", "green": "green",
               "no_score": "no score"}


def label(scorer: str) -> str:
    return SCORER_LABELS.get(scorer, scorer)


def num(value: Any, digits: int = 1, suffix: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{float(value):,.{digits}f}{suffix}"


def count(value: Any) -> str:
    return "n/a" if value is None else f"{int(value):,}"


def interval(value: Interval | None, signed: bool = False) -> str:
    if value is None or math.isnan(value.low):
        return "n/a"
    sign = "+" if signed else ""
    return f"{value.low:{sign}.3f} to {value.high:{sign}.3f}"


def table(headers: Sequence[str], body: Sequence[Sequence[str]], left_columns: int = 1) -> str:
    """Columns padded to width; the first left_columns left-aligned, the rest right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *body)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(cell).ljust(width) if index < left_columns else str(cell).rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths))
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(cells) for cells in body)])


def headline(backtest: Backtest) -> str:
    c = backtest.context
    churn_rate = 100.0 * c["count_churn_days"] / c["count_labelled_days"] if c["count_labelled_days"] else float("nan")
    return (
        f"Backtest of the health score as of {fmt_date(c['as_of_date'])}: {count(c['count_labelled_days'])} "
        f"account-days of {count(c['count_accounts'])} accounts, {fmt_date(c['first_labelled_date'])} to "
        f"{fmt_date(c['last_labelled_date'])}, each labelled by whether the account churned within the next "
        f"{c['horizon_days']} days. {count(c['count_churn_days'])} of them were ({num(churn_rate)} %), "
        f"from {count(c['count_churners'])} accounts that churned."
    )


def verdict(backtest: Backtest, differences: dict[str, Interval] | None = None) -> list[str]:
    """One sentence per baseline: how much better (or worse) the health score ranks risk."""
    health = backtest.summary_of("health_score")
    sentences = []
    for row in backtest.summary:
        if row["scorer"] == "health_score" or health is None:
            continue
        gap = health["auc"] - row["auc"]
        word = "better" if gap > 0 else "worse"
        phrase = SCORER_PHRASES.get(row["scorer"], label(row["scorer"]))
        sentence = (f"Against {phrase}: AUC {health['auc']:.3f} vs {row['auc']:.3f}, "
                    f"{abs(gap):.3f} {word}")
        ci = (differences or {}).get(row["scorer"])
        if ci is not None and not math.isnan(ci.low):
            sure = "clearly" if ci.low > 0 or ci.high < 0 else "not clearly"
            sentence += f" (95 % interval of the gap {interval(ci, signed=True)}: {sure} {word} beyond chance)"
        sentences.append(sentence + ".")
    return sentences


Grid = tuple[list[str], list[list[str]], int]  # headers, body, how many left-aligned columns


def auc_grid(backtest: Backtest, intervals: dict[str, Interval] | None = None) -> Grid:
    body = [
        [label(row["scorer"]), num(row["auc"], 3), interval((intervals or {}).get(row["scorer"])),
         num(row["pct_days_scored"], 1, " %"), num(row["auc_scored_only"], 3)]
        for row in backtest.summary
    ]
    return ["scorer", "AUC", "95 % interval", "days scored", "AUC on scored days"], body, 1


def bands_grid(backtest: Backtest) -> Grid:
    body = [
        [label(row["scorer"]), BAND_LABELS.get(row["band"], row["band"]), count(row["count_account_days"]),
         num(row["pct_account_days"], 1, " %"), count(row["count_accounts"]), count(row["count_churn_days"]),
         count(row["count_churners"]), num(row["pct_precision"], 1, " %"), num(row["pct_recall"], 1, " %"),
         num(row["pct_churners_caught"], 1, " %")]
        for row in backtest.bands
    ]
    return (["scorer", "band", "days", "of days", "accounts", "churn days", "churners",
             "precision", "recall", "churners in band"], body, 2)


def cutoffs_lines(backtest: Backtest) -> list[str]:
    lines = []
    for row in backtest.cutoffs:
        lines.append(f"{label(row['scorer'])}: red at or below {num(row['red_max_score'], 0)}, "
                     f"yellow at or below {num(row['yellow_max_score'], 0)}.")
    return lines


def lead_time_grid(backtest: Backtest) -> Grid:
    body = []
    for row in backtest.summary:
        observed = row["count_churners_observed"]
        body.append([
            label(row["scorer"]), count(observed),
            f"{count(row['count_warned_red'])} of {count(observed)}", num(row["median_lead_days_red"], 0, " d"),
            num(row["pct_warned_red_in_time"], 1, " %"),
            f"{count(row['count_warned_yellow_or_red'])} of {count(observed)}",
            num(row["median_lead_days_yellow_or_red"], 0, " d"), num(row["pct_warned_yellow_or_red_in_time"], 1, " %"),
        ])
    lead = backtest.context["warning_lead_days"]
    return (["scorer", "churners", "ever red", "median lead", f">= {lead} d ahead",
             "ever yellow/red", "median lead", f">= {lead} d ahead"], body, 1)


def stages_note(backtest: Backtest) -> str | None:
    """A sentence when the per-stage table does not split the summary's churners (built by another run)."""
    totals: dict[str, int] = {}
    for row in backtest.lead_times_by_scorecard:
        totals[row["scorer"]] = totals.get(row["scorer"], 0) + int(row["count_churners_observed"])
    stale = [row["scorer"] for row in backtest.summary
             if totals.get(row["scorer"], 0) != int(row["count_churners_observed"] or 0)]
    if not stale:
        return None
    return ("The per-stage table does not add up to the churners above: it was built by another run; rebuild all "
            "backtest models together (dbt build --select +path:models/backtest).")


def lead_time_by_scorecard_grid(backtest: Backtest) -> Grid:
    """Lead times per lifecycle stage at churn (the scorecard of the churner's last day)."""
    body = []
    for row in backtest.lead_times_by_scorecard:
        observed = row["count_churners_observed"]
        body.append([
            label(row["scorer"]), str(row["scorecard_at_churn"]), count(observed),
            f"{count(row['count_warned_red'])} of {count(observed)}", num(row["median_lead_days_red"], 0, " d"),
            num(row["pct_warned_red_in_time"], 1, " %"),
            f"{count(row['count_warned_yellow_or_red'])} of {count(observed)}",
            num(row["median_lead_days_yellow_or_red"], 0, " d"), num(row["pct_warned_yellow_or_red_in_time"], 1, " %"),
        ])
    lead = backtest.context["warning_lead_days"]
    return (["scorer", "stage at churn", "churners", "ever red", "median lead", f">= {lead} d ahead",
             "ever yellow/red", "median lead", f">= {lead} d ahead"], body, 2)


def false_alarm_grid(backtest: Backtest) -> Grid:
    body = [
        [label(row["scorer"]), count(row["count_never_churned_accounts"]),
         num(row["pct_never_churned_days_red"], 1, " %"), num(row["pct_never_churned_accounts_ever_red"], 1, " %")]
        for row in backtest.summary
    ]
    return ["scorer", "never-churned accounts", "their days red", "ever red"], body, 1


def lift_grid(backtest: Backtest) -> Grid:
    scorers = [row["scorer"] for row in backtest.summary]
    by_key = {(row["scorer"], row["decile"]): row for row in backtest.lift}
    deciles = sorted({row["decile"] for row in backtest.lift}, key=lambda d: (d is None, d))
    body = []
    for decile in deciles:
        cells = ["no score" if decile is None else str(decile)]
        for scorer in scorers:
            row = by_key.get((scorer, decile))
            cells += (["", ""] if row is None
                      else [num(row["pct_churn_rate"], 1, " %"), num(row["lift"], 2, "x")])
        body.append(cells)
    headers = ["decile"]
    for scorer in scorers:
        headers += [f"{SCORER_SHORT_LABELS.get(scorer, scorer)}: churn", "lift"]
    return headers, body, 1


def text_table(grid: Grid) -> str:
    headers, body, left_columns = grid
    return table(headers, body, left_columns)


def render(backtest: Backtest, intervals: dict[str, Interval] | None = None,
           differences: dict[str, Interval] | None = None) -> str:
    c = backtest.context
    parts = [
        headline(backtest),
        "",
        "1. Does the score rank risk? AUC: the chance that a day followed by churn scores lower than one that was",
        "   not (0.5 is a coin flip, 1.0 perfect).",
        "",
        text_table(auc_grid(backtest, intervals)),
        "",
        *verdict(backtest, differences),
        "",
        "2. What the bands catch, per labelled account-day: precision = churn rate in the band; recall = share of",
        "   all churn days that fell in it. Baselines are cut to raise as many red (and yellow) days as the score:",
        *("   " + line for line in cutoffs_lines(backtest)),
        "",
        text_table(bands_grid(backtest)),
        "",
        f"3. How early it warned: churned accounts whose whole {c['horizon_days']}-day window before churn is in the "
        "history; lead time = churn date minus the first red (yellow-or-red) day in that window.",
        "",
        text_table(lead_time_grid(backtest)),
        "",
        "   The same per lifecycle stage at churn (the scorecard that scored the churner's last day):",
        "",
        text_table(lead_time_by_scorecard_grid(backtest)) if backtest.lead_times_by_scorecard
        else "   (no health_backtest_lead_times_by_scorecard: rebuild the backtest models)",
        *(["", "   " + note] if (note := stages_note(backtest)) else []),
        "",
        "4. False alarms among accounts that never churned:",
        "",
        text_table(false_alarm_grid(backtest)),
        "",
        "5. Churn rate by score decile (1 = the lowest tenth of scores); lift = decile churn rate / overall rate:",
        "",
        text_table(lift_grid(backtest)),
    ]
    return "\n".join(parts)

