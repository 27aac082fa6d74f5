"""A depot-day's truck trips as columns, and their schedule worked out on arrays.

A day's store deliveries from one depot are a few hundred trips of a stop or two (a store's
order fills most of a truck), and a national day tens of thousands. Held as :class:`Route`
objects, each trip cost a Python object and a loop over its stops wherever it was scheduled,
checked, split or recorded: the carrier's day outside PyVRP's search took 0.91–0.95 s of CPU
a year in a 200-store traditional chain, a third of which the columns save. :class:`Trips`
keeps what the routes hold as one array per field — each visit's stop, pallets and arrival, in
trip and visiting order, and each trip's km, start and end — and :func:`schedule_trips` drives
every trip at once, one visit position after another, with the same float64 operations in the
same order as stop by stop on plain floats (a test holds the two equal, bit for bit).

:class:`Route` stays the planners' protocol type (:class:`crossdock.routing.RoutePlanner`):
:meth:`Trips.of` and :meth:`Trips.routes` convert both ways.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from crossdock._kernels import haversine_km

__all__ = [
    "LoadPlan",
    "Route",
    "RoutingProblem",
    "Trips",
    "floor_spans",
    "load_plan",
    "schedule_trips",
]


@dataclass(frozen=True, eq=False)
class RoutingProblem:
    """One depot's deliveries of one day (index 0 of ``km`` is the depot, then the stops)."""

    depot: tuple[float, float]
    lat: np.ndarray
    lon: np.ndarray
    pallets: np.ndarray
    window_open: np.ndarray  # minutes after midnight
    window_close: np.ndarray
    capacity_pallets: int
    road_factor: float = 1.3
    speed_kmh: float = 60.0
    service_minutes: float = 15.0
    service_minutes_per_pallet: float = 1.5
    shift_minutes: float = 600.0
    departure_minute: float = 0.0
    km: np.ndarray | None = field(default=None, repr=False)
    pickup: bool = False
    """Pickups (a collection run: the truck leaves empty and comes back loaded), not deliveries."""

    def distances(self) -> np.ndarray:
        """Road km between depot (0) and stops (1..n)."""
        if self.km is not None:
            return self.km
        lat = np.concatenate([[self.depot[0]], self.lat])
        lon = np.concatenate([[self.depot[1]], self.lon])
        return (
            haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) * self.road_factor
        )

    def service(self, pallets: np.ndarray) -> np.ndarray:
        """Unloading minutes at each stop."""
        return self.service_minutes + self.service_minutes_per_pallet * pallets


@dataclass(frozen=True)
class Route:
    """One truck's trip: stops in visiting order, pallets, road km and the schedule."""

    stops: tuple[int, ...]
    pallets: tuple[int, ...]
    km: float
    arrivals: tuple[float, ...] = ()
    start: float = 0.0
    end: float = 0.0

    @property
    def hours(self) -> float:
        """Driver hours from leaving the depot to coming back."""
        return (self.end - self.start) / 60.0


