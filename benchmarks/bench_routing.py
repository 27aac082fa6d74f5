"""Routing: PyVRP (crossdock's default) against OR-Tools and the sweep heuristic.

Public instances with best-known solutions (benchmarks/instances/) give each solver's gap;
crossdock's own depot-days give the routing time per platform-day. OR-Tools runs in the
reference environment (.venv-ref, made by `make bench`), on the very same integer matrices.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from crossdock import load_scenario
from crossdock.routing import (
    PyVRPRoutePlanner,
    RoutingProblem,
    SweepRoutePlanner,
    plan_depots,
    routing_workers,
    solve_vrp,
)

HERE = Path(__file__).resolve().parent
REF_PYTHON = HERE.parent / ".venv-ref" / "bin" / "python"


def read_cvrp(path: Path) -> dict:
    lines = path.read_text().split("\n")
    i, j, k = (lines.index(s) for s in ("NODE_COORD_SECTION", "DEMAND_SECTION", "DEPOT_SECTION"))
    xy = np.array([[float(v) for v in line.split()[1:]] for line in lines[i + 1 : j]])
    demand = [int(line.split()[1]) for line in lines[j + 1 : k]]
    capacity = int(next(line for line in lines if line.startswith("CAPACITY")).split(":")[1])
    distance = np.rint(np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1))).astype(np.int64)
    return {"distance": distance, "demand": demand, "capacity": capacity, "vehicles": 4, "scale": 1}


def read_solomon(path: Path, scale: int = 10) -> dict:
    rows = [line.split() for line in path.read_text().split("\n")[9:] if line.strip()]
    data = np.array(rows, dtype=float)
    xy = data[:, 1:3]
    distance = np.rint(np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1)) * scale).astype(np.int64)
    return {
        "distance": distance,
        "demand": data[:, 3].astype(int).tolist(),
        "capacity": 200,
        "vehicles": 25,
        "windows": (data[:, 4:6] * scale).astype(int).tolist(),
        "service": (data[:, 6] * scale).astype(int).tolist(),
        "horizon": int(data[0, 5] * scale),
        "scale": scale,
    }


def route_cost(distance: np.ndarray, routes: list[list[int]]) -> int:
    """Distance of routes given as client indices 0-based (node = client + 1)."""
    total = 0
    for route in routes:
        nodes = [0, *[c + 1 for c in route], 0]
        total += sum(int(distance[a, b]) for a, b in itertools.pairwise(nodes))
    return total


def pyvrp(problem: dict, seconds: float) -> tuple[int, float]:
    distance = np.asarray(problem["distance"])
    windows = np.asarray(problem["windows"])[1:] if "windows" in problem else None
    service = np.asarray(problem["service"])[1:] if "service" in problem else None
    start = time.perf_counter()
    routes = solve_vrp(
        distance=distance,
        demand=np.asarray(problem["demand"][1:]),
        capacity=problem["capacity"],
        vehicles=problem["vehicles"],
        windows=windows,
        service=service,
        seconds=seconds,
    )
    return route_cost(distance, routes), time.perf_counter() - start


def ortools(problem: dict, seconds: float) -> tuple[int | None, float]:
    if not REF_PYTHON.exists():
        return None, 0.0
    plain = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in problem.items()}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(plain, handle)
    done = subprocess.run(
        [str(REF_PYTHON), str(HERE / "reference_ortools.py"), handle.name, str(seconds)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["cost"], result["seconds"]


def platform_day(n_stores: int, seed: int = 0) -> RoutingProblem:
    """One platform's deliveries: the built-in scenario's, or ``n_stores`` around Chilly-Mazarin."""
    sc = load_scenario()
    if n_stores == 0:
        stores = np.flatnonzero(sc.platform_of_store == 0)
        lat, lon = sc.store_lat[stores], sc.store_lon[stores]
        opens = sc.window_open_min[stores].astype(float)
        pallets = np.full(stores.size, 4)
    else:
        rng = np.random.default_rng(seed)
        lat = sc.platform_lat[0] + rng.normal(0, 0.5, n_stores)
        lon = sc.platform_lon[0] + rng.normal(0, 0.7, n_stores)
        opens = rng.choice([300.0, 360.0, 420.0], n_stores)
        pallets = rng.integers(1, 9, n_stores)
    return RoutingProblem(
        depot=(float(sc.platform_lat[0]), float(sc.platform_lon[0])),
        lat=lat,
        lon=lon,
        pallets=pallets,
        window_open=opens,
        window_close=opens + 240,
        capacity_pallets=33,
    )


def as_matrices(problem: RoutingProblem) -> dict:
    km = problem.distances()
    n = len(problem.lat)
    windows = [
        [0, 24 * 60],
        *np.column_stack([problem.window_open, problem.window_close]).astype(int).tolist(),
    ]
    return {
        "distance": np.rint(km * 10).astype(np.int64),
        "time": np.rint(km / (problem.speed_kmh / 60)).astype(np.int64).tolist(),
        "demand": [0, *problem.pallets.astype(int).tolist()],
        "capacity": problem.capacity_pallets,
        "vehicles": n,
        "windows": windows,
        "service": [0, *np.rint(problem.service(problem.pallets)).astype(int).tolist()],
        "horizon": 24 * 60 * 2,
    }


def main() -> None:
    print("Public instances (cost against best known; same time limit for both solvers):")
    print(f"{'instance':<12}{'best known':>12}{'PyVRP':>10}{'gap':>8}{'OR-Tools':>10}{'gap':>8}")
    for name, problem, best in (
        ("E-n22-k4", read_cvrp(HERE / "instances" / "E-n22-k4.vrp"), 375.0),
        ("C101", read_solomon(HERE / "instances" / "C101.txt"), 828.94),
    ):
        scale = problem["scale"]
        ours, _ = pyvrp(problem, 2.0)
        theirs, _ = ortools(problem, 2.0)
        ours_cost = ours / scale
        text = f"{name:<12}{best:>12.2f}{ours_cost:>10.1f}{ours_cost / best - 1:>8.1%}"
        if theirs is not None:
            text += f"{theirs / scale:>10.1f}{theirs / scale / best - 1:>8.1%}"
        else:
            text += f"{'n/a':>10}{'':>8}"
        print(text)

    print("\nPlatform-days (routing time and km; crossdock's settings: 300 iterations, 1 s cap):")
    print(
        f"{'depot-day':<30}{'stops':>6}{'PyVRP s':>9}{'km':>9}{'OR-Tools s':>11}{'km':>9}{'sweep km':>10}{'late':>6}"
    )
    for label, n in (("built-in platform", 0), ("generated, 200 stores", 200)):
        day = platform_day(n)
        start = time.perf_counter()
        routes = PyVRPRoutePlanner(max_iterations=300, time_limit_seconds=1.0).plan(day)
        elapsed = time.perf_counter() - start
        km = sum(r.km for r in routes)
        sweep = SweepRoutePlanner().plan(day)
        sweep_late = sum(
            a > day.window_close[s] for r in sweep for s, a in zip(r.stops, r.arrivals, strict=True)
        )
        matrices = as_matrices(day)
        theirs, their_s = ortools(matrices, max(elapsed, 0.1))
        their_km = f"{theirs / 10:>9.0f}" if theirs is not None else f"{'n/a':>9}"
        print(
            f"{label:<30}{len(day.lat):>6}{elapsed:>9.2f}{km:>9.0f}{their_s:>11.2f}{their_km}"
            f"{sum(r.km for r in sweep):>10.0f}{sweep_late:>6}"
        )
    print("late: stops the sweep heuristic (which ignores delivery windows) reaches after closing.")

    print("\nBuilding the VRP data (CPU s): pyvrp.Model edge by edge against the matrices as given")
    print(f"{'stops':>6}{'Model':>9}{'matrices':>10}{'ratio':>8}")
    for n in (250, 1250):
        problem = as_matrices(platform_day(n))
        cpu = time.process_time()
        model_data(problem)
        by_model = time.process_time() - cpu
        cpu = time.process_time()
        matrix_data(problem)
        by_matrix = time.process_time() - cpu
        print(f"{n:>6}{by_model:>9.2f}{by_matrix:>10.3f}{by_model / max(by_matrix, 1e-9):>7.0f}×")

    parallel_day()


def _windows(problem: dict, n: int) -> np.ndarray:
    windows = problem.get("windows")
    return np.array(windows[1:] if windows else [[0, 2**62]] * n, dtype=np.int64).reshape(n, 2)


def model_data(problem: dict) -> object:
    """The reference: one ``Model.add_edge`` call per ordered pair of nodes."""
    from pyvrp import Model

    distance = np.asarray(problem["distance"])
    n = len(distance) - 1
    windows = _windows(problem, n)
    model = Model()
    locations = [model.add_location(x=0.0, y=0.0)]
    model.add_depot(locations[0])
    for c in range(n):
        locations.append(model.add_location(x=float(c), y=0.0))
        model.add_client(
            locations[-1],
            delivery=[int(problem["demand"][c + 1])],
            tw_early=int(windows[c, 0]),
            tw_late=int(windows[c, 1]),
        )
    model.add_vehicle_type(num_available=n, capacity=[int(problem["capacity"])])
    for a, frm in enumerate(locations):
        for b, to in enumerate(locations):
            model.add_edge(frm, to, distance=int(distance[a, b]), duration=int(distance[a, b]))
    return model.data()


def matrix_data(problem: dict) -> object:
    """crossdock's :func:`crossdock.routing.vrp_data` on the same instance."""
    from crossdock.routing import vrp_data

    distance = np.asarray(problem["distance"])
    n = len(distance) - 1
    return vrp_data(
        distance=distance,
        demand=np.asarray(problem["demand"][1:]),
        capacity=int(problem["capacity"]),
        vehicles=n,
        windows=_windows(problem, n),
    )


