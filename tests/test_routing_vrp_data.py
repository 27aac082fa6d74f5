"""PyVRP's problem data built from matrices equals what ``pyvrp.Model`` builds edge by edge."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock.routing import solve_vrp, vrp_data


def _model_data(instance: dict, pickup: bool):
    """The reference: the instance through ``pyvrp.Model``, one ``add_edge`` per pair."""
    from pyvrp import Model

    n = len(instance["demand"])
    model = Model()
    locations = [model.add_location(x=0.0, y=0.0)]
    model.add_depot(locations[0])
    for c in range(n):
        locations.append(model.add_location(x=float(c), y=0.0))
        load = [int(instance["demand"][c])]
        model.add_client(
            locations[-1],
            delivery=[0] if pickup else load,
            pickup=load if pickup else [],
            service_duration=int(instance["service"][c]),
            tw_early=int(instance["windows"][c, 0]),
            tw_late=int(instance["windows"][c, 1]),
        )
    model.add_vehicle_type(
        num_available=n,
        capacity=[instance["capacity"]],
        tw_early=instance["departure"],
        shift_duration=instance["shift"],
    )
    for a, frm in enumerate(locations):
        for b, to in enumerate(locations):
            model.add_edge(
                frm,
                to,
                distance=int(instance["distance"][a, b]),
                duration=int(instance["duration"][a, b]),
            )
    return model.data()


def _instance(seed: int, n: int) -> dict:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 500, (n + 1, 2))
    km = np.linalg.norm(xy[:, None] - xy[None], axis=2)
    opening = rng.integers(0, 300, n)
    return {
        "distance": np.rint(km * 10).astype(np.int64),
        "duration": np.rint(km / 1.2).astype(np.int64),
        "demand": rng.integers(1, 12, n),
        "capacity": 33,
        "windows": np.column_stack([opening, opening + rng.integers(120, 600, n)]),
        "service": rng.integers(10, 40, n),
        "shift": 600,
        "departure": 0,
    }


def _arrays(data) -> list:
    clients = [
        (c.location, list(c.delivery), list(c.pickup), c.service_duration, c.tw_early, c.tw_late)
        for c in data.clients()
    ]
    vehicles = [
        (v.num_available, list(v.capacity), v.tw_early, v.tw_late, v.shift_duration)
        for v in data.vehicle_types()
    ]
    return [clients, vehicles, data.num_locations, data.num_depots]


@pytest.mark.parametrize("pickup", [False, True])
@pytest.mark.parametrize(("seed", "n"), [(1, 5), (2, 30)])
def test_matrix_data_equals_the_models(seed: int, n: int, pickup: bool) -> None:
    instance = _instance(seed, n)
    ours = vrp_data(
        distance=instance["distance"],
        demand=instance["demand"],
        capacity=instance["capacity"],
        vehicles=n,
        duration=instance["duration"],
        windows=instance["windows"],
        service=instance["service"],
        shift=instance["shift"],
        departure=instance["departure"],
        pickup=pickup,
    )
    reference = _model_data(instance, pickup)
    assert _arrays(ours) == _arrays(reference)
    assert np.array_equal(ours.distance_matrix(0), reference.distance_matrix(0))
    assert np.array_equal(ours.duration_matrix(0), reference.duration_matrix(0))


def test_solutions_equal_the_models_for_the_same_seed() -> None:
    from pyvrp import solve
    from pyvrp.stop import MaxIterations

    instance = _instance(3, 25)
    routes = solve_vrp(
        distance=instance["distance"],
        demand=instance["demand"],
        capacity=instance["capacity"],
        vehicles=25,
        duration=instance["duration"],
        windows=instance["windows"],
        service=instance["service"],
        shift=instance["shift"],
        seconds=60.0,
        iterations=200,
        seed=5,
    )
    result = solve(_model_data(instance, False), stop=MaxIterations(200), seed=5, display=False)
    reference = [
        [int(a.idx) for a in route.schedule() if a.is_client()] for route in result.best.routes()
    ]
    assert routes == [r for r in reference if r]
