from __future__ import annotations

import numpy as np
import pytest
from tests.demand.conftest import with_generator

from crossdock.demand import DemandModel
from crossdock.scenario import compile_scenario, generate_scenario, generate_spec


@pytest.fixture(scope="module")
def scenario():
    return generate_scenario(n_stores=4, n_skus=30, horizon_days=200, seed=3)


def draw(model: DemandModel, days: int) -> np.ndarray:
    return np.stack([model.daily(d).copy() for d in range(days)])


def test_block_size_does_not_change_demand(scenario, generator: str) -> None:
    scenario = with_generator(scenario, generator)
    a = draw(DemandModel(scenario, 1, block_days=28), 90)
    b = draw(DemandModel(scenario, 1, block_days=7), 90)
    c = draw(DemandModel(scenario, 1, block_days=90), 90)
    assert np.array_equal(a, b) and np.array_equal(a, c)


def test_each_store_has_its_own_stream(scenario, generator: str) -> None:
    """A store's demand does not depend on how many stores come after it."""
    scenario = with_generator(scenario, generator)
    spec = generate_spec(n_stores=4, n_skus=30, horizon_days=200, seed=3)
    fewer = with_generator(
        compile_scenario(spec.model_copy(update={"stores": spec.stores[:2]})), generator
    )
    full = draw(DemandModel(scenario, 5), 40)
    part = draw(DemandModel(fewer, 5), 40)
    assert np.array_equal(full[:, :2], part)


def test_mean_follows_rates_sizes_and_weekdays(scenario, generator: str) -> None:
    scenario = with_generator(scenario, generator)
    model = DemandModel(scenario, 2)
    days = 196
    demand = draw(model, days)
    expected = np.stack([model.mean(d) for d in range(days)])
    # the total's standard deviation under the gamma-mixed Poisson model: var = mu + mu^2 / k
    sd = np.sqrt((expected + expected**2 / model.shapes[None]).sum())
    assert abs(demand.sum() - expected.sum()) < 3.29 * sd  # 99.9% two-sided
    weekday_totals = [demand[w::7].sum() for w in range(7)]
    expected_totals = [expected[w::7].sum() for w in range(7)]
    assert np.corrcoef(weekday_totals, expected_totals)[0, 1] > 0.9


def test_negative_binomial_is_overdispersed(generator: str) -> None:
    spec = generate_spec(n_stores=2, n_skus=12, horizon_days=300, seed=4)
    spec = spec.model_copy(
        update={
            "demand": spec.demand.model_copy(
                update={
                    "distribution": "negative_binomial",
                    "dispersion": 1.0,
                    "weekday_profile": [1.0] * 7,
                }
            )
        }
    )
    sc = with_generator(compile_scenario(spec), generator)
    demand = draw(DemandModel(sc, 8), 300)
    fast = np.argmax(sc.base_rate)
    series = demand[:, 0, fast]
    assert series.var() > 1.5 * series.mean()


def test_days_must_come_in_order(scenario) -> None:
    model = DemandModel(scenario, 1)
    model.daily(0)
    with pytest.raises(ValueError, match="day order"):
        model.daily(60)


def test_a_stores_demand_follows_its_gln_not_its_place(scenario, generator: str) -> None:
    """Streams are keyed by GLN: the stores in another order draw the same demand each."""
    scenario = with_generator(scenario, generator)
    reordered = compile_scenario(
        scenario.spec.model_copy(update={"stores": list(reversed(scenario.spec.stores))})
    )
    a = draw(DemandModel(scenario, 7), 30)
    b = draw(DemandModel(reordered, 7), 30)
    order = [list(reordered.store_gln).index(g) for g in scenario.store_gln]
    assert np.array_equal(a, b[:, order])


def test_a_day_drawn_into_rows_of_a_larger_array_is_the_same(scenario, generator: str) -> None:
    """``daily(out=)`` (a shard's blocks of stores drawn into one day's rows) draws the same."""
    scenario = with_generator(scenario, generator)
    whole = DemandModel(scenario, 4)
    halves = [DemandModel(scenario, 4, stores=rows) for rows in ([0, 1], [2, 3])]
    day = np.full((4, scenario.n_skus), -7, dtype=np.int32)
    for d in range(20):
        for i, model in enumerate(halves):
            assert model.daily(d, out=day[2 * i : 2 * i + 2]) is not None
        assert np.array_equal(day, whole.daily(d))
        day[...] = -7  # every cell is written again the next day


def test_a_wrong_array_for_the_day_is_refused(scenario) -> None:
    model = DemandModel(scenario, 1)
    for out in (
        np.empty((4, scenario.n_skus), dtype=np.int64),
        np.empty((3, scenario.n_skus), dtype=np.int32),
        np.empty((scenario.n_skus, 4), dtype=np.int32).T,
    ):
        with pytest.raises(ValueError, match="C-contiguous int32"):
            model.daily(0, out=out)
