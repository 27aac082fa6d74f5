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
about 68 ns for NumPy's gamma and Poisson draws with the per-store loop around them. The
usual cells are inverted four at a time (:func:`invert_four`, the counts of the one-cell
:func:`invert` from the same operations): four recurrences side by side and one
mispredicted branch a group instead of one a cell, 27 ns a cell instead of 32 on the
generated scenarios (2026-12-06, an Intel Xeon at 2.6 GHz). Its
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


def _start(u: float, mean: float, shape: float) -> tuple[float, float, float, float]:
    """:func:`invert`'s ``P(0)`` and its ratio recurrence's ``a`` and ``b``; and ``u``, or -1.

    -1 in ``u``'s place where the bound below says the count is 0 without the recurrence.
    """
    # P(0) >= exp(-m) (a negative binomial is a gamma-mixed Poisson: Jensen) >= 1 - m + m²/2
    # - m³/6 (the series stopped after a negative term): a uniform under that bound, less a
    # margin for the rounding, is a zero without the power or the loop.
    if u < 1.0 - mean * (1.0 - 0.5 * mean * (1.0 - mean * _THIRD)) - _MARGIN:
        return 0.0, 0.0, 0.0, -1.0
    if math.isinf(shape):
        return math.exp(-mean), 0.0, mean, u
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
    return p, q, q * (shape - 1.0), u


def invert(u: float, mean: float, shape: float) -> int:
    """The smallest count whose distribution function exceeds ``u`` (``shape`` inf: Poisson).

    From ``P(0)`` (``(r / (r + m))^r``, by multiplications for a whole shape up to 8; or
    ``exp(-m)``) the probabilities follow their ratio recurrence
    ``P(x) = P(x - 1) × (a + b / x)``: ``a = q, b = q (r - 1)`` with ``q = m / (r + m)`` for
    the negative binomial, ``a = 0, b = m`` for the Poisson (:func:`_start`). One loop serves
    both, with the reciprocals of the first counts from a table.
    """
    p, a, b, u = _start(u, mean, shape)
    if u < 0.0:
        return 0
    cdf = p
    x = 0
    while u >= cdf:
        if x == _TABLED:
            return _invert_tail(u, cdf, p, a, b)
        x += 1
        p *= a + b * _RECIPROCALS[x]
        cdf += p
    return x


def invert_four(
    u0: float,
    u1: float,
    u2: float,
    u3: float,
    m0: float,
    m1: float,
    m2: float,
    m3: float,
    r0: float,
    r1: float,
    r2: float,
    r3: float,
) -> tuple[int, int, int, int]:
    """:func:`invert` of four cells at once: the same counts, from the same operations.

    :func:`invert`'s count is the number of steps ``x = 0, 1, …`` at which ``u`` is at least
    the distribution function (which never falls: the probabilities are not negative), so
    each cell counts its own steps while the four recurrences run side by side until no
    cell's ``u`` is reached: four independent chains of multiplications for the processor to
    overlap, and one mispredicted branch a group instead of one a cell. A cell whose ``u``
    is negative counts 0 (the caller draws it otherwise); one that reaches the table's end
    is counted again by :func:`invert` alone.
    """
    p0, a0, b0, v0 = _start(u0, m0, r0) if u0 >= 0.0 else (0.0, 0.0, 0.0, -1.0)
    p1, a1, b1, v1 = _start(u1, m1, r1) if u1 >= 0.0 else (0.0, 0.0, 0.0, -1.0)
    p2, a2, b2, v2 = _start(u2, m2, r2) if u2 >= 0.0 else (0.0, 0.0, 0.0, -1.0)
    p3, a3, b3, v3 = _start(u3, m3, r3) if u3 >= 0.0 else (0.0, 0.0, 0.0, -1.0)
    c0, c1, c2, c3 = p0, p1, p2, p3
    x0 = x1 = x2 = x3 = 0
    x = 0
    while True:
        # counted as integers and tested once: ``h0 or h1 or …`` would branch on each
        # cell, and each cell's last step would be a mispredicted branch
        h0 = int(v0 >= c0)
        h1 = int(v1 >= c1)
        h2 = int(v2 >= c2)
        h3 = int(v3 >= c3)
        if h0 + h1 + h2 + h3 == 0:
            return x0, x1, x2, x3
        if x == _TABLED:  # rare: the cells still counting are counted again, one by one
            return (
                invert(u0, m0, r0) if h0 else x0,
                invert(u1, m1, r1) if h1 else x1,
                invert(u2, m2, r2) if h2 else x2,
                invert(u3, m3, r3) if h3 else x3,
            )
        x0 += h0
        x1 += h1
        x2 += h2
        x3 += h3
        x += 1
        f = _RECIPROCALS[x]
        p0 *= a0 + b0 * f
        p1 *= a1 + b1 * f
        p2 *= a2 + b2 * f
        p3 *= a3 + b3 * f
        c0 += p0
        c1 += p1
        c2 += p2
        c3 += p3


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


