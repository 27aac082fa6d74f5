"""Activity-based transport: the slice pays its share of trucks sized for the real flow."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from tests.economics.helpers import money_scenario

from crossdock.economics import transport_charged
from crossdock.ledger import PickupRow, TransportRow
from crossdock.scenario import RealFlowSpec, compile_scenario, generate_spec
from crossdock.simulate import simulate

NO_STOPS = pa.table({"day": pa.array([], pa.int32()), "depot_gln": [], "store_gln": []})


def row(
    sc,
    pallets: int,
    trucks: int,
    cost: float,
    leg: str = "inbound",
    day: int = 0,
    km: float = 0.0,
    co2: float = 0.0,
):
    origin = str(sc.supplier_gln[0]) if leg == "inbound" else str(sc.platform_gln[0])
    destination = str(sc.platform_gln[0]) if leg == "inbound" else ""
    return TransportRow(
        day, leg, "supplier", origin, trucks, 1, pallets, km, cost, 0.0, co2, 1, destination
    )


def test_without_a_real_flow_the_slice_pays_its_own_trucks() -> None:
    sc = money_scenario()
    got = transport_charged([row(sc, 7, 1, 900.0)], sc, NO_STOPS).to_pylist()[0]
    assert got["charged"] == 900.0
    assert got["real_pallets"] == 7.0
    assert got["real_trucks"] == 1


def test_inbound_share_of_trucks_sized_for_the_real_flow() -> None:
    # supplier 0 sends 80 pallets a day to the retailer; ok_small's one platform serves every
    # store, so the lane carries 80: ceil(80 / 33) = 3 trucks of 900 each (the slice's cost
    # per truck); the slice's 8 pallets pay 8 / 80 of them = 270
    sc = money_scenario(real_flow=RealFlowSpec(supplier_pallets_per_day=80))
    got = transport_charged([row(sc, 8, 1, 900.0)], sc, NO_STOPS).to_pylist()[0]
    assert got["real_trucks"] == 3
    assert got["charged"] == pytest.approx(270.0)
    # a slice bigger than the flow given is its own flow
    got = transport_charged([row(sc, 99, 3, 2700.0)], sc, NO_STOPS).to_pylist()[0]
    assert got["real_pallets"] == 99.0
    assert got["charged"] == pytest.approx(2700.0)


def test_km_and_co2_are_shared_as_the_cost_is() -> None:
    # as above: 3 real trucks on the lane, the slice's 8 of 80 pallets; its own truck drove
    # 400 km and emitted 360 kg, so the slice's share is 400 x 3 x 8 / 80 = 120 km, 108 kg
    sc = money_scenario(real_flow=RealFlowSpec(supplier_pallets_per_day=80))
    got = transport_charged([row(sc, 8, 1, 900.0, km=400.0, co2=360.0)], sc, NO_STOPS)
    first = got.to_pylist()[0]
    assert first["km_charged"] == pytest.approx(120.0)
    assert first["co2_kg_charged"] == pytest.approx(108.0)
    # without a real flow, the slice's own trucks in full
    sc = money_scenario()
    first = transport_charged([row(sc, 8, 1, 900.0, km=400.0, co2=360.0)], sc, NO_STOPS)
    assert first.to_pylist()[0]["km_charged"] == 400.0


def test_outbound_real_flow_is_the_stops_stores_flow() -> None:
    # stores of size 1 and 2 each take 10 pallets a day per unit of size: 30 on the routes;
    # ceil(30 / 33) = 1 truck at 500; the slice's 6 pallets pay 6 / 30 of it = 100
    sc = money_scenario(real_flow=RealFlowSpec(store_pallets_per_day=10))
    stops = pa.table(
        {
            "day": pa.array([0, 0], pa.int32()),
            "depot_gln": [str(sc.platform_gln[0])] * 2,
            "store_gln": [str(g) for g in sc.store_gln],
        }
    )
    got = transport_charged([row(sc, 6, 2, 1000.0, "outbound")], sc, stops).to_pylist()[0]
    assert got["real_pallets"] == 30.0
    assert got["charged"] == pytest.approx(100.0)


def _per_lane(n_skus: int) -> dict[str, float]:
    spec = generate_spec(n_stores=4, n_skus=n_skus, n_platforms=1, horizon_days=20, seed=5)
    flow = RealFlowSpec(supplier_pallets_per_day=200.0)
    # direct supplier lanes (no collection milk runs): the rule is per supplier lane
    direct = spec.replenishment.model_copy(update={"inbound_consolidation": False})
    spec = spec.model_copy(
        update={
            "economics": spec.economics.model_copy(update={"real_flow": flow}),
            "replenishment": direct,
        }
    )
    run = simulate(compile_scenario(spec), mode="shared", days=20, warm_up=0, seed=1)
    table = run.tables["transport_charged"].to_pandas()
    inbound = table[table.leg == "inbound"].groupby("origin_gln")[["charged", "pallets"]].sum()
    return (inbound.charged / inbound.pallets).to_dict()


def test_cost_per_pallet_does_not_depend_on_how_many_skus_the_slice_models() -> None:
    small, large = _per_lane(30), _per_lane(120)
    assert set(small) == set(large)  # the same six supplier lanes to the one platform
    for lane, per_pallet in small.items():
        assert per_pallet == pytest.approx(large[lane], rel=1e-12), lane
    assert len(set(np.round(list(small.values()), 6))) > 1  # lanes differ by distance


def test_a_collection_run_is_paid_by_its_suppliers_for_their_pallets() -> None:
    # a milk run collects 6 pallets at supplier 0 and 2 at supplier 1 for the platform: one
    # truck, 1,200 of cost. Each supplier sends 40 pallets a day, all to the one platform, so
    # the run's real flow is 80: ceil(80 / 33) = 3 trucks at 1,200; the slice's 8 pallets pay
    # 8 / 80 of them = 360, split 6:2 between the suppliers: 270 and 90
    sc = money_scenario(real_flow=RealFlowSpec(supplier_pallets_per_day=40))
    captain, other = str(sc.supplier_gln[0]), str(sc.supplier_gln[1])
    platform = str(sc.platform_gln[0])
    run = TransportRow(3, "inbound", "collection", captain, 1, 2, 8, 0.0, 1200.0, 0.0, 0.0, 2)
    run = run._replace(destination_gln=platform)
    picks = [PickupRow(3, captain, platform, captain, 6), PickupRow(3, captain, platform, other, 2)]
    got = transport_charged([run], sc, NO_STOPS, picks).to_pylist()
    assert [r["origin_gln"] for r in got] == [captain, other]
    assert [r["pallets"] for r in got] == [6, 2]
    assert all(r["real_trucks"] == 3 for r in got)
    assert [r["charged"] for r in got] == pytest.approx([270.0, 90.0])
    assert sum(r["cost"] for r in got) == pytest.approx(1200.0)
