"""Consumer demand per store × SKU × day.

Each store draws from its own random substream (``SeedSequence(seed).spawn``), in blocks of
days, so a day's demand depends only on the seed, the store and the day: both modes of a
comparison see the same demand (common random numbers), however the work is split.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from crossdock.scenario import Scenario

__all__ = ["Demand", "DemandModel"]


class Demand(Protocol):
    """Anything that gives the day's demand as a ``[stores, skus]`` integer array."""

    def daily(self, day: int) -> np.ndarray:
        """Units wanted at each store × SKU on ``day``."""
        ...


class DemandModel:
    """Poisson or negative binomial demand with store size factors and a weekday profile."""

    def __init__(self, scenario: Scenario, seed: int, *, block_days: int = 28) -> None:
        self.scenario = scenario
        self.block_days = block_days
        sequence = np.random.SeedSequence([seed, 0xDE3A2D])
        self._streams = [np.random.default_rng(s) for s in sequence.spawn(scenario.n_stores)]
        self._first_weekday = scenario.spec.start_date.weekday()
        self._block_start = -1
        self._block = np.zeros((0, scenario.n_stores, scenario.n_skus), dtype=np.int64)
        self._next_block = 0

    def mean(self, day: int) -> np.ndarray:
        """Expected demand ``[s, k]`` on ``day``."""
        weekday = (self._first_weekday + day) % 7
        return self.scenario.expected_demand() * self.scenario.weekday_profile[weekday]

    def daily(self, day: int) -> np.ndarray:
        """Demand on ``day``; days must be asked for in order (blocks are drawn ahead)."""
        offset = day - self._block_start
        if not 0 <= offset < len(self._block):
            if day != self._next_block:
                raise ValueError(
                    f"demand is drawn in day order: expected day {self._next_block}, got {day}"
                )
            self._draw_block(day)
            offset = 0
        return self._block[offset]

    def _draw_block(self, start: int) -> None:
        sc = self.scenario
        weekdays = (self._first_weekday + start + np.arange(self.block_days)) % 7
        rate = sc.base_rate[None, :] * sc.weekday_profile[weekdays][:, None]  # [b, k]
        block = np.empty((self.block_days, sc.n_stores, sc.n_skus), dtype=np.int64)
        spec = sc.spec.demand
        for s, rng in enumerate(self._streams):
            mean = rate * sc.size_factor[s]
            if spec.distribution == "poisson":
                block[:, s, :] = rng.poisson(mean)
            else:
                k = spec.dispersion
                block[:, s, :] = rng.negative_binomial(k, k / (k + mean))
        self._block = block
        self._block_start = start
        self._next_block = start + self.block_days
