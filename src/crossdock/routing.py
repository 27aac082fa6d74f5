"""Route planning for the carrier's store deliveries.

A :class:`RoutePlanner` turns one depot's stops for the day — a :class:`RoutingProblem` with
coordinates, pallets, delivery windows and service times — into truck :class:`Route` s with
their schedule. Two planners stand behind the protocol:

- :class:`PyVRPRoutePlanner` (the default) solves the capacitated VRP with time windows and a
  driver shift limit with PyVRP, within a named time limit, and reuses yesterday's routes when
  the same stops come back and still fit;
- :class:`SweepRoutePlanner`, the classic sweep heuristic (stops by polar angle fill trucks,
  each route ordered by nearest neighbour) — fast, dependency-free, a baseline.

Distances are great-circle (haversine) times the road factor, unless the problem carries a
distance matrix. Times are in minutes after midnight of the delivery day. :func:`load_plan`
puts each route's pallets on the truck's floor in reverse order of the stops.

:func:`plan_depots` plans a day's depot-days together: inside :func:`routing_workers` the
solves that route reuse cannot avoid run in parallel as Ray tasks (:class:`RaySolvePool`),
with the same routes as one after another.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from crossdock._trips import (
    LoadPlan,
    Route,
    RoutingProblem,
    Trips,
    floor_spans,
    load_plan,
    schedule_trips,
)
from crossdock.registry import Registry

if TYPE_CHECKING:
    from crossdock.scenario._schema import RoutingSpec

__all__ = [
    "ROUTERS",
    "ActorSolvePool",
    "LoadPlan",
    "PendingSolve",
    "PyVRPRoutePlanner",
    "RaySolvePool",
    "Route",
    "RoutePlanner",
    "RoutingProblem",
    "SolvePool",
    "SweepRoutePlanner",
    "Trips",
    "current_pool",
    "floor_spans",
    "load_plan",
    "plan_depots",
    "router_from_spec",
    "routing_workers",
    "schedule_trips",
    "solve_pool",
    "solve_vrp",
]


class RoutePlanner(Protocol):
    """Plans one depot's deliveries of the day."""

    def plan(self, problem: RoutingProblem) -> list[Route]:
        """Routes serving every stop with pallets."""
        ...


