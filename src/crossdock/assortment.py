"""Assortment review: ABC-XYZ classification, delisting rules and demand substitution.

Every ``review_every_weeks`` weeks the category captain looks back over the review window and

1. classifies each listed SKU **ABC** by sales value within its category (A: the SKUs that
   make the first ``abc_shares[0]`` of the category's value, best first; B: up to
   ``abc_shares[1]``; C: the rest) and **XYZ** by the coefficient of variation of its weekly
   sales (X: CV ≤ ``xyz_cv[0]``, Y: ≤ ``xyz_cv[1]``, Z: above, or no sales at all);
2. delists slow movers — SKUs of a class in ``delist_classes`` (e.g. ``CZ``) selling fewer
   than ``max_units_per_store_week`` — and dead stock — SKUs no store sold for
   ``no_sales_days`` days — keeping at least ``min_skus_per_category`` per category and
   delisting at most ``max_delisted_share`` of a category's listed SKUs per review (the
   lowest sales value first);
3. names substitutes: each delisted SKU's shoppers switch, at ``substitution_rate``, to its
   named substitutes or else to the listed SKUs of its category, in proportion to their sales
   over the window.

Everything here is a pure function on arrays, vectorised over SKUs (and stores where there
are stores); the parties call them (``parties/planners.py`` reviews, ``parties/stores.py``
moves demand). Class codes are small integers: 0, 1, 2 for A, B, C and for X, Y, Z.
"""

from __future__ import annotations

import numpy as np

from crossdock._kernels import dot, rows_per_block

__all__ = [
    "ABC",
    "ASSORTMENT_SERIES",
    "XYZ",
    "abc_classes",
    "add_split_transfers",
    "choose_delistings",
    "class_names",
    "coefficient_of_variation",
    "split_transfers",
    "substitution_shares",
    "xyz_classes",
]

ABC = "ABC"
XYZ = "XYZ"

#: per-SKU daily series the stores add to ``ledger.sku`` (columns of ``sku_daily``):
#: stores where the SKU is listed, demand moved to it from delisted SKUs, demand of a
#: delisted SKU lost to the chain, delisted stock scrapped, and dead stock (units at stores
#: where it has not sold for ``dead_stock_days``)
ASSORTMENT_SERIES = (
    "listed_stores",
    "substituted_demand",
    "delisted_demand_lost",
    "delisted_scrap",
    "dead_stock",
)


def abc_classes(
    value: np.ndarray,
    group: np.ndarray,
    shares: tuple[float, float] = (0.8, 0.95),
    eligible: np.ndarray | None = None,
) -> np.ndarray:
    """ABC class (0 = A, 1 = B, 2 = C) of each SKU by ``value`` within its ``group``.

    SKUs are ranked by value, best first, within each group; a SKU is A while the value of
    the SKUs ranked above it is under ``shares[0]`` of the group's total (so the best seller
    is always A), B while under ``shares[1]``, C after. A group with no value is all C.
    SKUs not ``eligible`` (e.g. already delisted) count for nothing and get class -1.
    """
    value = np.asarray(value, dtype=np.float64)
    group = np.asarray(group)
    ok = np.ones(value.shape, bool) if eligible is None else np.asarray(eligible, bool)
    v = np.where(ok, value, 0.0)
    order = np.lexsort((-v, group))  # by group, then value descending
    g_sorted = group[order]
    v_sorted = v[order]
    cumulative = np.cumsum(v_sorted)
    starts = np.r_[0, np.flatnonzero(g_sorted[1:] != g_sorted[:-1]) + 1]
    run = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, v.size]))
    before_group = np.r_[0.0, cumulative][starts][run]
    total = np.add.reduceat(v_sorted, starts)[run] if v.size else v_sorted
    above = cumulative - v_sorted - before_group  # value of the better SKUs of the group
    with np.errstate(invalid="ignore", divide="ignore"):
        share_above = np.where(total > 0, above / np.where(total > 0, total, 1.0), np.inf)
    cls_sorted = np.where(share_above < shares[0], 0, np.where(share_above < shares[1], 1, 2))
    cls = np.empty(v.size, dtype=np.int8)
    cls[order] = cls_sorted
    cls[~ok] = -1
    return cls


def coefficient_of_variation(series: np.ndarray) -> np.ndarray:
    """Std over mean along the first axis (periods); ``inf`` where the mean is zero."""
    series = np.asarray(series, dtype=np.float64)
    mean = series.mean(axis=0)
    std = series.std(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mean > 0, std / np.where(mean > 0, mean, 1.0), np.inf)


def xyz_classes(series: np.ndarray, cv: tuple[float, float] = (0.5, 1.0)) -> np.ndarray:
    """XYZ class (0 = X, 1 = Y, 2 = Z) from ``series[period, sku]`` (e.g. weekly sales)."""
    variation = coefficient_of_variation(series)
    return np.where(variation <= cv[0], 0, np.where(variation <= cv[1], 1, 2)).astype(np.int8)


def class_names(abc: np.ndarray, xyz: np.ndarray) -> np.ndarray:
    """Two-letter class names (``"AX"`` .. ``"CZ"``; ``"--"`` for unclassified SKUs)."""
    letters_abc = np.array(list(ABC + "-"))
    letters_xyz = np.array(list(XYZ + "-"))
    return np.char.add(letters_abc[np.asarray(abc)], letters_xyz[np.asarray(xyz)])


