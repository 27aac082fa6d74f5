"""Finished goods past their shelf life are scrapped at the supplier, first in first out."""

from __future__ import annotations

import numpy as np

from crossdock import simulate
from crossdock.ledger import KINDS
from crossdock.parties.suppliers import Suppliers
from crossdock.scenario import compile_scenario, generate_spec


def perishable(life: int):
    spec = generate_spec(n_stores=1, n_skus=6, horizon_days=30, warm_up_days=1, seed=1)
    products = [
        p.model_copy(update={"shelf_life_days": life if i == 0 else None})
        for i, p in enumerate(spec.products)
    ]
    return compile_scenario(spec.model_copy(update={"products": products}))


def test_unsold_stock_expires_after_its_shelf_life(make_context, hand_over) -> None:
    sc = perishable(5)
    k = int(np.flatnonzero(sc.shelf_life_days == 5)[0])
    ctx = make_context(sc, mode="traditional", days=30)
    suppliers = Suppliers(ctx, policy=None, initial_stock_days=0.0)
    one = np.eye(sc.n_skus, dtype=np.int64)[k]
    for day in range(10):
        if day == 0:
            hand_over(ctx, 0, "supplier", one * 100)  # 100 made on day 0
        if day == 2:
            hand_over(ctx, 2, "supplier", one * 40)  # 40 more on day 2
        suppliers.ship(day)  # the day's output goes in (nothing is owed: nothing leaves)
        if day == 3:  # 30 leave on day 3: the oldest go first
            suppliers.on_hand[k] -= 30
            suppliers._out_total[k] += 30
        suppliers.close(day)
    obsolete = ctx.ledger.sku["obsolete"][:10, k]
    assert obsolete[5] == 70  # day 0's 100 less the 30 shipped
    assert obsolete[7] == 40  # day 2's batch
    assert obsolete.sum() == 110 and suppliers.on_hand[k] == 0
    block = ctx.ledger.blocks["supplier"]
    assert ctx.ledger.flows[:10, block, KINDS.index("scrapped")].sum() == 110


def test_make_to_stock_scraps_more_than_make_to_order() -> None:
    spec = generate_spec(n_stores=3, n_skus=24, horizon_days=200, warm_up_days=10, seed=6)
    products = [
        p.model_copy(
            update={"shelf_life_days": 20, "base_rate": p.base_rate * (0.02 if i % 3 == 0 else 1)}
        )
        for i, p in enumerate(spec.products)
    ]
    sc = compile_scenario(spec.model_copy(update={"products": products}))
    mts = simulate(sc, mode="traditional", seed=3)
    mto = simulate(sc, mode="shared", seed=3)
    assert mts.kpis["obsolescence_scrap_units"] > mto.kpis["obsolescence_scrap_units"]
    assert mts.kpis["finished_goods_stock_units"] > 5 * mto.kpis["finished_goods_stock_units"]
    assert mts.ledger.violations() == [] and mto.ledger.violations() == []
