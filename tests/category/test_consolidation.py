"""Inbound consolidation: the captain's collection milk runs against each supplier's own trucks."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc
import pytest

from crossdock import simulate
from crossdock._kernels import haversine_km
from crossdock.goods import Consignment
from crossdock.routing import solve_vrp
from crossdock.scenario import Scenario, compile_scenario, generate_spec


def small(consolidation: bool = True) -> Scenario:
    """6 stores, 36 SKUs (two suppliers per category), one platform, six weeks; no calendar."""
    spec = generate_spec(
        n_stores=6, n_skus=36, n_platforms=1, horizon_days=42, warm_up_days=7, seed=18
    )
    # the calendar is off so that consolidation is the only lever at work
    settings = spec.replenishment.model_copy(
        update={"inbound_consolidation": consolidation, "delivery_calendar": None}
    )
    return compile_scenario(spec.model_copy(update={"replenishment": settings}))


@pytest.fixture(scope="module")
def runs() -> dict[str, dict[str, float]]:
    on, off = small(True), small(False)
    return {
        "captain": simulate(on, mode="shared", seed=3).kpis,
        "own_items": simulate(on, mode="shared_own_items", seed=3).kpis,
        "captain_off": simulate(off, mode="shared", seed=3).kpis,
    }


def test_the_captain_collects_on_fewer_trucks_and_km(runs) -> None:
    captain, own = runs["captain"], runs["own_items"]
    assert captain["trucks_inbound"] < own["trucks_inbound"]
    assert captain["km_inbound"] < own["km_inbound"]
    assert captain["truck_fill_rate_inbound"] > own["truck_fill_rate_inbound"]


def test_switched_off_the_captain_ships_like_each_supplier_alone(runs) -> None:
    off, own = runs["captain_off"], runs["own_items"]
    for key in ("trucks_inbound", "km_inbound", "truck_fill_rate_inbound", "fill_rate"):
        assert off[key] == own[key], key


def test_consolidation_moves_trucks_not_goods(runs) -> None:
    """The same units reach the same shelves: only the inbound legs change."""
    on, off = runs["captain"], runs["captain_off"]
    for key in ("sales_units", "fill_rate", "store_stock_units", "km_outbound"):
        assert on[key] == off[key], key


def collection_run(consolidate: bool, days: int = 1) -> list:
    """Two suppliers' pallets for one platform (8 and 9 pallets a day) through a real carrier."""
    from crossdock.channel import DirectChannel
    from crossdock.goods import DirectGoodsChannel
    from crossdock.parties._common import Context
    from crossdock.parties.carrier import Carrier
    from crossdock.recipes import new_ledger

    sc = small()
    ctx = Context(
        sc, DirectChannel(), DirectGoodsChannel(), new_ledger(sc, None, 5), "shared", "lost"
    )
    carrier = Carrier(ctx)
    booker = sc.supplier_gln[sc.captain_of_category[0]] if consolidate else ""
    for day, u, count in ((day, u, count) for day in range(days) for u, count in ((0, 8), (1, 9))):
        items = sc.items_of_supplier[u][:1]
        ctx.goods.ship(
            Consignment(
                sender=sc.supplier_gln[u],
                receiver=sc.platform_gln[0],
                carrier=sc.spec.carrier.gln,
                ship_day=day,
                arrival_day=day + 1,
                receiver_kind="platform",
                sender_kind="supplier",
                origin=u,
                destination=0,
                locations=np.array([0]),
                items=items,
                quantity=np.array([[count * int(sc.units_per_pallet[items[0]])]]),
                pallets=count,
                collection=booker,
            )
        )
    for day in range(days):
        carrier.deliver(day)
    return [row for row in ctx.ledger.transport if row.leg == "inbound"]


def test_a_collection_run_picks_up_both_suppliers_on_one_truck() -> None:
    direct, run = collection_run(False), collection_run(True)
    assert [row.trucks for row in direct] == [1, 1]
    assert len(run) == 1 and run[0].trucks == 1 and run[0].pallets == 17
    assert run[0].origin_type == "collection"
    # a tour through both suppliers is never longer than two round trips (triangle inequality)
    assert run[0].km <= sum(row.km for row in direct) + 1e-6


def test_a_collections_km_are_worked_out_once_for_the_same_suppliers(monkeypatch) -> None:
    """The same two suppliers for the same platform on two days: the km between them and the
    platform are worked out once, and both days' runs are as long."""
    from crossdock.parties import carrier

    worked_out = []

    def counted(*args):
        worked_out.append(args)
        return haversine_km(*args)

    monkeypatch.setattr(carrier, "haversine_km", counted)
    first, second = collection_run(True, days=2)
    assert (first.day, second.day) == (0, 1)
    assert first.km == second.km and first.trucks == second.trucks == 1
    assert len(worked_out) == 1


def test_pickups_respect_truck_capacity() -> None:
    distance = np.array([[0, 10, 10, 10], [10, 0, 1, 1], [10, 1, 0, 1], [10, 1, 1, 0]])
    routes = solve_vrp(
        distance=distance, demand=np.array([20, 20, 10]), capacity=33, vehicles=3, pickup=True
    )
    loads = sorted(sum([20, 20, 10][c] for c in route) for route in routes)
    assert loads == [20, 30]


def test_a_lane_the_real_flow_fills_ships_direct() -> None:
    """On a real flow, only the lanes that do not fill a truck alone go on milk runs."""
    from crossdock.category.lanes import consolidated_lanes
    from crossdock.scenario import RealFlowSpec

    spec = small().spec
    full = spec.suppliers[0]  # 60 pallets a day: two trucks' worth on its own
    flow = RealFlowSpec(supplier_pallets_per_day=5.0, by_supplier={full.id: 60.0})
    economics = spec.economics.model_copy(update={"real_flow": flow})
    sc = compile_scenario(spec.model_copy(update={"economics": economics}))
    lanes = consolidated_lanes(sc)
    assert not lanes[0].any() and lanes[1:].all()
    result = simulate(sc, mode="shared", seed=3)
    on_runs = {pick.supplier_gln for pick in result.ledger.pickups}
    others = {str(g) for g in sc.supplier_gln[1:]}
    assert str(sc.supplier_gln[0]) not in on_runs  # ships direct on its own trucks
    # the others are collected, but for the one left alone in the full supplier's category
    # (a run of one supplier is a direct leg)
    assert len(on_runs) == len(others) - 1 and on_runs < others
    transport = result.tables["transport"]
    direct = transport.filter(pc.equal(transport.column("origin_type"), "supplier"))
    # the full supplier and the one alone always ship direct; the others on days their
    # partner has nothing to send
    assert set(direct.column("origin_gln").to_pylist()) >= {
        str(sc.supplier_gln[0]),
        *(others - on_runs),
    }
