"""The carrier dedicated to the retailer: holds goods on the road and delivers them.

Goods handed over during the day wait in today's loads; in the deliver phase the carrier plans
the store routes of each depot (platform or DC), counts trucks, pallets and km, and puts the
goods on the road until their arrival day. Inbound legs (supplier to platform or DC) are full
truckloads, direct. In the receive phase of the arrival day it unloads them at the
destination. While on the road, goods are the carrier's stock in the ledger.
"""

from __future__ import annotations

import numpy as np

from crossdock._kernels import as_slice, haversine_km, pallets
from crossdock.parties._common import Context
from crossdock.routing import (
    PyVRPRoutePlanner,
    Route,
    RoutePlanner,
    RoutingProblem,
    SweepRoutePlanner,
    load_plan,
)


class Carrier:
    """In-transit goods by arrival day and destination, plus the day's trip records."""

    def __init__(self, ctx: Context, *, router: RoutePlanner | None = None) -> None:
        sc = ctx.scenario
        self.ctx = ctx
        if router is None:
            routing = sc.spec.carrier.routing
            router = (
                PyVRPRoutePlanner(
                    time_limit_seconds=routing.time_limit_seconds,
                    max_iterations=routing.max_iterations,
                    seed=ctx.seed,
                )
                if routing.solver == "pyvrp"
                else SweepRoutePlanner()
            )
        self.router = router
        spec = sc.spec.carrier
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
        shape = (self.window, sc.n_stores, sc.n_skus)
        self._to_stores = np.zeros(shape, dtype=np.int64)
        self._to_platforms = np.zeros(shape, dtype=np.int64)
        self._to_dcs = np.zeros((self.window, sc.n_dcs, sc.n_skus), dtype=np.int64)
        self._loads: list[tuple[str, int, np.ndarray, np.ndarray, int]] = []
        self._supplier_columns = [
            (u, as_slice(items)) for u, items in enumerate(sc.items_of_supplier)
        ]
        self._lead_columns = [
            (int(sc.supplier_lead_time_days[u]), columns) for u, columns in self._supplier_columns
        ]
        self._on_road = np.zeros(sc.n_skus, dtype=np.int64)
        self.stores: object | None = None
        self.platforms: object | None = None
        self.dcs: object | None = None

    def attach(self, *, stores: object, platforms: object | None, dcs: object | None) -> None:
        """Tell the carrier where it unloads (the parties at the destinations)."""
        self.stores, self.platforms, self.dcs = stores, platforms, dcs

    # -- handing goods over ------------------------------------------------------------------
    def to_stores(
        self,
        day: int,
        origin_kind: str,
        origin: int,
        stores: np.ndarray,
        goods: np.ndarray,
        transit_days: int,
    ) -> int:
        """Take a depot's deliveries ``goods[i, k]`` for ``stores[i]``; returns the arrival day."""
        self._take(day, goods)
        self._loads.append((origin_kind, origin, stores, goods, transit_days))
        return day + transit_days

    def to_platforms(self, day: int, goods: np.ndarray) -> None:
        """Take suppliers' despatches ``goods[s, k]`` (allocated by final store) for platforms."""
        self._load_inbound(day, goods, "platform", self._to_platforms)

    def to_dcs(self, day: int, goods: np.ndarray) -> None:
        """Take suppliers' despatches ``goods[d, k]`` for the DCs."""
        self._load_inbound(day, goods, "dc", self._to_dcs)

    def _load_inbound(self, day: int, goods: np.ndarray, kind: str, ring: np.ndarray) -> None:
        """Put suppliers' goods on the road, each supplier's SKUs for its own lead time."""
        self._take(day, goods)
        self._inbound(day, goods, kind)
        for lead, columns in self._lead_columns:
            ring[(day + lead) % self.window][:, columns] += goods[:, columns]

    def _take(self, day: int, goods: np.ndarray) -> None:
        units = goods.sum(axis=0, keepdims=True)
        self._on_road += units[0]
        self.ctx.ledger.record(day, "received", "carrier", units)

    # -- phases ------------------------------------------------------------------------------
    def receive(self, day: int) -> None:
        """Unload today's arrivals at stores, platforms and DCs."""
        slot = day % self.window
        for goods, party in (
            (self._to_stores[slot], self.stores),
            (self._to_platforms[slot], self.platforms),
            (self._to_dcs[slot], self.dcs),
        ):
            if party is None or not goods.any():
                continue
            units = goods.sum(axis=0, keepdims=True)
            self._on_road -= units[0]
            self.ctx.ledger.record(day, "shipped", "carrier", units)
            party.unload(day, goods.copy())  # type: ignore[attr-defined]
            goods[:] = 0

    def deliver(self, day: int) -> None:
        """Route today's store deliveries per depot and put them on the road."""
        sc = self.ctx.scenario
        spec = sc.spec.carrier
        for origin_kind, origin, stores, goods, transit in self._loads:
            self._to_stores[(day + transit) % self.window][as_slice(stores)] += goods
            per_store = pallets(goods, sc.units_per_pallet)
            if origin_kind == "dc":
                depot = (float(sc.dc_lat[origin]), float(sc.dc_lon[origin]))
                gln = sc.dc_gln[origin]
            else:
                depot = (float(sc.platform_lat[origin]), float(sc.platform_lon[origin]))
                gln = sc.platform_gln[origin]
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
            routes = self.router.plan(problem) if stops.size else []
            self._record(day, origin_kind, gln, stops, problem, routes)
        self._loads.clear()

    def _record(
        self,
        day: int,
        origin_kind: str,
        gln: str,
        stops: np.ndarray,
        problem: RoutingProblem,
        routes: list[Route],
    ) -> None:
        """One transport row for the depot-day and one row per stop of each route."""
        spec = self.ctx.scenario.spec.carrier
        km = sum(r.km for r in routes)
        hours = sum(r.hours for r in routes)
        on_time = 0
        for number, route in enumerate(routes):
            floor = load_plan(route).positions
            for order, (stop, count, arrival) in enumerate(
                zip(route.stops, route.pallets, route.arrivals, strict=True)
            ):
                late = arrival > problem.window_close[stop] + 1e-6
                on_time += not late
                at = [position for position, s in enumerate(floor) if s == stop]
                self.ctx.ledger.route_stops.append(
                    (
                        day,
                        gln,
                        number,
                        order,
                        int(stops[stop]),
                        count,
                        arrival,
                        bool(not late),
                        route.km,
                        route.start,
                        route.end,
                        problem.depot,
                        min(at) if at else -1,
                        max(at) if at else -1,
                    )
                )
        cost = (
            km * self.cost_per_km
            + hours * spec.cost_per_hour
            + len(routes) * spec.cost_per_truck_day
        )
        self.ctx.ledger.transport.append(
            (
                day,
                "outbound",
                origin_kind,
                gln,
                len(routes),
                int(stops.size),
                int(problem.pallets.sum()),
                km,
                cost,
                hours,
                km * self.co2_per_km,
                on_time,
            )
        )

    def _inbound(self, day: int, goods: np.ndarray, kind: str) -> None:
        """Full truckloads from each supplier to each destination, there and back.

        Pallets are counted as the suppliers build them: per final store for a platform (the
        goods are pre-allocated), per DC otherwise.
        """
        sc = self.ctx.scenario
        spec = sc.spec.carrier
        if kind == "platform":
            lat, lon = sc.platform_lat, sc.platform_lon
            rows_of = sc.stores_of_platform
        else:
            lat, lon = sc.dc_lat, sc.dc_lon
            rows_of = [np.array([d]) for d in range(sc.n_dcs)]
        for dest, rows in enumerate(rows_of):
            block = goods[rows]
            for u, columns in self._supplier_columns:
                mine = block[:, columns]
                if not mine.any():
                    continue
                n_pallets = int(pallets(mine, sc.units_per_pallet[columns]).sum())
                trucks = -(-n_pallets // self.capacity)
                one_way = haversine_km(sc.supplier_lat[u], sc.supplier_lon[u], lat[dest], lon[dest])
                km = 2 * trucks * float(one_way) * self.road_factor
                hours = km / spec.average_speed_kmh
                cost = (
                    km * self.cost_per_km
                    + hours * spec.cost_per_hour
                    + trucks * spec.cost_per_truck_day
                )
                self.ctx.ledger.transport.append(
                    (
                        day,
                        "inbound",
                        "supplier",
                        sc.supplier_gln[u],
                        trucks,
                        1,
                        n_pallets,
                        km,
                        cost,
                        hours,
                        km * self.co2_per_km,
                        1,
                    )
                )

    def close(self, day: int) -> None:
        """Goods on the road (and loaded today) are the carrier's closing stock."""
        sc = self.ctx.scenario
        self.ctx.ledger.close(day, "carrier", self._on_road[None, :], sc.unit_cost)
