from __future__ import annotations

import numpy as np
import pytest

from crossdock import ParameterError
from crossdock.policies import (
    BaseStock,
    ExponentialSmoothing,
    MinMax,
    MovingAverage,
    Observation,
    OrderUpTo,
    Policy,
    check_policy,
    policy_from_spec,
)
from crossdock.scenario import EchelonSpec, ForecastSpec

POLICIES = [
    OrderUpTo(),
    OrderUpTo(review_period_days=3, forecast=MovingAverage(window_days=7)),
    MinMax(),
    MinMax(cover_days=10, forecast=ExponentialSmoothing(alpha=0.3)),
    BaseStock(),
    BaseStock(level=20),
]


@pytest.mark.parametrize("policy", POLICIES, ids=repr)
def test_conformance(policy: Policy) -> None:
    check_policy(policy)


def test_conformance_catches_a_broken_policy() -> None:
    class Negative(Policy):
        def __init__(self, *, gain: float = 1.0) -> None:
            self.gain = gain

        def plan(self, observation: Observation) -> np.ndarray:
            return -self.gain * np.ones(np.shape(observation.on_hand))

    with pytest.raises(AssertionError, match="negative"):
        check_policy(Negative())


def test_nested_params_can_be_addressed() -> None:
    policy = OrderUpTo()
    policy.set_params(forecast__alpha=0.4, service_level=0.9)
    assert policy.get_params()["forecast__alpha"] == 0.4
    assert policy.service_level == 0.9
    with pytest.raises(ParameterError, match="'colour' parameter of OrderUpTo"):
        policy.set_params(colour=1)


@pytest.mark.parametrize(
    ("policy", "name"),
    [
        (OrderUpTo(service_level=1.5), "service_level"),
        (OrderUpTo(review_period_days=0), "review_period_days"),
        (OrderUpTo(forecast=ExponentialSmoothing(alpha=0)), "alpha"),
        (MovingAverage(window_days=0), "window_days"),
        (MinMax(cover_days=-1), "cover_days"),
        (OrderUpTo(forecast="ses"), "forecast"),  # type: ignore[arg-type]
    ],
)
def test_bad_parameters_name_themselves(policy, name: str) -> None:
    with pytest.raises(ParameterError, match=f"The '{name}' parameter of"):
        policy.reset(np.ones(3))


def test_exponential_smoothing_matches_a_loop() -> None:
    rng = np.random.default_rng(0)
    demand = rng.poisson(5, size=(50, 4)).astype(float)
    f = ExponentialSmoothing(alpha=0.2)
    f.reset(np.full(4, 3.0))
    level = np.full(4, 3.0)
    variance = np.full(4, 3.0)
    for row in demand:
        f.observe(row)
        error = row - level
        level = level + 0.2 * error
        variance = variance + 0.2 * (error**2 - variance)
    assert np.allclose(f.mean, level)
    assert np.allclose(f.std, np.sqrt(variance))


def test_moving_average_matches_numpy() -> None:
    rng = np.random.default_rng(1)
    demand = rng.poisson(4, size=(40, 3)).astype(float)
    f = MovingAverage(window_days=7)
    f.reset(np.zeros(3))
    for row in demand:
        f.observe(row)
    assert np.allclose(f.mean, demand[-7:].mean(axis=0))
    assert np.allclose(f.std, demand[-7:].std(axis=0, ddof=1))


def test_review_period_skips_days() -> None:
    policy = OrderUpTo(review_period_days=3)
    policy.reset(np.array([5.0]))
    empty = dict(
        on_hand=np.array([0]), on_order=np.array([0]), backorders=np.array([0]), lead_time_days=1
    )
    plans = [policy.plan(Observation(day=d, **empty))[0] for d in range(6)]
    assert [p > 0 for p in plans] == [True, False, False, True, False, False]


def test_min_max_waits_for_the_reorder_point() -> None:
    policy = MinMax(cover_days=5)
    policy.reset(np.array([2.0, 2.0]))
    obs = Observation(
        day=0,
        on_hand=np.array([100, 0]),
        on_order=np.array([0, 0]),
        backorders=np.array([0, 0]),
        lead_time_days=1,
    )
    plan = policy.plan(obs)
    assert plan[0] == 0 and plan[1] > 10  # s covers ~2 days; S adds 5 more days


def test_backorders_lower_the_position() -> None:
    policy = BaseStock(level=10)
    policy.reset(np.zeros(1))
    obs = Observation(
        day=0,
        on_hand=np.array([0]),
        on_order=np.array([2]),
        backorders=np.array([4]),
        lead_time_days=1,
    )
    assert policy.plan(obs)[0] == 12


def test_policy_from_spec() -> None:
    assert isinstance(policy_from_spec(EchelonSpec(policy="min_max")), MinMax)
    p = policy_from_spec(EchelonSpec(forecast=ForecastSpec(method="moving_average", window_days=9)))
    assert isinstance(p, OrderUpTo) and p.forecast.window_days == 9  # type: ignore[attr-defined]
    assert isinstance(policy_from_spec(EchelonSpec(policy="base_stock")), BaseStock)


def test_a_user_policy_runs_in_the_engine() -> None:
    from crossdock import generate_scenario, simulate

    class Fixed(Policy):
        """Order a fixed number of units every day."""

        def __init__(self, *, units: int = 3) -> None:
            self.units = units

        def plan(self, observation: Observation) -> np.ndarray:
            return np.where(observation.inventory_position < 50, float(self.units), 0.0)

    check_policy(Fixed())
    sc = generate_scenario(n_stores=2, n_skus=6, horizon_days=15, warm_up_days=1)
    result = simulate(sc, mode="traditional", policies={"store": Fixed(units=1)})
    assert result.ledger.violations() == []