def _flat(sequences: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Trips given as lists of stops, as :func:`schedule_trips` takes them (stops, first)."""
    lengths = [len(sequence) for sequence in sequences]
    first = np.zeros(len(sequences) + 1, dtype=np.int64)
    np.cumsum(lengths, out=first[1:])
    stops = np.fromiter((s for sequence in sequences for s in sequence), np.int64, int(first[-1]))
    return stops, first


def _full_trucks(problem: RoutingProblem, dist: np.ndarray) -> tuple[Trips, np.ndarray]:
    """Stops needing more than a truck get full direct trucks first; returns the remainder."""
    remaining = problem.pallets.astype(np.int64)  # a copy
    cap = problem.capacity_pallets
    if remaining.max(initial=0) < cap:
        return Trips.empty(), remaining
    big = np.flatnonzero(remaining >= cap)
    trucks = remaining[big] // cap
    remaining[big] %= cap
    full = np.zeros_like(remaining)
    full[big] = cap
    # a stop's full trucks are the same trip, one after another
    trips = schedule_trips(problem, big, np.arange(big.size + 1), dist, full)
    return trips.repeated(trucks), remaining


class SweepRoutePlanner:
    """Sweep by polar angle, fill trucks, order each route by nearest neighbour."""

    def plan(self, problem: RoutingProblem) -> list[Route]:
        """See :class:`RoutePlanner`."""
        dist = problem.distances()
        routes, remaining = _full_trucks(problem, dist)
        stops = np.flatnonzero(remaining > 0)
        if stops.size == 0:
            return routes.routes()
        lat0, lon0 = problem.depot
        angle = np.arctan2(
            problem.lat[stops] - lat0, (problem.lon[stops] - lon0) * np.cos(np.radians(lat0))
        )
        ordered = stops[np.argsort(angle, kind="stable")]
        groups: list[list[int]] = []
        group: list[int] = []
        load = 0
        for i in ordered.tolist():
            if load + remaining[i] > problem.capacity_pallets and group:
                groups.append(_nearest_order(group, dist))
                group, load = [], 0
            group.append(i)
            load += int(remaining[i])
        groups.append(_nearest_order(group, dist))
        return routes.then(schedule_trips(problem, *_flat(groups), dist, remaining)).routes()


def _nearest_order(group: list[int], dist: np.ndarray) -> list[int]:
    todo = list(group)
    order: list[int] = []
    here = 0
    while todo:
        j = int(np.argmin(dist[here, [s + 1 for s in todo]]))
        here = todo.pop(j) + 1
        order.append(here - 1)
    return order


@dataclass(frozen=True, eq=False)
class PendingSolve:
    """A depot-day that :meth:`PyVRPRoutePlanner.begin` could not serve from its cached plan."""

    problem: RoutingProblem
    full_trucks: Trips
    """Direct full trucks for stops needing a truck or more (not part of the solve)."""
    stops: np.ndarray
    """The stops left to route (indices into the problem's stops)."""
    remaining: np.ndarray
    """Pallets left at every stop of the problem after the full trucks."""
    dist: np.ndarray
    names: list[tuple[float, float]]
    """Each routed stop's coordinates: how the cached plan knows it on later days."""


class PyVRPRoutePlanner:
    """Capacitated VRP with time windows and a shift limit, solved by PyVRP.

    ``max_iterations`` bounds each solve; ``time_limit_seconds`` (optional) also caps its wall
    time, whichever comes first — a cap that cuts a solve short makes the routes depend on
    the machine's speed, so without one ``seed`` makes every solve repeatable anywhere. Each depot keeps its last solved plan: the next day, stops
    not served are dropped from it, new stops are inserted where they add the fewest km, routes
    grown past a truck are split, and if every stop is still reached within its window and
    every trip within the driver's shift, that plan is used without solving again.
    """

    def __init__(
        self, *, time_limit_seconds: float | None = None, max_iterations: int = 300, seed: int = 0
    ) -> None:
        self.time_limit_seconds = time_limit_seconds
        self.max_iterations = max_iterations
        self.seed = seed
        self._cache: dict[tuple[float, float], tuple[list[list[tuple[float, float]]], bool]] = {}
        self.solves = 0
        self.reused = 0

    def begin(self, problem: RoutingProblem) -> Trips | PendingSolve:
        """The depot-day's trips when no solve is needed (reused), else the solve to run.

        :meth:`trips` is ``begin``, the solve, then :meth:`finish`; :func:`plan_depots` splits
        them so that several depots' solves run at once.
        """
        dist = problem.distances()
        trips, remaining = _full_trucks(problem, dist)
        stops = np.flatnonzero(remaining > 0)
        if stops.size == 0:
            return trips
        # Stops are known by their coordinates, so a cached plan carries over to days with
        # other stops: absent ones are dropped, new ones inserted where they cost least.
        names = list(zip(problem.lat[stops].tolist(), problem.lon[stops].tolist(), strict=True))
        local = dict(zip(names, stops.tolist(), strict=True))
        cached = self._cache.get(problem.depot)
        if cached is not None:
            plan, solved_feasible = cached
            planned = {n for route in plan for n in route}  # one look-up per stop, not a scan
            sequences = [[local[n] for n in route if n in local] for route in plan]
            sequences = _insert_cheapest(
                [r for r in sequences if r],
                [i for n, i in local.items() if n not in planned],
                dist,
                remaining,
                problem.capacity_pallets,
            )
            flat, first = _flat(sequences)
            # a route grown past the truck's capacity is split in visiting order
            first = _split_to_fit(flat, first, remaining, problem.capacity_pallets)
            again = schedule_trips(problem, flat, first, dist, remaining)
            # reuse routes that still work; where the solver itself found no way to meet every
            # window (a depot too far from its stores), its repaired best effort is reused too
            if not solved_feasible or again.feasible(problem):
                self.reused += 1
                return trips.then(again)
        return PendingSolve(problem, trips, stops, remaining, dist, names)

    def trips(self, problem: RoutingProblem) -> Trips:
        """The depot-day's trips: :meth:`begin`, the solve it asks for if any, :meth:`finish`."""
        planned = self.begin(problem)
        if isinstance(planned, PendingSolve):
            return self.finish(planned, solve_vrp(**self.solve_arguments(planned)))
        return planned

    def plan(self, problem: RoutingProblem) -> list[Route]:
        """See :class:`RoutePlanner`."""
        return self.trips(problem).routes()

    def finish(self, pending: PendingSolve, solution: list[list[int]]) -> Trips:
        """Schedule a solved depot-day, cache its plan for the days after, and return it."""
        problem, stops, remaining, dist = (
            pending.problem,
            pending.stops,
            pending.remaining,
            pending.dist,
        )
        visits, first = _flat(solution)
        scheduled = schedule_trips(problem, stops[visits], first, dist, remaining)
        feasible = scheduled.feasible(problem)
        by_name = dict(zip(stops.tolist(), pending.names, strict=True))
        sequences = [
            [by_name[i] for i in trip.tolist()] for trip in np.split(stops[visits], first[1:-1])
        ]
        self._cache[problem.depot] = (sequences, feasible)
        self.solves += 1
        return pending.full_trucks.then(scheduled)

    def solve_arguments(self, pending: PendingSolve) -> dict[str, Any]:
        """Keyword arguments of :func:`solve_vrp` for a pending solve (plain arrays and ints).

        A pure function of the depot-day and the planner's settings, so the solve gives the
        same routes wherever it runs (in this process or in a Ray worker).
        """
        problem, stops, pallets, dist = (
            pending.problem,
            pending.stops,
            pending.remaining,
            pending.dist,
        )
        speed = problem.speed_kmh / 60.0
        index = np.concatenate([[0], stops + 1])
        km = dist[np.ix_(index, index)]
        service = problem.service(pallets)[stops]
        windows = np.column_stack([problem.window_open[stops], problem.window_close[stops]])
        return dict(
            # units of 100 m and minutes keep distance and time warp on like scales
            distance=np.rint(km * 10).astype(np.int64),
            duration=np.rint(km / speed).astype(np.int64),
            demand=pallets[stops],
            capacity=int(problem.capacity_pallets),
            vehicles=int(stops.size),
            windows=np.rint(windows).astype(np.int64),
            service=np.rint(service).astype(np.int64),
            shift=round(problem.shift_minutes),
            departure=round(problem.departure_minute),
            seconds=self.time_limit_seconds,
            iterations=self.max_iterations,
            seed=self.seed,
            pickup=problem.pickup,
        )


NO_LIMIT = 2**62  # PyVRP's "no time window / no shift limit"


def solve_vrp(
    *,
    distance: np.ndarray,
    demand: np.ndarray,
    capacity: int,
    vehicles: int,
    duration: np.ndarray | None = None,
    windows: np.ndarray | None = None,
    service: np.ndarray | None = None,
    shift: int | None = None,
    departure: int = 0,
    seconds: float | None = 1.0,
    iterations: int | None = None,
    seed: int = 0,
    pickup: bool = False,
) -> list[list[int]]:
    """Solve a CVRP(TW) given as integer matrices with PyVRP; routes as client indices (0-based).

    Node 0 of ``distance``/``duration`` is the depot, node ``c + 1`` client ``c``. With
    ``pickup``, ``demand`` is picked up at each client and brought to the depot.
    """
    from pyvrp import solve
    from pyvrp.exceptions import PenaltyBoundWarning
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

    data = vrp_data(
        distance=distance,
        demand=demand,
        capacity=capacity,
        vehicles=vehicles,
        duration=duration,
        windows=windows,
        service=service,
        shift=shift,
        departure=departure,
        pickup=pickup,
    )
    criteria: list[StoppingCriterion] = []
    if seconds is not None:
        criteria.append(MaxRuntime(seconds))
    if iterations is not None:
        criteria.append(MaxIterations(iterations))
    if not criteria:
        raise ValueError("solve_vrp needs a time limit (seconds) or an iteration limit")
    with warnings.catch_warnings():
        # A tight instance (windows that cannot all be met) makes PyVRP warn that its
        # penalties hit their bound; the best effort it returns is still used.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = solve(
            data, stop=MultipleCriteria(criteria), seed=_solver_seed(seed), display=False
        )
    routes = []
    for route in result.best.routes():
        visits = [int(a.idx) for a in route.schedule() if a.is_client()]
        if visits:
            routes.append(visits)
    served = sorted(c for route in routes for c in route)
    n = len(demand)
    if served != list(range(n)):  # pragma: no cover - required clients are always served
        raise RuntimeError("the VRP solver left clients unserved")
    return routes


def _solver_seed(seed: int) -> int:
    """PyVRP's generator takes a 32-bit seed: larger run seeds are folded into one, repeatably.

    Seeds below 2**32 pass unchanged (so routes do not move); a run's seed may go up to 2**63.
    """
    if 0 <= seed < 2**32:
        return seed
    return int(np.random.SeedSequence(seed).generate_state(1, dtype=np.uint32)[0])


def vrp_data(
    *,
    distance: np.ndarray,
    demand: np.ndarray,
    capacity: int,
    vehicles: int,
    duration: np.ndarray | None = None,
    windows: np.ndarray | None = None,
    service: np.ndarray | None = None,
    shift: int | None = None,
    departure: int = 0,
    pickup: bool = False,
) -> Any:
    """PyVRP's ``ProblemData`` of :func:`solve_vrp`'s instance, built from the matrices.

    The same data ``pyvrp.Model`` builds (a test holds the two equal), without its edge
    objects: ``Model.add_edge`` is a Python call per ordered pair of nodes, 1.6 million calls
    for a platform's 1,250 stops, where the matrices here are handed over as they are.
    """
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType

    n = len(demand)
    locations = [Location(x=float(c), y=0.0) for c in range(n + 1)]
    loads = np.asarray(demand, dtype=np.int64).tolist()
    early = np.zeros(n, dtype=np.int64) if windows is None else windows[:, 0]
    late = np.full(n, NO_LIMIT, dtype=np.int64) if windows is None else windows[:, 1]
    durations = np.zeros(n, dtype=np.int64) if service is None else service
    clients = [
        Client(
            location=c + 1,
            delivery=[0] if pickup else [load],
            pickup=[load] if pickup else [],
            service_duration=int(durations[c]),
            tw_early=int(early[c]),
            tw_late=int(late[c]),
        )
        for c, load in enumerate(loads)
    ]
    vehicle_type = VehicleType(
        num_available=vehicles,
        capacity=[capacity],
        tw_early=departure,
        shift_duration=shift if shift is not None else NO_LIMIT,
    )
    # (PyVRP's stubs type a matrix as ndarray[int], which no real array matches)
    distances: list[Any] = [np.ascontiguousarray(distance, dtype=np.int64)]
    durations_matrix: list[Any] = [
        np.ascontiguousarray(distance if duration is None else duration, dtype=np.int64)
    ]
    return ProblemData(
        locations, clients, [Depot(location=0)], [vehicle_type], distances, durations_matrix
    )


def _insert_cheapest(
    sequences: list[list[int]], new: list[int], dist: np.ndarray, pallets: np.ndarray, capacity: int
) -> list[list[int]]:
    """Insert each new stop where it adds the fewest km to a route with room, else alone."""
    routes = [list(r) for r in sequences]
    for stop in new:
        best: tuple[float, int, int] | None = None
        for r, route in enumerate(routes):
            if pallets[route].sum() + pallets[stop] > capacity:
                continue
            nodes = [0, *[s + 1 for s in route], 0]
            for position in range(len(nodes) - 1):
                a, b = nodes[position], nodes[position + 1]
                extra = dist[a, stop + 1] + dist[stop + 1, b] - dist[a, b]
                if best is None or extra < best[0]:
                    best = (float(extra), r, position)
        if best is None:
            routes.append([stop])
        else:
            routes[best[1]].insert(best[2], stop)
    return routes


def _split_to_fit(
    stops: np.ndarray, first: np.ndarray, pallets: np.ndarray, capacity: int
) -> np.ndarray:
    """Cut each trip, in visiting order, into pieces that fit one truck: the pieces' ``first``.

    The stops stay in their order; only the trips whose load passes the truck's are cut.
    """
    if not stops.size:
        return first
    load = pallets[stops]
    per_trip = np.add.reduceat(load, first[:-1])
    if per_trip.max() <= capacity:
        return first
    over = np.flatnonzero(per_trip > capacity)
    cuts: list[int] = []
    for trip in over.tolist():
        a, b = int(first[trip]), int(first[trip + 1])
        piece, carried = a, 0  # where the piece in hand begins, its pallets
        for at, count in enumerate(load[a:b].tolist(), start=a):
            if at > piece and carried + count > capacity:
                cuts.append(at)
                piece, carried = at, 0
            carried += count
    return np.union1d(first, cuts).astype(np.int64)


#: Routing solvers by name (the scenario's ``carrier.routing.solver``): each entry builds a
#: planner from the routing settings and the run's seed.
ROUTERS: Registry[Callable[[RoutingSpec, int], RoutePlanner]] = Registry("routing solver")
ROUTERS.register(
    "pyvrp",
    lambda spec, seed: PyVRPRoutePlanner(
        time_limit_seconds=spec.time_limit_seconds, max_iterations=spec.max_iterations, seed=seed
    ),
)
ROUTERS.register("sweep", lambda spec, seed: SweepRoutePlanner())


def router_from_spec(spec: RoutingSpec, seed: int) -> RoutePlanner:
    """The route planner a scenario's ``carrier.routing`` settings name."""
    return ROUTERS[spec.solver](spec, seed)


# -- a day's depots at once --------------------------------------------------------------------


class SolvePool(Protocol):
    """Runs PyVRP solves (:func:`solve_vrp` keyword arguments); routes in the same order."""

    def map(self, solves: list[dict[str, Any]]) -> list[list[list[int]]]:
        """Each solve's routes, as :func:`solve_vrp` returns them."""
        ...


class RaySolvePool:
    """Solves as Ray tasks, ``workers`` in flight at once (one CPU each).

    Each solve is a pure function of its arguments (the seed among them), so where and in
    which order the solves run changes the time, never the routes. A single solve runs in this
    process: shipping it to a worker would only add the transfer.
    """

    def __init__(self, ray: Any, workers: int) -> None:
        self.ray = ray
        self.workers = workers
        self._task = ray.remote(num_cpus=1, max_retries=0)(_solve_task)
        self.worker_pids: list[int] = []
        """Process ids of the workers :meth:`warm_up` started (benchmarks read their CPU)."""

    def warm_up(self) -> None:
        """Start one worker per slot and import PyVRP there (Ray's start-up, not a day's)."""
        warm = self.ray.remote(num_cpus=1)(_import_pyvrp)
        pids = self.ray.get([warm.remote(self.workers) for _ in range(self.workers)])
        self.worker_pids = sorted(set(pids))

    def map(self, solves: list[dict[str, Any]]) -> list[list[list[int]]]:
        """See :class:`SolvePool`."""
        if len(solves) < 2:
            return [solve_vrp(**kwargs) for kwargs in solves]
        ray = self.ray
        out: dict[int, list[list[int]]] = {}
        pending: dict[Any, int] = {}
        queue = list(enumerate(solves))
        try:
            # at most ``workers`` solves in flight: their matrices stay few in the object store
            while queue or pending:
                while queue and len(pending) < self.workers:
                    i, kwargs = queue.pop(0)
                    pending[self._task.remote(kwargs)] = i
                ready, _ = ray.wait(list(pending), num_returns=1)
                for ref in ready:
                    i = pending.pop(ref)
                    try:
                        out[i] = ray.get(ref)
                    except ray.exceptions.RayTaskError as error:  # the solve's own error
                        raise _cause(error) from None
        finally:
            for ref in pending:
                ray.cancel(ref, force=True)
        return [out[i] for i in range(len(solves))]


class ActorSolvePool:
    """Solves shared by this process and Ray actors that have a ``solve`` method.

    A sharded run's stores' actors (:class:`crossdock.shard.Sharding`) are idle while the
    carrier routes: their day is done. Of a day's solves this process takes every
    ``len(actors) + 1``-th, the first among them; each actor a share of the others, sent
    before this process starts its own. Each solve is a pure function of its arguments, so
    the routes are those of one solve after another.
    """

    def __init__(
        self,
        ray: Any,
        actors: list[Any],
        quiet: Callable[[], AbstractContextManager[Any]] | None = None,
    ) -> None:
        self.ray = ray
        self.actors = actors
        #: a block this process solves in (its own shard stops drawing demand ahead there)
        self.quiet = quiet if quiet is not None else nullcontext

    def map(self, solves: list[dict[str, Any]]) -> list[list[list[int]]]:
        """See :class:`SolvePool`."""
        every = len(self.actors) + 1
        if len(solves) < 2 or every == 1:
            return [solve_vrp(**kwargs) for kwargs in solves]
        refs = {
            i: self.actors[i % every - 1].solve.remote(kwargs)
            for i, kwargs in enumerate(solves)
            if i % every
        }
        with self.quiet():
            out = {i: solve_vrp(**kwargs) for i, kwargs in enumerate(solves) if not i % every}
        try:
            out.update(zip(refs, self.ray.get(list(refs.values())), strict=True))
        except self.ray.exceptions.RayTaskError as error:
            raise _cause(error) from None
        return [out[i] for i in range(len(solves))]


def _cause(error: BaseException) -> BaseException:
    """The solve's own error inside a Ray task's error (the task's error if it has none)."""
    cause = getattr(error, "cause", None)
    return cause if isinstance(cause, BaseException) else error


@contextmanager
def solve_pool(pool: SolvePool | None) -> Iterator[SolvePool | None]:
    """Plan depots with ``pool`` inside the block, unless a pool is open already (kept)."""
    if pool is None or _POOL.get() is not None:
        yield _POOL.get()
        return
    token = _POOL.set(pool)
    try:
        yield pool
    finally:
        _POOL.reset(token)


def _solve_task(kwargs: dict[str, Any]) -> list[list[int]]:
    """One solve in a Ray worker."""
    return solve_vrp(**kwargs)


def _import_pyvrp(slots: int) -> int:
    """A warm-up task: import PyVRP; wait briefly so each slot gets its own worker."""
    import os
    import time

    import pyvrp  # noqa: F401

    if slots > 1:
        time.sleep(0.5)
    return os.getpid()


_POOL: ContextVar[SolvePool | None] = ContextVar("crossdock_routing_pool", default=None)


def current_pool() -> SolvePool | None:
    """The solve pool :func:`routing_workers` opened around this code, if any."""
    return _POOL.get()


@contextmanager
def routing_workers(workers: int = 1, address: str | None = None) -> Iterator[SolvePool | None]:
    """Route each day's depots in parallel, as Ray tasks, inside the block.

    ``workers`` is the number of solves at once; 1 (the default) routes in this process, one
    depot after another, and starts nothing. More starts a local Ray instance with that many
    CPUs for the block (or connects to ``address``; a Ray session already open, such as an
    experiment's, is used as it is). A pool already open around the block is kept. The routes
    are the same whatever the number of workers.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        from crossdock.errors import ParameterError

        raise ParameterError("routing", "workers", "an int >= 1", workers)
    if _POOL.get() is not None or (workers == 1 and address is None):
        yield _POOL.get()
        return
    from crossdock.experiments._ray import ray_session

    with ray_session(workers, address) as ray:
        pool = RaySolvePool(ray, workers)
        pool.warm_up()
        token = _POOL.set(pool)
        try:
            yield pool
        finally:
            _POOL.reset(token)


def plan_depots(
    jobs: list[tuple[RoutePlanner, RoutingProblem]], pool: SolvePool | None = None
) -> list[Trips]:
    """Plan several depot-days: the trips of ``planner.plan(problem)`` for each in turn.

    Without a pool the jobs are planned one after another. With one, each
    :class:`PyVRPRoutePlanner` checks reuse in this process (its cache stays here) and the
    solves it cannot avoid go to the pool together. A planner that sees the same depot twice
    plans it in two rounds, so the second sees the first's cached plan, as in turn it would.
    Other planners plan in this process, in turn.
    """
    if pool is None:
        return [_trips_of(planner, problem) for planner, problem in jobs]
    results: list[Trips | None] = [None] * len(jobs)
    todo = list(range(len(jobs)))
    while todo:
        later: list[int] = []
        seen: set[tuple[int, tuple[float, float]]] = set()
        pending: list[tuple[int, PyVRPRoutePlanner, PendingSolve]] = []
        for i in todo:
            planner, problem = jobs[i]
            if not isinstance(planner, PyVRPRoutePlanner):
                results[i] = _trips_of(planner, problem)
                continue
            key = (id(planner), problem.depot)
            if key in seen:
                later.append(i)
                continue
            seen.add(key)
            planned = planner.begin(problem)
            if isinstance(planned, PendingSolve):
                pending.append((i, planner, planned))
            else:
                results[i] = planned
        solved = pool.map([planner.solve_arguments(p) for _, planner, p in pending])
        for (i, planner, p), solution in zip(pending, solved, strict=True):
            results[i] = planner.finish(p, solution)
        todo = later
    return [r if r is not None else Trips.empty() for r in results]


def _trips_of(planner: RoutePlanner, problem: RoutingProblem) -> Trips:
    """A planner's plan of a depot-day as trips (PyVRP's planner schedules them as such)."""
    if isinstance(planner, PyVRPRoutePlanner):
        return planner.trips(problem)
    return Trips.of(planner.plan(problem))
