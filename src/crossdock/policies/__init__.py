"""Replenishment policies and forecasters, plug-ins with one small interface.

See :class:`Policy` for the interface and :func:`check_policy` for the conformance suite.
"""

from __future__ import annotations

from crossdock.errors import ParameterError
from crossdock.policies._checks import check_policy
from crossdock.policies._forecast import ExponentialSmoothing, Forecaster, MovingAverage
from crossdock.policies._params import Params
from crossdock.policies._rules import (
    POLICY_CLASSES,
    BaseStock,
    MinMax,
    Observation,
    OrderUpTo,
    Policy,
)
from crossdock.scenario._schema import EchelonSpec

__all__ = [
    "BaseStock",
    "ExponentialSmoothing",
    "Forecaster",
    "MinMax",
    "MovingAverage",
    "Observation",
    "OrderUpTo",
    "Params",
    "Policy",
    "check_policy",
    "policy_from_spec",
]


def policy_from_spec(spec: EchelonSpec) -> Policy:
    """Build the policy a scenario's echelon settings describe."""
    if spec.forecast.method == "moving_average":
        forecast: Forecaster = MovingAverage(window_days=spec.forecast.window_days)
    else:
        forecast = ExponentialSmoothing(alpha=spec.forecast.alpha)
    cls = POLICY_CLASSES.get(spec.policy)
    if cls is None:  # pragma: no cover - the schema only admits known names
        raise ParameterError(
            "EchelonSpec", "policy", f"one of {sorted(POLICY_CLASSES)}", spec.policy
        )
    if cls is OrderUpTo:
        return OrderUpTo(
            review_period_days=spec.review_period_days,
            service_level=spec.service_level,
            forecast=forecast,
        )
    if cls is MinMax:
        return MinMax(
            review_period_days=spec.review_period_days,
            service_level=spec.service_level,
            cover_days=spec.cover_days,
            forecast=forecast,
        )
    return BaseStock(days_of_demand=spec.base_stock_days)
