"""The carrier: transit times, arrival on the arrival day, goods on the road, truck counts."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock._kernels import haversine_km
from crossdock.ledger import KINDS
from crossdock.messages import DespatchAdvice, Order
from crossdock.parties.platforms import Platforms
from crossdock.parties.suppliers import Suppliers
from crossdock.routing import SweepRoutePlanner
from crossdock.tables import SCHEMAS


def transport(ctx) -> list[dict]:
    names = SCHEMAS["transport"].names
    return [{name: getattr(row, name) for name in names} for row in ctx.ledger.transport]


def on_road(ctx, day: int) -> int:
    return int(ctx.ledger.stock_units[day, ctx.ledger.blocks["carrier"]][0])


def carrier_flow(ctx, day: int, kind: str) -> int:
    return int(ctx.ledger.flows[day, ctx.ledger.blocks["carrier"], KINDS.index(kind)][0])


def arrivals(dock, day: int) -> list[np.ndarray]:
    return [goods for d, goods in dock.unloads if d == day]


def run_days(carrier, days: range) -> None:
    """The carrier's own phases over some days (nothing else happening)."""
    for day in days:
        carrier.receive(day)
        carrier.deliver(day)
        carrier.close(day)


@pytest.mark.parametrize("transit", [1, 2, 3])
def test_store_deliveries_arrive_after_the_transit_days(
    make_scenario, make_context, docked_carrier, hand_over, transit
) -> None:
    sc = make_scenario(delivery_days=transit, platform_capacity=10_000)
    ctx = make_context(sc, days=10)
    carrier = docked_carrier(ctx)
    platforms = Platforms(ctx)
    goods = np.array([[6, 0, 0, 0, 0, 12], [0, 18, 0, 0, 0, 0]])
    hand_over(ctx, 0, "platform", goods)
    platforms.receive(0)
    carrier.receive(0)
    platforms.cross_dock(0)
    carrier.deliver(0)
    carrier.close(0)
    (advice,) = ctx.channel.receive(sc.spec.retailer.gln, DespatchAdvice, 0)
    assert advice.arrival_day == transit
    run_days(carrier, range(1, 6))
    ((day, unloaded),) = carrier.stores.unloads
    assert day == transit
    assert unloaded.tolist() == goods.tolist()
    # On the road from the evening it is loaded until the morning it is unloaded.
    assert [on_road(ctx, d) for d in range(6)] == [36] * transit + [0] * (6 - transit)
    assert carrier_flow(ctx, 0, "received") == 36
    assert carrier_flow(ctx, transit, "shipped") == 36
    carrier_index = ctx.ledger.blocks["carrier"].start
    assert [v for v in ctx.ledger.violations(6) if v.location == carrier_index] == []


def make_suppliers(ctx) -> Suppliers:
    suppliers = Suppliers(ctx, policy=None, initial_stock_days=0.0)
    suppliers.on_hand[:] = 1_000
    return suppliers


def test_inbound_goods_arrive_after_each_suppliers_lead_time(
    make_scenario, make_context, docked_carrier
) -> None:
    sc = make_scenario(lead_time_days=[1, 1, 2, 2, 3, 3])
    ctx = make_context(sc, days=10)
    carrier = docked_carrier(ctx)
    suppliers = make_suppliers(ctx)
    for u in range(6):
        ctx.channel.send(
            Order(
                sender=sc.supplier_gln[0],
                receiver=sc.supplier_gln[u],
                day=0,
                reference="1",
                ship_to_kind="platform",
                locations=np.array([0, 1]),
                items=np.array([u]),
                quantity=np.array([[6], [12]]),
            )
        )
    suppliers.confirm(0)
    suppliers.ship(0)
    carrier.deliver(0)
    carrier.close(0)
    run_days(carrier, range(1, 5))
    by_day = {d: goods for d, goods in carrier.platforms.unloads}
    assert sorted(by_day) == [1, 2, 3]
    for day, skus in ((1, [0, 1]), (2, [2, 3]), (3, [4, 5])):
        expected = np.zeros((2, 6), np.int64)
        expected[:, skus] = [[6, 6], [12, 12]]
        assert by_day[day].tolist() == expected.tolist()
    assert [on_road(ctx, d) for d in range(5)] == [108, 72, 36, 0, 0]
    # Every despatch advice announces the day its goods are unloaded.
    for advice in ctx.channel.receive(sc.platform_gln[0], DespatchAdvice, 0):
        u = sc.supplier_gln.tolist().index(advice.sender)
        assert advice.arrival_day == int(sc.supplier_lead_time_days[u])


def test_goods_for_the_dc_arrive_after_the_lead_time(
    make_scenario, make_context, docked_carrier
) -> None:
    sc = make_scenario(lead_time_days=[3, 1, 1, 1, 1, 1])
    ctx = make_context(sc, mode="traditional", days=10)
    carrier = docked_carrier(ctx)
    suppliers = make_suppliers(ctx)
    for u, quantity in ((0, 24), (1, 12)):
        ctx.channel.send(
            Order(
                sender=sc.dc_gln[0],
                receiver=sc.supplier_gln[u],
                day=0,
                reference="1",
                ship_to_kind="dc",
                ship_to=0,
                locations=np.array([0]),
                items=np.array([u]),
                quantity=np.array([[quantity]]),
            )
        )
    suppliers.confirm(0)
    suppliers.ship(0)
    carrier.deliver(0)
    carrier.close(0)
    run_days(carrier, range(1, 5))
    assert [(d, g.tolist()) for d, g in carrier.dcs.unloads] == [
        (1, [[0, 12, 0, 0, 0, 0]]),
        (3, [[24, 0, 0, 0, 0, 0]]),
    ]
    assert [on_road(ctx, d) for d in range(5)] == [36, 24, 24, 0, 0]


