"""Array kernels of the hot path: pure functions on NumPy arrays, no Python loop per SKU.

Kept apart so they can be profiled, tested on their own and later compiled without any
change to the parties that call them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from types import EllipsisType

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def round_up_to_pack(quantity: np.ndarray, pack: np.ndarray) -> np.ndarray:
    """Round positive quantities up to whole packs (``pack`` broadcasts over the last axis)."""
    q = np.divide(quantity, pack)
    np.ceil(q, out=q)
    np.maximum(q, 0.0, out=q)
    q *= pack
    return q.astype(np.int64)


def column_sums(matrix: np.ndarray) -> np.ndarray:
    """``matrix.sum(axis=0)``: the same array, from one compiled pass where it pays.

    For a 2-D int32 or int64 array of at least :data:`crossdock._fused.MIN_CELLS` cells
    (a day's goods, orders and books: each party's per-SKU totals),
    :func:`crossdock._fused.column_sums`; any other array, NumPy's own sum.
    """
    if matrix.ndim == 2 and matrix.dtype in _SUMMED and matrix.shape[0] > 1:
        from crossdock import _fused

        kernels = _fused.kernels(matrix.size)
        if kernels is not None:
            out = np.empty(matrix.shape[1], dtype=np.int64)
            kernels.column_sums(matrix, out)
            return out
    return np.asarray(matrix.sum(axis=0))


#: The types :func:`column_sums` sums in a compiled pass (into int64, as NumPy sums them).
_SUMMED = (np.dtype(np.int32), np.dtype(np.int64))


def as_slice(index: np.ndarray) -> slice | np.ndarray:
    """A contiguous ascending index array as a slice (a view, not a copy); others unchanged.

    Called for each platform's, DC's and supplier's stores or items every day (some 175 times a
    day in the shared chain), so the step test subtracts the shifted views itself: the same
    numbers as ``np.diff``, without its argument handling (about 4 of 8 µs a call).
    """
    n = index.size
    if (
        n
        and int(index[-1]) - int(index[0]) == n - 1
        and (n == 1 or bool((index[1:] - index[:-1] == 1).all()))
    ):
        return slice(int(index[0]), int(index[-1]) + 1)
    return index


def grid(rows: np.ndarray, columns: np.ndarray) -> tuple:
    """Index ``rows × columns`` of a 2-D array, as slices where the indices are contiguous."""
    r, c = as_slice(rows), as_slice(columns)
    if isinstance(r, np.ndarray) and isinstance(c, np.ndarray):
        return np.ix_(r, c)
    return r, c


def cap_to_room(
    order: np.ndarray, position: np.ndarray, capacity: np.ndarray, pack: np.ndarray
) -> np.ndarray:
    """Cut orders, by whole packs, so that position + order never exceeds ``capacity``."""
    room = capacity - position
    over = order > room
    if not over.any():
        return order
    order = order.copy()
    pack_b = np.broadcast_to(pack, order.shape)
    cut = np.maximum(room[over], 0)
    order[over] = (cut // pack_b[over]) * pack_b[over]
    return order


def ration(
    requested: np.ndarray,
    available: np.ndarray,
    *,
    copy: bool = True,
    total: np.ndarray | None = None,
) -> np.ndarray:
    """Grant ``requested[n, k]`` out of ``available[k]``, pro rata where short.

    Columns with enough stock are granted in full. Short columns are shared in proportion to
    the requests, rounded down, and the units left by rounding go one each to the largest
    remainders (ties to the lower row), so a short column hands out all it has.
    Returns an array of ``requested``'s shape, int32 for int32 requests (store × SKU books
    and message quantities: half the bytes) and int64 otherwise, with
    ``granted.sum(0) <= available``; the sums and the shares are worked out in int64.
    With ``copy=False``, when every line is granted in full the result is ``requested``
    itself (a caller that then starts a new book saves the copy). ``total``: the requests'
    column sums (int64), where the caller keeps them, so that they are not summed again.
    """
    requested = np.asarray(requested)
    if requested.dtype != np.int32:
        requested = requested.astype(np.int64, copy=False)
    available = np.maximum(np.asarray(available, dtype=np.int64), 0)
    if requested.ndim == 1:
        return np.minimum(requested, available).astype(requested.dtype, copy=False)
    if total is None:
        total = column_sums(requested)  # (int32 or int64 here: summed in int64)
    short = np.flatnonzero(total > available)
    if short.size == 0:
        return requested.copy() if copy else requested
    granted = requested.copy()
    # each column is shared on its own: a few short columns at a time, so the int64 shares,
    # remainders and ranks (about 50 bytes a cell) are never made for a whole national book
    step = max(1, _DOT_BLOCK_BYTES // (8 * max(requested.shape[0], 1)))
    from crossdock import _fused

    kernels = _fused.kernels(requested.size)
    if kernels is not None:  # the same shares, a partition in place of each column's sort
        kernels.ration_columns(requested, available, total, short, granted, step)
        return granted
    for start in range(0, short.size, step):
        columns = short[start : start + step]
        req = requested[:, columns].astype(np.int64)
        tot = total[columns]
        avail = available[columns]
        scaled = req * avail
        base = scaled // tot
        remainder = scaled - base * tot
        leftover = avail - base.sum(axis=0)
        order = np.argsort(-remainder, axis=0, kind="stable")
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(req.shape[0])[:, None], axis=0)
        base += (rank < leftover[None, :]) & (remainder > 0)
        granted[:, columns] = base
    return granted


def fill_in_order(requested: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Grant ``requested[n, k]`` from ``available[k]`` first come, first served along axis 0."""
    requested = np.asarray(requested, dtype=np.int64)
    before = np.cumsum(requested, axis=0) - requested
    return np.clip(np.asarray(available, dtype=np.int64)[None, :] - before, 0, requested)


