"""Stores: trading (lost sales, backorders), ordering limits, deliveries and reports."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from crossdock.channel import DirectChannel
from crossdock.goods import DirectGoodsChannel
from crossdock.ledger import KINDS
from crossdock.messages import (
    DespatchAdvice,
    InventoryReport,
    Order,
    SalesReport,
    StorePositions,
)
from crossdock.parties._common import Context
from crossdock.parties.stores import Stores
from crossdock.policies import BaseStock
from crossdock.recipes import new_ledger


def make_stores(ctx, demand, *, policy=None, report_to=()):
    return Stores(ctx, demand, policy=policy, initial_stock_days=0.0, report_to=list(report_to))


def test_lost_sales_sell_what_is_on_the_shelf(ok_small, make_context, scripted_demand) -> None:
    ctx = make_context(ok_small, unmet_demand="lost")
    wanted = np.array([[3, 0, 9, 1, 0, 0], [0, 5, 0, 0, 2, 7]])
    stores = make_stores(ctx, scripted_demand(ok_small, wanted))
    stores.on_hand[:] = np.array([[5, 5, 4, 0, 0, 0], [0, 5, 0, 0, 6, 6]])
    stores.trade(0)
    assert stores.sold_today.tolist() == [[3, 0, 4, 0, 0, 0], [0, 5, 0, 0, 2, 6]]
    assert stores.on_hand.tolist() == [[2, 5, 0, 0, 0, 0], [0, 0, 0, 0, 4, 0]]
    assert stores.backorders.sum() == 0
    ledger = ctx.ledger
    assert ledger["store_demand"][0].tolist() == [13, 14]
    assert ledger["store_sales"][0].tolist() == [7, 13]
    assert ledger.store_lost[0].tolist() == [6, 1]
    assert ledger.sku["lost_sales"][0].tolist() == [0, 0, 5, 1, 0, 1]
    expected_value = np.array([[0, 0, 5, 1, 0, 0], [0, 0, 0, 0, 0, 1]]) @ ok_small.shelf_price
    assert np.allclose(ledger["store_lost_value"][0], expected_value)


def test_lost_sales_are_not_carried_to_the_next_day(
    ok_small, make_context, scripted_demand
) -> None:
    ctx = make_context(ok_small, unmet_demand="lost")
    first = np.zeros((2, 6), np.int64)
    first[0, 0] = 4
    stores = make_stores(ctx, scripted_demand(ok_small, first, np.zeros((2, 6))))
    stores.trade(0)  # nothing on the shelf: 4 lost
    stores.on_hand[0, 0] = 10
    stores.trade(1)  # no demand today: nothing owed from yesterday either
    assert stores.on_hand[0, 0] == 10
    assert ctx.ledger.store_lost[:2, 0].tolist() == [4, 0]


def test_backorders_are_served_before_todays_shoppers(
    ok_small, make_context, scripted_demand
) -> None:
    ctx = make_context(ok_small, unmet_demand="backorder")
    day0 = np.zeros((2, 6), np.int64)
    day0[0, 0] = 7
    day1 = np.zeros((2, 6), np.int64)
    day1[0, 0] = 4
    day2 = np.zeros((2, 6), np.int64)
    day2[0, 0] = 1
    stores = make_stores(ctx, scripted_demand(ok_small, day0, day1, day2))
    assert stores.backordering

    stores.on_hand[0, 0] = 2
    stores.trade(0)  # 2 sold, 5 owed
    assert (stores.sold_today[0, 0], stores.backorders[0, 0]) == (2, 5)

    stores.on_hand[0, 0] = 6
    stores.trade(1)  # the 5 owed first, then 1 of today's 4: 3 owed
    assert (stores.sold_today[0, 0], stores.backorders[0, 0], stores.on_hand[0, 0]) == (6, 3, 0)

    stores.on_hand[0, 0] = 10
    stores.trade(2)  # 3 owed + 1 today
    assert (stores.sold_today[0, 0], stores.backorders[0, 0], stores.on_hand[0, 0]) == (4, 0, 6)
    # Units of the day's demand not served that day: 5, then 3, then none.
    assert ctx.ledger.store_lost[:3, 0].tolist() == [5, 3, 0]
    assert ctx.ledger["store_sales"][:3, 0].tolist() == [2, 6, 4]


def test_backorders_count_when_the_shelf_cannot_cover_them(
    ok_small, make_context, scripted_demand
) -> None:
    ctx = make_context(ok_small, unmet_demand="backorder")
    wanted = np.zeros((2, 6), np.int64)
    wanted[1, 3] = 4
    stores = make_stores(ctx, scripted_demand(ok_small, wanted))
    stores.backorders[1, 3] = 3
    stores.on_hand[1, 3] = 2  # less than is already owed
    stores.trade(0)
    assert stores.sold_today[1, 3] == 2
    assert stores.backorders[1, 3] == 5
    assert ctx.ledger.store_lost[0, 1] == 4  # all of today's demand waits


def test_store_orders_are_rounded_to_case_packs(ok_small, make_context, scripted_demand) -> None:
    ctx = make_context(ok_small, mode="traditional")
    stores = make_stores(ctx, scripted_demand(ok_small), policy=BaseStock(level=1.0))
    stores.on_hand[:] = 0
    stores.plan(0)
    (order,) = ctx.channel.receive(ok_small.dc_gln[0], Order, 0)
    # One unit wanted everywhere: a whole case of 6 ordered.
    assert order.quantity.tolist() == [[6] * 6, [6] * 6]
    assert order.locations.tolist() == [0, 1]
    assert order.items.tolist() == list(range(6))
    assert order.sender == ok_small.spec.retailer.gln
    assert ctx.ledger.sku["store_orders"][0].tolist() == [12] * 6


def test_store_orders_never_overfill_the_shelf(ok_small, make_context, scripted_demand) -> None:
    ctx = make_context(ok_small, mode="traditional")
    stores = make_stores(ctx, scripted_demand(ok_small), policy=BaseStock(level=1_000.0))
    shelf = ok_small.shelf_capacity  # [[12, 24, 30, 42, 54, 60], [24, 42, 60, 84, 102, 120]]
    stores.on_hand[:] = np.array([[0, 5, 30, 40, 0, 0], [1, 0, 0, 0, 0, 0]])
    stores.on_order[:] = np.array([[0, 0, 0, 0, 12, 0], [0, 0, 0, 0, 0, 0]])
    stores.plan(0)
    (order,) = ctx.channel.receive(ok_small.dc_gln[0], Order, 0)
    assert order.quantity.tolist() == [[12, 18, 0, 0, 42, 60], [18, 42, 60, 84, 102, 120]]
    position = stores.on_hand + stores.on_order
    assert (position + order.quantity <= shelf).all()
    assert (order.quantity % 6 == 0).all()


def test_no_orders_in_shared_mode(ok_small, make_context, scripted_demand) -> None:
    ctx = make_context(ok_small, mode="shared")
    stores = make_stores(ctx, scripted_demand(ok_small))
    stores.on_hand[:] = 0
    stores.plan(0)
    assert ctx.channel.sent["Order"] == 0


def test_despatch_advice_raises_on_order_and_unloading_lowers_it(
    ok_small, make_context, scripted_demand, hand_over
) -> None:
    ctx = make_context(ok_small)
    stores = make_stores(ctx, scripted_demand(ok_small))
    before = stores.on_hand.copy()
    goods = np.array([[6, 0, 0, 0, 0, 12], [0, 0, 18, 0, 0, 0]])
    ctx.channel.send(
        DespatchAdvice(
            sender=ok_small.platform_gln[0],
            receiver=ok_small.spec.retailer.gln,
            day=0,
            reference="1",
            arrival_day=1,
            ship_to_kind="store",
            ship_to=-1,
            locations=np.array([0, 1]),
            items=np.arange(6),
            quantity=goods,
        )
    )
    stores.receive(0)  # the advice comes ahead of its goods: they are on their way
    assert stores.on_order.tolist() == goods.tolist()
    hand_over(ctx, 1, "store", goods)
    stores.receive(1)  # unloaded in the morning
    assert stores.on_order.sum() == 0
    assert (stores.on_hand - before).tolist() == goods.tolist()
    assert stores.received_today.tolist() == goods.tolist()
    assert ctx.ledger.flows[1, ctx.ledger.blocks["store"], KINDS.index("received")].tolist() == [
        18,
        18,
    ]  # received
    assert ctx.ledger["store_deliveries"][1].tolist() == [1, 1]
    stores.receive(2)  # a new morning: nothing received yet
    assert stores.received_today.sum() == 0


def test_despatch_advice_for_some_stores_and_items(ok_small, make_context, scripted_demand) -> None:
    ctx = make_context(ok_small)
    stores = make_stores(ctx, scripted_demand(ok_small))
    ctx.channel.send(
        DespatchAdvice(
            sender=ok_small.platform_gln[0],
            receiver=ok_small.spec.retailer.gln,
            day=3,
            reference="1",
            locations=np.array([1]),
            items=np.array([4, 2]),
            quantity=np.array([[12, 6]]),
        )
    )
    stores.receive(2)  # sent tomorrow: not seen yet
    assert stores.on_order.sum() == 0
    stores.receive(3)
    assert stores.on_order.tolist() == [[0, 0, 0, 0, 0, 0], [0, 0, 6, 0, 12, 0]]


def test_reports_go_to_each_planner_with_only_its_items(
    ok_small, make_context, scripted_demand, hand_over
) -> None:
    ctx = make_context(ok_small)
    wanted = np.array([[1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]])
    a, b = ok_small.supplier_gln[0], ok_small.supplier_gln[4]
    stores = make_stores(
        ctx,
        scripted_demand(ok_small, wanted),
        report_to=[(a, np.array([0, 1, 2, 3])), (b, np.array([4, 5]))],
    )
    stores.on_hand[:] = 10
    # stores that lose unmet demand owe nothing: zeros, read-only, with no bytes per cell
    assert not stores.backorders.any() and not any(stores.backorders.strides)
    hand_over(ctx, 0, "store", np.full((2, 6), 6))
    stores.receive(0)
    stores.trade(0)
    stores.report(0)
    for planner, items in ((a, [0, 1, 2, 3]), (b, [4, 5])):
        (sales,) = ctx.channel.receive(planner, SalesReport, 0)
        (stock,) = ctx.channel.receive(planner, InventoryReport, 0)
        for report in (sales, stock):
            assert report.items.tolist() == items
            assert report.locations.tolist() == [0, 1]
            assert report.sender == ok_small.spec.retailer.gln
        assert sales.quantity.tolist() == wanted[:, items].tolist()
        assert stock.on_hand.tolist() == (16 - wanted[:, items]).tolist()
        assert stock.received.tolist() == np.full((2, len(items)), 6).tolist()
        assert stock.backorders.tolist() == np.zeros((2, len(items))).tolist()
    # Nobody else hears about it.
    assert ctx.channel.receive(ok_small.supplier_gln[2], SalesReport, 0) == []
    assert ctx.channel.sent["SalesReport"] == 2
    assert ctx.channel.sent["InventoryReport"] == 2


def test_reports_carry_backorders(make_scenario, make_context, scripted_demand) -> None:
    scenario = make_scenario(unmet_demand="backorder")
    ctx = make_context(scenario, unmet_demand="backorder")
    wanted = np.zeros((2, 6), np.int64)
    wanted[1, 5] = 9
    planner = scenario.supplier_gln[4]
    stores = make_stores(
        ctx, scripted_demand(scenario, wanted), report_to=[(planner, np.array([4, 5]))]
    )
    stores.on_hand[:] = 0
    stores.trade(0)
    stores.report(0)
    (stock,) = ctx.channel.receive(planner, InventoryReport, 0)
    assert stock.backorders.tolist() == [[0, 0], [0, 9]]


def test_reports_read_the_same_evening_are_views_and_never_copied(
    ok_small, make_context, scripted_demand
) -> None:
    ctx = make_context(ok_small)
    wanted = np.array([[1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]])
    planner = ok_small.supplier_gln[0]
    stores = make_stores(
        ctx, scripted_demand(ok_small, wanted, wanted), report_to=[(planner, np.arange(6))]
    )
    stores.on_hand[:] = 10
    stores.trade(0)
    stores.report(0)
    (sales,) = ctx.channel.receive(planner, SalesReport, 0)
    (stock,) = ctx.channel.receive(planner, InventoryReport, 0)
    # no copy: the payloads are the books themselves
    assert np.shares_memory(sales.quantity, stores.sold_today)
    assert np.shares_memory(stock.on_hand, stores.on_hand)
    kept = sales.quantity
    del sales, stock  # read and dropped, as the planners do
    stores.close(0)
    stores.trade(1)
    # nobody held the messages: nothing was copied, and the books moved on
    assert np.shares_memory(kept, stores.sold_today)


def test_a_report_still_held_keeps_the_figures_it_was_sent_with(
    ok_small, make_context, scripted_demand
) -> None:
    ctx = make_context(ok_small)
    first = np.array([[1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]])
    second = np.array([[2, 2, 2, 2, 2, 2], [1, 1, 1, 1, 1, 1]])
    planners = [
        (ok_small.supplier_gln[0], np.array([0, 1, 2])),
        (ok_small.supplier_gln[4], np.array([4, 5])),
    ]
    stores = make_stores(ctx, scripted_demand(ok_small, first, second), report_to=planners)
    stores.on_hand[:] = 10
    stores.trade(0)
    stores.report(0)
    held = ctx.channel.pending()  # a delaying channel still holds them the next day
    stores.close(0)
    stores.trade(1)
    stores.report(1)
    for planner, items in planners:
        day0, day1 = ctx.channel.receive(planner, SalesReport, 1)
        assert (day0.day, day1.day) == (0, 1)
        assert day0.quantity.tolist() == first[:, items].tolist()
        assert day1.quantity.tolist() == second[:, items].tolist()
        stock0, stock1 = ctx.channel.receive(planner, InventoryReport, 1)
        assert stock0.on_hand.tolist() == (10 - first[:, items]).tolist()
        assert stock1.on_hand.tolist() == (10 - first - second)[:, items].tolist()
        assert not np.shares_memory(stock0.on_hand, stores.on_hand)
    assert len(held) == 4


def test_the_head_office_positions_are_the_books_read_the_same_evening(
    make_scenario, make_context, scripted_demand, hand_over
) -> None:
    scenario = make_scenario(unmet_demand="backorder", confirms=True)
    ctx = make_context(scenario, mode="shared", unmet_demand="backorder")
    wanted = np.array([[1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]])
    stores = make_stores(ctx, scripted_demand(scenario, wanted, wanted))
    assert stores._confirms
    stores.on_hand[:] = 3
    stores.on_order[:] = 2
    stores.trade(0)
    stores.report(0)
    (positions,) = ctx.channel.pending()
    assert isinstance(positions, StorePositions)
    assert np.shares_memory(positions.on_hand, stores.on_hand)  # no copy, no sum
    expected = np.maximum(3 - wanted, 0) + 2 - np.maximum(wanted - 3, 0)
    assert positions.positions().tolist() == expected.tolist()
    assert positions.positions((slice(1, 2), slice(None))).tolist() == expected[1:].tolist()
    stores.close(0)  # still held at closing (the head office had not read it): copied
    stores.trade(1)
    assert positions.positions().tolist() == expected.tolist()
    assert not np.shares_memory(positions.on_hand, stores.on_hand)


def test_opening_stock_is_capped_by_the_shelf_and_in_the_ledger(
    ok_small, make_context, scripted_demand
) -> None:
    ctx = make_context(ok_small)
    stores = Stores(
        ctx, scripted_demand(ok_small), policy=None, initial_stock_days=100.0, report_to=[]
    )
    assert (stores.on_hand == ok_small.shelf_capacity).all()
    opening = ctx.ledger.flows[0, ctx.ledger.blocks["store"], KINDS.index("opening")]
    assert opening.tolist() == ok_small.shelf_capacity.sum(axis=1).tolist()
    stores.close(0)
    assert [v for v in ctx.ledger.violations(1) if v.location < ok_small.n_stores] == []


class OneDay:
    def __init__(self, wanted: np.ndarray) -> None:
        self.wanted = wanted

    def daily(self, day: int) -> np.ndarray:
        return self.wanted


shelf_states = hnp.arrays(np.int64, (3, 2, 6), elements=st.integers(0, 30))


@settings(max_examples=100, deadline=None)
@given(shelf_states, st.sampled_from(["lost", "backorder"]))
def test_trading_properties(ok_small, state, unmet) -> None:
    on_hand, owed, wanted = state
    # Hypothesis runs many examples per test: a fresh context each (no function fixtures).
    ledger = new_ledger(ok_small, None, 1)
    ctx = Context(ok_small, DirectChannel(), DirectGoodsChannel(), ledger, "shared", unmet)
    stores = make_stores(ctx, OneDay(wanted))
    stores.on_hand[:] = on_hand
    if unmet == "backorder":  # stores that lose unmet demand hold read-only zeros
        stores.backorders[:] = owed
    owed = stores.backorders.copy()
    stores.trade(0)
    sold = stores.sold_today
    short = ctx.ledger.store_lost[0]
    assert (sold == np.minimum(on_hand, wanted + owed)).all()
    assert (stores.on_hand == on_hand - sold).all()
    if unmet == "backorder":
        assert (stores.backorders == owed + wanted - sold).all()
    else:
        assert (stores.backorders == 0).all()
    # Each day's demand is either served that day or counted as not served (lost or owed).
    served_today = np.maximum(sold - owed, 0)
    assert (short == (wanted - served_today).sum(axis=1)).all()
    assert ((0 <= served_today) & (served_today <= wanted)).all()


def test_store_quantities_are_int32_and_overflow_is_a_located_error(
    ok_small, make_context, scripted_demand
) -> None:
    """Backorders that would pass 2**31 - 1 units stop the run with a ScenarioError, not a wrap."""
    import pytest

    from crossdock.errors import ScenarioError

    ctx = make_context(ok_small, unmet_demand="backorder")
    near = np.iinfo(np.int32).max - 5
    wanted = np.zeros((ok_small.n_stores, ok_small.n_skus), dtype=np.int64)
    wanted[0, 0] = near
    stores = make_stores(ctx, scripted_demand(ok_small, wanted, wanted))
    assert {a.dtype for a in (stores.on_hand, stores.on_order, stores.backorders)} == {
        np.dtype(np.int32)
    }
    stores.trade(0)  # owed: near units, still within int32
    assert stores.backorders[0, 0] == near
    with pytest.raises(ScenarioError, match="on day 1 a store's backorders would pass"):
        stores.trade(1)
