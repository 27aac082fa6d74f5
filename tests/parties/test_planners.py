"""Shared-mode planners: reports in, cross-dock orders out, pre-allocated by store."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from crossdock.chain import build_chain
from crossdock.engine import Engine
from crossdock.ledger import KINDS
from crossdock.messages import InventoryReport, Order, SalesReport
from crossdock.parties.planners import Planner, Planners
from crossdock.parties.platforms import Platforms
from crossdock.parties.stores import Stores
from crossdock.parties.suppliers import Suppliers
from crossdock.policies import BaseStock, Policy
from crossdock.scenario import compile_scenario


class Recording(Policy):
    """Orders nothing; remembers what it was shown."""

    def __init__(self, *, level: float = 0.0) -> None:
        self.level = level

    def reset(self, prior_mean: np.ndarray) -> None:
        super().reset(prior_mean)
        self.prior = np.array(prior_mean)
        self.seen: list[np.ndarray] = []
        self.observations: list = []

    def observe(self, demand: np.ndarray) -> None:
        self.seen.append(np.array(demand))

    def plan(self, observation) -> np.ndarray:
        self.observations.append(observation)
        return np.zeros(np.shape(observation.on_hand))


def send_reports(ctx, planner: Planner, day: int, on_hand, *, sold=None, received=None) -> None:
    sc = ctx.scenario
    shape = (sc.n_stores, planner.items.size)
    retailer = sc.spec.retailer.gln
    zeros = np.zeros(shape, np.int64)
    common = {"sender": retailer, "receiver": planner.gln, "day": day, "reference": "1"}
    stores = np.arange(sc.n_stores)
    ctx.channel.send(
        SalesReport(
            **common,
            locations=stores,
            items=planner.items,
            quantity=zeros if sold is None else np.asarray(sold),
        )
    )
    ctx.channel.send(
        InventoryReport(
            **common,
            locations=stores,
            items=planner.items,
            on_hand=np.asarray(on_hand),
            received=zeros if received is None else np.asarray(received),
            backorders=zeros,
        )
    )


def party(chain, kind):
    """The chain's party of type ``kind``."""
    return next(p for p in chain.parties if isinstance(p, kind))


def orders_by_supplier_and_platform(ctx, day: int) -> dict[tuple[int, int], Order]:
    sc = ctx.scenario
    out: dict[tuple[int, int], Order] = {}
    for u, gln in enumerate(sc.supplier_gln):
        for order in ctx.channel.receive(gln, Order, day):
            key = (u, order.ship_to)
            assert key not in out, "one order per supplier and platform"
            out[key] = order
    return out


def test_one_order_per_supplier_and_platform_pre_allocated_by_store(
    two_platforms, make_context
) -> None:
    sc = two_platforms  # stores 0 and 2 on platform 0, stores 1 and 3 on platform 1
    ctx = make_context(sc, mode="shared")
    captain = sc.supplier_gln[0]
    planner = Planner(ctx, captain, np.array([0, 1]), BaseStock(level=10.0))
    send_reports(ctx, planner, 0, on_hand=[[0, 0], [6, 30], [10, 0], [0, 42]])
    planner.plan(0)
    orders = orders_by_supplier_and_platform(ctx, 0)
    # SKU 0: 12, 6, 0, 12 (up to 10, in cases of 6); SKU 1: 12, 0, 12, 0.
    assert sorted(orders) == [(0, 0), (0, 1), (1, 0)]  # supplier 1 owes platform 1 nothing
    for (u, p), order in orders.items():
        assert order.sender == captain
        assert order.ship_to_kind == "platform"
        assert order.items.tolist() == [u]
        assert order.locations.tolist() == np.flatnonzero(sc.platform_of_store == p).tolist()
    assert orders[(0, 0)].quantity.tolist() == [[12], [0]]
    assert orders[(0, 1)].quantity.tolist() == [[6], [12]]
    assert orders[(1, 0)].quantity.tolist() == [[12], [12]]
    assert planner.on_order.tolist() == [[12, 12], [6, 0], [0, 12], [12, 0]]
    assert ctx.ledger.sku["store_orders"][0, :2].tolist() == [30, 24]


