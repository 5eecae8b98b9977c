"""Children per parent with exact totals, for any number of parents.

Parents are taken in blocks of `block` (65,536 by default). Block j owns the child rows
[S(j), S(j + 1)) with S(j) = floor(children · j·block / parents): an exact apportionment, so
the totals add up to the child table's rows and a row finds its block by arithmetic. Inside a
block each parent gets a count drawn from a small distribution (uniform min..max, Poisson,
Zipf capped at max), keyed by its global index; the counts are nudged by one until they add up
to the block's total, and child row r belongs to the parent whose run of rows holds r. A
block's offsets are a pure function of (seed, table, foreign key, block), computed on demand
and kept in a small LRU cache, so any batch can compute any row's parent and its position
within the parent (1..k), and memory does not grow with the parents: at most CACHED_BLOCKS
blocks of block + 1 offsets (8 bytes each; 16.8 MB at the defaults).

Fixing each block's total to its share changes the counts' spread very little: a block's sum
of 65,536 draws is within a fraction of a percent of its share, so the nudge moves about that
fraction of parents by one child."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from dwsim.engine.hashing import U64, Permutation, mix, stream, unit

BLOCK_PARENTS = 65_536
CACHED_BLOCKS = 32


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


@dataclass(frozen=True)
class Layout:
    """How `children` child rows are shared among `parents` parents (see the module)."""

    key: int
    parents: int
    children: int
    distribution: str
    lo: int
    hi: int
    skew: float
    block: int = BLOCK_PARENTS

    @property
    def blocks(self) -> int:
        return -(-self.parents // self.block)

    def start(self, j: int) -> int:
        """The first child row of block j (exact integers: the products pass 2**64)."""
        return self.children * min(j * self.block, self.parents) // self.parents

    def block_of(self, rows: np.ndarray) -> np.ndarray:
        """Each child row's block: the last j with start(j) ≤ row, that is
        floor(((row + 1)·parents - 1) / (block·children)). In floats it is off by at most
        one; the exact starts of the few candidates settle it."""
        rows = rows.astype(np.int64, copy=False)
        if len(rows) == 0:
            return np.zeros(0, dtype=np.int64)
        estimate = np.floor(((rows + 1) * float(self.parents) - 1) / (self.block * self.children))
        guess = np.clip(estimate, 0, self.blocks - 1).astype(np.int64)
        low, high = int(guess.min()), int(guess.max())
        guess = np.arange(low, high + 1) if high - low < 4096 else np.unique(guess)
        candidates = np.unique(np.clip(np.concatenate([guess - 1, guess, guess + 1]), 0,
                                       self.blocks - 1))
        starts = np.array([self.start(int(j)) for j in candidates], dtype=np.int64)
        return candidates[np.searchsorted(starts, rows, side="right") - 1]

    def offsets(self, j: int) -> np.ndarray:
        """Block j's cumulative child counts from 0, length (parents in block) + 1."""
        return _block_offsets(self, j)

    def locate(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each child row's parent index and its position among that parent's children
        (0-based), for any rows in any order."""
        rows = rows.astype(np.int64, copy=False)
        parent = np.empty(len(rows), dtype=np.int64)
        position = np.empty(len(rows), dtype=np.int64)
        for j, where in _by_block(self.block_of(rows)):
            local = rows[where] - self.start(j)
            offsets = self.offsets(j)
            p = np.searchsorted(offsets, local, side="right") - 1
            parent[where] = j * self.block + p
            position[where] = local - offsets[p]
        return parent.astype(U64), position.astype(U64)

    def spread(self, rows: np.ndarray, key: np.uint64) -> np.ndarray:
        """A keyed bijection of the child rows that keeps each row in its block: a block's
        children are scattered over the block's rows (the whole table when one block)."""
        rows = rows.astype(np.int64, copy=False)
        out = np.empty(len(rows), dtype=U64)
        for j, where in _by_block(self.block_of(rows)):
            start, end = self.start(j), self.start(j + 1)
            block_key = mix(np.array([U64(key) + U64(j)], dtype=U64))[0]
            local = (rows[where] - start).astype(U64)
            out[where] = Permutation(end - start, block_key)(local) + U64(start)
        return out


def _by_block(blocks: np.ndarray):
    """(block, positions of the rows in it) for each block present; batches of consecutive
    rows arrive sorted, so slicing needs no sort."""
    if len(blocks) == 0:
        return
    order = None if np.all(blocks[1:] >= blocks[:-1]) else np.argsort(blocks, kind="stable")
    ordered = blocks if order is None else blocks[order]
    firsts = np.concatenate([[0], np.flatnonzero(ordered[1:] != ordered[:-1]) + 1])
    lasts = np.append(firsts[1:], len(ordered))
    for a, b in zip(firsts.tolist(), lasts.tolist(), strict=True):
        yield int(ordered[a]), (slice(a, b) if order is None else order[a:b])


@functools.lru_cache(maxsize=CACHED_BLOCKS)
def _block_offsets(layout: Layout, j: int) -> np.ndarray:
    first = j * layout.block
    ids = np.arange(first, min(first + layout.block, layout.parents), dtype=U64)
    total = layout.start(j + 1) - layout.start(j)
    cdf = np.cumsum(_pmf(layout.distribution, layout.lo, layout.hi,
                         layout.children / layout.parents, layout.skew))
    counts = layout.lo + np.searchsorted(cdf, unit(stream(U64(layout.key), ids)),
                                         side="right").astype(np.int64)
    counts = np.minimum(counts, layout.hi)
    _nudge(counts, total, layout.lo, layout.hi, stream(U64(layout.key) ^ U64(0xA5A5A5A5), ids))
    out = np.zeros(len(ids) + 1, dtype=np.int64)
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


def offsets(layout: Layout) -> np.ndarray:
    """The whole table's cumulative child counts, length parents + 1 (parent p owns rows
    [o[p], o[p + 1])): every block at once, for small tables and tests."""
    out = [np.zeros(1, dtype=np.int64)]
    for j in range(layout.blocks):
        out.append(layout.offsets(j)[1:] + layout.start(j))
    return np.concatenate(out)


def locate(offsets_: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each child row's parent index and position under it, given whole-table offsets."""
    rows = rows.astype(np.int64, copy=False)
    parent = np.searchsorted(offsets_, rows, side="right") - 1
    return parent.astype(U64), (rows - offsets_[parent]).astype(U64)
