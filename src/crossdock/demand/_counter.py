"""Counter-based demand draws: Philox4x64-10 keyed by the store, counted by SKU and day.

The ``philox`` generator (``demand.generator: philox``) draws each store × SKU × day count
from random bits that are a pure function of the store's key (from the run's seed and the
store's GLN), the SKU's index and the day: no generator state is carried from one draw to the
next, so any split of stores, any order of drawing and any number of shards draw the same
numbers, and a cell that is not drawn costs nothing.

- **Bits.** Philox4x64-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
  SC'11), the generator behind NumPy's :class:`numpy.random.Philox`; :func:`philox4x64` is
  tested bit for bit against it. One block of four 64-bit words serves four neighbouring
  SKUs: the uniform of SKU ``k`` on day ``d`` is word ``k mod 4`` of the block at counter
  ``(k // 4, d, 0, 0)``. A cell that needs more (a mean above :data:`INVERSION_LIMIT`) takes
  them from its own blocks at ``(k, d, i // 4, 1)`` (:func:`stream_uniform`), so every
  uniform of every cell is distinct.
- **Counts.** A negative binomial with mean ``m`` and shape ``r`` (the gamma-mixed Poisson of
  the ``pcg64`` generator: the same distribution) or a Poisson (``r`` infinite) is drawn by
  inversion from one uniform while ``m`` is under :data:`INVERSION_LIMIT`: the smallest
  ``x`` whose distribution function exceeds it, summing the probabilities by their ratio
  recurrence. Above it, inversion would take about ``m`` steps, so a negative binomial is
  drawn as a gamma (Marsaglia and Tsang, 2000) mixed Poisson, and a Poisson by transformed
  rejection (Hörmann's PTRS, 1993, as NumPy draws it), from the cell's further uniforms.

The kernels :func:`draw_stores` and :func:`draw_counts` are compiled by Numba (a dependency; it has no NumPy twin, so
``CROSSDOCK_NUMBA=0`` does not apply to it): about 30 ns a cell at a mean of 4 units, against
about 68 ns for NumPy's gamma and Poisson draws with the per-store loop around them. Its
distribution is tested against SciPy's probability mass functions
(``tests/demand/test_counter.py``).
"""

from __future__ import annotations

import math
from functools import cache
from types import SimpleNamespace

import numpy as np

__all__ = ["INVERSION_LIMIT", "compiled", "store_keys"]

#: Means from which a count is drawn by gamma mixing and rejection instead of by inversion.
INVERSION_LIMIT = 64.0

_M32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_S11 = np.uint64(11)
_PHILOX_M0 = np.uint64(0xD2E7470EE14C6C93)
_PHILOX_M1 = np.uint64(0xCA5A826395121157)
_PHILOX_W0 = np.uint64(0x9E3779B97F4A7C15)
_PHILOX_W1 = np.uint64(0xBB67AE8584CAA73B)
_TWO_53 = 1.0 / 9007199254740992.0
_INT32_MAX = 2_147_483_647.0
#: Key of the counter streams in a store's SeedSequence (the pcg64 streams use another).
COUNTER_KEY = 0xC0417E


def store_keys(seed: int, glns: np.ndarray) -> np.ndarray:
    """``[stores, 2]`` uint64 Philox keys: each from the seed and the store's GLN only."""
    keys = np.empty((len(glns), 2), dtype=np.uint64)
    for i, gln in enumerate(glns):
        keys[i] = np.random.SeedSequence([seed, COUNTER_KEY, int(gln)]).generate_state(2, np.uint64)
    return keys


# -- kernels (compiled by compiled(); uint64 arithmetic wraps as Philox needs) ----------------


def _mulhilo(a: np.uint64, b: np.uint64) -> tuple[np.uint64, np.uint64]:
    """High and low 64-bit words of the 128-bit product ``a × b``."""
    a0 = a & _M32
    a1 = a >> _S32
    b0 = b & _M32
    b1 = b >> _S32
    p00 = a0 * b0
    p01 = a0 * b1
    p10 = a1 * b0
    p11 = a1 * b1
    middle = (p00 >> _S32) + (p01 & _M32) + (p10 & _M32)
    return p11 + (p01 >> _S32) + (p10 >> _S32) + (middle >> _S32), a * b