def test_orders_never_overfill_the_shelf(ok_small, make_context) -> None:
    ctx = make_context(ok_small, mode="shared")
    items = np.array([4, 5])
    planner = Planner(ctx, ok_small.supplier_gln[4], items, BaseStock(level=1_000.0))
    shelf = ok_small.shelf_capacity[:, items]  # [[54, 60], [102, 120]]
    on_hand = np.array([[5, 60], [0, 100]])
    send_reports(ctx, planner, 0, on_hand=on_hand)
    planner.plan(0)
    orders = orders_by_supplier_and_platform(ctx, 0)
    assert orders[(4, 0)].quantity.tolist() == [[48], [102]]
    assert orders[(5, 0)].quantity.tolist() == [[0], [18]]
    assert (on_hand + planner.on_order <= shelf).all()


def test_on_order_falls_as_stores_report_receipts(ok_small, make_context) -> None:
    ctx = make_context(ok_small, mode="shared")
    planner = Planner(ctx, ok_small.supplier_gln[0], np.array([0]), BaseStock(level=12.0))
    send_reports(ctx, planner, 0, on_hand=[[0], [0]])
    planner.plan(0)
    assert planner.on_order.tolist() == [[12], [12]]
    assert len(ctx.channel.receive(ok_small.supplier_gln[0], Order, 0)) == 1
    # Day 1: nothing received yet; the position already counts the order, so no new order.
    send_reports(ctx, planner, 1, on_hand=[[0], [0]])
    planner.plan(1)
    assert ctx.channel.receive(ok_small.supplier_gln[0], Order, 1) == []
    # Day 2: store 0 received its 12 and sold 6 of them; store 1 still waits.
    send_reports(ctx, planner, 2, on_hand=[[6], [0]], received=[[12], [0]], sold=[[6], [0]])
    planner.plan(2)
    assert planner.on_order.tolist() == [[6], [12]]
    (order,) = ctx.channel.receive(ok_small.supplier_gln[0], Order, 2)
    assert order.quantity.tolist() == [[6], [0]]


def test_no_inventory_report_no_plan(ok_small, make_context) -> None:
    ctx = make_context(ok_small, mode="shared")
    planner = Planner(ctx, ok_small.supplier_gln[0], np.array([0, 1]), BaseStock(level=100.0))
    planner.plan(0)
    assert ctx.channel.sent["Order"] == 0
    assert planner.on_order.sum() == 0


def test_the_policy_learns_from_sales_and_sees_the_stores_stock(ok_small, make_context) -> None:
    ctx = make_context(ok_small, mode="shared")
    policy = Recording()
    items = np.array([2, 3])
    planner = Planner(ctx, ok_small.supplier_gln[2], items, policy)
    assert policy.prior.tolist() == ok_small.expected_demand()[:, items].tolist()
    send_reports(ctx, planner, 0, on_hand=[[1, 2], [3, 4]], sold=[[5, 6], [7, 8]])
    planner.plan(0)
    (seen,) = policy.seen
    assert seen.tolist() == [[5, 6], [7, 8]]
    (observation,) = policy.observations
    assert observation.on_hand.tolist() == [[1, 2], [3, 4]]
    # Lead time: supplier to platform, then platform to store (1 + 1 days in ok_small).
    assert np.asarray(observation.lead_time_days).tolist() == [[2.0, 2.0], [2.0, 2.0]]


def test_backorders_are_demand_once_though_the_store_book_changes_in_place(
    ok_small, make_context
) -> None:
    """A report's payloads are views of the stores' books: the planner keeps its own copy."""
    ctx = make_context(ok_small, mode="shared", unmet_demand="backorder")
    policy = Recording()
    items = np.array([2, 3])
    planner = Planner(ctx, ok_small.supplier_gln[2], items, policy)
    book = np.zeros((ok_small.n_stores, 2), np.int32)  # the stores' backorders, one array
    common = {"sender": ok_small.spec.retailer.gln, "receiver": planner.gln, "reference": "1"}
    stores = np.arange(ok_small.n_stores)
    for day, owed, sold in (
        (0, [[4, 0], [0, 1]], [[1, 1], [1, 1]]),
        (1, [[4, 2], [0, 0]], [[0, 0], [2, 2]]),
    ):
        book[:] = owed
        ctx.channel.send(
            SalesReport(**common, day=day, locations=stores, items=items, quantity=np.array(sold))
        )
        zeros = np.zeros_like(book)
        ctx.channel.send(
            InventoryReport(
                **common,
                day=day,
                locations=stores,
                items=items,
                on_hand=zeros,
                received=zeros,
                backorders=book,
            )
        )
        planner.plan(day)
    # day 0: sales and the new backorders; day 1: sales and only the backorders new that day
    assert [seen.tolist() for seen in policy.seen] == [[[5, 1], [1, 2]], [[0, 2], [2, 1]]]


