"""Each day's depots routed in parallel: the same routes and tables as one after another.

:func:`crossdock.routing.plan_depots` checks route reuse in the driver and sends only the
solves to a pool. A pool that runs the solves in reverse order (in this process) checks the
bookkeeping without Ray; one run with two Ray workers checks the whole path against one worker.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from crossdock.errors import ParameterError
from crossdock.routing import (
    ActorSolvePool,
    PendingSolve,
    PyVRPRoutePlanner,
    RoutingProblem,
    SweepRoutePlanner,
    current_pool,
    plan_depots,
    routing_workers,
    solve_pool,
    solve_vrp,
)
from crossdock.scenario import compile_scenario, generate_spec
from crossdock.simulate import simulate


class ReversedPool:
    """Solves in reverse order, in this process: order must not matter."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def map(self, solves: list[dict[str, Any]]) -> list[list[list[int]]]:
        self.batches.append(len(solves))
        return [solve_vrp(**kwargs) for kwargs in reversed(solves)][::-1]


def problem(depot: tuple[float, float], seed: int, n: int = 12) -> RoutingProblem:
    rng = np.random.default_rng(seed)
    return RoutingProblem(
        depot=depot,
        lat=depot[0] + rng.uniform(-0.6, 0.6, n),
        lon=depot[1] + rng.uniform(-0.8, 0.8, n),
        pallets=rng.integers(1, 12, n),
        window_open=np.full(n, 300.0),
        window_close=np.full(n, 900.0),
        capacity_pallets=33,
    )


def days_of_jobs(planners: list[Any]) -> list[list[tuple[Any, RoutingProblem]]]:
    """Three days of four depots; one depot twice on day 1, and new stops on day 2."""
    depots = [(48.8, 2.3), (45.7, 4.8), (43.3, 5.4), (47.2, -1.5)]
    days = []
    for day in range(3):
        jobs = [
            (planners[d % len(planners)], problem(at, seed=d + 10 * (day == 2)))
            for d, at in enumerate(depots)
        ]
        if day == 1:
            jobs.append((planners[0], problem(depots[0], seed=99)))
        days.append(jobs)
    return days


def test_plan_depots_with_a_pool_gives_the_routes_planned_in_turn() -> None:
    def planners() -> list[Any]:
        return [
            PyVRPRoutePlanner(max_iterations=50),
            PyVRPRoutePlanner(max_iterations=50, seed=3),
            SweepRoutePlanner(),
        ]

    in_turn, pooled = planners(), planners()
    pool = ReversedPool()
    for jobs_a, jobs_b in zip(days_of_jobs(in_turn), days_of_jobs(pooled), strict=True):
        expected = [planner.plan(p) for planner, p in jobs_a]
        assert [trips.routes() for trips in plan_depots(jobs_b, pool)] == expected
    for a, b in zip(in_turn[:2], pooled[:2], strict=True):
        assert (a.solves, a.reused) == (b.solves, b.reused)
    assert sum(p.solves for p in pooled[:2]) > 2  # several solves went to the pool
    assert max(pool.batches) >= 2  # ... together
    assert in_turn[0].reused > 0  # and route reuse still served some depot-days


def test_one_worker_starts_nothing_and_bad_counts_are_refused() -> None:
    with routing_workers(1) as pool:
        assert pool is None and current_pool() is None
    with pytest.raises(ParameterError, match="routing_workers"):
        simulate(
            compile_scenario(generate_spec(n_stores=3, n_skus=12, horizon_days=20, warm_up_days=2)),
            routing_workers=0,
        )


def test_two_ray_workers_give_the_tables_of_one() -> None:
    pytest.importorskip("ray")
    scenario = compile_scenario(
        generate_spec(
            n_stores=20, n_skus=24, n_platforms=4, horizon_days=24, warm_up_days=4, seed=8
        )
    )
    one = simulate(scenario, mode="shared", routing_workers=1)
    two = simulate(scenario, mode="shared", routing_workers=2)
    routes = one.tables["route_stops"]
    assert len(set(routes["depot_gln"].to_pylist())) >= 3  # several platforms' routes per day
    assert one.tables.keys() == two.tables.keys()
    for name in one.tables:
        assert one.tables[name].equals(two.tables[name]), name
    assert one.kpis == two.kpis


def test_the_command_line_refuses_a_bad_routing_workers_count() -> None:
    from crossdock.cli import EXIT_USER_ERROR, invoke

    assert invoke(["run", "--routing-workers", "0"]) == EXIT_USER_ERROR
    assert invoke(["compare", "--replications", "2", "--routing-workers", "2"]) == EXIT_USER_ERROR


class _FakeActor:
    """A shard actor's ``solve`` (called at once); counts what it was sent."""

    def __init__(self, fail: bool = False) -> None:
        self.sent = 0
        self.fail = fail
        self.solve = self

    def remote(self, kwargs: dict[str, Any]) -> Any:
        self.sent += 1
        if self.fail:
            return _Failed(ValueError("no routes"))
        return solve_vrp(**kwargs)


class _Failed:
    def __init__(self, cause: BaseException) -> None:
        self.cause = cause


class _TaskError(Exception):
    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


class _FakeRay:
    exceptions = type("exceptions", (), {"RayTaskError": _TaskError})

    def get(self, refs: list[Any]) -> list[Any]:
        for ref in refs:
            if isinstance(ref, _Failed):
                raise _TaskError(ref.cause)
        return refs


def test_actors_and_this_process_share_a_days_solves_with_the_same_routes() -> None:
    actors = [_FakeActor(), _FakeActor()]
    pool = ActorSolvePool(_FakeRay(), actors)
    in_turn = PyVRPRoutePlanner(max_iterations=50)
    pooled = PyVRPRoutePlanner(max_iterations=50)
    for jobs_a, jobs_b in zip(days_of_jobs([in_turn]), days_of_jobs([pooled]), strict=True):
        expected = [planner.plan(p) for planner, p in jobs_a]
        assert [trips.routes() for trips in plan_depots(jobs_b, pool)] == expected
    # of each batch, this process takes every third solve (the first among them)
    assert actors[0].sent >= 1 and actors[1].sent >= 1
    assert actors[0].sent + actors[1].sent < pooled.solves


def test_a_solve_that_fails_in_an_actor_raises_its_own_error() -> None:
    pool = ActorSolvePool(_FakeRay(), [_FakeActor(fail=True)])
    planner = PyVRPRoutePlanner(max_iterations=20)
    pending = [planner.begin(problem(at, seed=1)) for at in ((48.8, 2.3), (45.7, 4.8))]
    solves = [planner.solve_arguments(p) for p in pending if isinstance(p, PendingSolve)]
    assert len(solves) == 2
    with pytest.raises(ValueError, match="no routes"):
        pool.map(solves)


def test_a_pool_already_open_is_kept() -> None:
    outer = ReversedPool()
    with solve_pool(outer):
        with solve_pool(ActorSolvePool(_FakeRay(), [])):
            assert current_pool() is outer
    assert current_pool() is None
    with solve_pool(None):
        assert current_pool() is None
