"""Fused Numba kernels of the store × SKU hot path, with the NumPy code as fallback and reference.

The default policy of every store-level planner (order-up-to, Holt-Winters forecasts, gamma
quantile, case packs) costs about thirty NumPy passes over the store × SKU arrays a day, each
with its own temporary. Here the same arithmetic is done in two passes, one cell at a time:

- :func:`holt_winters_observe`: a day of Holt-Winters updates (level, weekday offset,
  error variance) in place;
- :func:`order_up_to_packs`: the forecast over the protection interval and its error, the
  gamma (or normal) quantile, the gap to the inventory position, the rounding up to case
  packs and the cut to the shelf's room, into an int32 order (a message quantity); the gamma
  quantile only for the cells whose position is below a bound on their level
  (:func:`quantile_cells`: most cells of a day order nothing).

Each kernel repeats the NumPy code's operations in the same order and the same types
(float32 state, float64 horizons), so the forecasts and the orders are the same numbers.
Holt-Winters' weekday offsets, held in float16 by default, reach the kernels as their bits
(Numba has no float16 on the CPU): they are read exactly through :func:`half_table`, every
float16 as a float64 indexed by its bits (NumPy's own widening; :func:`half_to_float` decodes
the bits as a reference), and :func:`float_to_half` rounds an update as NumPy's cast does
(each tested against NumPy on every float16 and on ties), so no float32 copy of them is made. The
one difference: NumPy computes ``log`` and ``exp`` with its own SIMD routines (AVX-512 on
this project's machines), which differ from the C library's, used by Numba, in the last
bit of about one result in twenty; the quantile can therefore differ in its last bits (a
relative 1e-15), which moves an order only if the gap lands that close to a whole pack
(``tests/test_fused.py`` compares both paths).

Switches: ``CROSSDOCK_NUMBA=0`` (or ``false``, ``no``, ``off``) forces the NumPy path, as
does a Python without Numba; ``CROSSDOCK_NUMBA=1`` (``true``, ``yes``, ``on``) uses the
kernels at any size. Unset, the kernels are loaded by the first array of at least
:data:`MIN_CELLS` store × SKU cells (below that, in a small run, loading them, about 0.4 s of
CPU per process, Numba's import included, costs more than they save), and from then on serve
arrays of any size: a large run's small arrays (a supplier's lines to one platform, a
despatch advice) cost them 2–10 µs a call against NumPy's 6–38 µs. The kernels are compiled
on first use and cached on disk
(``cache=True``: beside this file, or in the user's cache directory where that is read-only,
or not at all where neither is writable), so compile time lands on the first run only.
Numba is imported here only when a kernel is first asked for: ``import crossdock`` and the
command line's ``--help`` do not load it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from types import SimpleNamespace
from typing import Any

import numpy as np

#: Environment variable: 0 (false, no, off) forces the NumPy path, 1 (true, yes, on) the
#: kernels at any size; unset, the kernels serve arrays of any size once an array of
#: MIN_CELLS cells has loaded them.
ENV_VAR = "CROSSDOCK_NUMBA"
_OFF = ("0", "false", "no", "off")
_ON = ("1", "true", "yes", "on")
#: Store × SKU cells of the array that loads the kernels when ``CROSSDOCK_NUMBA`` is unset.
MIN_CELLS = 20_000


def kernels(cells: int) -> SimpleNamespace | None:
    """The compiled kernels for arrays of ``cells`` cells, or ``None``: use the NumPy path.

    ``None`` when ``CROSSDOCK_NUMBA`` switches Numba off, when it is unset, ``cells`` is
    below :data:`MIN_CELLS` and the kernels are not loaded in this process yet, or when
    Numba cannot be imported. The setting is read at each call. Either path gives
    the same numbers, so which one an array takes changes no result.
    """
    setting = os.environ.get(ENV_VAR, "").strip().lower()
    if setting in _OFF:
        return None
    if cells < MIN_CELLS and setting not in _ON and not _compiled.cache_info().currsize:
        return None  # (not loaded yet: a small run need not pay for them)
    return _compiled()


def _jit(function: Callable[..., Any]) -> Any:
    """``function`` compiled by Numba on first call, cached on disk where it can be."""
    import numba

    try:
        return numba.njit(cache=True, nogil=True)(function)
    except RuntimeError:  # no writable cache directory: compiled again in each process
        return numba.njit(cache=False, nogil=True)(function)


@cache
def _compiled() -> SimpleNamespace | None:
    try:
        import numba  # noqa: F401
    except ImportError:  # pragma: no cover - numba is a dependency; kept for a bare install
        return None
    native = _native_half()
    return compile_kernels(
        # float_to_half is called by the kernels (and half_bits, as it or as the processor's
        # conversion); half_to_float, the bits decoded, is the reference half_table is tested
        # against (also compiled, in the tests)
        (
            half_to_float,
            float_to_half,
            pair_sum,
            _season_update,
            _observe_block,
            _gamma_target,
            _position,
            _order_in_packs,
            float_bits,
            _cell_at,
            _contiguous,
            _ascending_cells,
            _confirm_block,
            _add_within,
            *(() if native else (half_bits, half_value)),
        ),
        (
            cases_total,
            holt_winters_observe,
            horizon_block,
            interp_block,
            packs_block,
            quantile_cells,
            packs_cells,
            confirm_lines,
            sell_lost_sales,
            put_away,
            row_dot_rows,
            row_dot_chosen,
            int32_room_cells,
            add_within_int32,
            same_cells,
            note_advice,
            add_cells,
            round_to_pallets,
            column_sums,
            fifo_runs,
            pack_census,
            pack_nonzero,
            pack_bytes,
            ration_columns,
            settle_cells,
            store_positions,
            add_within_int16,
        ),
    )


def compile_kernels(
    helpers: Sequence[Callable[..., Any]], kernels: Sequence[Callable[..., Any]]
) -> SimpleNamespace:
    """``kernels`` compiled, by their names; ``helpers`` made callable from compiled code."""
    from numba.extending import register_jitable

    for helper in helpers:
        register_jitable(helper)
    return SimpleNamespace(**{kernel.__name__: _jit(kernel) for kernel in kernels})


@cache
def einsum_order_holds() -> bool:
    """Whether :func:`pair_sum`'s kernels give ``np.einsum``'s sums, bit for bit, here.

    Checked once, on random integers and fractions: ``ik,k->i`` (:func:`row_dot_rows`) on
    widths 1 to 40, 2,001 and 20,003, and ``sk,sk->s`` over gathered rows
    (:func:`row_dot_chosen`, with NumPy's buffer size) on widths 1 to 20 and either side of
    that size. A NumPy built otherwise (another baseline, fused multiply-adds, another
    buffer size) would add in another order: the callers then keep to ``einsum`` itself.
    """
    kernels = _compiled()
    if kernels is None:  # pragma: no cover - numba is a dependency
        return False
    rng = np.random.default_rng(5)
    chunk = np.getbufsize()
    for width in (*range(1, 41), 2_001, 20_003, chunk - 1, chunk, chunk + 1, 2 * chunk + 5):
        matrix = rng.integers(-1_000, 1_000_000, size=(3, width)).astype(np.int32)
        vector = 1.0 / rng.integers(1, 97, size=width)
        out = np.empty(3)
        kernels.row_dot_rows(matrix, vector, out)
        expected = np.einsum("ik,k->i", matrix.astype(np.float64), vector)
        if out.tobytes() != expected.tobytes():
            return False
        rows = np.round(rng.random((2, width)) * 20.0, 2)
        chosen = np.array([1, 0, 1])
        kernels.row_dot_chosen(matrix, rows, chosen, chunk, out)
        if out.tobytes() != np.einsum("sk,sk->s", matrix, rows[chosen]).tobytes():
            return False
    return True


def einsum_kernels(matrix: np.ndarray) -> SimpleNamespace | None:
    """The kernels that sum a store × SKU ``matrix`` as ``np.einsum`` does, or ``None``.

    ``None`` (the caller keeps to ``einsum``) unless ``matrix`` is a 2-D integer or float
    array that :func:`kernels` serves and :func:`einsum_order_holds` on this machine.
    """
    if matrix.ndim != 2 or matrix.dtype.kind not in "iuf":
        return None
    compiled = kernels(matrix.size)
    if compiled is None or not einsum_order_holds():
        return None
    return compiled


# -- kernels (plain Python here: compiled by _compiled; slow but correct uncompiled) ----------


def half_to_float(bits: int) -> float:
    """The float16 whose bits are ``bits``, as a float: exactly (every float16 is a float)."""
    exponent = (bits >> 10) & 0x1F
    fraction = bits & 0x3FF
    if exponent == 0:  # zero and subnormals: fraction × 2^-24
        value = fraction * 5.960464477539063e-08
    elif exponent == 31:
        value = np.inf if fraction == 0 else np.nan
    else:  # (1024 + fraction) × 2^(exponent - 25)
        value = float((1024 + fraction) << exponent) * 2.9802322387695312e-08
    return -value if bits & 0x8000 else value


@cache
def half_table() -> np.ndarray:
    """Every float16 as a float64, indexed by its bits (65,536 values, 512 kB, read-only).

    NumPy's own exact widening; :func:`horizon_block` reads its offsets through it, one load
    in place of :func:`half_to_float`'s branches (twice as fast on a week of offsets).
    """
    table = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float64)
    table.flags.writeable = False
    return table


def float_to_half(value: Any) -> int:
    """The bits of the float16 nearest the float32 ``value`` (ties to even), as NumPy rounds.

    NumPy's own ``npy_floatbits_to_halfbits``, line for line: beyond float16's range a signed
    infinity (a NaN stays a NaN), below it a subnormal or a signed zero.
    """
    f = int(np.float32(value).view(np.uint32))
    sign = (f >> 16) & 0x8000
    exponent = f & 0x7F800000
    if exponent >= 0x47800000:
        if exponent == 0x7F800000 and f & 0x007FFFFF:
            payload = 0x7C00 + ((f & 0x007FFFFF) >> 13)
            return sign + (payload if payload != 0x7C00 else 0x7C01)
        return sign + 0x7C00
    if exponent <= 0x38000000:
        if exponent < 0x33000000:
            return sign
        significand = (0x00800000 + (f & 0x007FFFFF)) >> (113 - (exponent >> 23))
        if (significand & 0x3FFF) != 0x1000 or f & 0x7FF:
            significand += 0x1000
        return sign + (significand >> 13)
    significand = f & 0x007FFFFF
    if (significand & 0x3FFF) != 0x1000:
        significand += 0x1000
    return sign + ((exponent - 0x38000000) >> 13) + (significand >> 13)


#: Offsets of this size or more do not fit float16 (they round to infinity).
HALF_LIMIT = 65_520.0


#: Cells of :func:`holt_winters_observe` per block: its three buffers stay in the first cache.
OBSERVE_BLOCK = 512


def half_bits(value: Any) -> int:
    """:func:`float_to_half` of a float32 ``value`` known finite and under :data:`HALF_LIMIT`.

    Compiled as the processor's own conversion (``vcvtps2ph``, F16C) where it has one
    (:func:`_native_half`): the same rounding to nearest, ties to even, as NumPy's, for every
    such value (tested against NumPy), in one instruction that vectorises; elsewhere
    :func:`float_to_half` itself.
    """
    return float_to_half(value)


def _season_update(offset: Any, error: Any, gamma: Any) -> Any:
    """A weekday offset after the day's error (the error taken against level and offset)."""
    return offset + gamma * (error - offset)


def _observe_block(
    error: np.ndarray,
    offset: np.ndarray,
    level: np.ndarray,
    variance: np.ndarray,
    season: np.ndarray,
    alpha: Any,
    keep: Any,
    gamma: Any,
    half: bool,
) -> None:
    """:func:`holt_winters_observe`'s updates of a block, from its errors and offsets."""
    n = error.shape[0]
    for j in range(n):
        e = error[j] - offset[j]
        kept = variance[j] * keep
        variance[j] = kept + (alpha * e) * e
        level[j] = level[j] + alpha * e
    if gamma > 0:
        if half:
            for j in range(n):
                season[j] = half_bits(_season_update(offset[j], error[j], gamma))
        else:
            for j in range(n):
                season[j] = _season_update(offset[j], error[j], gamma)


def half_value(bits: Any, halves: np.ndarray) -> float:
    """The float16 of these bits as a float64: ``halves[bits]`` (:func:`half_table`).

    Compiled as the processor's own widening where it has F16C (:func:`_native_half`, exact
    as NumPy's: tested on every bit pattern), no table read: it vectorises.
    """
    return halves[int(bits)]


def holt_winters_observe(
    demand: np.ndarray,
    censored: np.ndarray,
    expected: np.ndarray,
    level: np.ndarray,
    season: np.ndarray,
    variance: np.ndarray,
    scratch: np.ndarray,
    alpha: Any,
    keep: Any,
    gamma: Any,
    half: bool,
    halves: np.ndarray,
) -> int:
    """One day of :meth:`HoltWinters.observe <crossdock.policies.HoltWinters.observe>`, no trend.

    All arrays are 1-D (the forecaster's state raveled; ``season`` is the day's weekday
    row: of the state's type, or with ``half`` the bits of float16 offsets, as uint16, read
    as ``halves[bits]``: :func:`half_table`).
    ``censored`` lists, ascending, the cells whose demand is ``expected`` instead of
    ``demand`` (censored days; empty for none). ``alpha``, ``keep`` (1 − alpha) and ``gamma``
    are scalars of the state's type, as NumPy casts a Python float against a float32 array;
    ``scratch`` (one element) gives that type. The error is taken as NumPy does: demand minus
    level in float64, stored at the state's precision; half-precision offsets are read
    exactly and their update rounded once, as NumPy's cast rounds it.

    By blocks of :data:`OBSERVE_BLOCK` cells, in passes with no branch inside (compiled as
    vector instructions): the wanted demand (the censored cells' put in), the error and the
    offset in the state's type, a count of offsets that would outgrow float16, then the
    updates. Returns -1, or with ``half`` the first cell whose updated offset would not fit
    float16 (:data:`HALF_LIMIT`, or NaN): that cell and those after it are left untouched.
    """
    size = level.size
    wanted = np.empty(OBSERVE_BLOCK)
    error = np.empty(OBSERVE_BLOCK, dtype=scratch.dtype)  # the state's type
    offset = np.empty(OBSERVE_BLOCK, dtype=scratch.dtype)
    check = half and gamma > 0
    next_censored = 0
    for start in range(0, size, OBSERVE_BLOCK):
        n = min(OBSERVE_BLOCK, size - start)
        for j in range(n):
            wanted[j] = float(demand[start + j])
        while next_censored < censored.size and censored[next_censored] < start + n:
            wanted[censored[next_censored] - start] = expected[next_censored]
            next_censored += 1
        for j in range(n):
            error[j] = wanted[j] - float(level[start + j])
        if half:
            for j in range(n):
                offset[j] = half_value(season[start + j], halves)
        else:
            for j in range(n):
                offset[j] = season[start + j]
        stop = n
        if check:
            outgrown = 0
            for j in range(n):
                updated = _season_update(offset[j], error[j], gamma)
                outgrown += 0 if abs(updated) < HALF_LIMIT else 1
            if outgrown:
                stop = 0
                while abs(_season_update(offset[stop], error[stop], gamma)) < HALF_LIMIT:
                    stop += 1
        _observe_block(
            error[:stop],
            offset[:stop],
            level[start : start + stop],
            variance[start : start + stop],
            season[start : start + stop],
            alpha,
            keep,
            gamma,
            half,
        )
        if stop < n:
            return start + stop
    return -1


def _native_half() -> bool:
    """Compile :func:`half_bits` and :func:`half_value` as the processor's conversions, if any.

    LLVM's ``fptrunc`` to ``half`` and ``fpext`` from it: with F16C, ``vcvtps2ph`` (rounding
    to nearest, ties to even, as NumPy rounds) and ``vcvtph2ps``; without it calls to
    library routines, so they are used only where the host has F16C, and elsewhere the
    functions stay :func:`float_to_half` and the table's read. Whether they are.
    """
    import llvmlite.binding as llvm
    from llvmlite import ir
    from numba.core import types
    from numba.extending import intrinsic, overload

    if not llvm.get_host_cpu_features().get("f16c", False):
        return False

    @intrinsic
    def narrow(typingctx, value):  # type: ignore[no-untyped-def]
        def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
            bits = builder.bitcast(builder.fptrunc(args[0], ir.HalfType()), ir.IntType(16))
            return bits

        return types.uint16(types.float32), codegen

    @intrinsic
    def widen(typingctx, bits):  # type: ignore[no-untyped-def]
        def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
            return builder.fpext(builder.bitcast(args[0], ir.HalfType()), ir.DoubleType())

        return types.float64(types.uint16), codegen

    @overload(half_bits)
    def _half_bits_native(value):  # type: ignore[no-untyped-def]
        return lambda value: narrow(np.float32(value))

    @overload(half_value)
    def _half_value_native(bits, halves):  # type: ignore[no-untyped-def]
        return lambda bits, halves: widen(np.uint16(bits))

    return True


def horizon_block(
    level: np.ndarray,
    season: np.ndarray,
    row0: int,
    planes: np.ndarray,
    variance: np.ndarray,
    lead: np.ndarray,
    review_days: float,
    level_error: float,
    season_error: float,
    noise_divisor: Any,
    with_spread: bool,
    mean: np.ndarray,
    spread: np.ndarray,
    half: bool,
    halves: np.ndarray,
) -> None:
    """Holt-Winters' ``horizon_mean`` and ``horizon_std`` for a block of rows.

    The horizon is the protection interval ``(review_days + lead) - 1`` in float64
    (:func:`crossdock.policies.protection_interval_days`' operations), worked out per cell
    from ``lead`` (any number type) so that no array of it is made.
    2-D arrays of the block's shape (``lead`` may be a broadcast view); ``season`` is the 7
    weekday planes of every row, the block's from row ``row0`` (whole and contiguous, so
    that its rows are read as vectors; with ``half``, the bits of float16 offsets, as uint16,
    read by :func:`half_value`) and ``planes`` their order from the day to forecast on.
    The mean (at least 0) goes to ``mean``, the error's standard deviation to ``spread``
    (only when ``with_spread``), each computed as NumPy computes it: offsets summed in
    float64 from the day's weekday on, float32 variance divided by ``noise_divisor`` in
    float32. ``level_error`` and ``season_error`` are α / (2 − α) and γ / (2 − γ).
    """
    skus = level.shape[1]
    running = np.empty(skus)
    partial = np.empty(skus)
    for s in range(level.shape[0]):
        first = 0
        while first < skus:
            # a run of SKUs with the same horizon (a store's row in the traditional chain, a
            # supplier's SKUs in the shared one): what depends on the horizon only is worked
            # out once for the run, and each pass below goes over the run's cells, no branch
            # inside (vector instructions)
            horizon = lead[s, first]
            last = first + 1
            while last < skus and lead[s, last] == horizon:
                last += 1
            count_f = np.rint((float(horizon) + review_days) - 1.0)
            count = int(count_f)
            weeks = count // 7
            rest = count % 7
            weeks_f = np.floor(count_f / 7.0)
            rest_f = count_f - 7.0 * weeks_f
            repeats = 7.0 * weeks_f * weeks_f + 2.0 * rest_f * weeks_f + rest_f
            multiplier = count_f + count_f * count_f * level_error + season_error * repeats
            # (each pass over views of the run's cells indexed from 0: no index that could be
            # negative, so no wraparound test in the way of the vector instructions)
            n = last - first
            summed = running[:n]
            until_rest = partial[:n]
            for j in range(n):
                summed[j] = 0.0
                until_rest[j] = 0.0
            for t in range(7 if weeks > 0 else rest):
                offsets = season[planes[t], row0 + s, first:last]
                if half:
                    for j in range(n):
                        summed[j] = summed[j] + half_value(offsets[j], halves)
                else:
                    for j in range(n):
                        summed[j] = summed[j] + float(offsets[j])
                if t + 1 == rest:
                    for j in range(n):
                        until_rest[j] = summed[j]
            levels = level[s, first:last]
            means = mean[s, first:last]
            for j in range(n):
                seasonal = weeks * summed[j] + until_rest[j] if weeks > 0 else until_rest[j]
                total = float(levels[j]) * float(count) + seasonal
                means[j] = max(total, 0.0)
            if with_spread:
                variances = variance[s, first:last]
                spreads = spread[s, first:last]
                for j in range(n):
                    noise = variances[j] / noise_divisor
                    spreads[j] = math.sqrt(float(noise) * multiplier)
            first = last


def interp_block(
    log_shape: np.ndarray,
    mean: np.ndarray,
    spread: np.ndarray,
    grid: np.ndarray,
    factors: np.ndarray,
    slopes: np.ndarray,
    out: np.ndarray,
) -> None:
    """``np.interp(log_shape, grid, factors)`` where the gamma quantile needs it, else 0.

    Cells with no spread or no mean, or a shape beyond the grid (the normal quantile), get
    0 (their quantile is set by :func:`packs_block`). NumPy bisects for j with
    grid[j] <= x < grid[j + 1]; the grid is uniform, so j is computed and then corrected by
    a step, and the value is NumPy's formula, so the result is NumPy's to the bit.
    ``slopes`` are :func:`interp_slopes`, NumPy's own: it works them out once per call
    (when there are more points than grid steps) by the same division.
    """
    last = grid.size - 1
    first = grid[0]
    top = grid[last]
    per_step = last / (top - first)  # a first guess of j only: corrected below
    for s in range(mean.shape[0]):
        for k in range(mean.shape[1]):
            x = log_shape[s, k]
            if not (spread[s, k] > 0 and mean[s, k] > 0) or x > top:
                out[s, k] = 0.0
                continue
            if x < first:
                out[s, k] = factors[0]
                continue
            j = min(max(int((x - first) * per_step), 0), last)
            while j > 0 and grid[j] > x:
                j -= 1
            while j < last and grid[j + 1] <= x:
                j += 1
            if j == last or grid[j] == x:
                out[s, k] = factors[j]
                continue
            slope = slopes[j]
            q = slope * (x - grid[j]) + factors[j]
            if math.isnan(q):
                q = slope * (x - grid[j + 1]) + factors[j + 1]
                if math.isnan(q) and factors[j] == factors[j + 1]:
                    q = factors[j]
            out[s, k] = q


def interp_slopes(grid: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """The slope of each step of the table, as ``np.interp`` works it out: Δfactor / Δgrid."""
    return (factors[1:] - factors[:-1]) / (grid[1:] - grid[:-1])


def _gamma_target(
    mean: float, spread: float, quantile: float, log_shape: float, top: float, z: float
) -> float:
    """The gamma rule's order-up-to level of one cell (see :func:`packs_block`)."""
    target = mean
    if spread > 0 and target > 0:
        if log_shape > top:
            target = target + z * spread
        else:
            target = quantile * target
        target = max(target, 0.0)
    return target


def _position(on_hand: Any, on_order: Any, backorders: Any) -> int:
    """A cell's inventory position, in int64 (its books may be narrower)."""
    return int(on_hand) + int(on_order) - int(backorders)


def _order_in_packs(target: float, position: int, unit: Any, capacity: Any) -> int:
    """The gap from ``position`` up to ``target`` in whole packs, cut to the shelf's room."""
    gap = max(target - float(position), 0.0)
    want = int(max(np.ceil(gap / unit), 0.0) * unit)
    room = int(capacity) - position
    if want > room:
        want = (max(room, 0) // unit) * unit
    return want


def packs_block(
    mean: np.ndarray,
    spread: np.ndarray,
    quantile: np.ndarray,
    log_shape: np.ndarray,
    top: float,
    z: float,
    rule: int,
    on_hand: np.ndarray,
    on_order: np.ndarray,
    backorders: np.ndarray,
    pack: np.ndarray,
    capacity: np.ndarray,
    order: np.ndarray,
) -> None:
    """Order-up-to level, gap to the position, whole packs, cut to the shelf's room.

    ``rule`` 0: the level is ``mean`` (z = 0); 1: the normal ``mean + z·spread``; 2: the
    gamma quantile, ``exp(quantile) · mean`` (``quantile`` holds the exp of the tabulated
    factor) where there is a spread and a mean, ``mean + z·spread`` beyond the table
    (``log_shape > top``), ``mean`` elsewhere, at least 0. Then, as
    :func:`crossdock._kernels.round_up_to_pack` and :func:`cap_to_room
    <crossdock._kernels.cap_to_room>` do: ``ceil(gap / pack)`` packs, cut by whole packs to
    ``capacity`` − position.
    """
    for s in range(mean.shape[0]):
        for k in range(mean.shape[1]):
            target = mean[s, k]
            if rule == 1:
                target = target + z * spread[s, k]
            elif rule == 2:
                target = _gamma_target(
                    target, spread[s, k], quantile[s, k], log_shape[s, k], top, z
                )
            position = _position(on_hand[s, k], on_order[s, k], backorders[s, k])
            order[s, k] = _order_in_packs(target, position, pack[k], capacity[s, k])


#: :func:`quantile_cells`' bands: the bits of a float shifted right by this many; so
#: :data:`BOUND_STEPS` bands per octave of the gamma's shape.
_BOUND_SHIFT = 49
BOUND_STEPS = 1 << (52 - _BOUND_SHIFT)
#: Margin on ``log2`` of a shape read from the bits of a float: the bits, read as an integer
#: and scaled, are ``log2`` of the float to within 0.0861 (from below).
_BITS_LOG_ERROR = 0.09
#: Mean and spread between these (or 0) square without overflow or underflow.
_SQUARE_RANGE = (1e-100, 1e100)


def quantile_bounds(grid: np.ndarray, factors: np.ndarray) -> tuple[np.ndarray, int]:
    """Upper bounds of ``exp(np.interp(log k, grid, factors))`` by bands of the shape k.

    Band ``d`` holds the shapes whose squared mean's and squared spread's bits differ by
    ``d`` in units of 2**52 / :data:`BOUND_STEPS` (so ``log2 k`` is within
    ``[d, d + 1] / BOUND_STEPS`` give or take 0.09); its bound is the exp of the largest
    factor at the grid points within that band widened by one and a half grid steps (any
    interpolation between two grid points is between their factors; NumPy's ``log`` of the
    shape is within far less of its true value), times ``1 + 1e-9`` (the interpolation's and
    ``exp``'s last bits). The bands below the first (``d`` at most the returned first band)
    and above the last are merged into them, with the factor below the grid and at its top.
    Returns the bounds and the first band's ``d``. A NaN factor makes its bands' bounds NaN:
    no cell of those is ever skipped.
    """
    step = float(np.max(np.diff(grid), initial=0.0))
    per_log = BOUND_STEPS / math.log(2.0)
    low = math.floor(float(grid[0]) * per_log) - 2
    high = math.ceil(float(grid[-1]) * per_log) + 2
    bands = np.arange(low, high + 1)
    margin = 1.5 * step
    lower = (bands / BOUND_STEPS - _BITS_LOG_ERROR) * math.log(2.0) - margin
    upper = ((bands + 1) / BOUND_STEPS + _BITS_LOG_ERROR) * math.log(2.0) + margin
    lower[0], upper[-1] = -np.inf, np.inf
    bounds = np.empty(bands.size)
    for i in range(bands.size):
        inside = factors[(grid >= lower[i]) & (grid <= upper[i])]
        ends = [factors[0]] if lower[i] < grid[0] else []
        ends += [factors[-1]] if upper[i] > grid[-1] else []
        bounds[i] = np.max(np.concatenate([inside, ends]))
    bounds = np.exp(bounds) * (1.0 + 1e-9)
    bounds.flags.writeable = False
    return bounds, low


@lru_cache(maxsize=8)
def _quantile_bounds(grid: bytes, factors: bytes) -> tuple[np.ndarray, int]:
    """:func:`quantile_bounds` of a table given as its bytes, worked out once per table."""
    return quantile_bounds(np.frombuffer(grid), np.frombuffer(factors))


def float_bits(value: Any) -> Any:
    """The bits of a float64, as an int64 (a move between registers once compiled)."""
    return np.float64(value).view(np.int64)


def quantile_cells(
    mean: np.ndarray,
    spread: np.ndarray,
    on_hand: np.ndarray,
    on_order: np.ndarray,
    backorders: np.ndarray,
    z: float,
    bounds: np.ndarray,
    low: int,
    order: np.ndarray,
    cells: np.ndarray,
    means: np.ndarray,
    spreads: np.ndarray,
) -> int:
    """The cells of a block whose gamma order needs the quantile; no order for the others.

    A cell whose inventory position is at least a bound on its order-up-to level orders
    nothing, whatever the quantile: the bound is the larger of ``mean · bounds[band]``
    (:func:`quantile_bounds`, the band read from the bits of the squared mean and spread), of
    ``mean + z·spread`` (the level beyond the table, computed as :func:`packs_block` computes
    it) and of ``mean``. Its order is set to 0; the other cells (and any whose mean or spread
    is outside :data:`_SQUARE_RANGE`, or whose bound is NaN) are listed from index 0 of
    ``cells`` (uint64: the row in the high 32 bits, the column in the low: one store a
    cell), their mean and spread of ``means`` and ``spreads``, and their count returned.
    Most cells of a day are skipped (their position is above the level since their last
    order), and so is their ``log``, interpolation and ``exp``.
    """
    tiny, huge = _SQUARE_RANGE
    last = bounds.size - 1
    skus = mean.shape[1]
    band = np.empty(skus, dtype=np.int64)
    bound = np.empty(skus)
    keep = np.empty(skus, dtype=np.bool_)
    n = 0
    for s in range(mean.shape[0]):
        # by passes over the row, each but the table's read as vector instructions
        m_row = mean[s]
        sd_row = spread[s]
        for k in range(skus):
            m = m_row[k]
            sd = sd_row[k]
            bits = (float_bits(m * m) - float_bits(sd * sd)) >> _BOUND_SHIFT
            band[k] = min(max(bits - low, 0), last)
        for k in range(skus):
            bound[k] = bounds[band[k]]
        held = on_hand[s]
        coming = on_order[s]
        owed = backorders[s]
        zero = order[s]
        for k in range(skus):
            m = m_row[k]
            sd = sd_row[k]
            position = float(_position(held[k], coming[k], owed[k]))
            squares = ((m == 0) | ((m > tiny) & (m < huge))) & (
                (sd == 0) | ((sd > tiny) & (sd < huge))
            )
            above = (position >= m * bound[k]) & (position >= m + z * sd) & (position >= m)
            keep[k] = not (squares & above)
            zero[k] = 0
        row = np.uint64(s) << np.uint64(32)
        for k in range(skus):
            cells[n] = row | np.uint64(k)
            n += keep[k]
    for i in range(n):
        s, k = _cell_at(cells[i])
        means[i] = mean[s, k]
        spreads[i] = spread[s, k]
    return n


def _cell_at(cell: Any) -> tuple[Any, Any]:
    """The row and column of one of :func:`quantile_cells`' listed cells."""
    return cell >> np.uint64(32), cell & np.uint64(0xFFFFFFFF)


def packs_cells(
    cells: np.ndarray,
    mean: np.ndarray,
    spread: np.ndarray,
    quantile: np.ndarray,
    log_shape: np.ndarray,
    top: float,
    z: float,
    on_hand: np.ndarray,
    on_order: np.ndarray,
    backorders: np.ndarray,
    pack: np.ndarray,
    capacity: np.ndarray,
    order: np.ndarray,
) -> None:
    """:func:`packs_block`'s gamma order for the cells :func:`quantile_cells` listed.

    ``mean``, ``spread``, ``quantile`` and ``log_shape`` are the listed cells' (1-D, in the
    list's order); the position, pack and shelf are read, and the order written, at each
    cell's row and column.
    """
    for i in range(cells.size):
        s, k = _cell_at(cells[i])
        target = _gamma_target(mean[i], spread[i], quantile[i], log_shape[i], top, z)
        position = _position(on_hand[s, k], on_order[s, k], backorders[s, k])
        order[s, k] = _order_in_packs(target, position, pack[k], capacity[s, k])


def cases_total(
    quantity: np.ndarray, case_pack: np.ndarray, magic: np.ndarray, shift: np.ndarray
) -> int:
    """Σ ceil(quantity[s, k] / case_pack[k]) over a 2-D integer array, in integers.

    :func:`crossdock._kernels.cases` without its float64 temporaries (a few rows at a time,
    each a fresh allocation whose pages fault in): the same whole numbers. Each division by a
    SKU's pack is a multiplication and a shift (:func:`division_magic`: exact for numerators
    from 0 to 2**31 − 1), three times as fast as dividing; other numerators are divided.
    """
    total = np.int64(0)
    for s in range(quantity.shape[0]):
        for k in range(quantity.shape[1]):
            pack = np.int64(case_pack[k])  # int64 sums: an int32 book near its limit fits
            top = np.int64(quantity[s, k]) + pack - 1
            if top >= 0 and top < 2147483648:
                total += (top * magic[k]) >> shift[k]
            else:
                total += top // pack
    return int(total)


def division_magic(divisor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Multipliers and shifts that divide by each ``divisor`` (integers ≥ 1) without dividing.

    For 0 ≤ n < 2**31, ``n // d == (n * m) >> s`` with ``s = 31 + ceil(log2 d)`` and
    ``m = ceil(2**s / d)`` (Granlund and Montgomery, "Division by invariant integers using
    multiplication", 1994, theorem 4.2: ``m·d − 2**s < d ≤ 2**ceil(log2 d)``); ``n · m`` stays
    below 2**63.
    """
    d = np.asarray(divisor, dtype=np.int64)
    shift = 31 + np.frexp((d - 1).astype(np.float64))[1].astype(np.int64)  # ceil(log2 d)
    magic = ((np.int64(1) << shift) + d - 1) // d
    return magic, shift


def sell_lost_sales(
    on_hand: np.ndarray,
    wanted: np.ndarray,
    sold: np.ndarray,
    short: np.ndarray,
    empty: np.ndarray,
    last_sale: np.ndarray,
    day: int,
    dead_before: int,
    in_stock: np.ndarray,
    store_demand: np.ndarray,
    store_sales: np.ndarray,
    sku_demand: np.ndarray,
    sku_sales: np.ndarray,
    sku_lost: np.ndarray,
    sku_short: np.ndarray,
    dead_stock: np.ndarray,
) -> None:
    """A day of the stores' tills under lost sales, in one pass over store × SKU.

    What :meth:`Stores.trade <crossdock.parties.stores.Stores.trade>` does with NumPy:
    SKUs in stock per store before selling (``in_stock``), ``sold = min(on_hand, wanted)``,
    ``short = wanted − sold``, the shelf after (``on_hand``; ``empty`` where it is 0, the
    censored days), the day's demand and sales per store and per SKU, lost units and short
    positions per SKU, the day after each store × SKU's last sale (``last_sale``), and, where
    ``dead_before`` ≥ 0, the stock per SKU whose last sale is at or before it
    (``dead_stock``). Integer sums, so the order of the additions does not matter: the
    numbers are NumPy's. The per-store and per-SKU outputs must come in as zeros.
    """
    for s in range(on_hand.shape[0]):
        listed = 0
        demand = 0
        sales = 0
        for k in range(on_hand.shape[1]):
            have = on_hand[s, k]
            want = wanted[s, k]
            if have != 0:
                listed += 1
            got = min(have, want)
            lost = want - got
            left = have - got
            sold[s, k] = got
            short[s, k] = lost
            on_hand[s, k] = left
            empty[s, k] = left == 0
            demand += want
            sales += got
            sku_demand[k] += want
            sku_sales[k] += got
            sku_lost[k] += lost
            if lost != 0:
                sku_short[k] += 1
            if got > 0:
                last_sale[s, k] = day + 1
            if dead_before >= 0 and last_sale[s, k] <= dead_before:
                dead_stock[k] += left
        in_stock[s] = listed
        store_demand[s] = demand
        store_sales[s] = sales


def put_away(
    goods: np.ndarray,
    on_hand: np.ndarray,
    on_order: np.ndarray,
    unadvised: np.ndarray,
    totals: np.ndarray,
    delivered: np.ndarray,
) -> int:
    """A morning's deliveries put on the stores' shelves, in one pass over store × SKU.

    What :meth:`Stores._unload <crossdock.parties.stores.Stores._unload>` does with NumPy:
    ``on_hand += goods``; the goods expected (at most what is on order) come off
    ``on_order``; the rest came before its despatch advice and is added to ``unadvised``;
    ``totals`` (int64, per store) the units received and ``delivered`` whether a store
    received anything. Returns 0; or 1 where a cell's ``on_hand``, 2 where its
    ``unadvised``, would pass ±(2**31 − 1): the caller stops the run (the cells before it
    are then changed, and no other). Integers throughout: the numbers are NumPy's.
    """
    limit = 2147483647
    for s in range(goods.shape[0]):
        total = np.int64(0)
        received = False
        for k in range(goods.shape[1]):
            g = goods[s, k]
            stock = np.int64(on_hand[s, k]) + np.int64(g)
            if stock > limit or stock < -limit:
                return 1
            on_hand[s, k] = stock
            have = on_order[s, k]
            expected = min(g, have)
            on_order[s, k] = have - expected
            early = np.int64(g) - np.int64(expected)
            if early != 0:
                after = np.int64(unadvised[s, k]) + early
                if after > limit or after < -limit:
                    return 2
                unadvised[s, k] = after
            total += g
            if g != 0:
                received = True
        totals[s] = total
        delivered[s] = received
    return 0


def pair_sum(x: np.ndarray, y: np.ndarray) -> float:
    """``Σ_k float64(x[k]) × y[k]`` for 1-D ``x`` and ``y``, added in ``np.einsum``'s order.

    NumPy's ``einsum`` sums a product of two contiguous operands into one value with
    ``sum_of_products_contig_contig_outstride0_two``, built for NumPy's x86-64 baseline: two
    float64 lanes and a multiplication then an addition, so two running sums, the even
    items' and the odd ones', each block of eight items taken from its last pair to its
    first, the items left over two at a time (a lane past the end loaded as zeros), and
    the two lanes added at the end. :func:`einsum_order_holds` checks this against NumPy on
    the machine before any kernel that uses it is used.
    """
    width = x.shape[0]
    whole = width - width % 8
    even = 0.0
    odd = 0.0
    for k in range(0, whole, 8):
        even = float(x[k + 6]) * y[k + 6] + even
        odd = float(x[k + 7]) * y[k + 7] + odd
        even = float(x[k + 4]) * y[k + 4] + even
        odd = float(x[k + 5]) * y[k + 5] + odd
        even = float(x[k + 2]) * y[k + 2] + even
        odd = float(x[k + 3]) * y[k + 3] + odd
        even = float(x[k]) * y[k] + even
        odd = float(x[k + 1]) * y[k + 1] + odd
    for k in range(whole, width, 2):
        even = float(x[k]) * y[k] + even
        if k + 1 < width:
            odd = float(x[k + 1]) * y[k + 1] + odd
        else:
            odd = 0.0 * 0.0 + odd
    return even + odd


def row_dot_rows(matrix: np.ndarray, vector: np.ndarray, out: np.ndarray) -> None:
    """``out[i] = Σ_k float64(matrix[i, k]) × vector[k]``: ``np.einsum("ik,k->i")``'s sums.

    :func:`crossdock._kernels.row_dot`'s sums without its float64 copy of the rows: each row
    is one :func:`pair_sum`, whatever its width (``einsum`` does not cut these rows).
    """
    for i in range(matrix.shape[0]):
        out[i] = 0.0 + pair_sum(matrix[i], vector)


def row_dot_chosen(
    matrix: np.ndarray, rows: np.ndarray, chosen: np.ndarray, chunk: int, out: np.ndarray
) -> None:
    """``out[i] = Σ_k float64(matrix[i, k]) × rows[chosen[i], k]``, as ``np.einsum("sk,sk->s")``.

    The sums of ``einsum`` over ``matrix`` and the gathered rows ``rows[chosen]``, without the
    gathered copy: two 2-D operands are summed by ``einsum`` ``chunk`` items (NumPy's buffer
    size) at a time, each chunk a :func:`pair_sum` added to the row's running total.
    """
    width = matrix.shape[1]
    for i in range(matrix.shape[0]):
        row = rows[chosen[i]]
        total = 0.0
        for start in range(0, width, chunk):
            stop = min(start + chunk, width)
            total = total + pair_sum(matrix[i, start:stop], row[start:stop])
        out[i] = total


def int32_room_cells(target: np.ndarray, added: np.ndarray) -> bool:
    """Whether ``target + added`` stays within ±(2**31 − 1) in every cell: int32 2-D arrays.

    :func:`crossdock._kernels.int32_room`'s answer in one pass over both arrays, with no
    temporaries (its NumPy path takes four reductions, and the sum in int64 when they
    cannot decide); int64 sums of two int32 never overflow. Row by row without a branch,
    so that a row is vector instructions; the answer is known at the end of a row.
    """
    for s in range(target.shape[0]):
        outside = False
        for k in range(target.shape[1]):
            total = np.int64(target[s, k]) + np.int64(added[s, k])
            outside |= bool((total > 2147483647) | (total < -2147483647))
        if outside:
            return False
    return True


def add_within_int32(target: np.ndarray, added: np.ndarray) -> bool:
    """``target += added`` (int32 2-D arrays) if every sum stays within ±(2**31 − 1); else nothing.

    :func:`int32_room_cells` and the addition in one pass over both arrays
    (:func:`_add_within`); False, with ``target`` as it came, where a cell would pass.
    """
    return _add_within(target, added, -2147483647, 2147483647) < 0


#: Products below this are divided through a float reciprocal (then mended to the exact
#: quotient): a 64-bit integer division costs tens of cycles.
_EXACT_BELOW = 2**52
#: Rows of a store × SKU book read or written together where its columns are worked on one by
#: one (:func:`ration_columns`).
_TILE_ROWS = 64


def ration_columns(
    requested: np.ndarray,
    available: np.ndarray,
    total: np.ndarray,
    short: np.ndarray,
    granted: np.ndarray,
    width: int,
) -> None:
    """:func:`crossdock._kernels.ration`'s short columns, into ``granted`` (a copy of ``requested``).

    Each column ``j`` of ``short`` shares ``available[j]`` (>= 0, below ``total[j]``, the
    column's int64 sum) in proportion to the requests, rounded down; the units left go one
    each to the largest remainders, ties to the lower row, never to a remainder of 0. The
    NumPy path ranks every row of a column by a stable sort; here the ``k``-th largest
    remainder is found by a partition (``k`` the units left) and the rows above it, then the
    first rows equal to it, take one: the same rows, in time linear in the rows. The shares
    are NumPy's int64 floor quotients and remainders exactly (found from a float reciprocal
    where the product is below :data:`_EXACT_BELOW`, then corrected), so the answer is the
    same cell for cell. Columns go ``width`` at a time, read and written a tile of rows at a
    time (the store × SKU array's order).
    """
    n = requested.shape[0]
    count = short.size
    width = max(1, min(width, count))
    # a column's remainders side by side (to rank them); the book is read and written a tile
    # of rows at a time, so that both stay in the cache
    remainder = np.empty((width, n), dtype=np.int64)
    plus = np.empty((width, n), dtype=np.bool_)
    base_sum = np.empty(width, dtype=np.int64)
    inverse = np.empty(width)
    for start in range(0, count, width):
        w = min(width, count - start)
        base_sum[:w] = 0
        for c in range(w):
            inverse[c] = 1.0 / total[short[start + c]]
        for tile in range(0, n, _TILE_ROWS):
            for i in range(tile, min(tile + _TILE_ROWS, n)):
                for c in range(w):
                    j = short[start + c]
                    tot = total[j]
                    scaled = np.int64(requested[i, j]) * available[j]
                    if 0 <= scaled < _EXACT_BELOW:  # a float quotient, off by one at most
                        base = np.int64(scaled * inverse[c])
                        rest = scaled - base * tot
                        while rest < 0:
                            base -= 1
                            rest += tot
                        while rest >= tot:
                            base += 1
                            rest -= tot
                    else:
                        base = scaled // tot
                        rest = scaled - base * tot
                    remainder[c, i] = rest
                    base_sum[c] += base
                    granted[i, j] = base
        for c in range(w):
            left = available[short[start + c]] - base_sum[c]
            column = remainder[c]
            if left <= 0:
                plus[c] = False
                continue
            if left >= n:
                for i in range(n):
                    plus[c, i] = column[i] > 0
                continue
            threshold = np.partition(column, n - left)[n - left]  # the left-th largest
            ties = left  # then how many of the rows equal to it take one (without branches)
            for i in range(n):
                ties -= np.int64(column[i] > threshold)
            for i in range(n):
                value = column[i]
                tie = np.int64(value == threshold) & np.int64(ties > 0)
                ties -= tie
                plus[c, i] = ((np.int64(value > threshold) | tie) & np.int64(value > 0)) != 0
        for tile in range(0, n, _TILE_ROWS):
            for i in range(tile, min(tile + _TILE_ROWS, n)):
                for c in range(w):
                    if plus[c, i]:
                        granted[i, short[start + c]] += 1


def settle_cells(
    target: np.ndarray, rows: np.ndarray, items: np.ndarray, quantity: np.ndarray
) -> None:
    """``target[rows[r], items[k]] -= min(target[...], quantity[r, k])`` in every cell.

    The retailer's open confirmations settled by a despatch advice (its stores × its items) in
    one pass, with no temporaries: NumPy takes the cells out, makes their minimum and writes
    the difference back. Worked in int64, stored in ``target``'s type, as NumPy's in-place
    subtraction stores it.
    """
    for r in range(rows.size):
        row = rows[r]
        for k in range(items.size):
            column = items[k]
            held = np.int64(target[row, column])
            settled = min(held, np.int64(quantity[r, k]))
            target[row, column] = held - settled


def add_within_int16(target: np.ndarray, added: np.ndarray) -> int:
    """``target`` (int16) += ``added`` in every cell if every sum fits int16; else nothing.

    The delivery calendar's sales sums, kept in int16 while they fit (2 bytes a cell): the
    result is -1 where every cell was added, else the first cell (C order) whose sum would
    not fit, with ``target`` as it came (:func:`_add_within`).
    """
    return _add_within(target, added, -32768, 32767)


def _add_within(target: np.ndarray, added: np.ndarray, low: int, high: int) -> int:
    """``target += added`` if every sum lies in ``low``…``high``; else nothing: -1, or the cell.

    Row by row without a branch (a row is vector instructions), each row's sums written as
    they are made. Where a row has a sum outside, that row is taken back (its wrapped cells
    unwrap exactly: the book's integers wrap and unwrap), its first such cell found, and the
    rows before taken back: the result is that cell (C order), ``target`` as it came.
    """
    width = target.shape[1]
    for i in range(target.shape[0]):
        outside = False
        for k in range(width):
            value = np.int64(target[i, k]) + np.int64(added[i, k])
            outside |= bool((value < low) | (value > high))
            target[i, k] = value
        if outside:
            first = -1
            for k in range(width):
                target[i, k] = np.int64(target[i, k]) - np.int64(added[i, k])
                value = np.int64(target[i, k]) + np.int64(added[i, k])
                if first < 0 and (value < low or value > high):
                    first = k
            for r in range(i):
                for k in range(width):
                    target[r, k] = np.int64(target[r, k]) - np.int64(added[r, k])
            return i * width + first
    return -1


def store_positions(
    on_hand: np.ndarray, on_order: np.ndarray, backorders: np.ndarray, out: np.ndarray
) -> int:
    """``out`` (int32) = ``on_hand + on_order − backorders`` in every cell, worked in int64.

    The stores' positions summed in one pass (a shard sends them so, for the retailer's head
    office): the result is -1 where every cell fits int32; else the first cell (C order)
    that does not, and ``out`` is left partly written.
    """
    low = np.int64(-2147483648)
    high = np.int64(2147483647)
    width = out.shape[1]
    for i in range(out.shape[0]):
        outside = False
        for k in range(width):  # without a branch: the row is vector instructions
            value = np.int64(on_hand[i, k]) + np.int64(on_order[i, k])
            value -= np.int64(backorders[i, k])
            outside |= bool((value < low) | (value > high))
            out[i, k] = value
        if outside:
            for k in range(width):
                value = np.int64(on_hand[i, k]) + np.int64(on_order[i, k])
                value -= np.int64(backorders[i, k])
                if value < low or value > high:
                    return i * width + k
    return -1


def column_sums(matrix: np.ndarray, out: np.ndarray) -> None:
    """``out[k]`` = the sum of column ``k`` of the 2-D integer ``matrix``, in int64.

    Row after row into the int64 sums (wrapping as NumPy's int64 does), so a store × SKU
    book of int32 is read once, without NumPy's buffered cast to int64: a third less time on
    a national chain's book, more on a few hundred rows.
    """
    out[:] = 0
    for i in range(matrix.shape[0]):
        row = matrix[i]
        for k in range(row.shape[0]):
            out[k] += row[k]


def fifo_runs(
    cum_in: np.ndarray,
    cum_out: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    columns: np.ndarray,
    lead: np.ndarray,
    weight: np.ndarray,
) -> int:
    """First-in-first-out runs of ranks of each listed column: how many; written if room.

    ``cum_in`` and ``cum_out`` are ``[column, day]`` cumulative units, each row
    non-decreasing; column ``k`` (of ``columns``, in order) is measured over the ranks
    ``(first[k], last[k]]``. Its breakpoints are ``first[k]``, ``last[k]`` and every
    cumulative value strictly between them, in either series; each run between two
    consecutive breakpoints came in on one day and went out on one day, so its lead is the
    days between (at least 0) and its weight the breakpoints' difference. The runs are those
    of :func:`crossdock.kpis.fifo_runs_numpy` (``np.unique`` of the breakpoints, then
    ``np.searchsorted``), in the same order and from the same subtractions: one merge of the
    two sorted rows instead. Counted only (nothing written) when ``lead`` is shorter than
    the count.
    """
    days = cum_in.shape[1]
    n = 0
    room = lead.shape[0]
    for c in range(columns.shape[0]):
        k = columns[c]
        into = cum_in[k]
        out = cum_out[k]
        high = last[k]
        previous = first[k]
        a = 0  # days whose cumulative units in are at most the previous breakpoint
        b = 0
        while previous < high:
            while a < days and into[a] <= previous:
                a += 1
            while b < days and out[b] <= previous:
                b += 1
            upper = high
            if a < days and into[a] < upper:
                upper = into[a]
            if b < days and out[b] < upper:
                upper = out[b]
            if n < room:
                lead[n] = max(b - a, 0)
                weight[n] = upper - previous
            n += 1
            previous = upper
    return n


def pack_census(value: np.ndarray) -> tuple[Any, Any, int, int, int]:
    """What packing a 2-D integer array must know of it, in one pass.

    Its lowest and highest values, its non-zero cells, its cells over 255 and its cells
    outside -128…127 (the cells a byte of ``uint8`` or of ``int8`` could not hold): the
    figures :func:`crossdock._shard_worker._pack` otherwise takes in five passes. Without a
    branch, so that the pass is vector instructions (a fifth of the time of one testing each
    cell: an array's zeros come in no order a processor could predict).
    """
    low = np.int64(0)
    high = np.int64(0)
    if value.size:
        low = np.int64(value[0, 0])
        high = low
    nonzero = 0
    over_unsigned = 0
    over_signed = 0
    for i in range(value.shape[0]):
        row = value[i]
        for k in range(row.shape[0]):
            v = np.int64(row[k])
            low = min(low, v)
            high = max(high, v)
            nonzero += v != 0
            over_unsigned += int(v > 255)
            over_signed += int((v > 127) | (v < -128))
    return low, high, nonzero, over_unsigned, over_signed


def pack_nonzero(value: np.ndarray, cells: np.ndarray, values: np.ndarray) -> None:
    """The non-zero cells of a 2-D array: their C-order positions and their values, in order."""
    n = 0
    width = value.shape[1]
    for i in range(value.shape[0]):
        row = value[i]
        for k in range(width):
            if row[k] != 0:
                cells[n] = i * width + k
                values[n] = row[k]
                n += 1


def pack_bytes(
    value: np.ndarray,
    low: int,
    high: int,
    narrow: np.ndarray,
    cells: np.ndarray,
    over: np.ndarray,
) -> None:
    """A 2-D array a byte a cell, and apart the cells a byte cannot hold.

    ``narrow`` gets every cell cast as NumPy's ``astype`` casts (wrapping); ``cells`` and
    ``over`` the C-order positions and values of the cells outside ``low``…``high`` (as many
    as they have places: the census counted them). The cast is a pass of its own, as vector
    instructions; the cells apart are looked for only in rows that have any.
    """
    width = value.shape[1]
    n = 0
    for i in range(value.shape[0]):
        row = value[i]
        out = narrow[i]
        outside = 0
        for k in range(width):
            v = row[k]
            out[k] = v
            outside += (v < low) | (v > high)
        if outside and n < cells.size:
            for k in range(width):
                v = row[k]
                if v < low or v > high:
                    cells[n] = i * width + k
                    over[n] = v
                    n += 1


def same_cells(
    goods: np.ndarray, rows: np.ndarray, items: np.ndarray, quantity: np.ndarray
) -> bool:
    """Whether ``goods[rows[r], items[k]] == quantity[r, k]`` in every cell.

    ``np.array_equal(goods[np.ix_(rows, items)], quantity)`` without taking the cells out
    (a platform's check that a despatch advice came in full: its stores × its items); where
    the items are a block of columns, row by row as vector instructions.
    """
    if _contiguous(items):  # (a supplier's items): each row compared without a branch
        first = items[0] if items.size else 0
        stop = first + items.size
        for r in range(rows.size):
            ours = goods[rows[r], first:stop]
            theirs = quantity[r]
            differs = False
            for k in range(items.size):
                differs |= bool(ours[k] != theirs[k])
            if differs:
                return False
        return True
    for r in range(rows.size):
        row = rows[r]
        for k in range(items.size):
            if goods[row, items[k]] != quantity[r, k]:
                return False
    return True


def confirm_lines(
    asked: np.ndarray,
    rows: np.ndarray,
    items: np.ndarray,
    on_hand: np.ndarray,
    on_order: np.ndarray,
    backorders: np.ndarray,
    confirmed_open: np.ndarray,
    shelf: np.ndarray,
    pack: np.ndarray,
    blocked: np.ndarray,
    granted: np.ndarray,
    changed: np.ndarray,
    total: np.ndarray,
    distinct: bool,
) -> int:
    """The retailer's answer to one proposal, in one pass over its lines (no budget rule).

    What :meth:`Retailer.confirm <crossdock.parties.retailer.Retailer.confirm>` does with
    NumPy: each line ``asked[i, j]`` of store ``rows[i]`` and item ``items[j]`` is granted
    (0 where the item is ``blocked``), cut by whole ``pack[j]`` so that the store's position
    (on hand + on order − backorders, from the stores' books, plus what the head office has
    confirmed and not yet seen despatched) plus the line never exceeds the ``shelf``
    (:func:`crossdock._kernels.cap_to_room`); ``granted`` gets the lines, ``changed[j]`` is
    set where a line of item ``j`` differs from what was asked and ``total[j]`` sums item
    ``j``'s granted units (both must come in as zeros). Then, if every open confirmation stays
    within int32, the granted lines are added to ``confirmed_open``: the result is -1; else
    nothing is added and the result is the first line ``i × len(items) + j`` that would not
    fit (the caller raises :func:`crossdock.parties._common.check_room`'s error). Integers
    throughout: the numbers are NumPy's.

    With ``distinct`` (no store and no item twice in the proposal, so no line reads an open
    confirmation another line adds to) each line is added as it is granted, and taken back
    if a later line does not fit: one pass over the books instead of two. Where the items
    are also a block of columns, as a planner's are, :func:`_confirm_block` makes the lines
    in passes of vector instructions (at 200 × 2,000, 3.8 → 1.8 ns a line).
    """
    limit = 2147483647
    if distinct and _contiguous(items):
        rooms = np.empty(items.size, dtype=np.int64)
        if _confirm_block(
            asked,
            rows,
            items[0] if items.size else 0,
            on_hand,
            on_order,
            backorders,
            confirmed_open,
            shelf,
            pack,
            blocked,
            granted,
            changed,
            total,
            rooms,
        ):
            return -1
        changed[:] = False  # a line would pass int32 (nothing was added): the general pass
        total[:] = 0  # finds it
    failed = -1
    width = asked.shape[1]
    for i in range(asked.shape[0]):
        s = rows[i]
        for j in range(width):
            k = items[j]
            want = np.int64(asked[i, j])
            got = np.int64(0) if blocked[j] else want
            open_now = np.int64(confirmed_open[s, k])
            position = np.int64(on_hand[s, k]) + np.int64(on_order[s, k])
            position = position - np.int64(backorders[s, k]) + open_now
            room = np.int64(shelf[s, k]) - position
            if got > room:
                unit = np.int64(pack[j])
                got = (max(room, np.int64(0)) // unit) * unit
            granted[i, j] = got
            if got != want:
                changed[j] = True
            total[j] += got
            after = open_now + got
            if failed < 0:
                if after > limit or after < -limit:
                    failed = i * width + j
                elif distinct:
                    confirmed_open[s, k] = after
    if failed >= 0:
        if distinct:  # the lines added before it are taken back
            for line in range(failed):
                i, j = divmod(line, width)
                confirmed_open[rows[i], items[j]] -= granted[i, j]
        return failed
    if not distinct:
        for i in range(asked.shape[0]):
            s = rows[i]
            for j in range(width):
                confirmed_open[s, items[j]] += granted[i, j]
    return -1


def _ascending_cells(
    target: np.ndarray, rows: np.ndarray, items: np.ndarray, values: np.ndarray
) -> bool:
    """Whether ``rows`` and ``items`` ascend strictly within ``target``, ``values`` their shape."""
    if values.shape[0] != rows.size or values.shape[1] != items.size:
        return False
    for r in range(rows.size):
        if (r > 0 and rows[r] <= rows[r - 1]) or rows[r] < 0 or rows[r] >= target.shape[0]:
            return False
    for k in range(items.size):
        if (k > 0 and items[k] <= items[k - 1]) or items[k] < 0 or items[k] >= target.shape[1]:
            return False
    return True


def add_cells(target: np.ndarray, rows: np.ndarray, items: np.ndarray, added: np.ndarray) -> bool:
    """``target[np.ix_(rows, items)] += added`` (cast back to ``target``'s type), or False.

    False, with nothing done, where ``rows`` or ``items`` are not strictly ascending (NumPy's
    fancy indexing adds to a repeated cell once, not twice), outside ``target`` or not
    ``added``'s shape: the caller keeps to NumPy, and its errors. Where the items are a
    block of columns, each row is added as vectors.
    """
    if not _ascending_cells(target, rows, items, added):
        return False
    n = items.size
    block = _contiguous(items)
    first = items[0] if n else 0
    for r in range(rows.size):
        row = rows[r]
        more = added[r]
        if block:
            cells = target[row, first : first + n]
            for k in range(n):
                cells[k] = np.int64(cells[k]) + np.int64(more[k])
        else:
            for k in range(n):
                column = items[k]
                target[row, column] = np.int64(target[row, column]) + np.int64(more[k])
    return True


def round_to_pallets(
    order: np.ndarray,
    rows: np.ndarray,
    per_pallet: np.ndarray,
    pack: np.ndarray,
    share: float,
    total: np.ndarray,
    top: np.ndarray,
    biggest: np.ndarray,
) -> None:
    """A planner's pallet rounding for one platform's ``rows`` of ``order``, in place.

    :meth:`crossdock.parties.planners.Planner._round_to_pallets`' NumPy steps in one pass
    over the rows (each SKU's int64 total, and its largest line, the first of equals), then
    per SKU: where the total's last pallet is at least ``share`` full but not full, the
    largest line gets the units that fill it, in whole packs (cast back to ``order``'s
    type). ``total``, ``top`` and ``biggest`` are scratch of one cell per SKU.
    """
    width = order.shape[1]
    first = order[rows[0]]
    for k in range(width):
        total[k] = first[k]
        top[k] = first[k]
        biggest[k] = rows[0]
    for r in range(1, rows.size):
        line = order[rows[r]]
        for k in range(width):
            value = np.int64(line[k])
            total[k] += value
            larger = value > top[k]
            top[k] = value if larger else top[k]
            biggest[k] = rows[r] if larger else biggest[k]
    for k in range(width):
        rest = total[k] % per_pallet[k]
        if rest >= share * per_pallet[k] and rest > 0:
            extra = (per_pallet[k] - rest) // pack[k] * pack[k]
            order[biggest[k], k] = np.int64(order[biggest[k], k]) + extra


def note_advice(
    unadvised: np.ndarray,
    on_order: np.ndarray,
    rows: np.ndarray,
    items: np.ndarray,
    quantity: np.ndarray,
) -> int:
    """A despatch advice's stock on order, less what came before it: 1, 0 or -1.

    In each cell ``rows[r]``, ``items[k]`` of the stores' books: the part of
    ``quantity[r, k]`` that came before its advice (``min(unadvised, quantity)``) leaves
    ``unadvised``, and the rest joins ``on_order``, as NumPy's int64 sums cast back to the
    books' type (:meth:`crossdock.parties.stores.Stores.receive`'s NumPy path, with no
    gathered copies). Returns 1 when done; 0, with nothing written, when a cell of
    ``on_order`` would pass ±(2**31 − 1); -1, with nothing done, when ``rows`` or ``items``
    are not strictly ascending (NumPy's fancy indexing writes a repeated cell once, not
    twice), outside the books or not ``quantity``'s shape: the caller keeps to NumPy, and
    its errors. Where the items are a block of columns (a DC's advice: every SKU), each row
    is read as vectors, once to check and once to write.
    """
    if not (
        _ascending_cells(on_order, rows, items, quantity) and unadvised.shape == on_order.shape
    ):
        return -1
    limit = 2147483647
    n = items.size
    block = _contiguous(items)
    first = items[0] if n else 0
    for r in range(rows.size):
        row = rows[r]
        wanted = quantity[r]
        outside = False
        if block:
            held = unadvised[row, first : first + n]
            coming = on_order[row, first : first + n]
            for k in range(n):
                q = np.int64(wanted[k])
                after = np.int64(coming[k]) + (q - min(np.int64(held[k]), q))
                outside |= bool((after > limit) | (after < -limit))
        else:
            for k in range(n):
                q = np.int64(wanted[k])
                early = min(np.int64(unadvised[row, items[k]]), q)
                after = np.int64(on_order[row, items[k]]) + (q - early)
                outside |= bool((after > limit) | (after < -limit))
        if outside:
            return 0
    for r in range(rows.size):
        row = rows[r]
        wanted = quantity[r]
        if block:
            held = unadvised[row, first : first + n]
            coming = on_order[row, first : first + n]
            for k in range(n):
                q = np.int64(wanted[k])
                early = min(np.int64(held[k]), q)
                held[k] = np.int64(held[k]) - early
                coming[k] = np.int64(coming[k]) + (q - early)
        else:
            for k in range(n):
                column = items[k]
                q = np.int64(wanted[k])
                early = min(np.int64(unadvised[row, column]), q)
                unadvised[row, column] = np.int64(unadvised[row, column]) - early
                on_order[row, column] = np.int64(on_order[row, column]) + (q - early)
    return 1


def _contiguous(items: np.ndarray) -> bool:
    """Whether ``items`` are ``items[0], items[0] + 1, …`` (a block of columns)."""
    for j in range(1, items.size):
        if items[j] != items[j - 1] + 1:
            return False
    return True


def _confirm_block(
    asked: np.ndarray,
    rows: np.ndarray,
    first: int,
    on_hand: np.ndarray,
    on_order: np.ndarray,
    backorders: np.ndarray,
    confirmed_open: np.ndarray,
    shelf: np.ndarray,
    pack: np.ndarray,
    blocked: np.ndarray,
    granted: np.ndarray,
    changed: np.ndarray,
    total: np.ndarray,
    room: np.ndarray,
) -> bool:
    """:func:`confirm_lines` for distinct lines of items ``first, first + 1, …``; False if not.

    The planners' proposals are such blocks of columns (a planner's items), so each store's
    books are read as rows, and each store's lines go in three passes: the lines as asked
    and the shelf's room (``room``, one cell per item), branch-free, as vector instructions;
    the few lines over the room cut by whole packs; the lines added to the open
    confirmations, the totals and the changes, branch-free again. The same integers as the
    general pass (a test holds them). False, with every line it added taken back (and
    ``changed`` and ``total`` to be zeroed), where an open confirmation would pass int32:
    the general pass then finds the line.
    """
    limit = 2147483647
    width = asked.shape[1]
    stop = first + width
    for i in range(asked.shape[0]):
        s = rows[i]
        wanted = asked[i]
        got_row = granted[i]
        hand = on_hand[s, first:stop]
        ordered = on_order[s, first:stop]
        owed = backorders[s, first:stop]
        open_row = confirmed_open[s, first:stop]
        shelf_row = shelf[s, first:stop]
        over = 0
        for j in range(width):
            got = np.int64(0) if blocked[j] else np.int64(wanted[j])
            position = np.int64(hand[j]) + np.int64(ordered[j]) - np.int64(owed[j])
            r = np.int64(shelf_row[j]) - (position + np.int64(open_row[j]))
            room[j] = r
            over += int(got > r)
            got_row[j] = got
        if over:
            for j in range(width):
                r = room[j]
                if got_row[j] > r:
                    unit = np.int64(pack[j])
                    got_row[j] = (max(r, np.int64(0)) // unit) * unit
        outside = False
        for j in range(width):
            got = np.int64(got_row[j])
            changed[j] |= got != np.int64(wanted[j])
            total[j] += got
            after = np.int64(open_row[j]) + got
            outside |= bool((after > limit) | (after < -limit))
            open_row[j] = after
        if outside:
            for back in range(i + 1):
                t = rows[back]
                for j in range(width):
                    confirmed_open[t, first + j] -= granted[back, j]
            return False
    return True


#: Cells per block of :func:`order_up_to_packs`: seven float64 buffers of this many cells
#: (1.8 MB) stay in a core's cache between the passes.
BLOCK_CELLS = 32_768


def order_up_to_packs(
    compiled: SimpleNamespace,
    level: np.ndarray,
    season: np.ndarray,
    weekday: int,
    variance: np.ndarray,
    review_days: int,
    lead: np.ndarray,
    on_hand: np.ndarray,
    on_order: np.ndarray,
    backorders: np.ndarray,
    pack: np.ndarray,
    capacity: np.ndarray,
    z: float,
    gamma_shape: bool,
    grid: np.ndarray,
    factors: np.ndarray,
    level_error: float,
    season_error: float,
    noise_divisor: Any,
) -> np.ndarray:
    """The day's order of :class:`OrderUpTo` with a Holt-Winters forecaster (no trend).

    Store × SKU 2-D arrays (``lead`` and ``capacity`` may be broadcast views; ``season`` the
    7 × stores × SKUs offsets, in float16 or the state's type, ``pack`` one per SKU). Per
    block of rows: the horizons over the protection interval R + L − 1, worked out cell by
    cell from ``lead`` (:func:`horizon_block`: no array of it is made), then NumPy's own
    ``log`` of mean and spread, the table's interpolation (:func:`interp_block`), NumPy's
    ``exp``, and the order (:func:`packs_block`). With the gamma rule, all that only for
    the cells whose inventory position is below a bound on their level
    (:func:`quantile_cells`: most cells of a day are above theirs since their last order,
    and order nothing), gathered, then ordered by :func:`packs_cells`. ``log`` and ``exp``
    stay NumPy's because NumPy computes them with its own SIMD routines, whose last bits
    differ from the C library's that Numba calls; so every number is the NumPy path's
    (:meth:`OrderUpTo.plan` through :func:`crossdock._kernels.gamma_quantile`,
    ``round_up_to_pack`` and ``cap_to_room``).
    """
    stores, skus = level.shape
    order = np.empty((stores, skus), dtype=np.int32)  # message quantities: fits the shelf
    rows = max(1, min(stores, BLOCK_CELLS // max(skus, 1)))
    buffers = np.empty((7, rows, skus))
    listed = np.empty(rows * skus, dtype=np.uint64)  # the gamma rule's cells
    planes = np.array([(weekday + t) % 7 for t in range(7)], dtype=np.int64)
    slopes = interp_slopes(grid, factors)
    half = season.dtype == np.float16  # read as their bits: Numba has no float16 on the CPU
    offsets = season.view(np.uint16) if half else season
    halves = half_table()
    rule = 0 if z == 0.0 else (2 if gamma_shape else 1)
    if rule == 2:
        bounds, low = _quantile_bounds(grid.tobytes(), factors.tobytes())
    top = float(grid[-1])
    for start in range(0, stores, rows):
        block = slice(start, min(start + rows, stores))
        n = block.stop - start
        mean, spread, log_shape, quantile = (b[:n] for b in buffers[:4])
        compiled.horizon_block(
            level[block],
            offsets,
            start,
            planes,
            variance[block],
            lead[block],
            float(review_days),
            level_error,
            season_error,
            noise_divisor,
            rule != 0,
            mean,
            spread,
            half,
            halves,
        )
        if rule == 2:
            # the cells that need the quantile, their means and spreads gathered from the
            # first cell of their buffers (no cell's numbers depend on where it sits)
            flat = buffers[2:].reshape(5, -1)
            count = compiled.quantile_cells(
                mean,
                spread,
                on_hand[block],
                on_order[block],
                backorders[block],
                z,
                bounds,
                low,
                order[block],
                listed,
                flat[0],
                flat[1],
            )
            if count == 0:
                continue
            means, spreads, log_shape, quantile, scratch = flat[:, :count]
            with np.errstate(divide="ignore", invalid="ignore"):  # cells with no spread
                np.log(means, out=log_shape)
                log_shape -= np.log(spreads, out=scratch)
            log_shape *= 2.0
            compiled.interp_block(
                log_shape[None], means[None], spreads[None], grid, factors, slopes, quantile[None]
            )
            np.exp(quantile, out=quantile)
            compiled.packs_cells(
                listed[:count],
                means,
                spreads,
                quantile,
                log_shape,
                top,
                z,
                on_hand[block],
                on_order[block],
                backorders[block],
                pack,
                capacity[block],
                order[block],
            )
            continue
        compiled.packs_block(
            mean,
            spread,
            quantile,
            log_shape,
            top,
            z,
            rule,
            on_hand[block],
            on_order[block],
            backorders[block],
            pack,
            capacity[block],
            order[block],
        )
    return order
