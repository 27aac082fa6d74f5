"""Factories (simple one-line model): the warm-up ramp, earliest due first, output handed over."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock.chain import build_chain
from crossdock.ledger import KINDS
from crossdock.messages import DespatchAdvice, Order
from crossdock.parties.factories import Factories
from crossdock.parties.suppliers import Suppliers


def plant(scenario, make_context):
    ctx = make_context(scenario, mode="shared", days=20)
    suppliers = Suppliers(ctx, policy=None, initial_stock_days=0.0)
    return ctx, suppliers, Factories(ctx)


def production_order(scenario, day: int, u: int, quantity: int) -> Order:
    """Supplier ``u`` asks its factory for ``quantity`` of its one SKU (SKU ``u``)."""
    return Order(
        sender=scenario.supplier_gln[u],
        receiver=scenario.factory_gln[scenario.factory_of_supplier[u]],
        day=day,
        reference="1",
        order_number=f"P{day:04d}-{u}",
        ship_to_kind="supplier",
        ship_to=u,
        locations=np.array([u]),
        items=np.array([u]),
        quantity=np.array([[quantity]]),
    )


def made_on(ctx, day: int) -> np.ndarray:
    return ctx.ledger.sku["produced"][day]


def test_warm_up_ramp_reaches_full_rate(make_scenario, make_context) -> None:
    sc = make_scenario(factory_capacity=90, ramp_days=2)
    ctx, _, factories = plant(sc, make_context)
    ctx.channel.send(production_order(sc, 0, 0, 10_000))
    output = []
    for day in range(5):
        factories.produce(day)
        output.append(int(made_on(ctx, day)[0]))
    # Run day i gives i / (ramp + 1) of capacity: 30, 60, then 90 a day.
    assert output == [30, 60, 90, 90, 90]
    assert factories.ramp_pos[0] >= sc.ramp_hours[0]  # the ramp is over


@pytest.mark.parametrize(("ramp", "expected"), [(0, [100, 100, 100]), (3, [25, 50, 75, 100, 100])])
def test_ramp_curve_for_other_lengths(make_scenario, make_context, ramp, expected) -> None:
    sc = make_scenario(factory_capacity=100, ramp_days=ramp)
    ctx, _, factories = plant(sc, make_context)
    ctx.channel.send(production_order(sc, 0, 2, 10_000))
    output = []
    for day in range(len(expected)):
        factories.produce(day)
        output.append(int(made_on(ctx, day)[2]))
    assert output == expected


def test_an_idle_day_restarts_the_ramp(make_scenario, make_context) -> None:
    sc = make_scenario(factory_capacity=90, ramp_days=2)
    ctx, _, factories = plant(sc, make_context)
    ctx.channel.send(production_order(sc, 0, 0, 30 + 60 + 90))
    for day in range(3):
        factories.produce(day)
    assert factories.backlog.sum() == 0
    factories.produce(3)  # nothing to make: the line stops
    assert not factories.warm[0]
    ctx.channel.send(production_order(sc, 4, 1, 1_000))
    factories.produce(4)
    factories.produce(5)
    assert made_on(ctx, 3).sum() == 0
    assert [int(made_on(ctx, 4)[1]), int(made_on(ctx, 5)[1])] == [30, 60]


def test_other_factories_keep_their_own_ramp(make_scenario, make_context) -> None:
    sc = make_scenario(factory_capacity=90, ramp_days=2)
    ctx, _, factories = plant(sc, make_context)
    ctx.channel.send(production_order(sc, 0, 0, 1_000))  # factory 0
    factories.produce(0)
    factories.produce(1)
    ctx.channel.send(production_order(sc, 2, 2, 1_000))  # factory 1 starts later
    factories.produce(2)
    assert made_on(ctx, 2)[[0, 2]].tolist() == [90, 30]
    assert factories.warm.tolist() == [True, True, False]


def test_earliest_due_is_made_first(make_scenario, make_context) -> None:
    sc = make_scenario(factory_capacity=90, ramp_days=0)
    ctx, _, factories = plant(sc, make_context)
    ctx.channel.send(production_order(sc, 0, 1, 120))  # due today, more than a day's work
    ctx.channel.send(production_order(sc, 0, 4, 50))  # another factory, not short
    factories.produce(0)
    assert made_on(ctx, 0).tolist() == [0, 90, 0, 0, 50, 0]
    ctx.channel.send(production_order(sc, 1, 0, 60))  # due tomorrow
    factories.produce(1)
    # The 30 units still owed from yesterday come first, then tomorrow's order.
    assert made_on(ctx, 1).tolist() == [60, 30, 0, 0, 0, 0]
    assert factories.backlog.sum() == 0
    late = ctx.ledger["factory_jobs_late"]
    assert late[1, sc.factory_of_supplier[1]] == 1  # yesterday's job, done late
    assert ctx.ledger["factory_jobs_done"][1].sum() == 2


def test_a_short_factory_uses_all_its_capacity(make_scenario, make_context) -> None:
    sc = make_scenario(factory_capacity=10, ramp_days=0)
    ctx, _, factories = plant(sc, make_context)
    ctx.channel.send(production_order(sc, 0, 0, 7))
    ctx.channel.send(production_order(sc, 0, 1, 8))  # 15 owed for 10
    factories.produce(0)
    assert made_on(ctx, 0)[:2].sum() == 10
    factories.produce(1)
    assert made_on(ctx, 1)[:2].sum() == 5 and factories.backlog.sum() == 0


@pytest.mark.parametrize(
    ("capacity", "owed"),
    [
        (3, (5, 5)),  # first ramp day: 1 unit for 10 owed (once 0.5 each → 0 and 0)
        (2, (5, 0)),  # first ramp day: floor(2 / 3) = 0 units (now at least 1)
    ],
)
def test_a_factory_with_a_backlog_never_stalls(make_scenario, make_context, capacity, owed) -> None:
    sc = make_scenario(factory_capacity=capacity, ramp_days=2)
    ctx, _, factories = plant(sc, make_context)
    for u, quantity in enumerate(owed):
        if quantity:
            ctx.channel.send(production_order(sc, 0, u, quantity))
    for day in range(10):
        factories.produce(day)
    assert factories.backlog.sum() < sum(owed)


def test_output_goes_into_the_suppliers_warehouses(make_scenario, make_context) -> None:
    sc = make_scenario(factory_capacity=90, ramp_days=0)
    ctx, suppliers, factories = plant(sc, make_context)
    suppliers.in_production[:] = [20, 0, 0, 0, 0, 15]
    ctx.channel.send(production_order(sc, 0, 0, 20))
    ctx.channel.send(production_order(sc, 0, 5, 15))
    factories.produce(0)
    suppliers.ship(0)  # the warehouses take the day's output in (nothing is owed: no despatch)
    assert ctx.channel.sent["DespatchAdvice"] == 0
    assert suppliers.on_hand.tolist() == [20, 0, 0, 0, 0, 15]
    assert suppliers.in_production.sum() == 0
    ledger = ctx.ledger
    factory = ledger.flows[0, ledger.blocks["factory"]]
    assert factory[:, KINDS.index("produced")].tolist() == [20, 0, 15]
    assert factory[:, KINDS.index("shipped")].tolist() == [20, 0, 15]  # the same day
    assert ledger.flows[0, ledger.blocks["supplier"], KINDS.index("received")].tolist() == [
        20,
        0,
        0,
        0,
        0,
        15,
    ]
    factories.close(0)
    assert ledger.stock_units[0, ledger.blocks["factory"]].tolist() == [0, 0, 0]


def test_supplier_production_orders_reach_the_factory(make_scenario, make_context) -> None:
    sc = make_scenario(factory_capacity=90, ramp_days=0)
    ctx, suppliers, factories = plant(sc, make_context)
    ctx.channel.send(
        Order(
            sender=sc.supplier_gln[0],
            receiver=sc.supplier_gln[3],
            day=0,
            reference="1",
            ship_to_kind="platform",
            locations=np.array([0, 1]),
            items=np.array([3]),
            quantity=np.array([[12], [6]]),
        )
    )
    suppliers.confirm(0)
    factories.produce(0)
    assert factories.backlog.sum() == 0
    # the output is on its way into supplier 3's warehouse, the same day, without a carrier
    (made,) = ctx.goods.in_transit()
    assert (made.receiver, made.carrier, made.arrival_day) == (sc.supplier_gln[3], None, 0)
    assert made.items.tolist() == [3] and made.quantity.tolist() == [[18]]
    suppliers.ship(0)  # the warehouse takes it in, then ships the order from it
    supplier = ctx.ledger.blocks["supplier"]
    assert ctx.ledger.flows[0, supplier, KINDS.index("received")][3] == 18
    assert ctx.ledger.flows[0, supplier, KINDS.index("shipped")][3] == 18
    assert suppliers.book_store.sum() == 0


def test_made_to_order_ships_the_same_evening(make_scenario) -> None:
    """Plan, produce, ship: a production order placed in the plan phase leaves that day."""
    sc = make_scenario(factory_capacity=90, ramp_days=0)
    chain = build_chain(sc, "shared", days=2, seed=0)
    suppliers = next(p for p in chain.parties if isinstance(p, Suppliers))
    factories = next(p for p in chain.parties if isinstance(p, Factories))
    suppliers.on_hand[:] = 0
    chain.channel.send(
        Order(
            sender=sc.supplier_gln[0],
            receiver=sc.supplier_gln[1],
            day=0,
            reference="1",
            ship_to_kind="platform",
            locations=np.array([0, 1]),
            items=np.array([1]),
            quantity=np.array([[12], [18]]),
        )
    )
    suppliers.confirm(0)
    factories.produce(0)
    suppliers.ship(0)
    (advice,) = chain.channel.receive(sc.platform_gln[0], DespatchAdvice, 0)
    assert advice.quantity.tolist() == [[12], [18]]
    assert suppliers.on_hand.sum() == 0
    assert suppliers.book_store.sum() == 0
