"""The traditional chain's distribution centre: rationing, answers, reorders, shipping."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock.chain import build_chain
from crossdock.engine import Engine
from crossdock.ledger import KINDS
from crossdock.messages import DespatchAdvice, LineStatus, Order, OrderResponse
from crossdock.policies import BaseStock
from crossdock.scenario import compile_scenario


@pytest.fixture
def traditional(ok_small):
    """The traditional chain of ``ok_small``; the DC reorders only when told to (level 0)."""
    chain = build_chain(
        ok_small, "traditional", days=10, seed=0, policies={"dc": BaseStock(level=0.0)}
    )
    _, dcs, _, _, carrier = chain.parties
    return chain, dcs, carrier


def store_order(scenario, day: int, quantity) -> Order:
    return Order(
        sender=scenario.spec.retailer.gln,
        receiver=scenario.dc_gln[0],
        day=day,
        reference="1",
        order_number=f"S{day:04d}-0",
        ship_to_kind="store",
        ship_to=-1,
        locations=np.array([0, 1]),
        items=np.arange(scenario.n_skus),
        quantity=np.asarray(quantity, dtype=np.int64),
    )


def test_short_lines_are_rationed_and_answered(ok_small, traditional) -> None:
    chain, dcs, _ = traditional
    dcs.on_hand[0] = [100, 10, 0, 0, 0, 5]
    requested = [[6, 6, 6, 0, 6, 1], [12, 12, 6, 0, 0, 1]]
    chain.channel.send(store_order(ok_small, 0, requested))
    dcs.plan(0)
    (answer,) = chain.channel.receive(ok_small.spec.retailer.gln, OrderResponse, 0)
    assert answer.order_number == "S0000-0"
    assert answer.sender == ok_small.dc_gln[0]
    assert answer.locations.tolist() == [0, 1]
    assert answer.items.tolist() == list(range(6))
    # SKU 1: 10 for 6 + 12 → 3.33 and 6.67 → 3 and 7. SKU 2 and 4: nothing in stock.
    assert answer.quantity.tolist() == [[6, 3, 0, 0, 0, 1], [12, 7, 0, 0, 0, 1]]
    assert answer.status.tolist() == [
        LineStatus.ACCEPTED,
        LineStatus.CHANGED,
        LineStatus.REFUSED,
        LineStatus.ACCEPTED,  # nothing asked, nothing to change
        LineStatus.REFUSED,
        LineStatus.ACCEPTED,
    ]


def test_ship_hands_the_allocation_to_the_carrier(ok_small, traditional) -> None:
    chain, dcs, carrier = traditional
    dcs.on_hand[0] = [100, 10, 0, 0, 0, 5]
    requested = [[6, 6, 6, 0, 6, 1], [12, 12, 6, 0, 0, 1]]
    chain.channel.send(store_order(ok_small, 0, requested))
    dcs.plan(0)
    dcs.ship(0)
    allocated = np.array([[6, 3, 0, 0, 0, 1], [12, 7, 0, 0, 0, 1]])
    assert dcs.on_hand[0].tolist() == [82, 0, 0, 0, 0, 3]
    (advice,) = chain.channel.receive(ok_small.spec.retailer.gln, DespatchAdvice, 0)
    assert advice.sender == ok_small.dc_gln[0]
    assert advice.quantity.tolist() == allocated.tolist()
    assert advice.locations.tolist() == [0, 1]
    assert advice.arrival_day == 0 + int(ok_small.dc_delivery_days[0])
    assert advice.pallets == 2  # one (part) pallet per store
    carrier.deliver(0)
    carrier.close(0)
    on_road = chain.ledger.stock_units[0, chain.ledger.blocks["carrier"]]
    assert on_road.tolist() == [allocated.sum()]
    stores = chain.parties[0]
    before = stores.on_hand.copy()
    stores.receive(1)
    carrier.receive(1)  # overnight: on the shelf the next morning
    assert (stores.on_hand - before).tolist() == allocated.tolist()
    shipped = chain.ledger.flows[0, chain.ledger.blocks["dc"], KINDS.index("shipped")]
    assert shipped.tolist() == [allocated.sum()]
    dcs.ship(1)  # nothing is shipped twice
    assert chain.channel.sent["DespatchAdvice"] == 1


def test_enough_stock_accepts_every_line(ok_small, traditional) -> None:
    chain, dcs, _ = traditional
    dcs.on_hand[0] = 1_000
    chain.channel.send(store_order(ok_small, 0, np.full((2, 6), 6)))
    dcs.plan(0)
    (answer,) = chain.channel.receive(ok_small.spec.retailer.gln, OrderResponse, 0)
    assert (answer.status == LineStatus.ACCEPTED).all()
    assert (answer.quantity == 6).all()


def test_reorders_go_to_each_supplier_for_its_own_items(make_scenario) -> None:
    # Suppliers 0..5 each make one SKU in ok_small; here supplier 0 makes SKUs 0 and 1.
    scenario = make_scenario()
    spec = scenario.spec
    products = list(spec.products)
    products[1] = products[1].model_copy(update={"supplier": spec.suppliers[0].id})
    scenario = compile_scenario(spec.model_copy(update={"products": products}))
    chain = build_chain(
        scenario, "traditional", days=5, seed=0, policies={"dc": BaseStock(level=50.0)}
    )
    dcs = chain.parties[1]
    dcs.on_hand[0] = [0, 10, 20, 50, 44, 60]
    dcs.on_order[0] = [0, 0, 0, 0, 0, 0]
    dcs.plan(0)
    by_supplier = {}
    for u, gln in enumerate(scenario.supplier_gln):
        orders = chain.channel.receive(gln, Order, 0)
        assert len(orders) <= 1
        if orders:
            by_supplier[u] = orders[0]
    assert sorted(by_supplier) == [0, 2, 4]  # suppliers 3 and 5 owe nothing; 1 makes nothing
    first = by_supplier[0]
    assert first.items.tolist() == [0, 1]
    assert first.quantity.tolist() == [[54, 42]]  # 50 and 40 up to whole cases of 6
    assert first.ship_to_kind == "dc"
    assert first.ship_to == 0
    assert first.locations.tolist() == [0]
    assert first.sender == scenario.dc_gln[0]
    assert by_supplier[2].items.tolist() == [2]
    assert by_supplier[2].quantity.tolist() == [[30]]
    assert by_supplier[4].quantity.tolist() == [[6]]
    assert dcs.on_order[0].tolist() == [54, 42, 30, 0, 6, 0]
    assert chain.ledger.sku["dc_orders"][0].tolist() == [54, 42, 30, 0, 6, 0]


def test_reorders_count_stock_already_promised_to_stores(ok_small) -> None:
    chain = build_chain(
        ok_small, "traditional", days=5, seed=0, policies={"dc": BaseStock(level=30.0)}
    )
    dcs = chain.parties[1]
    dcs.on_hand[0] = 30
    chain.channel.send(store_order(ok_small, 0, [[6, 0, 0, 0, 0, 0], [12, 0, 0, 0, 0, 0]]))
    dcs.plan(0)
    orders = chain.channel.receive(ok_small.supplier_gln[0], Order, 0)
    (order,) = orders
    assert order.quantity.tolist() == [[18]]  # 18 of the 30 are promised: back up to 30
    for u in range(1, 6):
        assert chain.channel.receive(ok_small.supplier_gln[u], Order, 0) == []


def test_unload_puts_deliveries_into_stock(ok_small, traditional, hand_over) -> None:
    chain, dcs, _ = traditional
    dcs.on_hand[0] = 0
    dcs.on_order[0] = [12, 0, 0, 0, 0, 6]
    hand_over(chain.context, 2, "dc", np.array([[12, 0, 0, 0, 0, 6]]))
    dcs.receive(2)
    assert dcs.on_hand[0].tolist() == [12, 0, 0, 0, 0, 6]
    assert dcs.on_order[0].sum() == 0
    assert chain.ledger.flows[2, chain.ledger.blocks["dc"], KINDS.index("received")].tolist() == [
        18
    ]


def test_tonights_store_order_sells_tomorrow(ok_small, scripted_demand) -> None:
    wanted = np.zeros((2, 6), np.int64)
    wanted[0, 0] = 5
    demand = scripted_demand(ok_small, np.zeros((2, 6)), wanted)
    chain = build_chain(
        ok_small,
        "traditional",
        days=3,
        seed=0,
        demand=demand,
        policies={"store": BaseStock(level=6.0), "dc": BaseStock(level=0.0)},
    )
    stores, dcs = chain.parties[0], chain.parties[1]
    stores.on_hand[:] = 0
    dcs.on_hand[0] = 100
    engine = Engine(chain.parties)
    engine.step()  # day 0: the stores order 6 of everything; the DC ships tonight
    assert stores.on_hand.sum() == 0
    engine.step()  # day 1: unloaded in the morning, sold during the day
    assert stores.sold_today[0, 0] == 5
    assert stores.on_hand[0].tolist() == [1, 6, 6, 6, 6, 6]
    assert stores.on_order.sum() == 0


def test_order_response_keeps_its_quantities_after_shipping(ok_small, traditional) -> None:
    chain, dcs, _ = traditional
    dcs.on_hand[0] = 100
    chain.channel.send(store_order(ok_small, 0, np.full((2, 6), 6)))
    dcs.plan(0)
    dcs.ship(0)  # the rest of the day happens before anyone reads the answer
    (answer,) = chain.channel.receive(ok_small.spec.retailer.gln, OrderResponse, 0)
    # A regression test: the answer once shared memory with the DC's allocation.
    assert answer.quantity.tolist() == np.full((2, 6), 6).tolist()