def many_depots(depots: int, stops: int) -> list[RoutingProblem]:
    """A day of ``depots`` depot-days of ``stops`` stores each, around the scenario's platforms."""
    sc = load_scenario()
    days = []
    for d in range(depots):
        rng = np.random.default_rng(d)
        lat0 = float(sc.platform_lat[d % sc.n_platforms]) + 0.01 * d  # one depot each
        lon0 = float(sc.platform_lon[d % sc.n_platforms])
        opens = rng.choice([300.0, 360.0, 420.0], stops)
        days.append(
            RoutingProblem(
                depot=(lat0, lon0),
                lat=lat0 + rng.normal(0, 0.5, stops),
                lon=lon0 + rng.normal(0, 0.7, stops),
                pallets=rng.integers(1, 9, stops),
                window_open=opens,
                window_close=opens + 240,
                capacity_pallets=33,
            )
        )
    return days


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes (Ray's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def parallel_day(depots: int = 8, stops: int = 300, workers: int = 2, rounds: int = 3) -> None:
    """A day of many depots routed one after another, then ``workers`` at a time on Ray.

    Every depot-day needs a solve (fresh planners: no cached plan to reuse), crossdock's
    settings (300 iterations, no time cap). CPU time is the driver's plus Ray's workers' (read
    from /proc), so the extra work of going parallel shows; Ray's start-up (with one worker
    per slot importing PyVRP) is timed apart. Each is timed ``rounds`` times, alternated;
    the fastest round of each is printed. The routes are checked equal.
    """
    print(
        f"\nA day of {depots} depots x {stops} stops, every one solved "
        f"(300 iterations, no cap), 1 worker in process against {workers} on Ray:"
    )
    day = many_depots(depots, stops)

    def jobs() -> list[tuple[PyVRPRoutePlanner, RoutingProblem]]:
        return [(PyVRPRoutePlanner(max_iterations=300), p) for p in day]

    wall = time.perf_counter()
    with routing_workers(workers) as pool:
        start = time.perf_counter() - wall
        pids = pool.worker_pids  # type: ignore[union-attr]
        ones, twos = [], []
        for _ in range(rounds):  # alternated, so a change in the machine's load hits both
            cpu, wall = time.process_time(), time.perf_counter()
            one = plan_depots(jobs())  # type: ignore[arg-type]
            ones.append((time.perf_counter() - wall, time.process_time() - cpu))
            cpu, wall = time.process_time(), time.perf_counter()
            each = [_cpu_seconds([pid]) for pid in pids]
            two = plan_depots(jobs(), pool)  # type: ignore[arg-type]
            driver = time.process_time() - cpu
            each = [_cpu_seconds([pid]) - before for pid, before in zip(pids, each, strict=True)]
            twos.append((time.perf_counter() - wall, driver + sum(each), driver, max(each)))
    (one_wall, one_cpu), (two_wall, two_cpu, two_driver, busiest) = min(ones), min(twos)
    assert [t.routes() for t in one] == [t.routes() for t in two], (
        "parallel routing changed the routes"
    )
    print(f"{'workers':>8}{'wall s':>9}{'CPU s':>9}")
    print(f"{1:>8}{one_wall:>9.2f}{one_cpu:>9.2f}")
    print(
        f"{workers:>8}{two_wall:>9.2f}{two_cpu:>9.2f}   (of which the driver {two_driver:.2f} s: "
        f"reuse checks, schedules, Ray's calls; Ray start-up apart: {start:.1f} s wall)"
    )
    print(
        f"speed-up on CPU time (each worker on a core of its own): "
        f"{one_cpu / (two_driver + busiest):.2f}x (1 worker's CPU over the driver's plus the "
        f"busiest worker's: {busiest:.2f} s)"
    )
    print(
        f"speed-up {one_wall / two_wall:.2f}x wall, CPU ratio {two_cpu / one_cpu:.2f} "
        f"(same run, fastest of {rounds}; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores)"
    )
