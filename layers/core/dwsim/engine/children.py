"""Children per parent with exact totals: each parent row gets a count drawn from a small
distribution (uniform min..max, Poisson, Zipf capped at max), the counts are nudged by one
until they add up to the child table's rows, and child row r belongs to the parent whose
block of rows holds r. The block offsets are a pure function of (seed, table, foreign key),
so any batch can compute any row's parent and its position within the parent (1..k)."""

from __future__ import annotations

import functools
import math

import numpy as np

from dwsim.engine.hashing import U64, stream, unit


def _pmf(distribution: str, lo: int, hi: int, mean: float, skew: float) -> np.ndarray:
    k = np.arange(lo, hi + 1, dtype=np.float64)
    if distribution == "poisson":
        lam = max(mean, 1e-9)
        logp = k * math.log(lam) - np.array([math.lgamma(x + 1) for x in k])
        weights = np.exp(logp - logp.max())
    elif distribution == "zipf":
        weights = (k - lo + 1) ** -skew
    else:
        weights = np.ones_like(k)
    return weights / weights.sum()


@functools.lru_cache(maxsize=16)
def offsets(key: int, parents: int, children: int, distribution: str, lo: int, hi: int,
            skew: float) -> np.ndarray:
    """Cumulative child counts, length parents + 1: parent p owns rows [o[p], o[p + 1])."""
    if parents <= 0:
        return np.zeros(1, dtype=np.int64)
    cdf = np.cumsum(_pmf(distribution, lo, hi, children / parents, skew))
    ids = np.arange(parents, dtype=U64)
    counts = lo + np.searchsorted(cdf, unit(stream(U64(key), ids)), side="right").astype(np.int64)
    counts = np.minimum(counts, hi)
    _nudge(counts, children, lo, hi, stream(U64(key) ^ U64(0xA5A5A5A5), ids))
    out = np.zeros(parents + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def _nudge(counts: np.ndarray, total: int, lo: int, hi: int, order_bits: np.ndarray) -> None:
    """Add or remove one child at a time, in a keyed order of parents, within lo..hi when it
    can; beyond (more children than parents × max) the bounds give way evenly."""
    order = np.argsort(order_bits, kind="stable")
    while (delta := total - int(counts.sum())) != 0:
        step = 1 if delta > 0 else -1
        room = counts[order] < hi if step > 0 else counts[order] > lo
        candidates = order[room]
        if len(candidates) == 0:  # outside what the bounds allow: spread the rest evenly
            candidates = order if step > 0 else order[counts[order] > 0]
        chosen = candidates[:abs(delta)]
        counts[chosen] += step


def locate(offsets_: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each child row's parent index and its position among that parent's children (0-based)."""
    rows = rows.astype(np.int64, copy=False)
    parent = np.searchsorted(offsets_, rows, side="right") - 1
    return parent.astype(U64), (rows - offsets_[parent]).astype(U64)