def philox4x64(
    c0: np.uint64, c1: np.uint64, c2: np.uint64, c3: np.uint64, k0: np.uint64, k1: np.uint64
) -> tuple[np.uint64, np.uint64, np.uint64, np.uint64]:
    """The Philox4x64-10 block of counter ``(c0, c1, c2, c3)`` under key ``(k0, k1)``."""
    for r in range(10):
        if r:
            k0 = k0 + _PHILOX_W0
            k1 = k1 + _PHILOX_W1
        hi0, lo0 = _mulhilo(_PHILOX_M0, c0)
        hi1, lo1 = _mulhilo(_PHILOX_M1, c2)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    return c0, c1, c2, c3


def _to_unit(word: np.uint64) -> float:
    """A uniform in [0, 1) from the top 53 bits of ``word``."""
    return float(word >> _S11) * _TWO_53


def stream_uniform(
    memo: np.ndarray, k0: np.uint64, k1: np.uint64, sku: int, day: int, i: int
) -> float:
    """Uniform ``i`` of a cell's further stream: word ``i mod 4`` at ``(sku, day, i // 4, 1)``.

    ``memo`` (5 uint64: the block's index + 1, its four words) keeps the last block, so four
    uniforms cost one block; set ``memo[0] = 0`` before a new cell.
    """
    index = np.uint64((i >> 2) + 1)
    if memo[0] != index:
        block = philox4x64(np.uint64(sku), np.uint64(day), np.uint64(i >> 2), np.uint64(1), k0, k1)
        memo[0] = index
        memo[1] = block[0]
        memo[2] = block[1]
        memo[3] = block[2]
        memo[4] = block[3]
    return _to_unit(memo[1 + (i & 3)])


#: ``1 / x`` for the inversion's first steps (a multiplication is cheaper than a division).
_TABLED = 256
_RECIPROCALS = np.concatenate([[0.0], 1.0 / np.arange(1, _TABLED + 1, dtype=np.float64)])


_THIRD = 1.0 / 3.0
_MARGIN = 2.0**-50

#: ``log(k!)`` for PTRS's acceptance test at the usual counts.
_LOG_FACTORIALS = np.array([math.lgamma(k + 1.0) for k in range(256)])


def invert(u: float, mean: float, shape: float) -> int:
    """The smallest count whose distribution function exceeds ``u`` (``shape`` inf: Poisson).

    From ``P(0)`` (``(r / (r + m))^r``, by multiplications for a whole shape up to 8; or
    ``exp(-m)``) the probabilities follow their ratio recurrence
    ``P(x) = P(x - 1) × (a + b / x)``: ``a = q, b = q (r - 1)`` with ``q = m / (r + m)`` for
    the negative binomial, ``a = 0, b = m`` for the Poisson. One loop serves both, with the
    reciprocals of the first counts from a table.
    """
    # P(0) >= exp(-m) (a negative binomial is a gamma-mixed Poisson: Jensen) >= 1 - m + m²/2
    # - m³/6 (the series stopped after a negative term): a uniform under that bound, less a
    # margin for the rounding, is a zero without the power or the loop.
    if u < 1.0 - mean * (1.0 - 0.5 * mean * (1.0 - mean * _THIRD)) - _MARGIN:
        return 0
    if math.isinf(shape):
        p = math.exp(-mean)
        a = 0.0
        b = mean
    else:
        scale = 1.0 / (shape + mean)
        q = mean * scale
        t = shape * scale
        whole = int(shape) if shape <= 8.0 else 0
        if whole == shape:
            p = t
            for _ in range(whole - 1):
                p *= t
        elif shape < 64.0:
            p = t**shape
        else:  # t near 1: its rounding, raised to a large power, would show
            p = math.exp(shape * math.log1p(-q))
        a = q
        b = q * (shape - 1.0)
    cdf = p
    x = 0
    while u >= cdf:
        if x == _TABLED:
            return _invert_tail(u, cdf, p, a, b)
        x += 1
        p *= a + b * _RECIPROCALS[x]
        cdf += p
    return x


def _invert_tail(u: float, cdf: float, p: float, a: float, b: float) -> int:
    """:func:`invert` beyond the table's counts; it stops where a probability underflows."""
    x = _TABLED
    while u >= cdf and p > 0.0:
        x += 1
        p *= a + b / x
        cdf += p
    return x


