"""Factories: make what suppliers order, within daily capacity and a warm-up ramp.

After a day without production a line restarts slowly: on the i-th day of a run (i = 1, 2, ...)
it reaches ``i / (ramp_days + 1)`` of its capacity until full rate. Capacity is shared
among the SKUs waiting, in proportion to what each is owed. Output goes straight into the
owning supplier's warehouse (the factory and the warehouse are on one site).
"""

from __future__ import annotations

import numpy as np

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
        capacity = np.floor(sc.factory_capacity * self.ramp_factor()).astype(np.int64)
        owed = np.bincount(self._factory_of_sku, weights=self.backlog, minlength=sc.n_factories)
        owed = owed.astype(np.int64)
        short = owed > capacity
        share_num = np.where(short, capacity, 1)[self._factory_of_sku]
        share_den = np.where(short, np.maximum(owed, 1), 1)[self._factory_of_sku]
        made = self.backlog * share_num // share_den
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