def _draw_group(
    out: np.ndarray,
    row: int,
    g: int,
    width: int,
    w0: np.uint64,
    w1: np.uint64,
    w2: np.uint64,
    w3: np.uint64,
    m0: float,
    m1: float,
    m2: float,
    m3: float,
    r0: float,
    r1: float,
    r2: float,
    r3: float,
    memo: np.ndarray,
    k0: np.uint64,
    k1: np.uint64,
    day: int,
) -> int:
    """Draw SKUs ``g`` to ``g + width - 1`` of ``out[row]`` from their block's words.

    The usual cells (a mean in (0, :data:`INVERSION_LIMIT`)) are inverted together by
    :func:`invert_four`, the others one by one by :func:`_draw_cell`, in SKU order. Returns
    -1, or the offset ``j`` of the first cell that could not be drawn (nothing more is
    written then).
    """
    u0 = _to_unit(w0) if 0.0 < m0 < INVERSION_LIMIT else -1.0
    u1 = _to_unit(w1) if width > 1 and 0.0 < m1 < INVERSION_LIMIT else -1.0
    u2 = _to_unit(w2) if width > 2 and 0.0 < m2 < INVERSION_LIMIT else -1.0
    u3 = _to_unit(w3) if width > 3 and 0.0 < m3 < INVERSION_LIMIT else -1.0
    if u0 < 0.0 or u1 < 0.0 or u2 < 0.0 or u3 < 0.0:  # a cell drawn on its own (rare)
        for j in range(width):
            m = m0 if j == 0 else (m1 if j == 1 else (m2 if j == 2 else m3))
            if 0.0 < m < INVERSION_LIMIT:
                continue
            r = r0 if j == 0 else (r1 if j == 1 else (r2 if j == 2 else r3))
            x = _draw_cell(m, r, memo, k0, k1, g + j, day)
            if x < 0.0:
                return j
            out[row, g + j] = int(x)
    x0, x1, x2, x3 = invert_four(u0, u1, u2, u3, m0, m1, m2, m3, r0, r1, r2, r3)
    if u0 >= 0.0:
        out[row, g] = x0
    if u1 >= 0.0:
        out[row, g + 1] = x1
    if u2 >= 0.0:
        out[row, g + 2] = x2
    if u3 >= 0.0:
        out[row, g + 3] = x3
    return -1


def draw_counts(
    k0: np.uint64, k1: np.uint64, day: int, mean: np.ndarray, shape: np.ndarray, out: np.ndarray
) -> int:
    """Draw a store's day into ``out`` (int32): -1, or the first SKU whose draw failed.

    ``mean[k]`` is the expected count, ``shape`` the negative binomial shapes (one for all
    SKUs, or one each; infinite: Poisson). A mean that is negative or not finite, or a count
    beyond int32, stops the store's draws at that SKU: the caller reports it.
    """
    n = mean.shape[0]
    memo = np.zeros(5, dtype=np.uint64)
    rows = out.reshape((1, n))
    last = n - 1
    every = shape.shape[0] - 1  # 0: one shape for every SKU
    for g in range(0, n, 4):
        w0, w1, w2, w3 = philox4x64(
            np.uint64(g >> 2), np.uint64(day), np.uint64(0), np.uint64(0), k0, k1
        )
        # (beyond the row's end the last SKU's figures stand in; they are not drawn)
        failed = _draw_group(
            rows,
            0,
            g,
            min(4, n - g),
            w0,
            w1,
            w2,
            w3,
            mean[g],
            mean[min(g + 1, last)],
            mean[min(g + 2, last)],
            mean[min(g + 3, last)],
            shape[min(g, every)],
            shape[min(g + 1, every)],
            shape[min(g + 2, every)],
            shape[min(g + 3, every)],
            memo,
            k0,
            k1,
            day,
        )
        if failed >= 0:
            return g + failed
    return -1


