"""Counter-based hashing and keyed bijections, vectorised over uint64 arrays.

`stream(key, idx)` is the random stream of a column: splitmix64 of (row index, key), so any
row can be computed alone. `Permutation(n, key)` is a keyed bijection of [0, n): a balanced
Feistel network on the smallest even bit width covering n, with cycle-walking back into range.
"""

from __future__ import annotations

import hashlib

import numpy as np

U64 = np.uint64
GOLDEN = U64(0x9E3779B97F4A7C15)
MAX_DOMAIN = 1 << 62  # larger domains are permuted over their first 2**62 values


def derive_key(*parts: object) -> np.uint64:
    """A 64-bit key from labelled parts (seed, table, column, purpose)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return U64(int.from_bytes(digest, "little"))


def mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijective avalanche of each uint64."""
    with np.errstate(over="ignore"):
        z = x ^ (x >> U64(30))
        z = z * U64(0xBF58476D1CE4E5B9)
        z ^= z >> U64(27)
        z *= U64(0x94D049BB133111EB)
        z ^= z >> U64(31)
    return z


def stream(key: np.uint64, idx: np.ndarray) -> np.ndarray:
    """64 random bits per row index for the stream named by `key`."""
    with np.errstate(over="ignore"):
        return mix(idx.astype(U64, copy=False) * GOLDEN + key)


def unit(bits: np.ndarray) -> np.ndarray:
    """Uniform floats in [0, 1) from random bits."""
    return (bits >> U64(11)).astype(np.float64) * (1.0 / (1 << 53))


def below(bits: np.ndarray, n: int) -> np.ndarray:
    """Integers in [0, n) from random bits (bias ≤ n / 2**64, negligible for table sizes)."""
    return bits % U64(max(int(n), 1))


class Permutation:
    """A keyed bijection of [0, n), evaluated for many inputs at once."""

    ROUNDS = 4

    def __init__(self, n: int, key: np.uint64):
        self.n = int(min(max(n, 1), MAX_DOMAIN))
        bits = max(2, (self.n - 1).bit_length())
        bits += bits % 2
        self.half = U64(bits // 2)
        self.mask = U64((1 << (bits // 2)) - 1)
        self.round_keys = [mix(np.array([key + U64(r + 1)], dtype=U64))[0] for r in range(self.ROUNDS)]

    def _encrypt(self, x: np.ndarray) -> np.ndarray:
        left, right = x >> self.half, x & self.mask
        with np.errstate(over="ignore"):
            for k in self.round_keys:
                left, right = right, left ^ (mix(right + k) & self.mask)
        return (left << self.half) | right

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.n == 1:
            return np.zeros(len(x), dtype=U64)
        y = self._encrypt(x.astype(U64, copy=False))
        outside = np.flatnonzero(y >= U64(self.n))
        while outside.size:  # cycle-walk: at most a few rounds, as 2**bits < 4n
            y[outside] = self._encrypt(y[outside])
            outside = outside[y[outside] >= U64(self.n)]
        return y
