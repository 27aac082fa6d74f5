"""The sweep route planner: every stop served once, no truck overloaded, km that add up."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossdock._kernels import haversine_km
from crossdock.routing import (
    Route,
    RoutePlanner,
    RoutingProblem,
    SweepRoutePlanner,
    Trips,
    _split_to_fit,
    floor_spans,
    load_plan,
    schedule_trips,
)

DEPOT = (48.7056, 2.3125)  # Chilly-Mazarin
ROAD = 1.3


def plan_day(planner, lat, lon, pallets, capacity) -> list[Route]:
    """Routes for one day with windows and shifts wide enough not to matter."""
    problem = RoutingProblem(
        depot=DEPOT,
        lat=lat,
        lon=lon,
        pallets=pallets,
        window_open=np.zeros(len(lat)),
        window_close=np.full(len(lat), 10_000.0),
        capacity_pallets=capacity,
        road_factor=ROAD,
        shift_minutes=100_000.0,
    )
    return planner.plan(problem)


def route_km(route: Route, lat: np.ndarray, lon: np.ndarray) -> float:
    """Road km of a route recomputed leg by leg: depot → stops in order → depot."""
    points = [DEPOT, *[(lat[i], lon[i]) for i in route.stops], DEPOT]
    return sum(float(haversine_km(a[0], a[1], b[0], b[1])) * ROAD for a, b in pairwise(points))


@st.composite
def days(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    n = draw(st.integers(1, 15))
    capacity = draw(st.integers(1, 40))
    lat = np.array(draw(st.lists(st.floats(43.0, 51.0), min_size=n, max_size=n)))
    lon = np.array(draw(st.lists(st.floats(-1.0, 7.0), min_size=n, max_size=n)))
    pallets = np.array(
        draw(st.lists(st.integers(0, 3 * capacity), min_size=n, max_size=n)), dtype=np.int64
    )
    return lat, lon, pallets, capacity


def test_sweep_is_a_route_planner() -> None:
    planner: RoutePlanner = SweepRoutePlanner()
    assert callable(planner.plan)


@settings(max_examples=200, deadline=None)
@given(days())
def test_every_stop_is_served_and_no_truck_is_overloaded(day) -> None:
    lat, lon, pallets, capacity = day
    routes = plan_day(SweepRoutePlanner(), lat, lon, pallets, capacity)
    delivered = Counter()
    shared_visits = Counter()
    for route in routes:
        assert len(route.stops) == len(route.pallets) >= 1
        assert len(set(route.stops)) == len(route.stops)  # no stop twice on one truck
        assert sum(route.pallets) <= capacity
        assert all(p > 0 for p in route.pallets)
        for stop, p in zip(route.stops, route.pallets, strict=True):
            delivered[stop] += p
            if p < capacity or len(route.stops) > 1:
                shared_visits[stop] += 1
    # Every pallet of every stop is delivered, and nothing else.
    assert dict(delivered) == {i: int(p) for i, p in enumerate(pallets) if p > 0}
    # Apart from full direct trucks, each stop is visited by exactly one truck.
    assert all(v == 1 for v in shared_visits.values())
    for i, p in enumerate(pallets):
        full = sum(1 for r in routes if r.stops == (i,) and r.pallets == (capacity,))
        assert full == p // capacity
    # Trucks: as many full ones as needed, and the partial loads never fit in fewer trucks.
    assert len(routes) >= -(-int(pallets.sum()) // capacity)


@settings(max_examples=100, deadline=None)
@given(days())
def test_route_km_is_depot_to_stops_and_back(day) -> None:
    lat, lon, pallets, capacity = day
    for route in plan_day(SweepRoutePlanner(), lat, lon, pallets, capacity):
        assert route.km == pytest.approx(route_km(route, lat, lon), rel=1e-9, abs=1e-9)


def test_a_stop_over_capacity_gets_full_direct_trucks() -> None:
    lat = np.array([48.62, 47.90])
    lon = np.array([2.43, 1.91])
    routes = plan_day(SweepRoutePlanner(), lat, lon, np.array([70, 5]), 33)
    full = [r for r in routes if r.pallets == (33,)]
    assert [r.stops for r in full] == [(0,), (0,)]
    rest = [r for r in routes if r not in full]
    (mixed,) = rest  # 4 + 5 pallets share one truck
    assert sorted(zip(mixed.stops, mixed.pallets, strict=True)) == [(0, 4), (1, 5)]
    d0 = float(haversine_km(DEPOT[0], DEPOT[1], lat[0], lon[0])) * ROAD
    assert full[0].km == pytest.approx(2 * d0)


def test_exactly_a_truckload_needs_no_second_visit() -> None:
    routes = plan_day(SweepRoutePlanner(), np.array([48.0]), np.array([2.0]), np.array([33]), 33)
    assert [(r.stops, r.pallets) for r in routes] == [((0,), (33,))]


def test_no_pallets_no_routes() -> None:
    assert (
        plan_day(SweepRoutePlanner(), np.array([48.0, 47.0]), np.array([2.0, 3.0]), np.zeros(2), 33)
        == []
    )


def test_trucks_fill_in_sweep_order_then_visit_nearest_first() -> None:
    # Three stops due south of the depot, at 10, 50 and 100 km, listed out of order.
    lat = DEPOT[0] - np.array([50.0, 10.0, 100.0]) / 111.2
    lon = np.full(3, DEPOT[1])
    (route,) = plan_day(SweepRoutePlanner(), lat, lon, np.array([5, 5, 5]), 33)
    assert route.stops == (1, 0, 2)
    assert route.km == pytest.approx(2 * 100 * ROAD, rel=0.01)


def test_a_full_truck_sends_the_next_stop_to_a_new_truck() -> None:
    lat = np.array([48.0, 48.0, 48.0])
    lon = np.array([2.0, 2.1, 2.2])
    routes = plan_day(SweepRoutePlanner(), lat, lon, np.array([20, 20, 10]), 33)
    assert len(routes) == 2
    assert sorted(sum(r.pallets) for r in routes) == [20, 30]


def drive(problem: RoutingProblem, stops: list[int], dist: np.ndarray, pallets: np.ndarray):
    """The trip stop by stop on the arrays (the reference for the batched scheduler)."""
    speed = problem.speed_kmh / 60.0
    travel = dist[0, stops[0] + 1] / speed
    start = max(problem.departure_minute, float(problem.window_open[stops[0]]) - travel)
    t, here, km, arrivals = start, 0, 0.0, []
    for stop in stops:
        km += dist[here, stop + 1]
        t += dist[here, stop + 1] / speed
        t = max(t, float(problem.window_open[stop]))
        arrivals.append(t)
        t += float(problem.service(pallets)[stop])
        here = stop + 1
    km += dist[here, 0]
    t += dist[here, 0] / speed
    return tuple(stops), tuple(int(pallets[s]) for s in stops), float(km), tuple(arrivals), start, t


@settings(max_examples=100, deadline=None)
@given(days(), st.randoms(use_true_random=False))
def test_trips_scheduled_together_are_each_trip_driven_stop_by_stop(day, rng) -> None:
    lat, lon, pallets, capacity = day
    n = lat.size
    opens = np.array([rng.uniform(300, 900) for _ in range(n)])
    problem = RoutingProblem(
        depot=DEPOT,
        lat=lat,
        lon=lon,
        pallets=pallets,
        window_open=opens,
        window_close=opens + 120.0,
        capacity_pallets=capacity,
        road_factor=ROAD,
        shift_minutes=600.0,
    )
    order = list(range(n))
    rng.shuffle(order)
    cuts = sorted(rng.sample(range(1, n), rng.randint(0, n - 1))) if n > 1 else []
    first = [0, *cuts, n]
    sequences = [order[a:b] for a, b in pairwise(first)]
    dist = problem.distances()
    trips = schedule_trips(problem, np.array(order), np.array(first), dist, pallets)
    routes = trips.routes()
    for route, sequence in zip(routes, sequences, strict=True):
        fields = (route.stops, route.pallets, route.km, route.arrivals, route.start, route.end)
        assert fields == drive(problem, sequence, dist, pallets)  # the same floats, exactly
        late = any(
            a > problem.window_close[s] + 1e-6
            for s, a in zip(route.stops, route.arrivals, strict=True)
        )
        feasible = Trips.of([route]).feasible(problem)
        assert feasible == (not late and route.end - route.start <= 600.0 + 1e-6)
    assert trips.feasible(problem) == all(Trips.of([r]).feasible(problem) for r in routes)
    assert Trips.of(routes).routes() == routes
    assert trips.total_km() == sum(r.km for r in routes)
    assert trips.total_hours() == sum(r.hours for r in routes)


def test_a_trip_waits_for_the_window_then_unloads() -> None:
    # one stop 100 road km away at 60 km/h: 100 minutes' drive, opening at minute 500
    problem = RoutingProblem(
        depot=(0.0, 0.0),
        lat=np.zeros(1),
        lon=np.zeros(1),
        pallets=np.array([4]),
        window_open=np.array([500.0]),
        window_close=np.array([600.0]),
        capacity_pallets=33,
        speed_kmh=60.0,
        service_minutes=10.0,
        service_minutes_per_pallet=2.5,
        departure_minute=300.0,
        km=np.array([[0.0, 100.0], [100.0, 0.0]]),
    )
    (route,) = schedule_trips(
        problem, np.array([0]), np.array([0, 1]), problem.distances(), problem.pallets
    ).routes()
    assert route.start == 400.0  # leaves in time to arrive as the window opens
    assert route.arrivals == (500.0,)
    assert route.end == 500.0 + 10.0 + 4 * 2.5 + 100.0
    assert route.km == 200.0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 5)), min_size=1, max_size=8))
def test_floor_spans_are_the_load_plans_first_and_last_positions(
    stops: list[tuple[int, int]],
) -> None:
    """Read off the counts or off the floor (a stop visited twice), the spans are the floor's."""
    route = Route(stops=tuple(s for s, _ in stops), pallets=tuple(c for _, c in stops), km=1.0)
    floor = load_plan(route).positions
    expected = [
        (floor.index(stop), len(floor) - 1 - floor[::-1].index(stop)) if stop in floor else (-1, -1)
        for stop in route.stops
    ]
    assert floor_spans(route) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 6), st.integers(0, 5)), min_size=1, max_size=6),
        min_size=1,
        max_size=6,
    )
)
def test_the_trips_floor_spans_are_each_routes(trips: list[list[tuple[int, int]]]) -> None:
    """Worked out for every trip at once, the spans are each route's own (stops visited twice
    included)."""
    routes = [
        Route(tuple(s for s, _ in t), tuple(c for _, c in t), 1.0, (0.0,) * len(t)) for t in trips
    ]
    first_at, last_at = Trips.of(routes).floor_spans()
    expected = [span for route in routes for span in floor_spans(route)]
    assert list(zip(first_at.tolist(), last_at.tolist(), strict=True)) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(1, 20), min_size=1, max_size=6), min_size=1, max_size=6),
    st.integers(1, 33),
)
def test_trips_past_a_truck_are_cut_in_visiting_order(
    loads: list[list[int]], capacity: int
) -> None:
    """Each piece fits (or is a single stop), and the pieces are the trips cut greedily."""
    pallets = np.array([p for trip in loads for p in trip])
    stops = np.arange(pallets.size)
    first = np.concatenate([[0], np.cumsum([len(t) for t in loads])])
    cut = _split_to_fit(stops, first, pallets, capacity)
    expected = [0]
    for a, b in pairwise(first.tolist()):
        carried = 0
        for at in range(a, b):
            if at > expected[-1] and carried + pallets[at] > capacity:
                expected.append(at)
                carried = 0
            carried += int(pallets[at])
        if expected[-1] != b:
            expected.append(b)
    assert cut.tolist() == expected


def test_trips_repeated_and_joined_are_the_routes_repeated_and_joined() -> None:
    one = Route((2, 0), (3, 4), 10.0, (60.0, 90.0), 30.0, 120.0)
    two = Route((1,), (33,), 5.0, (45.0,), 40.0, 80.0)
    trips = Trips.of([one, two])
    assert trips.repeated(np.array([2, 3])).routes() == [one, one, two, two, two]
    assert trips.repeated(np.array([0, 1])).routes() == [two]
    assert trips.then(Trips.of([two])).routes() == [one, two, two]
    assert Trips.empty().then(trips).routes() == [one, two]
    assert Trips.empty().routes() == [] and Trips.empty().total_km() == 0


def test_routes_without_an_arrival_a_stop_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="route 1: 2 stops, 2 pallet counts and 0 arrivals"):
        Trips.of([Route((0,), (3,), 1.0, (60.0,)), Route((1, 2), (3, 4), 1.0)])
    with pytest.raises(ValueError, match="route 0: 0 stops"):
        Trips.of([Route((), (), 0.0)])
