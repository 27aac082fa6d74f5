"""Demand forecasters, vectorised over any array shape (usually store × SKU).

A forecaster is a parameter object with learned state: ``reset(prior_mean)`` starts it,
``observe(demand)`` learns one day, ``mean`` and ``std`` give the one-day forecast and the
standard deviation of its error. Uses state arrays updated in place, so a day costs a few
array operations whatever the window.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from crossdock.policies._params import Params, interval, whole

__all__ = ["ExponentialSmoothing", "Forecaster", "MovingAverage"]


@runtime_checkable
class Forecaster(Protocol):
    """What a policy needs from a forecaster."""

    def reset(self, prior_mean: np.ndarray) -> None:
        """Start afresh with ``prior_mean`` (units/day) as the first forecast."""
        ...

    def observe(self, demand: np.ndarray) -> None:
        """Learn one day of observed demand (same shape as the prior)."""
        ...

    @property
    def mean(self) -> np.ndarray:
        """Forecast of daily demand."""
        ...

    @property
    def std(self) -> np.ndarray:
        """Standard deviation of the one-day forecast error."""
        ...


class ExponentialSmoothing(Params):
    """Simple exponential smoothing: ``level += alpha * (demand - level)``.

    The error variance is smoothed the same way from one-step errors, starting from the
    Poisson guess (variance = mean).
    """

    _constraints = {"alpha": interval(0, 1, closed="right")}

    def __init__(self, *, alpha: float = 0.1) -> None:
        self.alpha = alpha

    def reset(self, prior_mean: np.ndarray) -> None:
        """Start from ``prior_mean``."""
        self.validate_params()
        self._level = np.array(prior_mean, dtype=np.float64)
        self._variance = np.maximum(self._level, 1e-9)
        self._error = np.empty_like(self._level)

    def observe(self, demand: np.ndarray) -> None:
        """One smoothing step (in place: no temporaries on the hot path)."""
        error = np.subtract(demand, self._level, out=self._error)
        error *= self.alpha
        self._level += error
        # squared one-step error: (alpha * e)² / alpha² = e²
        np.square(error, out=error)
        error *= 1.0 / self.alpha
        error -= self._variance * self.alpha
        self._variance += error

    @property
    def mean(self) -> np.ndarray:
        """The smoothed level."""
        return self._level

    @property
    def std(self) -> np.ndarray:
        """Root of the smoothed squared one-step error."""
        return np.sqrt(self._variance)


class MovingAverage(Params):
    """Mean of the last ``window_days`` days (the prior fills the window at the start)."""

    _constraints = {"window_days": whole(1)}

    def __init__(self, *, window_days: int = 28) -> None:
        self.window_days = window_days

    def reset(self, prior_mean: np.ndarray) -> None:
        """Fill the window with the prior (no spread until real days replace it)."""
        self.validate_params()
        prior = np.array(prior_mean, dtype=np.float64)
        self._window = np.repeat(prior[None], self.window_days, axis=0)
        self._sum = prior * self.window_days
        self._sum_sq = prior * prior * self.window_days
        self._slot = 0

    def observe(self, demand: np.ndarray) -> None:
        """Slide the window by one day (running sums: cost independent of the window)."""
        old = self._window[self._slot]
        self._sum += demand - old
        self._sum_sq += demand * demand - old * old
        self._window[self._slot] = demand
        self._slot = (self._slot + 1) % self.window_days

    @property
    def mean(self) -> np.ndarray:
        """Window mean (clipped at zero against rounding drift)."""
        return np.maximum(self._sum / self.window_days, 0.0)

    @property
    def std(self) -> np.ndarray:
        """Window standard deviation."""
        n = self.window_days
        variance = (self._sum_sq - self._sum * self._sum / n) / max(n - 1, 1)
        return np.sqrt(np.maximum(variance, 0.0))
