"""Suppliers: order books, make-to-order and make-to-stock production orders, shipping."""

from __future__ import annotations

import numpy as np

from crossdock._kernels import pallets
from crossdock.chain import build_chain
from crossdock.ledger import KINDS
from crossdock.messages import DespatchAdvice, Order
from crossdock.parties.suppliers import Suppliers
from crossdock.policies import BaseStock
from crossdock.scenario import EchelonSpec, compile_scenario


def make_suppliers(ctx, docked_carrier, *, policy=None):
    carrier = docked_carrier(ctx)
    suppliers = Suppliers(ctx, policy=policy, initial_stock_days=0.0)
    return suppliers, carrier


def cross_dock_order(scenario, u: int, day: int, quantity, *, locations=(0, 1)) -> Order:
    """A planner's order to supplier ``u`` for its one SKU, pre-allocated by store."""
    return Order(
        sender=scenario.supplier_gln[0],
        receiver=scenario.supplier_gln[u],
        day=day,
        reference="1",
        order_number=f"C{day:04d}-{u}-0",
        ship_to_kind="platform",
        ship_to=0,
        locations=np.array(locations),
        items=np.array([u]),
        quantity=np.asarray(quantity, dtype=np.int64),
    )


def dc_order(scenario, u: int, day: int, quantity: int) -> Order:
    return Order(
        sender=scenario.dc_gln[0],
        receiver=scenario.supplier_gln[u],
        day=day,
        reference="1",
        order_number=f"D{day:04d}-0-{u}",
        ship_to_kind="dc",
        ship_to=0,
        locations=np.array([0]),
        items=np.array([u]),
        quantity=np.array([[quantity]]),
    )


def production_orders(ctx, day: int) -> dict[int, Order]:
    sc = ctx.scenario
    out = {}
    for gln in sc.factory_gln:
        for order in ctx.channel.receive(gln, Order, day):
            assert order.ship_to_kind == "supplier"
            out[order.ship_to] = order
    return out


def test_make_to_order_asks_for_exactly_the_shortfall(
    ok_small, make_context, docked_carrier
) -> None:
    ctx = make_context(ok_small, mode="shared")
    suppliers, _ = make_suppliers(ctx, docked_carrier)
    suppliers.on_hand[:] = [10, 0, 5, 0, 0, 0]
    suppliers.in_production[:] = [0, 0, 4, 0, 0, 0]
    ctx.channel.send(cross_dock_order(ok_small, 0, 0, [[6], [12]]))  # 18, 10 in stock → make 8
    ctx.channel.send(cross_dock_order(ok_small, 2, 0, [[6], [0]]))  # 6, 5 + 4 coming → 0
    ctx.channel.send(cross_dock_order(ok_small, 3, 0, [[0], [7]]))  # 7 → make 7, not a case
    suppliers.confirm(0)
    assert suppliers.book_store.tolist() == [[6, 0, 6, 0, 0, 0], [12, 0, 0, 7, 0, 0]]
    orders = production_orders(ctx, 0)
    assert sorted(orders) == [0, 3]
    assert orders[0].quantity.tolist() == [[8]]
    assert orders[0].receiver == ok_small.factory_gln[ok_small.factory_of_supplier[0]]
    assert orders[0].sender == ok_small.supplier_gln[0]
    assert orders[3].quantity.tolist() == [[7]]
    assert orders[3].receiver == ok_small.factory_gln[1]
    assert suppliers.in_production.tolist() == [8, 0, 4, 7, 0, 0]
    assert ctx.ledger.sku["production_orders"][0].tolist() == [8, 0, 0, 7, 0, 0]
    # Nothing new the next day: what is owed is already in production.
    suppliers.confirm(1)
    assert production_orders(ctx, 1) == {}