def test_trucks_are_counted_from_pallets_and_capacity(
    make_scenario, make_context, docked_carrier, hand_over
) -> None:
    sc = make_scenario(platform_capacity=10_000)  # 60 units a pallet, 33 pallets a truck
    ctx = make_context(sc)
    carrier = docked_carrier(ctx)
    carrier.router = SweepRoutePlanner()  # the sweep's truck filling is what is checked here
    platforms = Platforms(ctx)
    goods = np.zeros((2, 6), np.int64)
    goods[0, 0] = 600  # store 0: 10 pallets
    goods[1, 1] = 2_000  # store 1: 33.3 pallets of SKU 1 ...
    goods[1, 2] = 30  # ... and half a pallet of SKU 2, mixed: 34 pallets
    hand_over(ctx, 0, "platform", goods)
    platforms.receive(0)
    platforms.cross_dock(0)
    carrier.deliver(0)
    (row,) = transport(ctx)
    assert row["leg"] == "outbound"
    assert row["origin_type"] == "platform"
    assert row["origin_gln"] == sc.platform_gln[0]
    assert row["stops"] == 2
    assert row["pallets"] == 44
    # Store 1 fills one truck on its own; its last pallet rides with store 0's 10.
    assert row["trucks"] == 2
    lat, lon = sc.platform_lat[0], sc.platform_lon[0]
    road = sc.spec.carrier.road_factor
    direct = 2 * float(haversine_km(lat, lon, sc.store_lat[1], sc.store_lon[1])) * road
    assert row["km"] > direct
    carrier_spec = sc.spec.carrier
    assert row["cost"] == pytest.approx(
        row["km"] * carrier_spec.cost_per_km
        + row["hours"] * carrier_spec.cost_per_hour
        + row["trucks"] * carrier_spec.cost_per_truck_day
    )


def test_one_outbound_row_per_depot(two_platforms, make_context, docked_carrier, hand_over) -> None:
    sc = two_platforms
    ctx = make_context(sc)
    carrier = docked_carrier(ctx)
    platforms = Platforms(ctx)
    goods = np.zeros((4, 6), np.int64)
    goods[:, 0] = [60, 60, 120, 0]  # platform 0: stores 0 and 2; platform 1: store 1 only
    hand_over(ctx, 0, "platform", goods)
    platforms.receive(0)
    platforms.cross_dock(0)
    carrier.deliver(0)
    rows = {row["origin_gln"]: row for row in transport(ctx)}
    assert sorted(rows) == sorted(sc.platform_gln.tolist())
    first, second = rows[sc.platform_gln[0]], rows[sc.platform_gln[1]]
    assert (first["stops"], first["pallets"], first["trucks"]) == (2, 3, 1)
    assert (second["stops"], second["pallets"], second["trucks"]) == (1, 1, 1)
    lat, lon = sc.platform_lat[1], sc.platform_lon[1]
    there_and_back = 2 * float(haversine_km(lat, lon, sc.store_lat[1], sc.store_lon[1]))
    assert second["km"] == pytest.approx(there_and_back * sc.spec.carrier.road_factor)
    carrier.receive(1)
    ((_, unloaded),) = carrier.stores.unloads
    assert unloaded.tolist() == goods.tolist()


def test_inbound_full_truckloads_there_and_back(ok_small, make_context, docked_carrier) -> None:
    sc = ok_small
    ctx = make_context(sc)
    carrier = docked_carrier(ctx)
    suppliers = make_suppliers(ctx)
    suppliers.on_hand[0] = 5_000
    ctx.channel.send(
        Order(
            sender=sc.supplier_gln[0],
            receiver=sc.supplier_gln[0],
            day=0,
            reference="1",
            ship_to_kind="platform",
            locations=np.array([0, 1]),
            items=np.array([0]),
            quantity=np.array([[1_000], [1_100]]),  # 17 + 19 pallets built per store: two trucks
        )
    )
    suppliers.confirm(0)
    suppliers.ship(0)
    carrier.deliver(0)  # the evening's loads
    (row,) = transport(ctx)
    assert row["leg"] == "inbound"
    assert row["origin_gln"] == sc.supplier_gln[0]
    assert (row["trucks"], row["pallets"]) == (2, 36)
    one_way = float(
        haversine_km(sc.supplier_lat[0], sc.supplier_lon[0], sc.platform_lat[0], sc.platform_lon[0])
    )
    assert row["km"] == pytest.approx(2 * 2 * one_way * sc.spec.carrier.road_factor)


def test_inbound_pallets_match_the_despatch_advices(ok_small, make_context, docked_carrier) -> None:
    sc = ok_small
    ctx = make_context(sc)
    carrier = docked_carrier(ctx)
    suppliers = make_suppliers(ctx)
    ctx.channel.send(
        Order(
            sender=sc.supplier_gln[0],
            receiver=sc.supplier_gln[0],
            day=0,
            reference="1",
            ship_to_kind="platform",
            locations=np.array([0, 1]),
            items=np.array([0]),
            quantity=np.array([[6], [90]]),  # a pallet for store 0, two for store 1
        )
    )
    suppliers.confirm(0)
    suppliers.ship(0)
    carrier.deliver(0)  # the evening's loads
    (advice,) = ctx.channel.receive(sc.platform_gln[0], DespatchAdvice, 0)
    (row,) = transport(ctx)
    assert advice.pallets == 3
    assert row["pallets"] == advice.pallets
