"""The compiled ``pcg64`` day (crossdock.demand._pcg64) draws NumPy's numbers, bit for bit.

The kernel calls NumPy's own gamma and Poisson routines on each store's bit generators; these
tests hold it to the model's NumPy calls (``CROSSDOCK_NUMBA=0``) on the demand laws a scenario
can have (Poisson, negative binomial, intermittent slow movers with a finite or an infinite
shape elsewhere, promotions, zero and large means), on the streams' state after the draws,
and on copies and pickles of a model, whose streams sit at other addresses. Seeds are fixed.
"""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from crossdock.demand import DemandModel, _pcg64
from crossdock.errors import ScenarioError
from crossdock.scenario import Scenario, compile_scenario, generate_scenario

pytestmark = pytest.mark.skipif(
    _pcg64.routines() is None, reason="this NumPy build does not export its draw routines"
)

DAYS = 30


def _law(scenario: Scenario, **demand: object) -> Scenario:
    spec = scenario.spec
    law = type(spec.demand).model_validate({**spec.demand.model_dump(), **demand})
    return compile_scenario(spec.model_copy(update={"demand": law}))


def _days(
    scenario: Scenario, numba: str, monkeypatch: pytest.MonkeyPatch, seed: int = 9
) -> np.ndarray:
    monkeypatch.setenv("CROSSDOCK_NUMBA", numba)
    model = DemandModel(scenario, seed)
    assert (model._pcg64_kernel() is not None) == (numba == "1")
    days = np.stack([model.daily(d).copy() for d in range(DAYS)])
    # the streams are left where NumPy's calls leave them: the next draws are the same too
    after = [(g.random(), c.random()) for g, c in model._streams]
    return days, after


LAWS = {
    "poisson": {"distribution": "poisson"},
    "negative binomial": {"distribution": "negative_binomial", "dispersion": 1.7},
    "slow movers, mixed elsewhere": {
        "distribution": "negative_binomial",
        "dispersion": 2.5,
        "intermittent": {"below_rate": 0.6, "dispersion": 0.3},
    },
    "slow movers, Poisson elsewhere": {
        "distribution": "poisson",
        "intermittent": {"below_rate": 0.6, "dispersion": 0.3},
    },
    "slow movers' shape above the others'": {
        "distribution": "negative_binomial",
        "dispersion": 0.2,
        "intermittent": {"below_rate": 0.6, "dispersion": 0.9},
    },
}


@pytest.mark.parametrize("law", LAWS)
def test_the_kernel_draws_numpys_numbers(law: str, monkeypatch: pytest.MonkeyPatch) -> None:
    base = generate_scenario(
        n_stores=7, n_skus=300, horizon_days=60, seed=11, realistic_demand=True
    )
    scenario = _law(base, **LAWS[law])
    assert scenario.spec.demand.promotions  # stores join 0, 1 or more promotions
    compiled, after = _days(scenario, "1", monkeypatch)
    numpy_days, numpy_after = _days(scenario, "0", monkeypatch)
    assert compiled.sum() > 0
    assert np.array_equal(compiled, numpy_days)
    assert after == numpy_after


def test_large_and_zero_means_draw_numpys_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Means from 0 to the thousands: NumPy's Poisson by multiplication and by PTRS."""
    scenario = generate_scenario(n_stores=3, n_skus=200, horizon_days=40, seed=5)
    rates = np.geomspace(1e-3, 3e3, 200)
    rates[::17] = 0.0
    scenario = _law(scenario, distribution="negative_binomial").replace(base_rate=rates)
    compiled, after = _days(scenario, "1", monkeypatch)
    numpy_days, numpy_after = _days(scenario, "0", monkeypatch)
    assert compiled.max() > 1000 and (compiled[:, :, ::17] == 0).all()
    assert np.array_equal(compiled, numpy_days) and after == numpy_after


def test_copies_and_pickles_draw_from_their_own_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy's streams sit at other addresses: it goes on as the original does."""
    monkeypatch.setenv("CROSSDOCK_NUMBA", "1")
    scenario = generate_scenario(n_stores=5, n_skus=120, horizon_days=40, seed=2)
    model = DemandModel(scenario, 3)
    for d in range(5):
        model.daily(d)
    twins = [copy.deepcopy(model), pickle.loads(pickle.dumps(model))]
    assert "_stream_addresses" not in pickle.loads(pickle.dumps(model)).__dict__
    ahead = [model.daily(d).copy() for d in range(5, 12)]
    for twin in twins:
        assert all(np.array_equal(twin.daily(d), ahead[d - 5]) for d in range(5, 12))


def test_a_store_left_to_numpy_raises_what_numpy_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mean past what the kernel draws goes to NumPy's Poisson: the same located error."""
    scenario = generate_scenario(n_stores=2, n_skus=20, horizon_days=10, seed=1)
    rates = scenario.base_rate.copy()
    rates[3] *= 1e10
    scenario = scenario.replace(base_rate=rates)
    messages = []
    for numba in ("1", "0"):
        monkeypatch.setenv("CROSSDOCK_NUMBA", numba)
        with pytest.raises(ScenarioError) as error:
            DemandModel(scenario, 4).daily(0)
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    assert "more than a store × SKU quantity can hold" in messages[0]


def test_the_kernel_returns_stores_it_cannot_draw() -> None:
    """Shapes NumPy refuses are left before any draw; bad means after the gamma draws."""
    kernels = _pcg64.compiled()
    routines = _pcg64.routines()
    streams = [np.random.default_rng(i) for i in range(4)]
    gammas = np.array([_pcg64.address(g) for g in streams[:2]], dtype=np.uint64)
    counts = np.array([_pcg64.address(c) for c in streams[2:]], dtype=np.uint64)
    n = 6
    out = np.zeros((2, n), dtype=np.int32)
    info = np.zeros(2, dtype=np.int64)
    means = np.empty(n)

    def draw(first: int, rate: np.ndarray, dispersion: float) -> int:
        promotions = (np.zeros((0, n)), np.zeros((0, 2), dtype=np.bool_))
        laws = (np.ones(2), rate, np.ones(n), *promotions, dispersion, 0.0, np.inf)
        return int(kernels.draw_stores(*routines, gammas, counts, first, *laws, means, out, info))

    before = streams[0].bit_generator.state
    assert draw(0, np.full(n, 2.0), -1.0) == 0  # a negative shape: NumPy refuses it
    assert info[0] == _pcg64.FALLBACK and streams[0].bit_generator.state == before
    rate = np.full(n, 2.0)
    rate[3] = np.nan
    assert draw(1, rate, 2.0) == 1
    assert info[0] == _pcg64.POISSON_BY_NUMPY and np.isnan(means[3])
    assert streams[1].bit_generator.state != np.random.default_rng(1).bit_generator.state
    assert streams[3].bit_generator.state == np.random.default_rng(3).bit_generator.state