def _normal(memo: np.ndarray, k0: np.uint64, k1: np.uint64, sku: int, day: int, i: int) -> float:
    """A standard normal from uniforms ``i`` and ``i + 1`` (Box-Muller, the cosine)."""
    u1 = stream_uniform(memo, k0, k1, sku, day, i)
    u2 = stream_uniform(memo, k0, k1, sku, day, i + 1)
    return math.sqrt(-2.0 * math.log1p(-u1)) * math.cos(2.0 * math.pi * u2)


def gamma(
    shape: float, memo: np.ndarray, k0: np.uint64, k1: np.uint64, sku: int, day: int, i: int
) -> tuple[float, int]:
    """A standard gamma of ``shape`` from uniforms ``i`` on; and the next unused uniform.

    A whole shape up to 8 is a sum of exponentials, ``-log`` of a product of uniforms;
    otherwise Marsaglia and Tsang's squeeze, and below 1 ``G(shape + 1) × U^(1/shape)``.
    """
    whole = int(shape) if shape <= 8.0 else 0
    if whole == shape:
        product = 1.0
        for j in range(whole):
            product *= 1.0 - stream_uniform(memo, k0, k1, sku, day, i + j)
        return -math.log(product), i + whole
    boost = 1.0
    a = shape
    if shape < 1.0:
        boost = stream_uniform(memo, k0, k1, sku, day, i) ** (1.0 / shape)
        i += 1
        a = shape + 1.0
    d = a - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = _normal(memo, k0, k1, sku, day, i)
        i += 2
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = stream_uniform(memo, k0, k1, sku, day, i)
        i += 1
        if u < 1.0 - 0.0331 * x * x * x * x:
            return d * v * boost, i
        if math.log(u) < 0.5 * x * x + d * (1.0 - v + math.log(v)):
            return d * v * boost, i


def poisson_ptrs(
    lam: float, memo: np.ndarray, k0: np.uint64, k1: np.uint64, sku: int, day: int, i: int
) -> float:
    """A Poisson count of mean ``lam`` (at least 10) by transformed rejection (Hörmann, 1993)."""
    slam = math.sqrt(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2.0)
    while True:
        u = stream_uniform(memo, k0, k1, sku, day, i) - 0.5
        v = stream_uniform(memo, k0, k1, sku, day, i + 1)
        i += 2
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= vr:
            return k
        if k < 0.0 or (us < 0.013 and v > us):
            continue
        log_factorial = _LOG_FACTORIALS[int(k)] if k < 256.0 else math.lgamma(k + 1.0)
        if math.log(v * invalpha / (a / (us * us) + b)) <= -lam + k * math.log(lam) - log_factorial:
            return k


def _draw_cell(
    m: float,
    r: float,
    memo: np.ndarray,
    k0: np.uint64,
    k1: np.uint64,
    sku: int,
    day: int,
) -> float:
    """A count the kernels do not invert in line; -1 if it cannot be drawn.

    That is a mean of 0, from :data:`INVERSION_LIMIT` up, or not a number. A large mean is
    drawn from the cell's further stream (:func:`stream_uniform`); -1 for a mean that is
    negative or not finite, or a count beyond int32.
    """
    if m == 0.0:
        return 0.0
    if not (m > 0.0 and m < math.inf):
        return -1.0
    memo[0] = 0
    lam = m
    i = 0
    if not math.isinf(r):
        mix, i = gamma(r, memo, k0, k1, sku, day, i)
        lam = m * mix / r
    if lam < 10.0:
        x = float(invert(stream_uniform(memo, k0, k1, sku, day, i), lam, math.inf))
    else:
        x = poisson_ptrs(lam, memo, k0, k1, sku, day, i)
    return x if x <= _INT32_MAX else -1.0


