"""Routing with PyVRP: windows, shifts, capacity, reuse; load plans; route files."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossdock import load_scenario, simulate
from crossdock.routing import (
    LoadPlan,
    PyVRPRoutePlanner,
    Route,
    RoutingProblem,
    SweepRoutePlanner,
    load_plan,
)

DEPOT = (48.7056, 2.3125)


def problem(
    lat, lon, pallets, *, open_=None, close=None, capacity=33, shift=600.0
) -> RoutingProblem:
    n = len(lat)
    return RoutingProblem(
        depot=DEPOT,
        lat=np.asarray(lat, dtype=float),
        lon=np.asarray(lon, dtype=float),
        pallets=np.asarray(pallets, dtype=np.int64),
        window_open=np.zeros(n) if open_ is None else np.asarray(open_, dtype=float),
        window_close=np.full(n, 1440.0) if close is None else np.asarray(close, dtype=float),
        capacity_pallets=capacity,
        shift_minutes=shift,
    )


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    n=st.integers(1, 9),
    capacity=st.integers(5, 33),
    seed=st.integers(0, 1000),
)
def test_pyvrp_serves_every_pallet_within_capacity(n, capacity, seed) -> None:
    rng = np.random.default_rng(seed)
    lat = DEPOT[0] + rng.uniform(-0.8, 0.8, n)
    lon = DEPOT[1] + rng.uniform(-1.0, 1.0, n)
    pallets = rng.integers(1, 2 * capacity, n)
    routes = PyVRPRoutePlanner(max_iterations=100).plan(
        problem(lat, lon, pallets, capacity=capacity, shift=2000)
    )
    delivered = Counter()
    for route in routes:
        assert sum(route.pallets) <= capacity
        for stop, count in zip(route.stops, route.pallets, strict=True):
            delivered[stop] += count
    assert dict(delivered) == {i: int(p) for i, p in enumerate(pallets)}


def test_windows_split_stops_over_trucks() -> None:
    # Two stops 100 km apart in opposite directions, both to be served between 06:00 and 07:00:
    # one truck cannot do both, so the solver sends two and both arrive on time.
    lat = [DEPOT[0] + 0.7, DEPOT[0] - 0.7]
    lon = [DEPOT[1], DEPOT[1]]
    p = problem(lat, lon, [3, 3], open_=[360, 360], close=[420, 420])
    routes = PyVRPRoutePlanner(max_iterations=300).plan(p)
    assert len(routes) == 2
    for route in routes:
        assert all(
            p.window_open[s] <= a <= p.window_close[s]
            for s, a in zip(route.stops, route.arrivals, strict=True)
        )
    # the sweep heuristic ignores windows and puts both on one truck, late at the second
    (sweep,) = SweepRoutePlanner().plan(p)
    assert sweep.arrivals[1] > p.window_close[sweep.stops[1]]


def test_driver_shift_limits_a_route() -> None:
    # Four stops ~80 km out in four directions: one 12-hour trip, or several within 5 hours.
    lat = [DEPOT[0] + 0.55, DEPOT[0] - 0.55, DEPOT[0], DEPOT[0]]
    lon = [DEPOT[1], DEPOT[1], DEPOT[1] + 0.8, DEPOT[1] - 0.8]
    long_shift = PyVRPRoutePlanner().plan(problem(lat, lon, [1, 1, 1, 1], shift=2000))
    short_shift = PyVRPRoutePlanner().plan(problem(lat, lon, [1, 1, 1, 1], shift=300))
    assert len(long_shift) == 1
    assert len(short_shift) > 1
    assert all(r.end - r.start <= 300 + 1e-6 for r in short_shift)


def test_routes_are_reused_when_the_stops_repeat() -> None:
    planner = PyVRPRoutePlanner(max_iterations=100)
    lat = DEPOT[0] + np.array([0.1, -0.2, 0.3])
    lon = DEPOT[1] + np.array([0.2, 0.1, -0.3])
    first = planner.plan(problem(lat, lon, [5, 6, 7]))
    again = planner.plan(problem(lat, lon, [4, 6, 8]))  # same stops, still fits
    assert (planner.solves, planner.reused) == (1, 1)
    assert [r.stops for r in again] == [r.stops for r in first]
    # no longer fits one truck: the plan is split, in visiting order, not solved again
    heavy = planner.plan(problem(lat, lon, [30, 30, 30]))
    assert (planner.solves, planner.reused) == (1, 2)
    assert all(sum(r.pallets) <= 33 for r in heavy)
    assert sorted(s for r in heavy for s in r.stops) == [0, 1, 2]


def test_a_new_stop_is_inserted_and_a_missing_one_dropped() -> None:
    planner = PyVRPRoutePlanner(max_iterations=100)
    lat = DEPOT[0] + np.array([0.1, -0.2, 0.3, 0.12])
    lon = DEPOT[1] + np.array([0.2, 0.1, -0.3, 0.22])
    planner.plan(problem(lat[:3], lon[:3], [5, 6, 7]))
    # tomorrow: stop 1 gets nothing, a fourth store (next to stop 0) does
    keep = [0, 2, 3]
    routes = planner.plan(problem(lat[keep], lon[keep], [5, 7, 2]))
    assert (planner.solves, planner.reused) == (1, 1)
    assert sorted(s for r in routes for s in r.stops) == [0, 1, 2]
    with_new = next(r for r in routes if 2 in r.stops)
    assert 0 in with_new.stops  # inserted beside its neighbour


def test_a_plan_that_breaks_a_window_is_solved_again() -> None:
    planner = PyVRPRoutePlanner(max_iterations=200)
    lat = [DEPOT[0] + 0.7, DEPOT[0] + 0.7]  # both ~80 km north, ~75 km apart
    lon = [DEPOT[1] - 0.5, DEPOT[1] + 0.5]
    first = planner.plan(problem(lat, lon, [3, 3], close=[1440, 1440]))
    assert len(first) == 1  # one truck does both when time allows
    tight = problem(lat, lon, [3, 3], open_=[360, 360], close=[420, 420])
    routes = planner.plan(tight)
    assert planner.solves == 2 and len(routes) == 2
    for route in routes:
        assert all(
            a <= tight.window_close[s] for s, a in zip(route.stops, route.arrivals, strict=True)
        )


def test_pyvrp_drives_no_further_than_the_sweep() -> None:
    sc = load_scenario()
    for p in range(sc.n_platforms):
        stores = np.flatnonzero(sc.platform_of_store == p)
        day = problem(
            sc.store_lat[stores],
            sc.store_lon[stores],
            np.full(stores.size, 6),
            open_=sc.window_open_min[stores],
            close=sc.window_close_min[stores],
        )
        day = RoutingProblem(
            **{**day.__dict__, "depot": (float(sc.platform_lat[p]), float(sc.platform_lon[p]))}
        )
        vrp = PyVRPRoutePlanner(max_iterations=500).plan(day)
        sweep = SweepRoutePlanner().plan(day)
        late = sum(
            a > day.window_close[s] for r in vrp for s, a in zip(r.stops, r.arrivals, strict=True)
        )
        assert late == 0
        assert sum(r.km for r in vrp) <= sum(r.km for r in sweep) * 1.10 or len(vrp) >= len(sweep)


# -- load plans ------------------------------------------------------------------------------
@settings(max_examples=100, derandomize=True)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=8))
def test_last_stop_loaded_first_unloads_cleanly(pallets) -> None:
    route = Route(stops=tuple(range(len(pallets))), pallets=tuple(pallets), km=0.0)
    plan = load_plan(route)
    assert len(plan.positions) == sum(pallets)
    assert plan.unloads_cleanly(route.stops)
    # the first stop's pallets are at the door (the highest positions)
    assert set(plan.positions[-pallets[0] :]) == {0}


def test_a_wrong_load_order_is_caught() -> None:
    route = Route(stops=(0, 1), pallets=(2, 2), km=0.0)
    wrong = LoadPlan(tuple(reversed(load_plan(route).positions)))  # first stop at the cab
    assert not wrong.unloads_cleanly(route.stops)


# -- in a run ----------------------------------------------------------------------------------
def test_run_writes_routes_and_driver_sheets(tmp_path) -> None:
    from crossdock.scenario import generate_scenario

    result = simulate(
        generate_scenario(n_stores=4, n_skus=24, horizon_days=12, warm_up_days=1), mode="shared"
    )
    result.write(tmp_path)
    stops = result.table("route_stops")
    assert len(stops) > 0
    geo = json.loads((tmp_path / "routes.geojson").read_text())
    lines = [f for f in geo["features"] if f["geometry"]["type"] == "LineString"]
    points = [f for f in geo["features"] if f["geometry"]["type"] == "Point"]
    assert len(points) == len(stops)
    assert len(lines) == stops.groupby(["day", "depot_gln", "route"]).ngroups
    for line in lines:  # depot → stops → depot
        coordinates = line["geometry"]["coordinates"]
        assert coordinates[0] == coordinates[-1]
        assert len(coordinates) == line["properties"]["stops"] + 2
    sheet = (tmp_path / "driver_sheets.csv").read_text().splitlines()
    assert sheet[0].startswith("day,depot_gln,route,stop,store_gln")
    assert len(sheet) == len(stops) + 1
    # every stop's pallets sit nearer the door than those of the stops after it
    for _, route in stops.groupby(["day", "depot_gln", "route"]):
        route = route.sort_values("stop_order")
        assert (np.diff(route.floor_first.to_numpy()) < 0).all()
    kpis = result.kpis
    assert 0 < kpis["deliveries_on_time"] <= 1 and kpis["co2_kg"] > 0 and kpis["driver_hours"] > 0


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_transport_kpis_add_up(mode) -> None:
    from crossdock.scenario import generate_scenario

    result = simulate(
        generate_scenario(n_stores=3, n_skus=18, horizon_days=15, warm_up_days=0), mode=mode
    )
    transport = result.transport
    spec = result.scenario.spec.carrier
    expected_co2 = transport.km.sum() * spec.trucks[0].co2_kg_per_km
    assert result.kpis["co2_kg"] == pytest.approx(expected_co2)
    stops = result.table("route_stops")
    assert result.kpis["deliveries_on_time"] == pytest.approx(stops.on_time.mean())


def test_trips_beyond_the_fleet_are_counted() -> None:
    from crossdock.scenario import compile_scenario, generate_spec

    spec = generate_spec(n_stores=6, n_skus=24, n_platforms=1, horizon_days=10, warm_up_days=0)
    small_fleet = spec.carrier.model_copy(
        update={"trucks": [spec.carrier.trucks[0].model_copy(update={"count": 1})]}
    )
    big = simulate(compile_scenario(spec), mode="shared")
    tight = simulate(
        compile_scenario(spec.model_copy(update={"carrier": small_fleet})), mode="shared"
    )
    transport = tight.transport
    outbound = transport[transport.leg == "outbound"].groupby("day").trucks.sum()
    assert (
        big.kpis["truck_trips_over_fleet"] == 0
        or big.kpis["truck_trips_over_fleet"] < tight.kpis["truck_trips_over_fleet"]
    )
    assert tight.kpis["truck_trips_over_fleet"] == (outbound - 1).clip(lower=0).sum() > 0


def test_routes_do_not_depend_on_the_machines_speed_by_default(monkeypatch) -> None:
    """Without a time limit every solve runs its iterations: a slow clock changes nothing.

    The clock PyVRP's runtime criterion reads is made to jump 10 s per look, as on a machine
    a thousand times slower; with a 1 s cap the search then stops after its first iteration.
    """
    import sys

    import pyvrp.stop

    runtime = sys.modules[pyvrp.stop.MaxRuntime.__module__]

    rng = np.random.default_rng(7)
    day = problem(
        DEPOT[0] + rng.uniform(-0.6, 0.6, 40),
        DEPOT[1] + rng.uniform(-0.9, 0.9, 40),
        rng.integers(1, 6, 40),
        capacity=12,
    )
    quick = PyVRPRoutePlanner(max_iterations=200, seed=3).plan(day)
    capped_quick = PyVRPRoutePlanner(max_iterations=200, seed=3, time_limit_seconds=1.0).plan(day)
    ticks = iter(range(0, 10**9, 10))
    monkeypatch.setattr(runtime.time, "perf_counter", lambda: float(next(ticks)))
    slow = PyVRPRoutePlanner(max_iterations=200, seed=3).plan(day)
    capped_slow = PyVRPRoutePlanner(max_iterations=200, seed=3, time_limit_seconds=1.0).plan(day)
    assert [r.stops for r in slow] == [r.stops for r in quick]
    # the premise: a cap does make routes depend on the clock (here, worse after 1 iteration)
    assert sum(r.km for r in capped_slow) > sum(r.km for r in capped_quick)


@pytest.mark.parametrize("seed", [2**32, 2**63 - 1])
def test_run_seeds_beyond_32_bits_route_repeatably(seed) -> None:
    """A scenario seed may be up to 2**63; PyVRP's is 32-bit, so large ones are folded."""
    rng = np.random.default_rng(11)
    day = problem(
        DEPOT[0] + rng.uniform(-0.6, 0.6, 12),
        DEPOT[1] + rng.uniform(-0.9, 0.9, 12),
        rng.integers(1, 6, 12),
        capacity=10,
    )
    first = PyVRPRoutePlanner(max_iterations=50, seed=seed).plan(day)
    again = PyVRPRoutePlanner(max_iterations=50, seed=seed).plan(day)
    assert [r.stops for r in first] == [r.stops for r in again]
    assert sorted(s for r in first for s in r.stops) == list(range(12))