_NO_INTS = np.zeros(0, dtype=np.int64)
_NO_FLOATS = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class Trips:
    """A depot-day's trips: what a list of :class:`Route` holds, one array per field.

    Visits, in trip and visiting order: ``stops`` (indices into the problem's stops),
    ``pallets`` and ``arrivals`` (minutes). Trips: ``first`` (where each trip's visits begin,
    then the number of visits), ``km``, ``start`` and ``end`` (minutes). Every trip has a visit.
    """

    stops: np.ndarray
    pallets: np.ndarray
    arrivals: np.ndarray
    first: np.ndarray
    km: np.ndarray
    start: np.ndarray
    end: np.ndarray

    @classmethod
    def empty(cls) -> Trips:
        """No trips."""
        return _NO_TRIPS

    @classmethod
    def of(cls, routes: Sequence[Route]) -> Trips:
        """The trips of ``routes`` (a planner's plan), in their order."""
        if not routes:
            return cls.empty()
        lengths = [len(r.stops) for r in routes]
        for number, route in enumerate(routes):
            n = len(route.stops)
            if not n or len(route.pallets) != n or len(route.arrivals) != n:
                raise ValueError(
                    f"route {number}: {len(route.stops)} stops, {len(route.pallets)} pallet "
                    f"counts and {len(route.arrivals)} arrivals (one of each a stop, and at "
                    "least one stop)"
                )
        return cls(
            np.fromiter((s for r in routes for s in r.stops), np.int64, sum(lengths)),
            np.fromiter((p for r in routes for p in r.pallets), np.int64, sum(lengths)),
            np.fromiter((a for r in routes for a in r.arrivals), np.float64, sum(lengths)),
            np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
            np.array([r.km for r in routes], dtype=np.float64),
            np.array([r.start for r in routes], dtype=np.float64),
            np.array([r.end for r in routes], dtype=np.float64),
        )

    def __len__(self) -> int:
        return int(self.km.size)

    @property
    def lengths(self) -> np.ndarray:
        """Each trip's number of visits."""
        return np.diff(self.first)

    def routes(self) -> list[Route]:
        """The trips as :class:`Route` s (plain ints and floats, as a planner returns them)."""
        stops, pallets, arrivals = (
            self.stops.tolist(),
            self.pallets.tolist(),
            self.arrivals.tolist(),
        )
        first = self.first.tolist()
        return [
            Route(tuple(stops[a:b]), tuple(pallets[a:b]), km, tuple(arrivals[a:b]), start, end)
            for a, b, km, start, end in zip(
                first[:-1],
                first[1:],
                self.km.tolist(),
                self.start.tolist(),
                self.end.tolist(),
                strict=True,
            )
        ]

    def then(self, other: Trips) -> Trips:
        """These trips, then ``other``'s."""
        if not len(other):
            return self
        if not len(self):
            return other
        return Trips(
            np.concatenate([self.stops, other.stops]),
            np.concatenate([self.pallets, other.pallets]),
            np.concatenate([self.arrivals, other.arrivals]),
            np.concatenate([self.first, other.first[1:] + self.first[-1]]),
            np.concatenate([self.km, other.km]),
            np.concatenate([self.start, other.start]),
            np.concatenate([self.end, other.end]),
        )

    def repeated(self, times: np.ndarray) -> Trips:
        """Each trip ``times[i]`` times over, one copy after another (a stop's full trucks)."""
        lengths = self.lengths
        trip = np.repeat(np.arange(len(self)), times)
        count = lengths[trip]
        # each copy's visits: its trip's visits, copies in order
        visit = np.repeat(self.first[:-1][trip] - np.cumsum(count) + count, count) + np.arange(
            int(count.sum())
        )
        return Trips(
            self.stops[visit],
            self.pallets[visit],
            self.arrivals[visit],
            np.concatenate([[0], np.cumsum(count)]).astype(np.int64),
            self.km[trip],
            self.start[trip],
            self.end[trip],
        )

    def total_km(self) -> float:
        """Road km of every trip, added in trip order (0 for none)."""
        return sum(self.km.tolist())

    def total_hours(self) -> float:
        """Driver hours of every trip, added in trip order (0 for none)."""
        return sum(((self.end - self.start) / 60.0).tolist())

    def visits(self) -> tuple[np.ndarray, np.ndarray]:
        """Each visit's trip and its place in the trip (0 for the first stop)."""
        return visit_places(self.first)

    def on_time(self, problem: RoutingProblem) -> np.ndarray:
        """Whether each visit is within its stop's window."""
        return self.arrivals <= problem.window_close[self.stops] + 1e-6

    def feasible(self, problem: RoutingProblem) -> bool:
        """Every visit within its stop's window, every trip within the driver's shift."""
        return bool(self.on_time(problem).all()) and bool(
            (self.end - self.start <= problem.shift_minutes + 1e-6).all()
        )

    def floor_spans(self) -> tuple[np.ndarray, np.ndarray]:
        """Each visit's first and last position on :func:`load_plan`'s floor (-1: no pallet).

        The load plan stands the stops' pallets in reverse order from the cab, so a visit's
        pallets begin after those of every later visit of its trip: worked out from the counts
        of every trip at once. A trip that visits a stop twice is read off its floor.
        """
        if not len(self):
            return _NO_INTS, _NO_INTS
        trip, _ = self.visits()
        through = np.cumsum(self.pallets)  # every visit's pallets up to its own, all trips
        before_trip = through[self.first[:-1]] - self.pallets[self.first[:-1]]
        total = np.add.reduceat(self.pallets, self.first[:-1])
        after = total[trip] - (through - before_trip[trip])  # pallets of the trip's later visits
        carries = self.pallets > 0
        first_at = np.where(carries, after, -1)
        last_at = np.where(carries, after + self.pallets - 1, -1)
        order = np.lexsort((self.stops, trip))
        twice = (self.stops[order][1:] == self.stops[order][:-1]) & (
            trip[order][1:] == trip[order][:-1]
        )
        for t in np.unique(trip[order][1:][twice]).tolist():
            a, b = int(self.first[t]), int(self.first[t + 1])
            route = Route(tuple(self.stops[a:b].tolist()), tuple(self.pallets[a:b].tolist()), 0.0)
            spans = np.array(floor_spans(route), dtype=np.int64).reshape(-1, 2)
            first_at[a:b], last_at[a:b] = spans[:, 0], spans[:, 1]
        return first_at, last_at