def test_make_to_stock_follows_the_policy(ok_small, make_context, docked_carrier) -> None:
    ctx = make_context(ok_small, mode="traditional")
    suppliers, _ = make_suppliers(ctx, docked_carrier, policy=BaseStock(level=40.0))
    suppliers.on_hand[:] = [10, 40, 0, 100, 40, 30]
    suppliers.in_production[:] = [0, 0, 12, 0, 0, 5]
    ctx.channel.send(dc_order(ok_small, 4, 0, 6))
    suppliers.confirm(0)
    assert suppliers.book_dc[0].tolist() == [0, 0, 0, 0, 6, 0]
    # Level 40 − (on hand − owed + in production), up to whole cases of 6.
    position = np.array([10, 40, 12, 100, 34, 35])
    expected = np.ceil(np.maximum(40 - position, 0) / 6).astype(int) * 6
    assert expected.tolist() == [30, 0, 30, 0, 6, 6]
    made = {u: o.quantity.tolist() for u, o in production_orders(ctx, 0).items()}
    assert made == {0: [[30]], 2: [[30]], 4: [[6]], 5: [[6]]}
    assert suppliers.in_production.tolist() == [30, 0, 42, 0, 6, 11]


def test_shipping_to_the_dc_against_the_order_book(
    ok_small, make_context, docked_carrier, hand_over
) -> None:
    ctx = make_context(ok_small, mode="traditional")
    suppliers, carrier = make_suppliers(ctx, docked_carrier, policy=BaseStock(level=0.0))
    suppliers.on_hand[:] = [100, 3, 0, 0, 0, 0]
    ctx.channel.send(dc_order(ok_small, 0, 0, 24))
    ctx.channel.send(dc_order(ok_small, 1, 0, 12))
    suppliers.confirm(0)
    suppliers.ship(0)
    assert suppliers.on_hand.tolist() == [76, 0, 0, 0, 0, 0]
    assert suppliers.book_dc[0].tolist() == [0, 9, 0, 0, 0, 0]  # 9 still owed
    advices = {a.sender: a for a in ctx.channel.receive(ok_small.dc_gln[0], DespatchAdvice, 0)}
    assert sorted(advices) == sorted([ok_small.supplier_gln[0], ok_small.supplier_gln[1]])
    first = advices[ok_small.supplier_gln[0]]
    assert first.items.tolist() == [0]
    assert first.locations.tolist() == [0]
    assert first.quantity.tolist() == [[24]]
    assert first.ship_to_kind == "dc"
    assert first.arrival_day == 0 + int(ok_small.supplier_lead_time_days[0])
    assert advices[ok_small.supplier_gln[1]].quantity.tolist() == [[3]]
    carrier.deliver(0)  # the evening's loads go on the road
    carrier.close(0)
    assert ctx.ledger.stock_units[0, ctx.ledger.blocks["carrier"]].tolist() == [27]
    shipped = ctx.ledger.flows[0, ctx.ledger.blocks["supplier"], KINDS.index("shipped")]
    assert shipped.tolist() == [24, 3, 0, 0, 0, 0]
    # Tomorrow's stock pays what is still owed.
    hand_over(ctx, 1, "supplier", np.array([0, 20, 0, 0, 0, 0]))  # the factory's output
    suppliers.ship(1)  # takes it in, then ships
    assert suppliers.book_dc.sum() == 0
    (later,) = ctx.channel.receive(ok_small.dc_gln[0], DespatchAdvice, 1)
    assert later.quantity.tolist() == [[9]]


def test_shipping_to_the_platform_by_store(ok_small, make_context, docked_carrier) -> None:
    ctx = make_context(ok_small, mode="shared")
    suppliers, carrier = make_suppliers(ctx, docked_carrier)
    suppliers.on_hand[:] = [12, 0, 0, 0, 0, 9]
    ctx.channel.send(cross_dock_order(ok_small, 0, 0, [[6], [6]]))
    ctx.channel.send(cross_dock_order(ok_small, 5, 0, [[6], [12]]))  # 18 for 9 in stock
    suppliers.confirm(0)
    suppliers.ship(0)
    advices = {
        a.sender: a for a in ctx.channel.receive(ok_small.platform_gln[0], DespatchAdvice, 0)
    }
    assert sorted(advices) == sorted([ok_small.supplier_gln[0], ok_small.supplier_gln[5]])
    first = advices[ok_small.supplier_gln[0]]
    assert first.ship_to_kind == "platform"
    assert first.ship_to == 0
    assert first.locations.tolist() == [0, 1]
    assert first.items.tolist() == [0]
    assert first.quantity.tolist() == [[6], [6]]
    # Short: 9 shared 6 : 12 → 3 and 6.
    assert advices[ok_small.supplier_gln[5]].quantity.tolist() == [[3], [6]]
    assert suppliers.book_store[:, 5].tolist() == [3, 6]
    # the book's kept units per SKU follow a short day's rationing
    assert suppliers._store_owed.tolist() == suppliers.book_store.sum(axis=0).tolist()
    assert suppliers.on_hand.tolist() == [0, 0, 0, 0, 0, 0]
    carrier.deliver(0)
    carrier.receive(1)  # one day on the road
    ((day, arrived),) = carrier.platforms.unloads
    assert day == 1
    assert arrived.tolist() == [[6, 0, 0, 0, 0, 3], [6, 0, 0, 0, 0, 6]]