def test_planners_run_every_planner(ok_small, make_context) -> None:
    ctx = make_context(ok_small, mode="shared")
    a = Planner(ctx, ok_small.supplier_gln[0], np.array([0, 1]), BaseStock(level=6.0))
    b = Planner(ctx, ok_small.supplier_gln[4], np.array([4, 5]), BaseStock(level=6.0))
    for planner in (a, b):
        send_reports(ctx, planner, 0, on_hand=np.zeros((2, 2), np.int64))
    Planners([a, b]).plan(0)
    orders = orders_by_supplier_and_platform(ctx, 0)
    assert sorted(orders) == [(0, 0), (1, 0), (4, 0), (5, 0)]
    assert {orders[k].sender for k in orders} == {
        ok_small.supplier_gln[0],
        ok_small.supplier_gln[4],
    }


def test_a_captain_of_two_categories_plans_both(make_scenario) -> None:
    base = make_scenario()
    spec = base.spec
    suppliers = list(spec.suppliers)
    both = ["epicerie", "boissons"]
    suppliers[0] = suppliers[0].model_copy(update={"categories": both, "captain_of": both})
    suppliers[2] = suppliers[2].model_copy(update={"captain_of": []})
    sc = compile_scenario(spec.model_copy(update={"suppliers": suppliers}))
    assert sc.captain_of_category.tolist() == [0, 0, 4]
    chain = build_chain(sc, "shared", days=3, seed=0, policies={"planner": BaseStock(level=12.0)})
    stores, planners = party(chain, Stores), party(chain, Planners)
    stores.on_hand[:] = 100
    stores.on_hand[:, :4] = [12, 12, 12, 12]
    stores.on_hand[:, 0] = 0  # epicerie: SKU 0 is out
    stores.on_hand[:, 3] = 0  # boissons: SKU 3 is out
    stores.report(0)
    planners.plan(0)
    ordered = set()
    for gln in sc.supplier_gln:
        for order in chain.channel.receive(gln, Order, 0):
            ordered.update(order.items[order.total > 0].tolist())
    assert ordered == {0, 3}


@pytest.mark.parametrize(
    "options",
    [{}, {"factory_capacity": 20, "lead_time_days": [1, 2, 3, 1, 2, 3], "delivery_days": 2}],
    ids=["ok_small", "slow_factories_long_leads"],
)
def test_on_order_is_what_is_in_the_pipeline(make_scenario, options) -> None:
    sc = make_scenario(**options)
    chain = build_chain(sc, "shared", days=30, seed=3)
    planners, suppliers = party(chain, Planners), party(chain, Suppliers)
    platforms = party(chain, Platforms)
    engine = Engine(chain.parties)
    for day in range(30):
        engine.step()
        on_order = np.zeros((sc.n_stores, sc.n_skus), np.int64)
        for planner in planners.planners:
            on_order[:, planner.items] += planner.on_order
        # Ordered and not yet on the shelf: still owed by the supplier, at the platform, or on
        # the road (to the platform or to the store).
        pipeline = suppliers.book_store + platforms.held
        assert (on_order >= 0).all()
        assert (
            on_order.sum(axis=0).tolist()
            == (pipeline.sum(axis=0) + chain.ledger.sku_stock["carrier"][day]).tolist()
        )
    assert chain.ledger.sku["store_orders"].sum() > 0
    assert (
        chain.ledger.flows[:, chain.ledger.blocks["store"], KINDS.index("received")].sum() > 0
    )  # goods arrived


