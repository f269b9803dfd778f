"""AUC of a risk score against churn labels, the way models/backtest computes it.

Lower scores mean higher risk. AUC is the chance that a day followed by churn scores
lower than one that was not, ties counting one half (Mann-Whitney with average ranks).
A day without a score (NaN) says nothing: its pairs count as coin flips. Optional
weights (how many times each day is drawn) serve the account bootstrap.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def auc(scores: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None) -> float:
    """AUC with ties as one half and unscored (NaN) days as coin flips; NaN without both classes."""
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels, dtype=bool)
    weights = np.ones(len(scores)) if weights is None else np.asarray(weights, dtype=float)
    scored = ~np.isnan(scores)
    positive_total = weights[labels].sum()
    negative_total = weights[~labels].sum()
    if positive_total == 0 or negative_total == 0:
        return float("nan")
    values, codes = np.unique(scores[scored], return_inverse=True)
    w = weights[scored]
    y = labels[scored]
    positives = np.bincount(codes, weights=w * y, minlength=len(values))
    negatives = np.bincount(codes, weights=w * ~y, minlength=len(values))
    positives_below = np.cumsum(positives) - positives
    # each negative day wins against every positive day scoring lower, half against ties
    u_value = float(np.sum(negatives * (positives_below + 0.5 * positives)))
    scored_pairs = positives.sum() * negatives.sum()
    all_pairs = positive_total * negative_total
    return (u_value + 0.5 * (all_pairs - scored_pairs)) / all_pairs


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def bootstrap_auc(
    scores_by_scorer: dict[str, np.ndarray],
    labels: np.ndarray,
    accounts: np.ndarray,
    resamples: int,
    seed: int = 7,
    reference: str = "health_score",
) -> tuple[dict[str, Interval], dict[str, Interval]]:
    """95 % intervals for each scorer's AUC and for reference minus each other scorer.

    Days of one account are not independent, so whole accounts are resampled (with
    replacement); every scorer sees the same resample, which makes the differences paired.
    """
    _, account_codes = np.unique(accounts, return_inverse=True)
    account_count = int(account_codes.max()) + 1 if len(account_codes) else 0
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {name: [] for name in scores_by_scorer}
    for _ in range(resamples):
        picked = np.bincount(rng.integers(0, account_count, account_count), minlength=account_count)
        day_weights = picked[account_codes].astype(float)
        for name, scores in scores_by_scorer.items():
            draws[name].append(auc(scores, labels, day_weights))
    intervals = {name: _interval(values) for name, values in draws.items()}
    differences = {
        name: _interval(np.array(draws[reference]) - np.array(values))
        for name, values in draws.items()
        if name != reference and reference in draws
    }
    return intervals, differences


def _interval(values: list[float] | np.ndarray) -> Interval:
    array = np.asarray(values, dtype=float)
    array = array[~np.isnan(array)]
    if len(array) == 0:
        return Interval(float("nan"), float("nan"))
    low, high = np.percentile(array, [2.5, 97.5])
    return Interval(float(low), float(high))