def test_a_book_shipped_in_full_starts_again_as_fresh_zeros(
    ok_small, make_context, docked_carrier
) -> None:
    ctx = make_context(ok_small, mode="shared")
    suppliers, _ = make_suppliers(ctx, docked_carrier)
    suppliers.on_hand[:] = [12, 0, 0, 0, 0, 18]
    ctx.channel.send(cross_dock_order(ok_small, 0, 0, [[6], [6]]))
    ctx.channel.send(cross_dock_order(ok_small, 5, 0, [[6], [12]]))
    suppliers.confirm(0)
    book = suppliers.book_store
    suppliers.ship(0)
    assert suppliers.book_store is not book and not suppliers.book_store.any()
    advices = {
        a.sender: a.quantity.tolist()
        for a in ctx.channel.receive(ok_small.platform_gln[0], DespatchAdvice, 0)
    }
    assert advices == {ok_small.supplier_gln[0]: [[6], [6]], ok_small.supplier_gln[5]: [[6], [12]]}
    # the next day's orders go into the new book
    ctx.channel.send(cross_dock_order(ok_small, 0, 1, [[1], [0]]))
    suppliers.confirm(1)
    assert suppliers.book_store[:, 0].tolist() == [1, 0]
    assert suppliers._store_owed.tolist() == [1, 0, 0, 0, 0, 0]  # and so do its kept units


def test_the_books_units_per_sku_are_kept_through_a_run(make_scenario) -> None:
    """What a supplier owes the stores per SKU, kept as lines are booked and shipped, is the
    sum of its store book every evening of a run with short days (rationed shipments)."""
    from crossdock.engine import Engine

    sc = make_scenario(n_stores=5, factory_capacity=20)  # short of capacity: rationed
    chain = build_chain(sc, "shared", days=30, seed=3)
    (suppliers,) = [p for p in chain.parties if isinstance(p, Suppliers)]
    engine = Engine(chain.parties)
    short = 0
    for _ in range(30):
        engine.step(until="confirm")
        owed_before_shipping = suppliers._store_owed.copy()
        engine.step()
        assert suppliers._store_owed.tolist() == suppliers.book_store.sum(axis=0).tolist()
        short += int((suppliers._store_owed > 0).any() and owed_before_shipping.any())
    assert short > 0  # some days left lines in the book (the rationing path)


def test_two_platforms_get_one_despatch_each(two_platforms, make_context, docked_carrier) -> None:
    sc = two_platforms
    ctx = make_context(sc, mode="shared")
    suppliers, _ = make_suppliers(ctx, docked_carrier)
    suppliers.on_hand[:] = 100
    order = cross_dock_order(sc, 2, 0, [[6], [12], [18], [24]], locations=(0, 1, 2, 3))
    ctx.channel.send(order)
    suppliers.confirm(0)
    suppliers.ship(0)
    for p, stores, quantity in ((0, [0, 2], [[6], [18]]), (1, [1, 3], [[12], [24]])):
        (advice,) = ctx.channel.receive(sc.platform_gln[p], DespatchAdvice, 0)
        assert advice.locations.tolist() == stores
        assert advice.quantity.tolist() == quantity
        assert advice.ship_to == p


