"""Cross-dock platforms: receive suppliers' pallets, break them down by store, send them on.

Inbound goods arrive already allocated to stores (the planner's cross-dock order), so the
platform's stock is a store × SKU array. Everything received leaves the same evening unless
the platform's daily handling capacity is exceeded; then what is left waits overnight, and goes
first the next day.
"""

from __future__ import annotations

import numpy as np

from crossdock._kernels import ration
from crossdock.messages import DespatchAdvice
from crossdock.parties._common import Context, SsccCounter, despatch_to_stores


class Platforms:
    """Every cross-dock platform; ``held[s, k]`` are units at store ``s``'s platform."""

    def __init__(self, ctx: Context, *, carrier: object) -> None:
        sc = ctx.scenario
        self.ctx = ctx
        self.carrier = carrier
        self.held = np.zeros((sc.n_stores, sc.n_skus), dtype=np.int64)
        self._overnight: np.ndarray | None = None  # part of ``held`` that arrived before today
        self.ssccs = SsccCounter(sc.n_platforms)
        self._stores_of = [np.flatnonzero(sc.platform_of_store == p) for p in range(sc.n_platforms)]
        self.held_overnight = np.zeros(sc.n_platforms, dtype=np.int64)

    def receive(self, day: int) -> None:
        """Take in suppliers' despatch advices for today's arrivals."""
        for gln in self.ctx.scenario.platform_gln:
            self.ctx.channel.receive(gln, DespatchAdvice, day)

    def unload(self, day: int, goods: np.ndarray) -> None:
        """Inbound pallets (already allocated to stores) arrive at the docks."""
        self.held += goods
        self.ctx.ledger.record(day, "received", "platform", self._by_platform(goods))

    def cross_dock(self, day: int) -> None:
        """Break down and consolidate by store, within today's handling capacity."""
        sc = self.ctx.scenario
        out = np.zeros_like(self.held)
        for p, stores in enumerate(self._stores_of):
            held = self.held[stores]
            total = int(held.sum())
            if total == 0:
                continue
            capacity = int(sc.platform_capacity[p])
            if total <= capacity:
                out[stores] = held
                continue
            # Goods held overnight go first; today's arrivals share what capacity is left.
            old = self._overnight[stores] if self._overnight is not None else np.zeros_like(held)
            first = ration(old.reshape(-1, 1), np.array([capacity]))[:, 0].reshape(old.shape)
            left = capacity - int(first.sum())
            new = held - old
            second = ration(new.reshape(-1, 1), np.array([left]))[:, 0].reshape(new.shape)
            out[stores] = first + second
        self.held -= out
        self._overnight = self.held.copy() if self.held.any() else None
        if not out.any():
            return
        self.ctx.ledger.record(day, "shipped", "platform", self._by_platform(out))
        for p, stores in enumerate(self._stores_of):
            goods = out[stores]
            if not goods.any():
                continue
            despatch_to_stores(
                self.ctx,
                self.carrier,
                self.ssccs,
                day=day,
                origin_kind="platform",
                origin=p,
                sender=sc.platform_gln[p],
                stores=stores,
                goods=goods,
                transit_days=int(sc.platform_delivery_days[p]),
            )

    def _by_platform(self, goods: np.ndarray) -> np.ndarray:
        sc = self.ctx.scenario
        out = np.zeros((sc.n_platforms, sc.n_skus), dtype=np.int64)
        for p, stores in enumerate(self._stores_of):
            out[p] = goods[stores].sum(axis=0)
        return out

    def close(self, day: int) -> None:
        """Closing stock (goods held overnight) into the ledger."""
        by_platform = self._by_platform(self.held)
        self.held_overnight = by_platform.sum(axis=1)
        self.ctx.ledger.close(day, "platform", by_platform, self.ctx.scenario.unit_cost)