def draw_counts(
    k0: np.uint64, k1: np.uint64, day: int, mean: np.ndarray, shape: np.ndarray, out: np.ndarray
) -> int:
    """Draw a store's day into ``out`` (int32): -1, or the first SKU whose draw failed.

    ``mean[k]`` is the expected count, ``shape`` the negative binomial shapes (one for all
    SKUs, or one each; infinite: Poisson). A mean that is negative or not finite, or a count
    beyond int32, stops the store's draws at that SKU: the caller reports it.
    """
    n = mean.shape[0]
    single = shape.shape[0] == 1
    memo = np.zeros(5, dtype=np.uint64)
    for g in range(0, n, 4):
        block = philox4x64(np.uint64(g >> 2), np.uint64(day), np.uint64(0), np.uint64(0), k0, k1)
        for j in range(min(4, n - g)):
            sku = g + j
            r = shape[0] if single else shape[sku]
            m = mean[sku]
            u = _to_unit(block[j])
            if 0.0 < m < INVERSION_LIMIT:  # the usual cell, without a call
                out[sku] = invert(u, m, r)
                continue
            x = _draw_cell(m, r, memo, k0, k1, sku, day)
            if x < 0.0:
                return sku
            out[sku] = int(x)
    return -1


def draw_stores(
    keys: np.ndarray,
    day: int,
    size: np.ndarray,
    rate: np.ndarray,
    shared: np.ndarray,
    promotion: np.ndarray,
    member: np.ndarray,
    dispersion: float,
    slow_below: float,
    slow_dispersion: float,
    out: np.ndarray,
) -> int:
    """Draw every store's day into ``out`` ``[s, k]`` (int32): -1, or the first failed cell.

    The mean of store ``s``, SKU ``k`` is ``shared[k] × (size[s] × rate[k])``, times
    ``promotion[p, k]`` for each promotion ``p`` whose ``member[p, s]`` (the operations and
    order of :class:`~crossdock.demand.DemandModel`'s means). Its shape is ``dispersion``, or
    ``slow_dispersion`` where it is smaller and ``0 < size[s] × rate[k] < slow_below`` (the
    intermittent slow movers). A failed cell is returned as ``s × skus + k``.
    """
    n = rate.shape[0]
    promotions = promotion.shape[0]
    memo = np.zeros(5, dtype=np.uint64)
    slow = slow_dispersion < dispersion
    joined = np.empty(promotions, dtype=np.int64)
    for s in range(out.shape[0]):
        k0 = keys[s, 0]
        k1 = keys[s, 1]
        joins = 0
        for p in range(promotions):
            if member[p, s]:
                joined[joins] = p
                joins += 1
        for g in range(0, n, 4):
            block = philox4x64(
                np.uint64(g >> 2), np.uint64(day), np.uint64(0), np.uint64(0), k0, k1
            )
            for j in range(min(4, n - g)):
                sku = g + j
                base = size[s] * rate[sku]
                m = shared[sku] * base
                for p in range(joins):
                    m *= promotion[joined[p], sku]
                r = slow_dispersion if slow and 0.0 < base < slow_below else dispersion
                u = _to_unit(block[j])
                if 0.0 < m < INVERSION_LIMIT:  # the usual cell, without a call
                    out[s, sku] = invert(u, m, r)
                    continue
                x = _draw_cell(m, r, memo, k0, k1, sku, day)
                if x < 0.0:
                    return s * n + sku
                out[s, sku] = int(x)
    return -1


def _native_mulhilo() -> None:
    """Compile :func:`_mulhilo` as one 128-bit multiplication (``mulx`` on x86-64).

    The Python function's four 32-bit products are the portable reference; both give the
    same words (``tests/demand/test_counter.py`` holds the blocks to NumPy's Philox).
    """
    from llvmlite import ir
    from numba.core import types
    from numba.extending import intrinsic, overload

    @intrinsic
    def mulhi(typingctx, a, b):  # type: ignore[no-untyped-def]
        def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
            wide = ir.IntType(128)
            product = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
            return builder.trunc(builder.lshr(product, ir.Constant(wide, 64)), ir.IntType(64))

        return types.uint64(types.uint64, types.uint64), codegen

    @overload(_mulhilo)
    def _mulhilo_native(a, b):  # type: ignore[no-untyped-def]
        return lambda a, b: (mulhi(a, b), a * b)


@cache
def compiled() -> SimpleNamespace:
    """The compiled kernels (Numba, cached on disk where it can be)."""
    from crossdock._fused import compile_kernels

    _native_mulhilo()
    helpers = (
        philox4x64,
        _to_unit,
        stream_uniform,
        invert,
        _invert_tail,
        _normal,
        gamma,
        poisson_ptrs,
        _draw_cell,
    )
    return compile_kernels(
        helpers, (draw_counts, draw_stores, philox4x64, invert, gamma, poisson_ptrs)
    )
