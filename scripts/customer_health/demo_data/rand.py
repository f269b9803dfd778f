"""Seeded random streams, collision-free ids and small allocation helpers."""
from __future__ import annotations

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
# Offsets keeping the counters of different id families apart (ids are a bijection of
# the counter, so distinct counters can never collide).
PLANTED_COUNTER_BASE = 1 << 60
ROW_COUNTER_BASE = 1 << 61


def stream(seed: int, *keys: int) -> np.random.Generator:
    """An independent generator for one stage (and chunk) of the run."""
    return np.random.default_rng(np.random.SeedSequence([seed, *keys]))


def mix64(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a bijection on uint64, so distinct inputs give distinct outputs."""
    z = np.asarray(values, dtype=np.uint64).copy()
    with np.errstate(over="ignore"):
        z ^= z >> np.uint64(30)
        z *= _M1
        z ^= z >> np.uint64(27)
        z *= _M2
        z ^= z >> np.uint64(31)
    return z


def id_high(counters: np.ndarray, seed: int, family: int) -> np.ndarray:
    """High 64 bits of a uuid-like id: unique per (family, counter), seed-dependent."""
    salt = mix64(np.array([seed * 1_000_003 + family], dtype=np.uint64))[0]
    return mix64(np.asarray(counters, dtype=np.uint64) ^ salt)


def random_u64(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.integers(0, np.iinfo(np.uint64).max, size=size, dtype=np.uint64, endpoint=True)


def uuid_text(high: int, low: int) -> str:
    """Python-side twin of the SQL formatting (8-4-4-4-12 lower-case hex)."""
    h = f"{(int(high) << 64) | int(low):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer total in proportion to weights (largest remainder, deterministic)."""
    weights = np.asarray(weights, dtype=np.float64)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(np.int64)
    remainder = total - int(counts.sum())
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:remainder]] += 1
    return counts


def shuffled_labels(rng: np.random.Generator, total: int, shares: tuple[float, ...]) -> np.ndarray:
    """Exactly `allocate(total, shares)` of each label, in random order."""
    counts = allocate(total, np.array(shares))
    labels = np.repeat(np.arange(len(shares)), counts)
    return rng.permutation(labels)
