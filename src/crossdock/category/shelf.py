"""Category shelf space: the captain's allocation and the retailer's check of it.

The retailer gives each category a store's shelf space: the sum of the scenario's per-SKU rule
(``shelf_capacity``) over the category's SKUs. The captain reallocates that space across the
category's items (:func:`allocate_shelf`) at one safety factor per store — mean sales over each
item's cover days plus z standard deviations of them, z such that the space is used — instead
of a fixed number of days of mean demand: steady fast movers give up space, variable ones and
those ordered less often get more. The retailer confirms the plan (:func:`confirm_shelf`): a
store's category never gets more than its space, every SKU keeps its minimum number of cases,
and a plan that gives the captain's own SKUs a share of the category's shelf larger than their
share under the retailer's standard rule (days of demand, so about their share of sales) by
more than a set gap is refused (the fairness guard).
"""

from __future__ import annotations

import numpy as np

__all__ = ["allocate_shelf", "confirm_shelf", "own_share_gap"]


def allocate_shelf(
    space: np.ndarray,
    cycle: np.ndarray,
    spread: np.ndarray,
    pack: np.ndarray,
    min_cases: int,
) -> np.ndarray:
    """Split each store's ``space`` (units) across items at one common safety factor.

    Item k gets ``cycle[s, k] + z[s] × spread[s, k]`` units (mean sales over its cover days
    plus z standard deviations of them), with z chosen per store so that the store's space is
    used: every item then runs out of shelf with the same probability, which (newsvendor
    reasoning: a unit of space sells when demand exceeds the space) maximises expected sales
    for the space. Every item keeps ``min_cases`` cases; the rest is in whole cases, rounded
    down, so no store gets more than its space beyond the minimums.
    """
    floor = min_cases * pack[None, :] * np.ones(cycle.shape)
    spread = np.maximum(spread, 1e-9)

    def used(z: np.ndarray) -> np.ndarray:
        return np.maximum(cycle + z[:, None] * spread, floor).sum(axis=1)

    # bisection on z per store: the space used grows with z (items at their minimum stay)
    low = np.full(len(space), -float((cycle / spread).max(initial=0.0)) - 1.0)
    high = np.maximum((space - cycle.sum(axis=1)) / spread.sum(axis=1), 0.0) + 1.0
    for _ in range(60):
        middle = (low + high) / 2
        fits = used(middle) <= space
        low = np.where(fits, middle, low)
        high = np.where(fits, high, middle)
    want = np.maximum(cycle + low[:, None] * spread, floor)
    shelf = np.maximum(np.floor(want / pack[None, :]) * pack[None, :], floor)
    return shelf.astype(np.int64)


def own_share_gap(shelf: np.ndarray, reference: np.ndarray, own: np.ndarray) -> np.ndarray:
    """Per store: the own items' share of ``shelf`` less their share of ``reference``."""

    def share(table: np.ndarray) -> np.ndarray:
        total = table.sum(axis=1).astype(np.float64)
        mine = table[:, own].sum(axis=1).astype(np.float64)
        return np.divide(mine, total, out=np.zeros(len(total)), where=total > 0)

    return share(shelf) - share(reference)


def confirm_shelf(
    proposed: np.ndarray,
    current: np.ndarray,
    space: np.ndarray,
    pack: np.ndarray,
    min_cases: int,
    *,
    reference: np.ndarray,
    own: np.ndarray,
    max_gap: float | None,
) -> tuple[np.ndarray, np.ndarray]:
    """The retailer's answer to a shelf plan (store × item): the shelf and the stores refused.

    A refused store keeps its ``current`` shelf. Each SKU gets at least ``min_cases`` cases; a store whose plan exceeds its ``space`` is
    cut in proportion, in whole cases; a store where the captain's ``own`` items' share of the
    shelf exceeds their share of the ``reference`` shelf (the retailer's standard rule, days of
    demand: about their share of sales) by more than ``max_gap`` keeps its current shelf.
    """
    plan = np.maximum(proposed, min_cases * pack[None, :])
    floor = min_cases * pack[None, :]
    total = plan.sum(axis=1)
    over = total > space
    if over.any():
        room = np.maximum(space[over] - floor.sum(axis=1), 0.0)
        above = plan[over] - floor
        scale = room / np.maximum(above.sum(axis=1), 1)
        cut = np.floor(above * scale[:, None] / pack[None, :]) * pack[None, :]
        plan[over] = (floor + cut).astype(np.int64)
    refused = np.zeros(len(plan), dtype=bool)
    if max_gap is not None and own.any() and (~own).any():
        refused = own_share_gap(plan, reference, own) > max_gap
        plan[refused] = current[refused]
    return plan, refused
