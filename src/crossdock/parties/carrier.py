"""The carrier dedicated to the retailer: moves consignments on the road and delivers them.

Each evening, in the deliver phase, the carrier takes the day's consignments from the goods
channel (:meth:`crossdock.goods.GoodsChannel.loads`): inbound legs (supplier to platform or
DC) are full truckloads, direct, unless a planner booked collection runs for them
(:meth:`Carrier._collect`: milk runs picking up at several suppliers); each depot's (platform or DC) store deliveries are routed,
and trucks, pallets and km are counted. While on the road, goods are the carrier's stock in
the ledger, until their arrival day's receive phase, when the receivers take them in from the
goods channel. The carrier never touches another party.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import numpy as np

from crossdock._kernels import haversine_km, pallets
from crossdock.goods import Consignment
from crossdock.ledger import PickupRow, SeriesSpec, TransportRow
from crossdock.parties._common import Context
from crossdock.routing import (
    RoutePlanner,
    RoutingProblem,
    Trips,
    current_pool,
    plan_depots,
    router_from_spec,
)
from crossdock.scenario import Scenario

_INBOUND_ORDER = {"dc": 0, "platform": 1}
_NO_WINDOW = 10.0**7  # minutes: collection runs have no pickup windows or shift limit
#: Collections' km matrices kept at most (a few kilobytes each) before they are worked out anew.
_KM_KEPT = 4_096

# A depot-day to route (or None: nothing to route) and what records its routes once planned.
_Step = tuple[tuple[RoutePlanner, RoutingProblem] | None, Callable[[Trips], None]]


class Carrier:
    """Goods on the road by arrival day, plus the day's trip records."""

    phases: ClassVar[tuple[str, ...]] = ("receive", "deliver", "close")
    location_type: ClassVar[str | None] = "carrier"
    series: ClassVar[tuple[SeriesSpec, ...]] = ()

    @classmethod
    def locations(cls, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
        """The carrier's one location: its trucks on the road."""
        spec = scenario.spec.carrier
        return np.array([spec.gln], dtype=object), np.array([spec.name], dtype=object)

    def __init__(self, ctx: Context, *, router: RoutePlanner | None = None) -> None:
        sc = ctx.scenario
        self.ctx = ctx
        self.gln = sc.spec.carrier.gln
        self.router = (
            router if router is not None else router_from_spec(sc.spec.carrier.routing, ctx.seed)
        )
        spec = sc.spec.carrier
        # each collection (booker, destination) has its own planner, which keeps its last plan
        self._collection_routers: dict[tuple[str, str, int], RoutePlanner] = {}
        # road km between a collection's depot and its suppliers, by depot and suppliers: the
        # same few sets day after day (12 in a shared year of 200 × 2,000 on 4 platforms)
        self._collection_km: dict[tuple[str, int, bytes], np.ndarray] = {}
        self.capacity = spec.trucks[0].capacity_pallets
        self.cost_per_km = spec.cost_per_km
        self.co2_per_km = spec.trucks[0].co2_kg_per_km
        self.road_factor = spec.road_factor
        longest = int(
            max(
                sc.supplier_lead_time_days.max(),
                sc.dc_delivery_days.max(),
                sc.platform_delivery_days.max(),
            )
        )
        self.window = longest + 1
        # units arriving per day (a ring by arrival day): what leaves the road each morning
        self._arriving = np.zeros((self.window, sc.n_skus), dtype=np.int64)
        self._on_road = np.zeros(sc.n_skus, dtype=np.int64)

    # -- phases ------------------------------------------------------------------------------
    def receive(self, day: int) -> None:
        """The morning's arrivals leave the road (the receivers take them in themselves)."""
        slot = day % self.window
        units = self._arriving[slot]
        if not units.any():
            return
        self._on_road -= units
        self.ctx.ledger.record(day, "shipped", "carrier", units[None, :])
        units[:] = 0

    def _take(self, day: int, loads: list[Consignment]) -> None:
        """The day's consignments go on the road until their arrival day."""
        if not loads:
            return
        units = np.zeros(self.ctx.scenario.n_skus, dtype=np.int64)
        for load in loads:
            total = load.total
            units[load.items] += total
            self._arriving[load.arrival_day % self.window, load.items] += total
        self._on_road += units
        self.ctx.ledger.record(day, "received", "carrier", units[None, :])

    def deliver(self, day: int) -> None:
        """Take the day's consignments: inbound truckloads first, then each depot's routes.

        The day's depot-days (collection runs, then store deliveries) are planned together by
        :func:`crossdock.routing.plan_depots`, in parallel inside
        :func:`crossdock.routing.routing_workers`, then recorded in that order.
        """
        loads = self.ctx.goods.loads(self.gln, day)
        self._take(day, loads)
        inbound = [c for c in loads if c.receiver_kind in _INBOUND_ORDER]
        inbound.sort(key=lambda c: (_INBOUND_ORDER[c.receiver_kind], c.destination, c.origin))
        runs: dict[tuple[str, str, int], list[Consignment]] = {}
        for load in inbound:
            if load.collection:
                runs.setdefault((load.collection, load.receiver_kind, load.destination), [])
                runs[(load.collection, load.receiver_kind, load.destination)].append(load)
        for load in inbound:
            run = runs.get((load.collection, load.receiver_kind, load.destination))
            if run is None or len({c.origin for c in run}) < 2:
                self._inbound(day, load)
        steps: list[_Step] = [
            self._collect(day, collection, run)
            for (collection, _, _), run in runs.items()
            if len({c.origin for c in run}) >= 2
        ]
        steps.extend(self._route(day, load) for load in loads if load.receiver_kind == "store")
        planned = iter(plan_depots([job for job, _ in steps if job is not None], current_pool()))
        for job, record in steps:
            record(next(planned) if job is not None else Trips.empty())

    def _route(self, day: int, load: Consignment) -> _Step:
        """One depot's store deliveries of the day, to route and record."""
        sc = self.ctx.scenario
        spec = sc.spec.carrier
        origin_kind, origin, stores, goods = (
            load.sender_kind,
            load.origin,
            load.locations,
            load.quantity,
        )
        per_store = load.row_pallets  # as the depot counted them, else counted here
        if per_store is None or per_store.shape != (goods.shape[0],):
            per_store = pallets(goods, sc.units_per_pallet)
        if origin_kind == "dc":
            depot = (float(sc.dc_lat[origin]), float(sc.dc_lon[origin]))
        else:
            depot = (float(sc.platform_lat[origin]), float(sc.platform_lon[origin]))
        served = per_store > 0
        stops = stores[served]
        depot_place = sc.n_stores + (
            origin if origin_kind == "platform" else sc.n_platforms + origin
        )
        nodes = np.concatenate([[depot_place], stops])
        problem = RoutingProblem(
            depot=depot,
            lat=sc.store_lat[stops],
            lon=sc.store_lon[stops],
            pallets=per_store[served],
            window_open=sc.window_open_min[stops].astype(np.float64),
            window_close=sc.window_close_min[stops].astype(np.float64),
            capacity_pallets=self.capacity,
            road_factor=self.road_factor,
            speed_kmh=spec.average_speed_kmh,
            service_minutes=spec.service_minutes_per_stop,
            service_minutes_per_pallet=spec.service_minutes_per_pallet,
            shift_minutes=spec.driver_shift_hours * 60,
            km=sc.road_km[np.ix_(nodes, nodes)],
        )

        def record(trips: Trips) -> None:
            self._record(day, origin_kind, load.sender, stops, problem, trips)

        return ((self.router, problem) if stops.size else None), record

    def _record(
        self,
        day: int,
        origin_kind: str,
        gln: str,
        stops: np.ndarray,
        problem: RoutingProblem,
        trips: Trips,
    ) -> None:
        """One transport row for the depot-day and one row per stop of each route."""
        spec = self.ctx.scenario.spec.carrier
        km = trips.total_km()
        hours = trips.total_hours()
        floor_first, floor_last = trips.floor_spans()  # each stop's pallets on the floor
        # the depot-day's stops as columns (see ledger.StopLog), each route's in visiting order
        on_time = trips.on_time(problem)
        route, stop_order = trips.visits()
        columns = {
            "route": route,
            "stop_order": stop_order,
            "store": stops[trips.stops],
            "pallets": trips.pallets,
            "arrival_min": trips.arrivals,
            "on_time": on_time,
            "floor_first": floor_first,
            "floor_last": floor_last,
        }
        self.ctx.ledger.route_stops.add(
            day,
            gln,
            problem.depot,
            columns,
            trips.lengths,
            np.column_stack([trips.km, trips.start, trips.end]),
        )
        cost = (
            km * self.cost_per_km
            + hours * spec.cost_per_hour
            + len(trips) * spec.cost_per_truck_day
        )
        self.ctx.ledger.transport.append(
            TransportRow(
                day,
                "outbound",
                origin_kind,
                gln,
                len(trips),
                int(stops.size),
                int(problem.pallets.sum()),
                km,
                cost,
                hours,
                km * self.co2_per_km,
                int(on_time.sum()),
            )
        )

    def _inbound(self, day: int, load: Consignment) -> None:
        """Full truckloads from a supplier to a platform or DC, there and back.

        Pallets are counted as the supplier built them (per final store for a platform: the
        goods are pre-allocated).
        """
        sc = self.ctx.scenario
        spec = sc.spec.carrier
        if load.receiver_kind == "platform":
            lat, lon, glns = sc.platform_lat, sc.platform_lon, sc.platform_gln
        else:
            lat, lon, glns = sc.dc_lat, sc.dc_lon, sc.dc_gln
        u, dest = load.origin, load.destination
        trucks = -(-load.pallets // self.capacity)
        one_way = haversine_km(sc.supplier_lat[u], sc.supplier_lon[u], lat[dest], lon[dest])
        km = 2 * trucks * float(one_way) * self.road_factor
        hours = km / spec.average_speed_kmh
        cost = km * self.cost_per_km + hours * spec.cost_per_hour + trucks * spec.cost_per_truck_day
        self.ctx.ledger.transport.append(
            TransportRow(
                day,
                "inbound",
                "supplier",
                load.sender,
                trucks,
                1,
                load.pallets,
                km,
                cost,
                hours,
                km * self.co2_per_km,
                1,
                str(glns[dest]),
            )
        )

    def _collect(self, day: int, collection: str, run: list[Consignment]) -> _Step:
        """Collection milk runs: one destination's pickups at several suppliers on shared trucks.

        A supplier with a truckload or more sends full trucks direct; the rest of every
        supplier's pallets are picked up on routes from the platform (or DC) and back, planned
        by the collection router (pickups, truck capacity in pallets; no delivery windows or
        shift limit, as for direct inbound legs). One transport row per collection and day.
        """
        sc = self.ctx.scenario
        spec = sc.spec.carrier
        first = run[0]
        if first.receiver_kind == "platform":
            depot = (
                float(sc.platform_lat[first.destination]),
                float(sc.platform_lon[first.destination]),
            )
        else:
            depot = (float(sc.dc_lat[first.destination]), float(sc.dc_lon[first.destination]))
        origins = np.array(sorted({c.origin for c in run}), dtype=np.int64)
        count = np.zeros(origins.size, dtype=np.int64)
        for load in run:
            count[np.searchsorted(origins, load.origin)] += load.pallets
        full, rest = np.divmod(count, self.capacity)
        place = (first.receiver_kind, int(first.destination), origins.tobytes())
        km_matrix = self._collection_km.get(place)
        if km_matrix is None:
            lat = np.concatenate([[depot[0]], sc.supplier_lat[origins]])
            lon = np.concatenate([[depot[1]], sc.supplier_lon[origins]])
            km_matrix = (
                haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
                * self.road_factor
            )
            km_matrix.flags.writeable = False  # (shared by every day of these suppliers)
            if len(self._collection_km) >= _KM_KEPT:  # (sets that change every day)
                self._collection_km.clear()
            self._collection_km[place] = km_matrix
        km = float((2 * full * km_matrix[0, 1:]).sum())
        trucks = int(full.sum())
        picked = rest > 0
        job: tuple[RoutePlanner, RoutingProblem] | None = None
        if picked.any():
            nodes = np.concatenate([[0], 1 + np.flatnonzero(picked)])
            problem = RoutingProblem(
                depot=depot,
                lat=sc.supplier_lat[origins[picked]],
                lon=sc.supplier_lon[origins[picked]],
                pallets=rest[picked],
                window_open=np.zeros(int(picked.sum())),
                window_close=np.full(int(picked.sum()), _NO_WINDOW),
                capacity_pallets=self.capacity,
                road_factor=self.road_factor,
                speed_kmh=spec.average_speed_kmh,
                service_minutes=0.0,
                service_minutes_per_pallet=0.0,
                shift_minutes=_NO_WINDOW,
                km=km_matrix[np.ix_(nodes, nodes)],
                pickup=True,
            )
            key = (collection, first.receiver_kind, first.destination)
            if key not in self._collection_routers:
                self._collection_routers[key] = router_from_spec(spec.routing, self.ctx.seed)
            job = (self._collection_routers[key], problem)

        def record(trips: Trips) -> None:
            self._record_collection(
                day, collection, run, origins, count, trucks + len(trips), km + trips.total_km()
            )

        return job, record

    def _record_collection(
        self,
        day: int,
        collection: str,
        run: list[Consignment],
        origins: np.ndarray,
        count: np.ndarray,
        trucks: int,
        km: float,
    ) -> None:
        """One transport row for the collection's day, and one pickup row per supplier."""
        sc = self.ctx.scenario
        spec = sc.spec.carrier
        first = run[0]
        hours = km / spec.average_speed_kmh
        cost = km * self.cost_per_km + hours * spec.cost_per_hour + trucks * spec.cost_per_truck_day
        glns = sc.platform_gln if first.receiver_kind == "platform" else sc.dc_gln
        destination = str(glns[first.destination])
        self.ctx.ledger.transport.append(
            TransportRow(
                day,
                "inbound",
                "collection",
                collection,
                trucks,
                int(origins.size),
                int(count.sum()),
                km,
                cost,
                hours,
                km * self.co2_per_km,
                int(origins.size),
                destination,
            )
        )
        self.ctx.ledger.pickups.extend(
            PickupRow(day, collection, destination, str(sc.supplier_gln[o]), int(n))
            for o, n in zip(origins, count, strict=True)
        )

    def close(self, day: int) -> None:
        """Goods on the road (and loaded today) are the carrier's closing stock."""
        sc = self.ctx.scenario
        self.ctx.ledger.close(day, "carrier", self._on_road[None, :], sc.unit_cost)
