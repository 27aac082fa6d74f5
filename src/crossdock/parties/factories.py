"""Factories: make what suppliers order, within daily capacity and a warm-up ramp.

After a day without production a line restarts slowly: on the i-th day of a run (i = 1, 2, ...)
it reaches ``i / (ramp_days + 1)`` of its capacity (at least one unit) until full rate.
Capacity is shared among the SKUs waiting in proportion to what each is owed, the units left
by rounding going to the largest remainders, so a short factory uses all of its capacity. Output goes straight into the
owning supplier's warehouse (the factory and the warehouse are on one site).
"""

from __future__ import annotations

import numpy as np

from crossdock._kernels import ration
from crossdock.messages import Order
from crossdock.parties._common import Context


class Factories:
    """Every factory's backlog, capacity and ramp state."""

    def __init__(self, ctx: Context, *, suppliers: object) -> None:
        sc = ctx.scenario
        self.ctx = ctx
        self.suppliers = suppliers
        self.backlog = np.zeros(sc.n_skus, dtype=np.int64)
        self.run_days = np.zeros(sc.n_factories, dtype=np.int64)
        self._factory_of_sku = sc.factory_of_sku
        self._items_of = [np.flatnonzero(self._factory_of_sku == f) for f in range(sc.n_factories)]

    def ramp_factor(self) -> np.ndarray:
        """Share of full capacity available today, per factory."""
        ramp = self.ctx.scenario.factory_ramp_days
        return np.minimum(1.0, (self.run_days + 1) / (ramp + 1))

    def produce(self, day: int) -> None:
        """Take today's production orders and make what capacity allows."""
        sc = self.ctx.scenario
        for gln in sc.factory_gln:
            for order in self.ctx.channel.receive(gln, Order, day):
                self.backlog[order.items] += order.total
        # A line with work restarts at no less than one unit, so a ramp always gets going.
        capacity = np.maximum(np.floor(sc.factory_capacity * self.ramp_factor()), 1).astype(
            np.int64
        )
        made = np.zeros_like(self.backlog)
        for f, items in enumerate(self._items_of):
            owed = self.backlog[items]
            if owed.any():
                made[items] = ration(owed[:, None], capacity[f : f + 1])[:, 0]
        self.backlog -= made
        active = np.bincount(self._factory_of_sku, weights=made, minlength=sc.n_factories) > 0
        self.run_days = np.where(active, self.run_days + 1, 0)
        ledger = self.ctx.ledger
        ledger.factory_capacity[day] = sc.factory_capacity
        ledger.sku["produced"][day] += made
        if made.any():
            ledger.record_owned(day, "produced", "factory", made, self._factory_of_sku)
            ledger.record_owned(day, "shipped", "factory", made, self._factory_of_sku)
            self.suppliers.take_output(day, made)  # type: ignore[attr-defined]

    def close(self, day: int) -> None:
        """Factories hold no stock: output leaves the day it is made."""
        sc = self.ctx.scenario
        self.ctx.ledger.close(
            day, "factory", np.zeros(sc.n_skus, np.int64), sc.unit_cost, owner=self._factory_of_sku
        )
