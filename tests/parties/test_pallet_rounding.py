"""Shared-mode orders top up nearly full last pallets, per supplier and platform."""

from __future__ import annotations

import numpy as np

from crossdock.parties.planners import Planner
from crossdock.policies import BaseStock


def planner_for(ok_small, make_context, share):
    sc = ok_small  # pallets of 60 units, cases of 6, one platform, two stores
    spec = sc.spec.replenishment.model_copy(update={"pallet_rounding_share": share})
    sc = sc.replace(spec=sc.spec.model_copy(update={"replenishment": spec}))
    ctx = make_context(sc, mode="shared")
    return Planner(ctx, sc.supplier_gln[0], np.array([0, 1]), BaseStock(level=10.0))


def test_a_nearly_full_pallet_is_topped_up_at_the_biggest_store(ok_small, make_context) -> None:
    planner = planner_for(ok_small, make_context, 0.8)
    order = np.array([[30, 6], [24, 12]])  # SKU 0: 54 of 60 (90%), SKU 1: 18 (30%)
    rounded = planner._round_to_pallets(order)
    assert rounded.tolist() == [[36, 6], [24, 12]]
    assert rounded[:, 0].sum() % 60 == 0


def test_below_the_share_or_switched_off_nothing_changes(ok_small, make_context) -> None:
    # the rounding works in place, so each result is compared with the order as it was
    order = np.array([[30, 6], [12, 12]])  # SKU 0: 42 of 60 (70%)
    before = order.tolist()
    assert planner_for(ok_small, make_context, 0.8)._round_to_pallets(order).tolist() == before
    full = np.array([[30, 6], [24, 12]])
    before = full.tolist()
    assert planner_for(ok_small, make_context, None)._round_to_pallets(full).tolist() == before