def _cell_mean(
    s: int,
    sku: int,
    size: np.ndarray,
    rate: np.ndarray,
    shared: np.ndarray,
    promotion: np.ndarray,
    joined: np.ndarray,
    joins: int,
    dispersion: float,
    slow: bool,
    slow_below: float,
    slow_dispersion: float,
) -> tuple[float, float]:
    """:func:`draw_stores`'s mean and shape of store ``s``, SKU ``sku``."""
    base = size[s] * rate[sku]
    m = shared[sku] * base
    for p in range(joins):
        m *= promotion[joined[p], sku]
    r = slow_dispersion if slow and 0.0 < base < slow_below else dispersion
    return m, r


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
    intermittent slow movers). A failed cell is returned as ``s × skus + k``. The cells are
    drawn four at a time, as :func:`draw_counts` draws them (:func:`_draw_group`).
    """
    n = rate.shape[0]
    last = n - 1
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
            w0, w1, w2, w3 = philox4x64(
                np.uint64(g >> 2), np.uint64(day), np.uint64(0), np.uint64(0), k0, k1
            )
            # (beyond the row's end the last SKU's figures stand in; they are not drawn)
            m0, r0 = _cell_mean(
                s, g, size, rate, shared, promotion, joined, joins,
                dispersion, slow, slow_below, slow_dispersion,
            )  # fmt: skip
            m1, r1 = _cell_mean(
                s, min(g + 1, last), size, rate, shared, promotion, joined, joins,
                dispersion, slow, slow_below, slow_dispersion,
            )  # fmt: skip
            m2, r2 = _cell_mean(
                s, min(g + 2, last), size, rate, shared, promotion, joined, joins,
                dispersion, slow, slow_below, slow_dispersion,
            )  # fmt: skip
            m3, r3 = _cell_mean(
                s, min(g + 3, last), size, rate, shared, promotion, joined, joins,
                dispersion, slow, slow_below, slow_dispersion,
            )  # fmt: skip
            u0 = _to_unit(w0) if 0.0 < m0 < INVERSION_LIMIT else -1.0
            u1 = _to_unit(w1) if g + 1 < n and 0.0 < m1 < INVERSION_LIMIT else -1.0
            u2 = _to_unit(w2) if g + 2 < n and 0.0 < m2 < INVERSION_LIMIT else -1.0
            u3 = _to_unit(w3) if g + 3 < n and 0.0 < m3 < INVERSION_LIMIT else -1.0
            if u0 < 0.0 or u1 < 0.0 or u2 < 0.0 or u3 < 0.0:  # (rare) a cell apart, or the end
                failed = _draw_group(
                    out, s, g, min(4, n - g), w0, w1, w2, w3,
                    m0, m1, m2, m3, r0, r1, r2, r3, memo, k0, k1, day,
                )  # fmt: skip
                if failed >= 0:
                    return s * n + g + failed
                continue
            x0, x1, x2, x3 = invert_four(u0, u1, u2, u3, m0, m1, m2, m3, r0, r1, r2, r3)
            out[s, g] = x0
            out[s, g + 1] = x1
            out[s, g + 2] = x2
            out[s, g + 3] = x3
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
        _start,
        invert,
        invert_four,
        _cell_mean,
        _draw_group,
        _invert_tail,
        _normal,
        gamma,
        poisson_ptrs,
        _draw_cell,
    )
    return compile_kernels(
        helpers,
        (draw_counts, draw_stores, philox4x64, invert, invert_four, gamma, poisson_ptrs),
    )