def choose_delistings(
    *,
    listed: np.ndarray,
    group: np.ndarray,
    abc: np.ndarray,
    xyz: np.ndarray,
    units_per_store_week: np.ndarray,
    days_without_sales: np.ndarray,
    value: np.ndarray,
    delist_classes: list[str],
    max_units_per_store_week: float,
    no_sales_days: int | None,
    min_skus_per_category: int,
    max_delisted_share: float,
    eligible: np.ndarray | None = None,
) -> np.ndarray:
    """Which listed SKUs to delist now (a boolean mask over SKUs); see the module docstring.

    Candidates are slow movers (class in ``delist_classes`` and fewer than
    ``max_units_per_store_week``) and dead stock (``days_without_sales >= no_sales_days``).
    Per group at most ``floor(max_delisted_share × listed)`` go, and never so many that fewer
    than ``min_skus_per_category`` stay listed; the lowest ``value`` goes first. Only
    ``eligible`` SKUs (default: all) can go (e.g. not those launched within the window).
    """
    listed = np.asarray(listed, bool)
    group = np.asarray(group)
    names = class_names(np.maximum(abc, 0), np.maximum(xyz, 0))
    slow = np.isin(names, np.asarray(delist_classes, dtype=str)) & (
        np.asarray(units_per_store_week) < max_units_per_store_week
    )
    dead = (
        np.zeros(listed.shape, bool)
        if no_sales_days is None
        else np.asarray(days_without_sales) >= no_sales_days
    )
    candidate = listed & (slow | dead)
    if eligible is not None:
        candidate &= np.asarray(eligible, bool)
    if not candidate.any():
        return candidate
    n_groups = int(group.max()) + 1
    n_listed = np.bincount(group[listed], minlength=n_groups)
    cap = np.minimum(
        np.floor(max_delisted_share * n_listed).astype(np.int64),
        np.maximum(n_listed - min_skus_per_category, 0),
    )
    # rank candidates within their group by value, lowest first
    order = np.lexsort((np.asarray(value, np.float64), ~candidate, group))
    g_sorted = group[order]
    starts = np.r_[0, np.flatnonzero(g_sorted[1:] != g_sorted[:-1]) + 1]
    run = np.repeat(starts, np.diff(np.r_[starts, group.size]))
    rank = np.arange(group.size) - run
    keep_sorted = candidate[order] & (rank < cap[g_sorted])
    out = np.zeros(listed.shape, bool)
    out[order] = keep_sorted
    return out


def substitution_shares(
    delisted: np.ndarray,
    listed: np.ndarray,
    group: np.ndarray,
    weight: np.ndarray,
    named: dict[int, np.ndarray] | None = None,
) -> np.ndarray:
    """``shares[len(delisted), n_skus]``: where each delisted SKU's switching shoppers go.

    Row ``i`` spreads SKU ``delisted[i]``'s switching demand over its ``named`` substitutes
    that are still ``listed``, or else over the listed SKUs of its group, in proportion to
    ``weight`` (sales over the review window; equal shares where all weights are zero). A row
    with no listed substitute is all zeros (its demand is lost). Rows sum to 1 or 0.
    """
    delisted = np.asarray(delisted, dtype=np.int64)
    listed = np.asarray(listed, bool)
    group = np.asarray(group)
    target = (group[delisted][:, None] == group[None, :]) & listed[None, :]
    for row, k in enumerate(delisted.tolist()):  # named substitutes: a few per delisted SKU
        chosen = (named or {}).get(k)
        if chosen is not None and listed[chosen].any():
            target[row] = False
            target[row, chosen] = listed[chosen]
    w = np.where(target, np.maximum(np.asarray(weight, np.float64), 0.0)[None, :], 0.0)
    total = w.sum(axis=1, keepdims=True)
    w = np.where(total > 0, w, target.astype(np.float64))  # no sales: equal shares
    total = w.sum(axis=1, keepdims=True)
    return np.divide(w, total, out=np.zeros_like(w), where=total > 0)


def split_transfers(transfer: np.ndarray, shares: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Whole units per row and substitute: ``transfer[r, i]`` units split by ``shares[i, j]``.

    The expected split ``transfer @ shares`` is rounded by systematic sampling within each
    row (one ``uniform[r]`` in [0, 1) per row): every unit is kept (row totals are exact when
    the rows of ``shares`` sum to 1), each cell gets the floor or the ceiling of its share,
    and the expectation is exact.
    """
    expected = dot(transfer, shares)  # (the same sums on every machine)
    cumulative = np.cumsum(expected, axis=1)
    np.round(cumulative, 9, out=cumulative)
    whole = np.floor(cumulative + np.asarray(uniform, np.float64)[:, None])
    out = np.diff(whole, axis=1, prepend=0.0)
    return out.astype(np.int64)


def add_split_transfers(
    target: np.ndarray,
    columns: np.ndarray,
    transfer: np.ndarray,
    shares: np.ndarray,
    uniform: np.ndarray,
) -> np.ndarray:
    """Add :func:`split_transfers` ``(transfer, shares, uniform)`` to ``target[:, columns]``.

    The same units, with no ``[rows, columns]`` temporaries: rows that move nothing are
    skipped (their split is all zeros), and the others are split a few at a time. A delisted
    SKU's substitutes may be a whole category, thousands of SKUs: at national size the full
    split's float64 temporaries took 15 bytes a store × SKU cell, every day a SKU was delisted.
    Each row's split depends on that row alone (its sums included, as :func:`dot` sums them),
    so the numbers are those of the whole split. Returns the units added to each column.
    """
    added = np.zeros(len(columns), dtype=np.int64)
    moving = np.flatnonzero(np.any(transfer, axis=1))
    step = rows_per_block(len(columns))
    for start in range(0, moving.size, step):
        rows = moving[start : start + step]
        moved = split_transfers(transfer[rows], shares, np.asarray(uniform)[rows])
        target[np.ix_(rows, columns)] += moved
        added += moved.sum(axis=0)
    return added