#: Bytes of one float64 (or int64) block when store × SKU work is done a few rows at a time
#: (:func:`rows_per_block`): 4 MiB, a few hundred stores of 2,000 SKUs.
_DOT_BLOCK_BYTES = 4 << 20


def rows_per_block(width: int) -> int:
    """Rows of ``width`` 8-byte cells that make one block of :data:`_DOT_BLOCK_BYTES` (at least 1)."""
    return max(1, _DOT_BLOCK_BYTES // (8 * max(width, 1)))


def row_blocks(shape: tuple[int, ...]) -> Iterator[slice | EllipsisType]:
    """Indices of blocks of a few rows (the first axis) covering an array of ``shape``.

    The block rule of :func:`rows_per_block`; an array of fewer than two axes is one block
    (``...``). For work whose temporaries would otherwise be the whole store × SKU array.
    """
    if len(shape) < 2:
        yield ...
        return
    step = rows_per_block(math.prod(shape[1:]))
    for start in range(0, shape[0], step):
        yield slice(start, min(start + step, shape[0]))


def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` in float64 (``a`` and ``b`` 1-D or 2-D), summed the same way on every machine.

    BLAS picks its kernel by the CPU it runs on, and its kernels add in different orders: with
    ``@`` a run's money figures moved in their last bits between two machines (OpenBLAS's
    Haswell and SkylakeX kernels disagree), so a golden digest recorded on one failed on the
    other. ``einsum`` (never given ``optimize``, so never handed to BLAS) sums with NumPy's own
    loops, compiled for NumPy's baseline CPU: the same sums on every machine that runs the
    same NumPy, for any number of threads.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    left = "ik" if a.ndim == 2 else "k"
    right = "kj" if b.ndim == 2 else "k"
    out = left.replace("k", "") + right.replace("k", "")
    return np.asarray(np.einsum(f"{left},{right}->{out}", a, b))


def row_dot(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """``matrix @ vector`` for a ``[rows, k]`` matrix, without a float64 copy of it.

    NumPy would first convert the whole matrix to float64 (8 bytes a cell: 800 MB for a
    national chain's store × SKU quantities). Here the compiled kernels read the matrix as it
    is, adding in ``einsum``'s order (:func:`crossdock._fused.row_dot_rows`, where
    :func:`crossdock._fused.einsum_kernels` serves it); else a few rows are converted at a
    time and summed as :func:`dot` sums (NumPy's ``einsum``, not BLAS: the same on every
    machine).
    Each row is summed on its own, over contiguous float64, so any cut into blocks (the
    stores' tills work block by block, the shards by stores) gives the same sums, bit for bit.
    """
    rows, width = matrix.shape
    vector = np.asarray(vector, dtype=np.float64)
    from crossdock import _fused

    kernels = _fused.einsum_kernels(matrix) if vector.flags.c_contiguous else None
    if kernels is not None:  # the same sums, read straight from the matrix
        out = np.empty(rows)
        kernels.row_dot_rows(matrix, vector, out)
        return out
    blocks = dot_blocks(rows, width)
    out = np.empty(rows)
    block = np.empty((max(b.stop - b.start for b in blocks), width))
    for rows_of in blocks:
        part = block[: rows_of.stop - rows_of.start]
        part[:] = matrix[rows_of]
        np.einsum("ik,k->i", part, vector, out=out[rows_of])
    return out


def dot_blocks(rows: int, width: int) -> list[slice]:
    """The blocks of rows :func:`row_dot` works in: a few rows at a time (:func:`rows_per_block`).

    Work done block by block (the stores' tills) can take each block's :func:`row_dot`; any
    cut gives the sums of the whole matrix, since each row is summed on its own.
    """
    step = rows_per_block(width)
    return [slice(start, min(start + step, rows)) for start in range(0, rows, step)] or [
        slice(0, 0)
    ]


def cases(quantity: np.ndarray, case_pack: np.ndarray) -> int:
    """Cases to pick for ``quantity[n, k]``: each cell rounded up to whole packs, summed.

    A few rows at a time, so no two float64 copies of a national chain's store × SKU array
    are made; the total is the same (a sum of whole numbers, exact in float64).
    """
    if quantity.ndim == 2 and quantity.dtype.kind == "i" and case_pack.dtype.kind == "i":
        from crossdock import _fused

        kernels = _fused.kernels(quantity.size)
        if kernels is not None:  # the same sum, in integers, with no temporaries
            magic, shift = _fused.division_magic(case_pack)  # 2,000 packs: about 11 µs
            return int(kernels.cases_total(quantity, case_pack, magic, shift))
    rows = quantity.shape[0] if quantity.ndim > 1 else 1
    step = rows_per_block(quantity.shape[-1])
    if quantity.ndim < 2 or rows <= step:
        return int(np.ceil(quantity / case_pack).sum())
    return sum(
        int(np.ceil(quantity[start : start + step] / case_pack).sum())
        for start in range(0, rows, step)
    )


def pallets(quantity: np.ndarray, units_per_pallet: np.ndarray) -> np.ndarray:
    """Whole pallets per row of ``quantity[n, k]``, mixing SKUs on a pallet (ceil of the sum)."""
    if quantity.size == 0:
        return np.zeros(quantity.shape[:-1], dtype=np.int64)
    return np.ceil(row_dot(quantity, 1.0 / units_per_pallet) - 1e-9).astype(np.int64)


def haversine_km(
    lat1: np.ndarray | float,
    lon1: np.ndarray | float,
    lat2: np.ndarray | float,
    lon2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (broadcasting), to the mm.

    NumPy computes ``sin``, ``cos`` and ``arcsin`` with other code on CPUs with AVX-512 (Intel's
    SVML) than on others, and the two disagree in the last bits: rounded to the millimetre, the
    distances (and the routes and transport charges built on them) are the same on every
    machine, but for a difference that straddles a rounding edge (odds of about 1 in 10^7 per
    distance).
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return np.round(km, 6)


def sum_by(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum the last axis of ``values`` by group label (``groups[k]`` in ``0..n_groups-1``)."""
    if values.ndim == 1:
        return np.bincount(groups, weights=values, minlength=n_groups)
    out = np.zeros((*values.shape[:-1], n_groups), dtype=np.float64)
    np.add.at(out, (..., groups), values)  # type: ignore[arg-type]  # off the hot path
    return out


# Shapes k of the gamma table: below the first the quantile is taken at the first (a demand
# deviation over thirty times its mean); above the last the gamma is the normal to 1e-3.
GAMMA_LOG_SHAPE = np.linspace(np.log(1e-3), np.log(1e4), 2048)


def gamma_quantile_factors(probability: float) -> np.ndarray:
    """Log of the ``probability`` quantile of a gamma of mean 1, tabulated over shapes.

    The shapes k are ``GAMMA_LOG_SHAPE`` and the values ``log(gammaincinv(k, p) / k)``, for
    :func:`gamma_quantile`. A table, because ``gammaincinv`` costs about 0.6 µs a cell and is needed for every store ×
    SKU every day; interpolating its logarithm in log k costs a few nanoseconds a cell and is
    within 1e-4 of the exact quantile (relative).
    """
    from scipy.special import gammaincinv

    shape = np.exp(GAMMA_LOG_SHAPE)
    return np.asarray(np.log(gammaincinv(shape, probability) / shape), dtype=np.float64)


def gamma_quantile(mean: np.ndarray, std: np.ndarray, factors: np.ndarray, z: float) -> np.ndarray:
    """The ``p``-quantile of a gamma with this mean and standard deviation, cell by cell.

    ``factors`` is :func:`gamma_quantile_factors` at ``p`` and ``z`` the normal quantile of
    ``p``, used where the shape k = (mean / std)² is beyond the table (the gamma is the normal
    there). A cell with no spread gets its mean; one with no mean gets 0.
    """
    mean = np.asarray(mean, dtype=np.float64)
    std = np.asarray(std, dtype=np.float64)
    mean, std = np.broadcast_arrays(mean, std)
    spread = std > 0
    spread &= mean > 0
    every = bool(spread.all())
    if not every and not spread.any():
        return np.maximum(mean, 0.0)
    # where every cell has a spread (the usual case) no cell is gathered or scattered, and
    # each step is done in place: a handful of temporaries fewer, the same numbers
    m = mean if every else mean[spread]
    s = std if every else std[spread]
    log_shape = np.log(m)
    log_shape -= np.log(s)
    log_shape *= 2.0
    beyond = log_shape > GAMMA_LOG_SHAPE[-1]
    q = np.interp(log_shape, GAMMA_LOG_SHAPE, factors)
    np.exp(q, out=q)
    q *= m
    if beyond.any():
        q[beyond] = m[beyond] + z * s[beyond]
    if every:
        return np.maximum(q, 0.0, out=q)
    out = np.array(mean, dtype=np.float64)
    out[spread] = q
    return np.maximum(out, 0.0, out=out)


#: The largest quantity a store × SKU int32 array holds.
INT32_MAX = int(np.iinfo(np.int32).max)


def days_dtype(bound: int) -> type[np.signedinteger]:
    """The dtype of a store × SKU book of whole days up to ``bound``: int16 if it fits.

    Lead times, calendar cycles and the like are a few days: int16 holds them in 2 bytes a
    cell, where int32 would take 4, and anything larger is kept in int32.
    """
    return np.int16 if bound <= np.iinfo(np.int16).max else np.int32


def int32_blocks(target: np.ndarray, added: object) -> bool:
    """Whether ``target`` and ``added`` are int32 2-D arrays of one shape (the compiled case)."""
    return (
        isinstance(added, np.ndarray)
        and target.ndim == 2
        and added.shape == target.shape
        and target.dtype == np.int32
        and added.dtype == np.int32
    )


def int32_room(target: np.ndarray, added: np.ndarray | int) -> bool:
    """Whether ``target + added`` (cell by cell) stays within int32.

    A cheap bound first (largest plus largest); only when that fails is the exact sum
    computed, in int64.
    """
    if np.size(added) == 0 or target.size == 0:
        return True
    if int32_blocks(target, added):
        from crossdock import _fused

        kernels = _fused.kernels(target.size)
        if kernels is not None:  # the same answer in one pass, with no temporaries
            return bool(kernels.int32_room_cells(target, added))
    top = int(np.max(target)) + int(np.max(added))
    bottom = int(np.min(target)) + int(np.min(added))
    if top <= INT32_MAX and bottom >= -INT32_MAX:
        return True
    total = target.astype(np.int64) + np.asarray(added, dtype=np.int64)
    return bool(total.max() <= INT32_MAX and total.min() >= -INT32_MAX)
