"""Replenishment policies and forecasters, plug-ins with one small interface.

See :class:`Policy` for the interface and :func:`check_policy` for the conformance suite.
"""

from __future__ import annotations

from crossdock.errors import ParameterError
from crossdock.policies._checks import check_policy
from crossdock.policies._forecast import (
    TSB,
    AutoForecaster,
    Croston,
    ExponentialSmoothing,
    Forecaster,
    HoltWinters,
    MovingAverage,
)
from crossdock.policies._params import Params
from crossdock.policies._rules import (
    POLICY_CLASSES,
    BaseStock,
    MinMax,
    Observation,
    OrderUpTo,
    Policy,
)
from crossdock.scenario._schema import EchelonSpec, ForecastSpec

__all__ = [
    "TSB",
    "AutoForecaster",
    "BaseStock",
    "Croston",
    "ExponentialSmoothing",
    "Forecaster",
    "HoltWinters",
    "MinMax",
    "MovingAverage",
    "Observation",
    "OrderUpTo",
    "Params",
    "Policy",
    "check_policy",
    "forecaster_from_spec",
    "policy_from_spec",
]


def forecaster_from_spec(spec: ForecastSpec) -> Forecaster:
    """Build the forecaster a scenario's ``forecast`` settings describe."""
    if spec.method == "moving_average":
        return MovingAverage(window_days=spec.window_days)
    if spec.method == "holt_winters":
        return _holt_winters(spec)
    if spec.method == "croston":
        return Croston(alpha=spec.alpha, sba=spec.sba)
    if spec.method == "tsb":
        return TSB(alpha=spec.alpha, beta=spec.probability_smoothing)
    if spec.method == "auto":
        steady: Forecaster = (
            _holt_winters(spec)
            if spec.steady_method == "holt_winters"
            else ExponentialSmoothing(alpha=spec.alpha)
        )
        return AutoForecaster(
            steady=steady,
            intermittent=TSB(alpha=spec.alpha, beta=spec.probability_smoothing),
            max_interval_days=spec.max_interval_days,
        )
    return ExponentialSmoothing(alpha=spec.alpha)


def _holt_winters(spec: ForecastSpec) -> HoltWinters:
    return HoltWinters(
        alpha=spec.alpha,
        beta=spec.trend_smoothing,
        gamma=spec.seasonal_smoothing,
        phi=spec.damping,
    )


def policy_from_spec(spec: EchelonSpec) -> Policy:
    """Build the policy a scenario's echelon settings describe."""
    forecast = forecaster_from_spec(spec.forecast)
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
