"""Route planning for the carrier's deliveries: a protocol and a fast sweep heuristic.

A :class:`RoutePlanner` turns one depot's stops for the day (coordinates and pallets) into
truck routes. :class:`SweepRoutePlanner` is the classic sweep: stops sorted by angle around
the depot fill trucks up to capacity, each route then ordered by nearest neighbour. A
vehicle-routing solver (PyVRP, OR-Tools) plugs in behind the same protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from crossdock._kernels import haversine_km

__all__ = ["Route", "RoutePlanner", "SweepRoutePlanner"]


@dataclass(frozen=True)
class Route:
    """One truck's trip: stop indices in visiting order, pallets per stop, road km."""

    stops: tuple[int, ...]
    pallets: tuple[int, ...]
    km: float


class RoutePlanner(Protocol):
    """Plans one depot's deliveries of the day."""

    def plan(
        self,
        depot: tuple[float, float],
        lat: np.ndarray,
        lon: np.ndarray,
        pallets: np.ndarray,
        capacity_pallets: int,
        road_factor: float,
    ) -> list[Route]:
        """Routes serving every stop (``pallets[i] > 0``) from ``depot``."""
        ...


class SweepRoutePlanner:
    """Sweep by polar angle, fill trucks, order each route by nearest neighbour.

    A stop needing more than a truck gets full direct trucks first, then joins a route
    with its remainder.
    """

    def plan(
        self,
        depot: tuple[float, float],
        lat: np.ndarray,
        lon: np.ndarray,
        pallets: np.ndarray,
        capacity_pallets: int,
        road_factor: float,
    ) -> list[Route]:
        """See :class:`RoutePlanner`."""
        routes: list[Route] = []
        lat0, lon0 = depot
        depot_km = haversine_km(lat0, lon0, lat, lon) * road_factor
        remaining = pallets.astype(np.int64).copy()
        for i in np.flatnonzero(remaining >= capacity_pallets):
            full, remaining[i] = divmod(int(remaining[i]), capacity_pallets)
            routes.extend(
                Route((int(i),), (capacity_pallets,), 2 * float(depot_km[i])) for _ in range(full)
            )
        stops = np.flatnonzero(remaining > 0)
        if stops.size == 0:
            return routes
        angle = np.arctan2(lat[stops] - lat0, (lon[stops] - lon0) * np.cos(np.radians(lat0)))
        ordered = stops[np.argsort(angle, kind="stable")]
        group: list[int] = []
        load = 0
        for i in ordered:
            if load + remaining[i] > capacity_pallets and group:
                routes.append(self._route(group, remaining, lat, lon, depot_km, road_factor))
                group, load = [], 0
            group.append(int(i))
            load += int(remaining[i])
        routes.append(self._route(group, remaining, lat, lon, depot_km, road_factor))
        return routes

    @staticmethod
    def _route(
        group: list[int],
        pallets: np.ndarray,
        lat: np.ndarray,
        lon: np.ndarray,
        depot_km: np.ndarray,
        road_factor: float,
    ) -> Route:
        todo = list(group)
        order: list[int] = []
        km = 0.0
        here: int | None = None
        while todo:
            if here is None:
                legs = depot_km[todo]
            else:
                legs = haversine_km(lat[here], lon[here], lat[todo], lon[todo]) * road_factor
            j = int(np.argmin(legs))
            km += float(legs[j])
            here = todo.pop(j)
            order.append(here)
        km += float(depot_km[order[-1]])
        return Route(tuple(order), tuple(int(pallets[i]) for i in order), km)
