"""Plug-ins are found by name in registries, and the scenario schema takes its names from them."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from crossdock import simulate
from crossdock.errors import ParameterError
from crossdock.policies import (
    FORECASTERS,
    POLICIES,
    Observation,
    Policy,
    check_policy,
    policy_from_spec,
    register_policy,
)
from crossdock.routing import ROUTERS, SweepRoutePlanner, router_from_spec
from crossdock.scenario import EchelonSpec, ForecastSpec, Scenario, compile_scenario
from crossdock.scenario._schema import RoutingSpec


class HalfAgain(Policy):
    """A user's policy: order up to ``factor`` times smoothed sales per day of cover."""

    def __init__(self, *, factor: float = 1.5, review_period_days: int = 1) -> None:
        self.factor = factor
        self.review_period_days = review_period_days

    def reset(self, prior_mean: np.ndarray) -> None:
        super().reset(prior_mean)
        self._last = np.asarray(prior_mean, dtype=np.float64)

    def observe(self, demand: np.ndarray) -> None:
        self._last = self._last + 0.2 * (np.asarray(demand, dtype=np.float64) - self._last)

    def plan(self, observation: Observation) -> np.ndarray:
        cover = self.review_period_days + observation.lead_time_days
        level = self._last * self.factor * cover
        return np.maximum(level - observation.inventory_position, 0.0)


def test_built_in_names_are_registered() -> None:
    assert POLICIES.names() == ["base_stock", "min_max", "order_up_to"]
    assert set(FORECASTERS.names()) >= {"exponential_smoothing", "holt_winters", "tsb", "auto"}
    assert ROUTERS.names() == ["pyvrp", "sweep"]


def test_the_schema_takes_its_names_from_the_registries() -> None:
    with pytest.raises(ValidationError, match=r"unknown policy 'order_up'.*order_up_to"):
        EchelonSpec(policy="order_up")
    with pytest.raises(ValidationError, match=r"unknown forecaster 'holt'.*holt_winters"):
        ForecastSpec(method="holt")
    with pytest.raises(ValidationError, match=r"unknown routing solver 'ortools'.*sweep"):
        RoutingSpec(solver="ortools")


def test_each_registered_name_builds_its_plug_in() -> None:
    for name in POLICIES:
        assert isinstance(policy_from_spec(EchelonSpec(policy=name)), Policy)
    for name in FORECASTERS:
        forecaster = FORECASTERS[name](ForecastSpec(method=name))
        forecaster.reset(np.ones((2, 3)))
        assert forecaster.mean.shape == (2, 3)
    assert isinstance(router_from_spec(RoutingSpec(solver="sweep"), 0), SweepRoutePlanner)
    with pytest.raises(ParameterError, match="min_max"):
        POLICIES["minmax"]


def test_a_users_policy_is_one_class_and_one_line(ok_small: Scenario) -> None:
    if "half_again" not in POLICIES:
        register_policy("half_again", HalfAgain)
    check_policy(HalfAgain())
    echelon = EchelonSpec(policy="half_again", review_period_days=1)
    assert isinstance(policy_from_spec(echelon), HalfAgain)
    spec = ok_small.spec
    traditional = spec.replenishment.traditional.model_copy(update={"store": echelon})
    replenishment = spec.replenishment.model_copy(update={"traditional": traditional})
    scenario = compile_scenario(spec.model_copy(update={"replenishment": replenishment}))
    mine = simulate(scenario, mode="traditional", days=20, seed=1)
    base = simulate(ok_small, mode="traditional", days=20, seed=1)
    assert mine.ledger.violations() == []
    assert not np.array_equal(mine.ledger["store_orders"], base.ledger["store_orders"])