def test_a_cross_dock_order_is_on_the_shelf_after_both_legs(make_scenario, scripted_demand) -> None:
    sc = make_scenario(lead_time_days=[2] * 6)  # 2 days to the platform, 1 to the store
    wanted = np.zeros((2, 6), np.int64)
    wanted[1, 5] = 4
    days = [np.zeros((2, 6))] * 3 + [wanted]
    chain = build_chain(
        sc,
        "shared",
        days=5,
        seed=0,
        demand=scripted_demand(sc, *days),
        policies={"planner": BaseStock(level=6.0)},
    )
    stores, suppliers = party(chain, Stores), party(chain, Suppliers)
    stores.on_hand[:] = 0
    suppliers.on_hand[:] = 100
    engine = Engine(chain.parties)
    shelf = []
    for _ in range(4):
        engine.step()
        shelf.append(int(stores.on_hand[1, 5] + stores.sold_today[1, 5]))
    # Ordered on day 0: at the platform on day 2, on the shelf for trading on day 3.
    assert shelf == [0, 0, 0, 6]
    assert stores.sold_today[1, 5] == 4


def test_messages_do_not_change_after_they_are_sent(make_scenario) -> None:
    """Messages are snapshots: no party's later work shows through a sent message's arrays."""
    sc = make_scenario(factory_capacity=20, platform_capacity=50)
    chain = build_chain(sc, "shared", days=20, seed=3)
    sent = []
    send = chain.channel.send

    def keep(message) -> None:
        arrays = {
            f.name: np.array(getattr(message, f.name))
            for f in dataclasses.fields(message)
            if isinstance(getattr(message, f.name), np.ndarray)
        }
        sent.append((message, arrays))
        send(message)

    chain.channel.send = keep
    Engine(chain.parties).run(20)
    assert {type(m).__name__ for m, _ in sent} >= {
        "SalesReport",
        "InventoryReport",
        "Order",
        "DespatchAdvice",
    }
    changed = [
        (type(m).__name__, name)
        for m, arrays in sent
        for name, before in arrays.items()
        if not np.array_equal(before, getattr(m, name))
    ]
    assert changed == []


def test_the_planned_lead_time_is_int16_and_the_exact_sum() -> None:
    """Lead time, announced delays and the calendar's extra days, in 2 bytes a cell.

    The largest value it could take (the longest lead, the longest delay, the longest cycle)
    fits int16, so the planned lead time is int16, and it is the exact sum of its parts.
    """
    from crossdock.scenario import generate_spec

    spec = generate_spec(n_stores=6, n_skus=24, n_platforms=2, horizon_days=20, seed=4)
    assert spec.replenishment.delivery_calendar is not None
    assert spec.replenishment.delivery_calendar.enabled
    chain = build_chain(compile_scenario(spec), "shared", days=20, seed=1)
    engine = Engine(chain.parties)
    for _ in range(8):
        engine.step()
    planners = party(chain, Planners).planners
    for planner in planners:
        for delays in (False, True):
            if delays:  # a factory announces 3 more days for the planner's first item
                planner._delay[0] = 3
                planner._delay_version += 1
            planned = planner.rows.planned_lead(planner._lead_key(), *planner._lead_extras())
            assert planned.dtype == np.int16
            exact = (
                planner._lead_time.astype(np.int64)
                + planner._delay[None, :]
                + planner.calendar.extra_days
            )
            assert np.array_equal(planned, exact)


@pytest.mark.parametrize("unmet", ["lost", "backorder"])
def test_the_range_review_and_the_calendar_count_the_sales_with_backorders_too(
    unmet: str,
) -> None:
    """Whatever happens to unmet demand, the captain's review and calendar see every sale.

    (Until 2026-12-05 a backorder run skipped them: the reviews saw no sales at all and
    delisted sellers, and the calendars never chose their cycles again.)
    """
    from crossdock.scenario import generate_spec

    spec = generate_spec(n_stores=6, n_skus=24, n_platforms=2, horizon_days=20, seed=4)
    replenishment = spec.replenishment.model_copy(update={"unmet_demand": unmet})
    sc = compile_scenario(spec.model_copy(update={"replenishment": replenishment}))
    chain = build_chain(sc, "shared", days=20, seed=1)
    Engine(chain.parties).run(20)
    store = chain.ledger.blocks["store"]
    sold = chain.ledger.flows[:, store, KINDS.index("sold")].sum()
    assert sold > 0
    planners = next(p for p in chain.parties if isinstance(p, Planners)).planners
    assert all(p.assortment is not None and p.calendar is not None for p in planners)
    # the review window (28 days) holds every day so far; the calendar every day since day 0
    assert sum(p.assortment.window.sum() for p in planners) == sold
    assert sum(int(p.calendar._sold.sum()) for p in planners) == sold
    assert all(p.calendar._days == 20 for p in planners)
