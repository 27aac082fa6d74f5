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

The kernels :func:`draw_stores` and :func:`draw_counts` are compiled by Numba (a dependency;
it has no NumPy twin, so ``CROSSDOCK_NUMBA=0`` does not apply to it). They draw a store's SKUs
by chunks of :data:`CHUNK` cells in passes (:func:`count_usual`), each with no branch it cannot
foresee: the chunk's Philox blocks, the cells that need the recurrence listed, their starts,
then the recurrence a few steps at a time over every listed cell at once, as vector
instructions; the counts are those of the one-cell :func:`invert`, from the same operations.
About 21 ns a cell over a generated year (2026-12-07, an Intel Xeon: 28 ns with chunks of 256
cells, the promotions' factors in passes of their own and every chunk with an unusual cell
scanned again; 39 ns when each block's four cells were inverted in turn, side by side),
against about 68 ns for NumPy's gamma and Poisson draws with the per-store loop around them.
Its distribution is tested against SciPy's probability mass functions
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


def _zero_bound(mean: float) -> float:
    """A uniform under this is a count of 0, without the recurrence (any shape)."""
    # P(0) >= exp(-m) (a negative binomial is a gamma-mixed Poisson: Jensen) >= 1 - m + m²/2
    # - m³/6 (the series stopped after a negative term): a uniform under that bound, less a
    # margin for the rounding, is a zero without the power or the loop.
    return 1.0 - mean * (1.0 - 0.5 * mean * (1.0 - mean * _THIRD)) - _MARGIN


def _whole(shape: float) -> bool:
    """Whether ``P(0)`` of this shape is a product of multiplications (a whole shape to 8)."""
    whole = int(shape) if shape <= 8.0 else 0
    return whole == shape


def _first(mean: float, shape: float) -> tuple[float, float, float]:
    """:func:`invert`'s ``P(0)`` and its ratio recurrence's ``a`` and ``b``."""
    if math.isinf(shape):
        return math.exp(-mean), 0.0, mean
    scale = 1.0 / (shape + mean)
    q = mean * scale
    t = shape * scale
    if _whole(shape):
        p = t
        for _ in range(int(shape) - 1):
            p *= t
    elif shape < 64.0:
        p = t**shape
    else:  # t near 1: its rounding, raised to a large power, would show
        p = math.exp(shape * math.log1p(-q))
    return p, q, q * (shape - 1.0)


def _start(u: float, mean: float, shape: float) -> tuple[float, float, float, float]:
    """:func:`_first`'s three figures and ``u``; or -1 in ``u``'s place for a sure 0."""
    if u < _zero_bound(mean):
        return 0.0, 0.0, 0.0, -1.0
    p, a, b = _first(mean, shape)
    return p, a, b, u


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


#: Cells drawn together (a multiple of four: whole Philox blocks). Their working arrays, about
#: 100 kB, stay in the core's second cache; each chunk's passes and rounds of steps have a
#: cost of their own, so 1,024 cells drew a generated day 2 ns a cell faster than 256 did
#: (the same counts: every cell's draw is its own).
CHUNK = 1024

#: Steps of the ratio recurrence between two compactions of the cells still counting.
_STEPS = 8


def _work(cells: int) -> tuple[np.ndarray, ...]:
    """:func:`count_usual`'s working arrays for up to ``cells`` cells.

    Eight of floats (the listed cells' figures, then the uniforms, means and shapes of
    :func:`_draw_chunk` and :func:`draw_stores`) and four of indices: the listed cells, their
    counts, the unusual cells and the cells still counting after a round of steps.
    """
    n = cells + 4  # (the uniforms: whole blocks)
    return (
        np.empty(n), np.empty(n), np.empty(n), np.empty(n),
        np.empty(n), np.empty(n), np.empty(n), np.empty(n),
        np.empty(cells, dtype=np.int64), np.empty(cells, dtype=np.int64),
        np.empty(cells, dtype=np.int64), np.empty(cells, dtype=np.int64),
    )  # fmt: skip


def _steps(
    p: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    cdf: np.ndarray,
    u: np.ndarray,
    count: np.ndarray,
    reciprocals: np.ndarray,
    live: int,
) -> None:
    """:data:`_STEPS` steps of :func:`invert`'s recurrence for cells ``0 … live - 1``.

    Each cell adds 1 to its count at each step whose distribution function its ``u`` still
    reaches: as :func:`invert` counts, since that function never falls. One cell's steps in
    registers, no branch: compiled as vector instructions, several cells at once.
    """
    for i in range(live):
        pi = p[i]
        ai = a[i]
        bi = b[i]
        ci = cdf[i]
        ui = u[i]
        ni = count[i]
        for t in range(_STEPS):
            pi *= ai + bi * reciprocals[t]
            ci += pi
            ni += np.int64(1) if ui >= ci else np.int64(0)
        p[i] = pi
        cdf[i] = ci
        count[i] = ni


def _start_products(
    mean: np.ndarray,
    shape: np.ndarray,
    uniform: np.ndarray,
    cell: np.ndarray,
    p: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    cdf: np.ndarray,
    u: np.ndarray,
    count: np.ndarray,
    cells: int,
) -> None:
    """:func:`_first`'s start of listed cells ``0 … cells - 1``, each of a whole shape to 8.

    ``P(0)`` is ``t`` multiplied by itself ``r - 1`` times, as :func:`_first` multiplies it,
    without its tests of the shape: one loop for the usual cells, the powers' and Poisson
    cells apart. (The arithmetic is written out here, not called from a helper shared with
    :func:`_first`: the call cost 0.8–0.9 ns a cell of a generated day.)
    """
    for i in range(cells):
        j = cell[i]
        m = mean[j]
        r = shape[j]
        scale = 1.0 / (r + m)
        q = m * scale
        t = r * scale
        pi = t
        for _ in range(int(r) - 1):
            pi *= t
        ui = uniform[j]
        p[i] = pi
        a[i] = q
        b[i] = q * (r - 1.0)
        cdf[i] = pi
        u[i] = ui
        count[i] = np.int64(1) if ui >= pi else np.int64(0)


def count_usual(
    uniform: np.ndarray,
    mean: np.ndarray,
    shape: np.ndarray,
    out: np.ndarray,
    work: tuple[np.ndarray, ...],
) -> int:
    """:func:`invert`'s counts of the usual cells of ``out`` (up to :data:`CHUNK`), 0 elsewhere.

    Cell ``j`` inverts ``uniform[j]`` under ``mean[j]`` and ``shape[j]`` when its mean is in
    (0, :data:`INVERSION_LIMIT`); a mean of 0 counts 0; the others (from the limit up, below
    0 or not a number) are left at 0 for the caller, listed in order at the front of
    ``work[10]``, and the result says how many they are. The same operations as
    :func:`invert`, in passes over the cells instead of one cell after the other, so that no
    pass waits on a branch it cannot foresee: each cell's kind worked out in a pass of its
    own, then the cells that need the recurrence listed without branching (those under
    :func:`_zero_bound` are 0), those of a whole shape up to 8 apart from those of a power
    or a Poisson (:func:`_start_products`, then :func:`_first`); then :data:`_STEPS` steps
    of every listed cell at a time (:func:`_steps`), every count written and the cells
    still counting listed and moved up, until none is, or the table's end, where
    :func:`_invert_tail` goes on from the same figures.
    """
    n = out.shape[0]
    p, a, b, cdf, u, _, _, _, cell, count, odd, still = work
    size = cell.shape[0]
    front = 0  # cells of a whole shape from the front of the list, the others from its back
    back = size
    unusual = 0
    kind = count  # each cell's kind first (vector instructions), then the lists from them
    for j in range(n):
        m = mean[j]
        usual = (m > 0.0) & (m < INVERSION_LIMIT)
        left = not ((m >= 0.0) & (m < INVERSION_LIMIT))  # (a mean of 0: a count of 0)
        live = usual & (uniform[j] >= _zero_bound(m))
        whole = _whole(shape[j])  # (not infinite: a Poisson)
        out[j] = 0
        kind[j] = (
            np.int64(live & whole) | (np.int64(live & (not whole)) << 1) | (np.int64(left) << 2)
        )
    for j in range(n):
        listed = kind[j]
        cell[front] = j
        cell[back - 1] = j
        odd[unusual] = j
        front += listed & 1
        back -= (listed >> 1) & 1
        unusual += listed >> 2
    _start_products(mean, shape, uniform, cell, p, a, b, cdf, u, count, front)
    live = front
    for i in range(front, size):  # the other cells after the whole shapes', each one's start
        if back + i - front >= size:
            break
        j = cell[back + i - front]
        cell[i] = j
        live += 1
        pi, ai, bi = _first(mean[j], shape[j])
        p[i] = pi
        a[i] = ai
        b[i] = bi
        cdf[i] = pi
        u[i] = uniform[j]
        count[i] = np.int64(1) if uniform[j] >= pi else np.int64(0)
    x = 0
    while live > 0:
        _steps(p, a, b, cdf, u, count, _RECIPROCALS[x + 1 : x + 1 + _STEPS], live)
        x += _STEPS
        if x == _TABLED:  # rare: the cells still counting go on one by one
            for i in range(live):
                still = u[i] >= cdf[i]
                out[cell[i]] = _invert_tail(u[i], cdf[i], p[i], a[i], b[i]) if still else count[i]
            break
        kept = 0
        for i in range(live):  # every count written; the cells still counting listed
            out[cell[i]] = count[i]
            still[kept] = i
            kept += int(u[i] >= cdf[i])
        for k in range(kept):  # and moved up (a few after the first steps)
            i = still[k]
            cell[k] = cell[i]
            p[k] = p[i]
            a[k] = a[i]
            b[k] = b[i]
            cdf[k] = cdf[i]
            u[k] = u[i]
            count[k] = count[i]
        live = kept
    return unusual


def _draw_chunk(
    k0: np.uint64,
    k1: np.uint64,
    day: int,
    start: int,
    mean: np.ndarray,
    shape: np.ndarray,
    out: np.ndarray,
    work: tuple[np.ndarray, ...],
    memo: np.ndarray,
) -> int:
    """Draw SKUs ``start`` to ``start + len(out) - 1`` of a store's day into ``out``.

    ``start`` is a multiple of four: SKU ``k``'s uniform is word ``k mod 4`` of the block at
    counter ``(k // 4, day, 0, 0)``. The usual cells by :func:`count_usual`, the others one
    by one by :func:`_draw_cell`, in SKU order. Returns -1, or the offset of the first cell
    that could not be drawn.
    """
    n = out.shape[0]
    uniform = work[5]
    for g in range(0, n, 4):  # (past the row's end: words not used)
        w0, w1, w2, w3 = philox4x64(
            np.uint64((start + g) >> 2), np.uint64(day), np.uint64(0), np.uint64(0), k0, k1
        )
        uniform[g] = _to_unit(w0)
        uniform[g + 1] = _to_unit(w1)
        uniform[g + 2] = _to_unit(w2)
        uniform[g + 3] = _to_unit(w3)
    odd = work[10]
    for i in range(count_usual(uniform, mean, shape, out, work)):
        j = odd[i]
        x = _draw_cell(mean[j], shape[j], memo, k0, k1, start + j, day)
        if x < 0.0:
            return j
        out[j] = int(x)
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
    work = _work(CHUNK)
    one = np.full(CHUNK, shape[0])
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        shapes = one[: stop - start] if shape.shape[0] == 1 else shape[start:stop]
        failed = _draw_chunk(
            k0, k1, day, start, mean[start:stop], shapes, out[start:stop], work, memo
        )
        if failed >= 0:
            return start + failed
    return -1


def count_cells(uniform: np.ndarray, mean: np.ndarray, shape: np.ndarray, out: np.ndarray) -> None:
    """:func:`count_usual` over any number of cells (for the tests: uniforms of one's own)."""
    work = _work(CHUNK)
    for start in range(0, out.shape[0], CHUNK):
        stop = min(start + CHUNK, out.shape[0])
        count_usual(uniform[start:stop], mean[start:stop], shape[start:stop], out[start:stop], work)


def joined_promotions(member: np.ndarray, s: int, joined: np.ndarray) -> int:
    """The promotions store ``s`` joins (``member[p, s]``), in order, into ``joined``: how many."""
    joins = 0
    for p in range(member.shape[0]):
        if member[p, s]:
            joined[joins] = p
            joins += 1
    return joins


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
    intermittent slow movers). A failed cell is returned as ``s × skus + k``. Each chunk of
    a store's SKUs is drawn as :func:`draw_counts` draws it (:func:`_draw_chunk`).
    """
    n = rate.shape[0]
    promotions = promotion.shape[0]
    memo = np.zeros(5, dtype=np.uint64)
    work = _work(CHUNK)
    means = work[6]
    shapes = work[7]
    slow = slow_dispersion < dispersion
    joined = np.empty(promotions, dtype=np.int64)
    for s in range(out.shape[0]):
        joins = joined_promotions(member, s, joined)
        for start in range(0, n, CHUNK):
            stop = min(start + CHUNK, n)
            # a store's first two promotions in the same pass (most join none, one or two);
            # ``rate`` stands in for a promotion the store does not join (never read)
            first = promotion[joined[0]] if joins > 0 else rate
            second = promotion[joined[1]] if joins > 1 else rate
            for j in range(stop - start):
                k = start + j
                base = size[s] * rate[k]
                m = shared[k] * base
                if joins > 0:
                    m *= first[k]
                if joins > 1:
                    m *= second[k]
                means[j] = m
                shapes[j] = slow_dispersion if slow and 0.0 < base < slow_below else dispersion
            for q in range(2, joins):
                for j in range(stop - start):
                    means[j] *= promotion[joined[q], start + j]
            failed = _draw_chunk(
                keys[s, 0],
                keys[s, 1],
                day,
                start,
                means[: stop - start],
                shapes[: stop - start],
                out[s, start:stop],
                work,
                memo,
            )
            if failed >= 0:
                return s * n + start + failed
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
        _zero_bound,
        _whole,
        _first,
        _start,
        invert,
        _steps,
        _start_products,
        count_usual,
        _draw_chunk,
        _work,
        _invert_tail,
        _normal,
        gamma,
        poisson_ptrs,
        _draw_cell,
        joined_promotions,
    )
    return compile_kernels(
        helpers,
        (draw_counts, draw_stores, count_cells, philox4x64, invert, gamma, poisson_ptrs),
    )
