"""What every party is built with: the scenario, the channel, the ledger."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crossdock._kernels import round_up_to_pack
from crossdock.channel import DirectChannel
from crossdock.ledger import Ledger
from crossdock.scenario import Scenario


@dataclass(frozen=True, eq=False)
class Context:
    """Shared, read-only plumbing of a run: master data, the EDI channel, the ledger.

    ``unmet_demand`` is ``"lost"`` or ``"backorder"``; ``mode`` is ``"traditional"`` or
    ``"shared"``.
    """

    scenario: Scenario
    channel: DirectChannel
    ledger: Ledger
    mode: str
    unmet_demand: str


def opening_stock(mean_daily: np.ndarray, days: float, pack: np.ndarray) -> np.ndarray:
    """``days`` of mean demand, rounded up to whole packs."""
    return round_up_to_pack(mean_daily * days, pack)


class SsccCounter:
    """Serial numbers of the SSCCs each shipper of a party type puts on its pallets."""

    def __init__(self, n_shippers: int) -> None:
        self._next = np.ones(n_shippers, dtype=np.int64)  # serial 0 is never used

    def take(self, shipper: int, count: int) -> int:
        """Reserve ``count`` serials for ``shipper``; returns the first."""
        first = int(self._next[shipper])
        self._next[shipper] += count
        return first
