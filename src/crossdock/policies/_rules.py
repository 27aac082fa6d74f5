"""Replenishment policies: order-up-to (R, S), min-max (s, S) and a fixed base stock.

A policy is a parameter object with one small interface, vectorised over any array shape:

- ``reset(prior_mean)``: start afresh (prior daily demand per position);
- ``observe(demand)``: learn one day of observed demand;
- ``plan(observation) -> quantities``: units to order now (non-negative floats; the caller
  rounds to case packs).

Write your own by subclassing :class:`Policy` and run :func:`crossdock.policies.check_policy`
on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.special import ndtri

from crossdock.policies._forecast import ExponentialSmoothing, Forecaster
from crossdock.policies._params import Params, interval, whole

__all__ = ["BaseStock", "MinMax", "Observation", "OrderUpTo", "Policy"]


@dataclass(frozen=True, eq=False)
class Observation:
    """What a planner knows when it plans, as arrays of one shape (e.g. store × SKU).

    ``on_order`` counts units ordered and not yet received; ``lead_time_days`` is the number
    of days from ordering (end of day t) to trading (the goods sell from day t + L).
    """

    day: int
    on_hand: np.ndarray
    on_order: np.ndarray
    backorders: np.ndarray
    lead_time_days: np.ndarray | float

    @cached_property
    def inventory_position(self) -> np.ndarray:
        """On hand − backorders + on order (computed once per observation)."""
        position = self.on_hand + self.on_order
        position -= self.backorders
        return position


class Policy(Params):
    """Base class of replenishment policies (see the module docstring for the interface)."""

    def reset(self, prior_mean: np.ndarray) -> None:
        """Start afresh with ``prior_mean`` units/day."""
        self.validate_params()

    def observe(self, demand: np.ndarray) -> None:
        """Learn one day of demand (default: nothing to learn)."""

    def plan(self, observation: Observation) -> np.ndarray:
        """Units to order now, one per position of the observation."""
        raise NotImplementedError


def _is_forecaster(value: object) -> bool:
    kind = type(value)
    return isinstance(value, Params) and all(
        hasattr(kind, name) for name in ("reset", "observe", "mean", "std")
    )


class _Forecasting(Policy):
    """A policy that learns demand through a forecaster and reviews every R days."""

    forecast: Forecaster
    review_period_days: int

    def reset(self, prior_mean: np.ndarray) -> None:
        super().reset(prior_mean)
        self.forecast.reset(prior_mean)

    def observe(self, demand: np.ndarray) -> None:
        self.forecast.observe(demand)

    def _reviews(self, day: int) -> bool:
        return day % self.review_period_days == 0

    def _target(self, observation: Observation, extra_days: float = 0.0) -> np.ndarray:
        """μ(R+L) + z·σ·√(R+L) (+ μ·extra_days), computed in place to spare temporaries."""
        lead = observation.lead_time_days
        key = (id(lead), extra_days)
        if (
            getattr(self, "_cover_key", None) != key
            or getattr(self, "_cover_lead", None) is not lead
        ):
            horizon = self.review_period_days + np.asarray(lead, dtype=np.float64)
            self._cover_root = np.sqrt(horizon)
            self._cover_horizon = horizon + extra_days
            self._cover_key, self._cover_lead = key, lead
        z = float(ndtri(self.service_level))  # type: ignore[attr-defined]
        target = self.forecast.std * (z * self._cover_root)
        target += self.forecast.mean * self._cover_horizon
        return target


class OrderUpTo(_Forecasting):
    """Periodic review (R, S): every R days order up to S = μ(R+L) + z·σ·√(R+L).

    μ and σ are the forecaster's daily demand and error; z the normal quantile of the target
    ``service_level`` (cycle service level).
    """

    _constraints = {
        "review_period_days": whole(1),
        "service_level": interval(0.5, 1, closed="left"),
        "forecast": (_is_forecaster, "a forecaster (MovingAverage, ExponentialSmoothing, ...)"),
    }

    def __init__(
        self,
        *,
        review_period_days: int = 1,
        service_level: float = 0.95,
        forecast: Forecaster | None = None,
    ) -> None:
        self.review_period_days = review_period_days
        self.service_level = service_level
        self.forecast = forecast if forecast is not None else ExponentialSmoothing()

    def plan(self, observation: Observation) -> np.ndarray:
        """Order the gap between S and the inventory position on review days."""
        position = observation.inventory_position
        if not self._reviews(observation.day):
            return np.zeros(np.shape(position))
        gap = self._target(observation)
        gap -= position
        return np.maximum(gap, 0.0, out=gap)


class MinMax(_Forecasting):
    """(s, S): when the inventory position is at or below s, order up to S.

    s = μ(R+L) + z·σ·√(R+L) covers the protection interval; S = s + μ·``cover_days`` adds a
    batch of ``cover_days`` of demand, so orders are fewer and larger than order-up-to's.
    """

    _constraints = {
        "review_period_days": whole(1),
        "service_level": interval(0.5, 1, closed="left"),
        "cover_days": interval(0, None),
        "forecast": (_is_forecaster, "a forecaster (MovingAverage, ExponentialSmoothing, ...)"),
    }

    def __init__(
        self,
        *,
        review_period_days: int = 1,
        service_level: float = 0.95,
        cover_days: float = 3.0,
        forecast: Forecaster | None = None,
    ) -> None:
        self.review_period_days = review_period_days
        self.service_level = service_level
        self.cover_days = cover_days
        self.forecast = forecast if forecast is not None else ExponentialSmoothing()

    def plan(self, observation: Observation) -> np.ndarray:
        """Order up to S where the position has fallen to s."""
        position = observation.inventory_position
        if not self._reviews(observation.day):
            return np.zeros(np.shape(position))
        reorder_point = self._target(observation)
        target = reorder_point + self.forecast.mean * self.cover_days
        return np.where(position <= reorder_point, np.maximum(target - position, 0.0), 0.0)


class BaseStock(Policy):
    """A fixed base-stock level: every day, order back up to ``level``.

    ``level`` is a number or an array of the observation's shape; left as ``None`` it is set
    at ``reset`` to ``days_of_demand`` days of the prior mean.
    """

    _constraints = {
        "days_of_demand": interval(0, None),
        "level": (
            lambda v: bool(
                v is None or (np.all(np.asarray(v) >= 0) and np.asarray(v).dtype.kind in "iuf")
            ),
            "None or non-negative numbers",
        ),
    }

    def __init__(
        self, *, level: float | np.ndarray | None = None, days_of_demand: float = 7.0
    ) -> None:
        self.level = level
        self.days_of_demand = days_of_demand

    def reset(self, prior_mean: np.ndarray) -> None:
        """Fix the level (from the prior where no level was given)."""
        super().reset(prior_mean)
        if self.level is None:
            self._level = np.ceil(np.asarray(prior_mean, dtype=np.float64) * self.days_of_demand)
        else:
            self._level = np.broadcast_to(
                np.asarray(self.level, dtype=np.float64), np.shape(prior_mean)
            )

    def plan(self, observation: Observation) -> np.ndarray:
        """Order the gap to the level."""
        return np.maximum(self._level - observation.inventory_position, 0.0)


# Keep the names used in scenario files next to the classes they build.
POLICY_CLASSES: dict[str, type[Policy]] = {
    "order_up_to": OrderUpTo,
    "min_max": MinMax,
    "base_stock": BaseStock,
}
