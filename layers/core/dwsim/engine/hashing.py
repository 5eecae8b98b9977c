"""Counter-based hashing and keyed bijections, vectorised over uint64 arrays.

`stream(key, idx)` is the random stream of a column: splitmix64 of (row index, key), so any
row can be computed alone. `Permutation(n, key)` is a keyed bijection of [0, n): a Feistel
network over a mixed radix just covering n, with cycle-walking back into range.

The kernels run over blocks of BLOCK values with preallocated scratch: a chain of numpy
operations over a whole batch makes a fresh 8 MB temporary per step and is bound by memory
bandwidth; over blocks that fit in the CPU cache the same steps are about 2.5 times faster
and give the same values.
"""

from __future__ import annotations

import hashlib

import numpy as np

U64 = np.uint64
GOLDEN = U64(0x9E3779B97F4A7C15)
MAX_DOMAIN = 1 << 62  # larger domains are permuted over their first 2**62 values
BLOCK = 1 << 15  # values per block: 256 KB per uint64 array, a few of them fit in L2
_M1, _M2 = U64(0xBF58476D1CE4E5B9), U64(0x94D049BB133111EB)
_S30, _S27, _S31 = U64(30), U64(27), U64(31)


def derive_key(*parts: object) -> np.uint64:
    """A 64-bit key from labelled parts (seed, table, column, purpose)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return U64(int.from_bytes(digest, "little"))


def _mix_into(z: np.ndarray, scratch: np.ndarray) -> None:
    """splitmix64's finaliser of z, in place (scratch: same length)."""
    np.right_shift(z, _S30, out=scratch)
    z ^= scratch
    z *= _M1
    np.right_shift(z, _S27, out=scratch)
    z ^= scratch
    z *= _M2
    np.right_shift(z, _S31, out=scratch)
    z ^= scratch


def _blocks(n: int):
    for start in range(0, n, BLOCK):
        yield start, min(start + BLOCK, n)


def mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijective avalanche of each uint64."""
    x = np.asarray(x, dtype=U64)
    out = x.copy()
    scratch = np.empty(min(len(out), BLOCK), dtype=U64)
    with np.errstate(over="ignore"):
        for lo, hi in _blocks(len(out)):
            _mix_into(out[lo:hi], scratch[:hi - lo])
    return out


def stream(key: np.uint64, idx: np.ndarray) -> np.ndarray:
    """64 random bits per row index for the stream named by `key`."""
    idx = idx.astype(U64, copy=False)
    out = np.empty(len(idx), dtype=U64)
    scratch = np.empty(min(len(idx), BLOCK), dtype=U64)
    key = U64(key)
    with np.errstate(over="ignore"):
        for lo, hi in _blocks(len(idx)):
            z = out[lo:hi]
            np.multiply(idx[lo:hi], GOLDEN, out=z)
            z += key
            _mix_into(z, scratch[:hi - lo])
    return out


def unit(bits: np.ndarray) -> np.ndarray:
    """Uniform floats in [0, 1) from random bits."""
    out = np.empty(len(bits), dtype=np.float64)
    scratch = np.empty(min(len(bits), BLOCK), dtype=U64)
    for lo, hi in _blocks(len(bits)):
        np.right_shift(bits[lo:hi], U64(11), out=scratch[:hi - lo])
        np.multiply(scratch[:hi - lo], 1.0 / (1 << 53), out=out[lo:hi])
    return out


def below(bits: np.ndarray, n: int) -> np.ndarray:
    """Integers in [0, n) from random bits (bias ≤ n / 2**64, negligible for table sizes):
    bits % n, computed as bits - (bits // n) * n (numpy divides by a constant far faster
    than it takes a remainder)."""
    n = U64(max(int(n), 1))
    bits = bits.astype(U64, copy=False)
    out = np.empty(len(bits), dtype=U64)
    for lo, hi in _blocks(len(bits)):
        z = out[lo:hi]
        np.floor_divide(bits[lo:hi], n, out=z)
        z *= n
        np.subtract(bits[lo:hi], z, out=z)
    return out


class Permutation:
    """A keyed bijection of [0, n), evaluated for many inputs at once.

    A Feistel network on [0, a) × [0, b) with b = 2**h and a = ceil(n / b), so a·b exceeds n
    by less than b ≈ √n and cycle-walking back into range is rare (a network on whole bit
    widths would cover up to 4n and encrypt each value twice on average). The halves have
    different sizes, so a round adds the keyed function modulo the size of the half it
    changes (Black and Rogaway's alternating Feistel over a mixed radix)."""

    ROUNDS = 4

    def __init__(self, n: int, key: np.uint64):
        self.n = int(min(max(n, 1), MAX_DOMAIN))
        h = max(1, (self.n - 1).bit_length() // 2)
        self.h = U64(h)
        self.b_mask = U64((1 << h) - 1)
        self.a = U64(-(-self.n // (1 << h)))  # below 2**32: n ≤ 2**62, b ≥ √n / 2
        self.round_keys = [mix(np.array([key + U64(r + 1)], dtype=U64))[0] for r in range(self.ROUNDS)]

    def _encrypt(self, x: np.ndarray) -> np.ndarray:
        """The network over x (values below a·b), block by block, scratch reused."""
        out = np.empty(len(x), dtype=U64)
        size = min(len(x), BLOCK)
        left_, right_, f_, scratch_ = (np.empty(size, dtype=U64) for _ in range(4))
        a, b_mask, s32 = self.a, self.b_mask, U64(32)
        with np.errstate(over="ignore"):
            for lo, hi in _blocks(len(x)):
                m = hi - lo
                left, right, f, scratch = left_[:m], right_[:m], f_[:m], scratch_[:m]
                np.right_shift(x[lo:hi], self.h, out=left)  # in [0, a)
                np.bitwise_and(x[lo:hi], b_mask, out=right)  # in [0, b)
                for r, k in enumerate(self.round_keys):
                    # left, right = right, (left + F(right)) mod |left|
                    np.add(right, k, out=f)
                    _mix_into(f, scratch)
                    if r % 2 == 0:  # left in [0, a): F's top 32 bits scaled into [0, a)
                        f >>= s32
                        f *= a
                        f >>= s32
                        f += left
                        np.greater_equal(f, a, out=scratch)  # 0 or 1, as uint64
                        scratch *= a
                        f -= scratch
                    else:  # left in [0, b), b a power of two
                        f += left
                        f &= b_mask
                    left, right, f = right, f, left
                z = out[lo:hi]
                np.left_shift(left, self.h, out=z)
                z |= right
        return out

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.n == 1:
            return np.zeros(len(x), dtype=U64)
        y = self._encrypt(x.astype(U64, copy=False))
        outside = np.flatnonzero(y >= U64(self.n))
        while outside.size:  # cycle-walk: rare, as a·b < n + √n·2
            y[outside] = self._encrypt(y[outside])
            outside = outside[y[outside] >= U64(self.n)]
        return y
