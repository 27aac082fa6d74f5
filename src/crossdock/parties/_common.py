"""What every party is built with: the scenario, the channel, the ledger."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crossdock._kernels import cap_to_room, pallets, round_up_to_pack
from crossdock.channel import DirectChannel
from crossdock.ledger import Ledger
from crossdock.messages import DespatchAdvice
from crossdock.policies import Observation, Policy
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
    seed: int = 0


def opening_stock(mean_daily: np.ndarray, days: float | np.ndarray, pack: np.ndarray) -> np.ndarray:
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


def store_order(
    policy: Policy, observation: Observation, pack: np.ndarray, shelf: np.ndarray
) -> np.ndarray:
    """What a store-level planner orders: the policy's wish in whole packs, within the shelf."""
    want = round_up_to_pack(policy.plan(observation), pack)
    return cap_to_room(want, observation.inventory_position, shelf, pack)


def despatch_to_stores(
    ctx: Context,
    carrier: object,
    ssccs: SsccCounter,
    *,
    day: int,
    origin_kind: str,
    origin: int,
    sender: str,
    stores: np.ndarray,
    goods: np.ndarray,
    transit_days: int,
) -> None:
    """Hand a depot's store deliveries to the carrier and announce them to the retailer."""
    sc = ctx.scenario
    arrival = carrier.to_stores(day, origin_kind, origin, stores, goods, transit_days)  # type: ignore[attr-defined]
    count = int(pallets(goods, sc.units_per_pallet).sum())
    ctx.channel.send(
        DespatchAdvice(
            sender=sender,
            receiver=sc.spec.retailer.gln,
            day=day,
            reference=ctx.channel.reference(sender),
            despatch_number=f"{origin_kind.upper()}{origin}-{day:04d}",
            arrival_day=arrival,
            ship_to_kind="store",
            ship_to=-1,
            locations=stores,
            items=np.arange(sc.n_skus),
            quantity=goods,
            pallets=count,
            sscc_first=ssccs.take(origin, count),
        )
    )
