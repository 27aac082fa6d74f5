"""Same seed, same demand: however the work is split into blocks, shards or processes."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
from tests.demand.conftest import with_generator

from crossdock.demand import DemandModel
from crossdock.scenario import Scenario, generate_scenario

DAYS = 70


def draw(
    scenario: Scenario, seed: int, stores: list[int] | None = None, block_days: int = 28
) -> np.ndarray:
    model = DemandModel(scenario, seed, stores=stores, block_days=block_days)
    return np.stack([model.daily(d).copy() for d in range(DAYS)])


def shard(stores: list[int], generator: str) -> np.ndarray:
    """Runs in a worker process: rebuild the scenario there, draw only these stores."""
    scenario = generate_scenario(
        n_stores=4, n_skus=60, horizon_days=120, seed=3, realistic_demand=True
    )
    return draw(with_generator(scenario, generator), 11, stores)


def test_sharded_over_processes_equals_one_process(hyper_small: Scenario, generator: str) -> None:
    hyper_small = with_generator(hyper_small, generator)
    whole = draw(hyper_small, 11)
    with ProcessPoolExecutor(max_workers=2) as pool:
        parts = list(pool.map(shard, [[0, 2], [1, 3]], [generator] * 2))
    assert np.array_equal(parts[0], whole[:, [0, 2]])
    assert np.array_equal(parts[1], whole[:, [1, 3]])
    assert whole.sum() > 0


def test_block_size_does_not_change_demand(hyper_small: Scenario, generator: str) -> None:
    hyper_small = with_generator(hyper_small, generator)
    a = draw(hyper_small, 5, block_days=28)
    assert np.array_equal(a, draw(hyper_small, 5, block_days=1))
    assert np.array_equal(a, draw(hyper_small, 5, block_days=DAYS))


def test_a_single_store_shard_matches(hyper_small: Scenario, generator: str) -> None:
    hyper_small = with_generator(hyper_small, generator)
    whole = draw(hyper_small, 5)
    for s in range(hyper_small.n_stores):
        assert np.array_equal(draw(hyper_small, 5, [s])[:, 0], whole[:, s])


def test_seeds_differ(hyper_small: Scenario, generator: str) -> None:
    hyper_small = with_generator(hyper_small, generator)
    assert not np.array_equal(draw(hyper_small, 5), draw(hyper_small, 6))