def visit_places(first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each visit's trip and its place in the trip, for trips beginning at ``first[:-1]``."""
    lengths = first[1:] - first[:-1]
    trip = np.arange(lengths.size).repeat(lengths)
    return trip, np.arange(int(first[-1])) - first[:-1].repeat(lengths)


_NO_TRIPS = Trips(_NO_INTS, _NO_INTS, _NO_FLOATS, np.zeros(1, np.int64), *[_NO_FLOATS] * 3)
for _array in (_NO_INTS, _NO_FLOATS, _NO_TRIPS.first):
    _array.flags.writeable = False


def schedule_trips(
    problem: RoutingProblem,
    stops: np.ndarray,
    first: np.ndarray,
    dist: np.ndarray,
    pallets: np.ndarray,
) -> Trips:
    """Drive each trip from the depot: arrive, wait for the window, unload, go on, come back.

    ``stops`` are the trips' stops in trip and visiting order, ``first`` where each trip's
    begin (then their number), ``pallets`` every stop's load (by stop). Every trip is driven at
    once, a visit position at a time: the same float64 operations, in the same order, as trip
    by trip, stop by stop.
    """
    stops = np.asarray(stops, dtype=np.int64)
    first = np.asarray(first, dtype=np.int64)
    starts = first[:-1]
    lengths = first[1:] - starts
    if not lengths.size:
        return Trips.empty()
    each = lengths.tolist()  # (Python's min and max beat NumPy's reductions on a few trips)
    if min(each) < 1:
        raise ValueError("a route needs at least one stop")
    speed = problem.speed_kmh / 60.0
    node = stops + 1
    came_from = np.empty_like(node)
    came_from[1:] = node[:-1]
    came_from[starts] = 0  # each trip leaves the depot
    legs = dist[came_from, node]  # the leg into each visit
    opens = problem.window_open[stops].astype(np.float64)
    # A row a trip, a column a visit position, then a last column for the way home. A trip's
    # missing visits are a leg of 0 km, a window open since forever and no unloading: they
    # leave its clock and its km as they are (x + 0.0 and max(x, -inf) are x).
    n, width = lengths.size, max(each)
    shape = (n, width + 1)
    trip, place = visit_places(first)
    cell = trip * shape[1] + place
    road = np.zeros(shape)
    road.ravel()[cell] = legs
    road[:, width] = dist[node[first[1:] - 1], 0]  # each trip's last stop to the depot
    drive = road / speed  # minutes at the wheel
    unloading = np.zeros(shape)
    unloading.ravel()[cell] = problem.service(pallets[stops])
    opening = np.full(shape, -np.inf)
    opening.ravel()[cell] = opens
    start = np.maximum(problem.departure_minute, opens[starts] - drive[:, 0])
    reached = np.empty(shape)
    t = start.copy()
    for k in range(width):
        np.add(t, drive[:, k], out=t)
        np.maximum(t, opening[:, k], out=t)
        reached[:, k] = t
        np.add(t, unloading[:, k], out=t)
    t += drive[:, width]
    km = np.add.accumulate(road, axis=1)[:, -1]  # leg after leg, as driven
    arrivals = reached.ravel()[cell]
    loads = pallets[stops].astype(np.int64)
    return Trips(stops, loads, arrivals, first, km, start, t)


@dataclass(frozen=True)
class LoadPlan:
    """Which stop's pallet stands on each floor position (0 = at the cab, last = at the door)."""

    positions: tuple[int, ...]

    def unloads_cleanly(self, stops: tuple[int, ...]) -> bool:
        """True when, at every stop, its pallets are nearest the door of all still aboard."""
        aboard = list(self.positions)
        for stop in stops:
            mine = [p for p, s in enumerate(aboard) if s == stop]
            others = [p for p, s in enumerate(aboard) if s != stop and s >= 0]
            if others and mine and min(mine) < max(others):
                return False
            aboard = [-1 if s == stop else s for s in aboard]
        return True


def load_plan(route: Route) -> LoadPlan:
    """Load the last stop first: it goes to the cab, the first stop's pallets to the door."""
    positions: list[int] = []
    for stop, count in zip(reversed(route.stops), reversed(route.pallets), strict=True):
        positions.extend([stop] * count)
    return LoadPlan(tuple(positions))


def floor_spans(route: Route) -> list[tuple[int, int]]:
    """Each stop's first and last position on :func:`load_plan`'s floor; ``(-1, -1)``: none.

    The load plan puts the stops' pallets in reverse order from the cab, so a stop's pallets
    start after those of every later stop: worked out from the counts, without building the
    floor. A route that visits a stop twice is read off the floor itself.
    """
    if len(set(route.stops)) < len(route.stops):
        floor = load_plan(route).positions
        backwards = floor[::-1]
        return [
            (floor.index(stop), len(floor) - 1 - backwards.index(stop))
            if stop in floor
            else (-1, -1)
            for stop in route.stops
        ]
    after = sum(route.pallets)
    spans = []
    for count in route.pallets:
        after -= count
        spans.append((after, after + count - 1) if count > 0 else (-1, -1))
    return spans
