"""Activity-based transport costing: the slice's share of trucks sized for the real flow.

A scenario is a slice of a real flow (:class:`~crossdock.scenario.RealFlowSpec`). For each
``transport`` row (an inbound lane-day from a supplier to a depot, or a depot-day of store
routes) the table ``transport_charged`` gives:

- ``real_pallets`` ``R``: the real flow on that lane-day, never less than the slice's
  ``pallets`` ``p`` — inbound, the supplier's daily pallets × the share of store size its
  destination depot serves; outbound, the daily pallets of the stores the routes stopped at;
- ``real_trucks`` = ``ceil(R / capacity)``;
- ``charged`` = the slice's cost per truck on that row (``cost / trucks``) × ``real_trucks``
  × ``p / R``: what the slice's pallets cost on trucks filled by the real flow.

With no real flow set, ``R = p`` and the slice pays for its own trucks (``charged = cost``).
``km_charged`` and ``co2_kg_charged`` are the slice's share of the real trucks' kilometres and
CO2 in the same way (per truck on the row × ``real_trucks`` × ``p / R``): what the slice
drives on trucks it shares with the real flow, where ``km`` counts its own trucks in full.

A collection milk run (the captain's inbound consolidation) carries several suppliers' pallets
to one depot: its real flow is the sum of theirs to that depot, and its row is given once per
supplier on the run (``origin_gln`` = that supplier), each with its share of the run's pallets,
trucks' cost and charge, so that each supplier pays for its own pallets (the ledger's
``pickups``). The run's rows add up to the run.
On a fixed network the inbound charge per pallet, ``cost / trucks × ceil(R / capacity) / R``,
does not depend on how many SKUs the slice models (a test checks it). Outbound, the cost per
truck is the slice's own routes', an approximation of the real routes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crossdock.category.lanes import depot_shares, supplier_pallets
from crossdock.ledger import PickupRow
from crossdock.scenario import Scenario

__all__ = ["SCHEMA", "transport_charged"]

SCHEMA = pa.schema(
    [
        ("day", pa.int32()),
        ("leg", pa.string()),
        ("origin_gln", pa.string()),
        ("destination_gln", pa.string()),
        ("trucks", pa.int64()),
        ("pallets", pa.int64()),
        ("cost", pa.float64()),
        ("real_pallets", pa.float64()),
        ("real_trucks", pa.int64()),
        ("charged", pa.float64()),
        ("km_charged", pa.float64()),
        ("co2_kg_charged", pa.float64()),
    ]
)


def transport_charged(
    rows: list, scenario: Scenario, route_stops: pa.Table, pickups: Sequence[PickupRow] = ()
) -> pa.Table:
    """One row per transport row (``ledger.transport``), per supplier on a collection run."""
    flow = scenario.spec.economics.real_flow
    capacity = scenario.spec.carrier.trucks[0].capacity_pallets
    per_supplier = dict(
        zip(map(str, scenario.supplier_gln), supplier_pallets(scenario).tolist(), strict=True)
    )
    shares = depot_shares(scenario)
    outbound_real: dict[tuple[int, str], float] = {}
    if route_stops.num_rows:
        # each (day, depot)'s stores' pallets a day, added in the stops' order (as a running
        # sum per key would): np.add.at adds them one after another
        store_flow = flow.store_pallets_per_day * np.asarray(scenario.size_factor, np.float64)
        store = pc.index_in(
            route_stops.column("store_gln"), value_set=pa.array(scenario.store_gln.astype(str))
        ).to_numpy(zero_copy_only=False)
        depot = route_stops.column("depot_gln").combine_chunks().dictionary_encode()
        depot_index = depot.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        day = route_stops.column("day").to_numpy().astype(np.int64)
        keys, where = np.unique(day * len(depot.dictionary) + depot_index, return_inverse=True)
        totals = np.zeros(keys.size)
        np.add.at(totals, where, store_flow[store])
        names = depot.dictionary.to_pylist()
        width = len(names)
        outbound_real = {
            (int(k) // width, names[int(k) % width]): float(total)
            for k, total in zip(keys, totals, strict=True)
        }
    on_run: dict[tuple[int, str, str], list[PickupRow]] = {}
    for pick in pickups:
        on_run.setdefault((pick.day, pick.collection_gln, pick.destination_gln), []).append(pick)
    real = np.zeros(len(rows))
    for i, row in enumerate(rows):
        if row.origin_type == "collection":
            run = on_run.get((row.day, row.origin_gln, row.destination_gln), [])
            real[i] = sum(per_supplier.get(p.supplier_gln, 0.0) for p in run) * shares.get(
                row.destination_gln, 1.0
            )
        elif row.leg == "inbound":
            real[i] = per_supplier.get(row.origin_gln, 0.0) * shares.get(row.destination_gln, 1.0)
        else:
            real[i] = outbound_real.get((row.day, row.origin_gln), 0.0)
    pallets = np.array([row.pallets for row in rows], dtype=np.int64)
    trucks = np.array([row.trucks for row in rows], dtype=np.int64)
    cost = np.array([row.cost for row in rows], dtype=np.float64)
    real = np.maximum(real, pallets)
    real_trucks = np.ceil(real / capacity).astype(np.int64)
    own = real_trucks == trucks  # the slice's own trucks: charge exactly what they cost
    per_truck = np.divide(cost, trucks, out=np.zeros_like(cost), where=trucks > 0)
    share = np.divide(pallets, real, out=np.ones_like(real), where=real > 0)
    alone = own & (real == pallets)  # the slice alone on its own trucks
    charged = np.where(alone, cost, per_truck * real_trucks * share)
    of_real = np.divide(real_trucks * share, trucks, out=np.zeros_like(real), where=trucks > 0)
    km = np.array([row.km for row in rows], dtype=np.float64)
    co2 = np.array([row.co2_kg for row in rows], dtype=np.float64)
    km_charged = np.where(alone, km, km * of_real)
    co2_charged = np.where(alone, co2, co2 * of_real)
    # one row per payer: a collection run's row splits over its suppliers by their pallets
    index, origin, weight, picked = [], [], [], []
    for i, row in enumerate(rows):
        run = on_run.get((row.day, row.origin_gln, row.destination_gln), [])
        if row.origin_type != "collection" or not run:
            index.append(i)
            origin.append(row.origin_gln)
            weight.append(1.0)
            picked.append(row.pallets)
            continue
        total = sum(p.pallets for p in run)
        for p in run:
            index.append(i)
            origin.append(p.supplier_gln)
            picked.append(p.pallets)
            weight.append(p.pallets / total if total else 1.0 / len(run))
    at = np.array(index, dtype=np.int64)
    part = np.array(weight, dtype=np.float64)
    return pa.table(
        {
            "day": pa.array([rows[i].day for i in index], pa.int32()),
            "leg": [rows[i].leg for i in index],
            "origin_gln": origin,
            "destination_gln": [rows[i].destination_gln for i in index],
            "trucks": trucks[at],
            "pallets": np.array(picked, dtype=np.int64),
            "cost": cost[at] * part,
            "real_pallets": real[at] * part,
            "real_trucks": real_trucks[at],
            "charged": charged[at] * part,
            "km_charged": km_charged[at] * part,
            "co2_kg_charged": co2_charged[at] * part,
        },
        schema=SCHEMA,
    )
