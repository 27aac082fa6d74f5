"""Shared replenishment planners: the category captain (or each supplier for its own items).

A planner receives the stores' daily sales and stock reports for its SKUs, forecasts each
store × SKU, and sends each supplier a cross-dock order pre-allocated by store. It tracks what
it has ordered and not yet seen received (from the stores' inventory reports), so it never
reads a store's shelf directly.
"""

from __future__ import annotations

import numpy as np

from crossdock.messages import InventoryReport, Order, OrderResponse, SalesReport
from crossdock.parties._common import Context, store_order
from crossdock.parties.suppliers import MAX_DELAY_DAYS
from crossdock.policies import Observation, Policy


class Planner:
    """One planner (a supplier's GLN) for a set of SKUs across all stores."""

    def __init__(self, ctx: Context, gln: str, items: np.ndarray, policy: Policy) -> None:
        sc = ctx.scenario
        self.ctx = ctx
        self.gln = gln
        self.items = items
        self.policy = policy
        mean = sc.expected_demand()[:, items]
        policy.reset(mean)
        self.on_order = np.zeros((sc.n_stores, items.size), dtype=np.int64)
        lead = sc.supplier_lead_time_days[sc.supplier_of[items]][None, :]
        lead = lead + sc.platform_delivery_days[sc.platform_of_store][:, None]
        self._lead_time = lead.astype(np.float64)
        self._delay = np.zeros(items.size)  # extra days the suppliers' factories announce
        self._lead_now = self._lead_time  # planned lead time plus announced delays
        self._suppliers = [
            (u, np.flatnonzero(sc.supplier_of[items] == u))
            for u in np.unique(sc.supplier_of[items])
        ]
        self._pack = sc.case_pack[items]
        self._shelf = sc.shelf_capacity[:, items]

    def plan(self, day: int) -> None:
        """Read today's reports, plan every store × SKU, send the cross-dock orders."""
        sc = self.ctx.scenario
        channel = self.ctx.channel
        for response in channel.receive(self.gln, OrderResponse, day):
            if response.delivery_day.size:
                where = np.searchsorted(self.items, response.items)
                ok = (where < self.items.size) & (
                    self.items[np.minimum(where, self.items.size - 1)] == response.items
                )
                waits = np.maximum(response.delivery_day[ok] - response.day, 0)
                self._delay[where[ok]] = np.minimum(waits, MAX_DELAY_DAYS)
                self._lead_now = self._lead_time + self._delay[None, :]
        sales = channel.receive(self.gln, SalesReport, day)
        stock = channel.receive(self.gln, InventoryReport, day)
        if not stock:
            return
        for sold in sales:
            self.policy.observe(sold.quantity)
        latest = stock[-1]
        for report in stock:
            self.on_order -= report.received
        observation = Observation(
            day=day,
            on_hand=latest.on_hand,
            on_order=self.on_order,
            backorders=latest.backorders,
            lead_time_days=self._lead_now,
        )
        order = store_order(self.policy, observation, self._pack, self._shelf)
        self.on_order += order
        self.ctx.ledger.sku["store_orders"][day, self.items] += order.sum(axis=0)
        stores = np.arange(sc.n_stores)
        for u, columns in self._suppliers:
            quantity = order[:, columns]
            if not quantity.any():
                continue
            for p in range(sc.n_platforms):
                at_p = stores[sc.platform_of_store == p]
                if at_p.size == 0 or not quantity[at_p].any():
                    continue
                channel.send(
                    Order(
                        sender=self.gln,
                        receiver=sc.supplier_gln[u],
                        day=day,
                        reference=channel.reference(self.gln),
                        order_number=f"C{day:04d}-{u}-{p}",
                        ship_to_kind="platform",
                        ship_to=p,
                        locations=at_p,
                        items=self.items[columns],
                        quantity=quantity[at_p],
                    )
                )


class Planners:
    """All shared-mode planners, run one after another in the plan phase."""

    def __init__(self, planners: list[Planner]) -> None:
        self.planners = planners

    def plan(self, day: int) -> None:
        """Each planner plans its SKUs."""
        for planner in self.planners:
            planner.plan(day)
