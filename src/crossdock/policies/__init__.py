"""Replenishment policies and forecasters, plug-ins with one small interface.

See :class:`Policy` for the interface and :func:`check_policy` for the conformance suite.
"""

from __future__ import annotations

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
from crossdock.policies._registry import (
    FORECASTERS,
    POLICIES,
    forecaster_from_spec,
    policy_from_spec,
    register_forecaster,
    register_policy,
)
from crossdock.policies._rules import (
    BaseStock,
    MinMax,
    Observation,
    OrderUpTo,
    Policy,
)

__all__ = [
    "FORECASTERS",
    "POLICIES",
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
    "register_forecaster",
    "register_policy",
]
