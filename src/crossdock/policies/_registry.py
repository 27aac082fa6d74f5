"""The policy and forecaster registries: scenario names → builders of plug-in objects.

Each entry builds an object from the scenario's settings (``EchelonSpec`` for a policy,
``ForecastSpec`` for a forecaster). :func:`register_policy` and :func:`register_forecaster`
add a user's own class: its ``__init__`` keywords are filled from the settings of the same
name (a policy's ``forecast`` from the forecaster the settings describe).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from crossdock.policies import _forecast as fc
from crossdock.policies._forecast import Forecaster
from crossdock.policies._rules import BaseStock, MinMax, OrderUpTo, Policy
from crossdock.registry import Registry

__all__ = [
    "FORECASTERS",
    "POLICIES",
    "forecaster_from_spec",
    "policy_from_spec",
    "register_forecaster",
    "register_policy",
]

#: Forecasters by the name a scenario's ``forecast.method`` gives.
FORECASTERS: Registry[Callable[[Any], Forecaster]] = Registry("forecaster")
#: Replenishment policies by the name a scenario's ``policy`` gives.
POLICIES: Registry[Callable[[Any], Policy]] = Registry("policy")


def _from_settings(cls: type, spec: Any, **given: Any) -> Any:
    """``cls`` built with the keywords of its ``__init__`` that ``spec`` has a field for."""
    names = list(inspect.signature(cls).parameters)
    values = {n: getattr(spec, n) for n in names if n not in given and hasattr(spec, n)}
    return cls(**given, **values)


def register_forecaster(name: str, cls: type, *, replace: bool = False) -> type:
    """Register a forecaster class under ``name`` (built from the ``forecast`` settings)."""
    FORECASTERS.register(name, lambda spec: _from_settings(cls, spec), replace=replace)
    return cls


def register_policy(name: str, cls: type, *, replace: bool = False) -> type:
    """Register a policy class under ``name`` (built from the echelon's settings)."""

    def build(spec: Any) -> Policy:
        names = inspect.signature(cls).parameters
        given = {"forecast": forecaster_from_spec(spec.forecast)} if "forecast" in names else {}
        policy: Policy = _from_settings(cls, spec, **given)
        return policy

    POLICIES.register(name, build, replace=replace)
    return cls


def forecaster_from_spec(spec: Any) -> Forecaster:
    """Build the forecaster a scenario's ``forecast`` settings describe."""
    return FORECASTERS[spec.method](spec)


def policy_from_spec(spec: Any) -> Policy:
    """Build the policy a scenario's echelon settings describe."""
    return POLICIES[spec.policy](spec)


def _holt_winters(spec: Any) -> fc.HoltWinters:
    return fc.HoltWinters(
        alpha=spec.alpha,
        beta=spec.trend_smoothing,
        gamma=spec.seasonal_smoothing,
        phi=spec.damping,
        season_precision=spec.season_precision,
    )


def _auto(spec: Any) -> fc.AutoForecaster:
    steady: Forecaster = (
        _holt_winters(spec)
        if spec.steady_method == "holt_winters"
        else fc.ExponentialSmoothing(alpha=spec.alpha)
    )
    return fc.AutoForecaster(
        steady=steady,
        intermittent=fc.TSB(alpha=spec.alpha, beta=spec.probability_smoothing),
        max_interval_days=spec.max_interval_days,
    )


FORECASTERS.register("moving_average", lambda spec: fc.MovingAverage(window_days=spec.window_days))
FORECASTERS.register(
    "exponential_smoothing", lambda spec: fc.ExponentialSmoothing(alpha=spec.alpha)
)
FORECASTERS.register("holt_winters", _holt_winters)
FORECASTERS.register("croston", lambda spec: fc.Croston(alpha=spec.alpha, sba=spec.sba))
FORECASTERS.register("tsb", lambda spec: fc.TSB(alpha=spec.alpha, beta=spec.probability_smoothing))
FORECASTERS.register("auto", _auto)
register_policy("order_up_to", OrderUpTo)
register_policy("min_max", MinMax)
POLICIES.register("base_stock", lambda spec: BaseStock(days_of_demand=spec.base_stock_days))
