"""Confidence intervals over independent replications (seeds, or seeds × independent SKUs)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import t as student

__all__ = ["Interval", "interval"]


@dataclass(frozen=True)
class Interval:
    """A mean with its two-sided confidence interval, from ``n`` replications."""

    mean: float
    low: float
    high: float
    n: int

    def covers(self, value: float) -> bool:
        """Whether ``value`` lies in the interval (ends included)."""
        return self.low <= value <= self.high

    @property
    def half_width(self) -> float:
        """Half the interval's width."""
        return (self.high - self.low) / 2.0


def interval(replications: np.ndarray, level: float = 0.95) -> Interval:
    """Student-t interval of the mean of independent ``replications``."""
    values = np.asarray(replications, dtype=np.float64).ravel()
    n = values.size
    mean = float(values.mean())
    if n < 2:
        return Interval(mean, mean, mean, n)
    half = float(student.ppf(0.5 + level / 2.0, n - 1) * values.std(ddof=1) / np.sqrt(n))
    return Interval(mean, mean - half, mean + half, n)