def test_nothing_to_ship_sends_nothing(ok_small, make_context, docked_carrier) -> None:
    ctx = make_context(ok_small, mode="shared")
    suppliers, _ = make_suppliers(ctx, docked_carrier)
    suppliers.on_hand[:] = 0
    ctx.channel.send(cross_dock_order(ok_small, 0, 0, [[6], [6]]))
    suppliers.confirm(0)
    suppliers.ship(0)
    assert ctx.channel.sent["DespatchAdvice"] == 0
    assert suppliers.book_store[:, 0].tolist() == [6, 6]


def test_opening_stock_and_closing_stock_by_supplier(ok_small, make_context) -> None:
    ctx = make_context(ok_small, mode="shared")
    suppliers = Suppliers(ctx, policy=None, initial_stock_days=2.0)
    network = ok_small.expected_demand().sum(axis=0)  # 3, 6, 9, 12, 15, 18 a day
    assert suppliers.on_hand.tolist() == [6, 12, 18, 24, 30, 36]
    assert network.tolist() == [3, 6, 9, 12, 15, 18]
    block = ctx.ledger.blocks["supplier"]
    assert ctx.ledger.flows[0, block, KINDS.index("opening")].tolist() == [6, 12, 18, 24, 30, 36]
    suppliers.close(0)
    assert ctx.ledger.stock_units[0, block].tolist() == [6, 12, 18, 24, 30, 36]


def test_despatch_advice_announces_pallets_and_ssccs(
    ok_small, make_context, docked_carrier
) -> None:
    ctx = make_context(ok_small, mode="shared")
    suppliers, _ = make_suppliers(ctx, docked_carrier)
    suppliers.on_hand[:] = 1_000
    ctx.channel.send(cross_dock_order(ok_small, 0, 0, [[6], [90]]))
    suppliers.confirm(0)
    suppliers.ship(0)
    (advice,) = ctx.channel.receive(ok_small.platform_gln[0], DespatchAdvice, 0)
    # Pallets are built per store (pre-allocated): 1 for store 0, 2 for store 1 (60 a pallet).
    assert advice.pallets == int(
        pallets(advice.quantity, ok_small.units_per_pallet[advice.items]).sum()
    )
    assert advice.pallets == 3
    # The next despatch takes the next SSCC serials: no pallet shares an SSCC.
    ctx.channel.send(cross_dock_order(ok_small, 0, 1, [[60], [0]]))
    suppliers.confirm(1)
    suppliers.ship(1)
    (later,) = ctx.channel.receive(ok_small.platform_gln[0], DespatchAdvice, 1)
    assert later.pallets == 1
    assert later.sscc_first == advice.sscc_first + advice.pallets


def test_a_supplier_with_its_own_stock_policy(ok_small, make_context) -> None:
    ctx = make_context(ok_small, mode="traditional")
    suppliers = Suppliers(
        ctx,
        policy=BaseStock(level=10.0),
        initial_stock_days=0.0,
        overrides={2: (BaseStock(level=40.0), 5.0)},
    )
    # Supplier 2 opens with 5 days of its network demand (9 a day → 45 → 48 in cases of 6).
    assert suppliers.on_hand.tolist() == [0, 0, 48, 0, 0, 0]
    suppliers.on_hand[2] = 0
    suppliers.confirm(0)
    made = {u: o.quantity.tolist() for u, o in production_orders(ctx, 0).items()}
    assert made == {0: [[12]], 1: [[12]], 2: [[42]], 3: [[12]], 4: [[12]], 5: [[12]]}


def test_the_chain_wires_a_suppliers_stock_policy(make_scenario) -> None:
    sc = make_scenario()
    suppliers = list(sc.spec.suppliers)
    own = EchelonSpec(policy="base_stock", base_stock_days=1.0, initial_stock_days=4.0)
    suppliers[5] = suppliers[5].model_copy(update={"stock_policy": own})
    sc = compile_scenario(sc.spec.model_copy(update={"suppliers": suppliers}))
    chain = build_chain(sc, "traditional", days=2, seed=0)
    opening = chain.parties[2].on_hand
    default_days = sc.spec.replenishment.traditional.supplier.initial_stock_days
    network = sc.expected_demand().sum(axis=0)  # 3, 6, 9, 12, 15, 18 a day
    assert opening[5] == 72  # 4 days of 18
    assert opening[4] == int(np.ceil(network[4] * default_days / 6) * 6)
