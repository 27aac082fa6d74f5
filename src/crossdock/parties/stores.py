"""The stores: shelves, tills, and (traditional mode) their own ordering.

One :class:`Stores` object holds every store of the retailer as rows of store × SKU arrays;
each row decides only from its own figures.
"""

from __future__ import annotations

import numpy as np

from crossdock._kernels import as_slice, grid
from crossdock.demand import Demand
from crossdock.messages import DespatchAdvice, InventoryReport, Order, OrderResponse, SalesReport
from crossdock.parties._common import Context, opening_stock, store_order
from crossdock.policies import Observation, Policy


class Stores:
    """All stores: receive deliveries, sell to shoppers, report, and order (traditional).

    ``report_to`` lists ``(planner GLN, SKU indices)`` pairs that get the daily sales and
    inventory reports (shared mode); ``policy`` is the stores' own ordering policy
    (traditional mode, ``None`` in shared mode).
    """

    def __init__(
        self,
        ctx: Context,
        demand: Demand,
        *,
        policy: Policy | None,
        initial_stock_days: float,
        report_to: list[tuple[str, np.ndarray]],
    ) -> None:
        sc = ctx.scenario
        self.ctx = ctx
        self.demand = demand
        self.policy = policy
        self.report_to = report_to
        self.glns = sc.store_gln
        self._gln_set = list(sc.store_gln)
        self.backordering = ctx.unmet_demand == "backorder"
        mean = sc.expected_demand()
        self.on_hand = np.minimum(
            opening_stock(mean, initial_stock_days, sc.case_pack), sc.shelf_capacity
        )
        self.backorders = np.zeros_like(self.on_hand)
        self.on_order = np.zeros_like(self.on_hand)
        self.received_today = np.zeros_like(self.on_hand)
        self.sold_today = np.zeros_like(self.on_hand)
        self._value = sc.shelf_price
        self._lead_time = sc.dc_delivery_days[sc.dc_of_store][:, None].astype(np.float64)
        self._stores_of_dc = [np.flatnonzero(sc.dc_of_store == d) for d in range(sc.n_dcs)]
        self._all_items = np.arange(sc.n_skus)
        if policy is not None:
            policy.reset(mean)
        ctx.ledger.record(0, "opening", "store", self.on_hand)

    # -- phases ------------------------------------------------------------------------------
    def receive(self, day: int) -> None:
        """Note despatch advices: what is now on its way to each store."""
        mailbox = self.ctx.scenario.spec.retailer.gln
        # Order responses confirm what the DC will ship; the despatch advices that follow
        # carry the same figures, so the stores act on those.
        self.ctx.channel.receive(mailbox, OrderResponse, day)
        for advice in self.ctx.channel.receive(mailbox, DespatchAdvice, day):
            self.on_order[grid(advice.locations, advice.items)] += advice.quantity
        self.received_today[:] = 0

    def unload(self, day: int, goods: np.ndarray) -> None:
        """Goods the carrier delivers this morning go on the shelf (backorders first)."""
        self.on_hand += goods
        self.on_order -= goods
        self.received_today += goods
        self.ctx.ledger.record(day, "received", "store", goods)
        self.ctx.ledger.store_deliveries[day] += goods.any(axis=1)

    def trade(self, day: int) -> None:
        """Sell: serve backorders, then today's shoppers; the rest is lost or backordered."""
        ledger = self.ctx.ledger
        ledger.store_in_stock[day] = np.count_nonzero(self.on_hand, axis=1)
        wanted = self.demand.daily(day)
        if self.backordering:
            owed = self.backorders
            sold = np.minimum(self.on_hand, wanted + owed)
            short = wanted - np.maximum(sold - owed, 0)  # today's units not served today
            self.backorders = owed + wanted - sold
        else:
            sold = np.minimum(self.on_hand, wanted)
            short = wanted - sold
        self.on_hand -= sold
        self.sold_today = sold
        ledger.record(day, "sold", "store", sold)
        ledger.store_demand[day] = wanted.sum(axis=1)
        ledger.store_sales[day] = sold.sum(axis=1)
        ledger.record(day, "lost_sale", "store", short)
        ledger.store_lost_value[day] = short @ self._value
        ledger.sku["demand"][day] = wanted.sum(axis=0)
        ledger.sku["sales"][day] = sold.sum(axis=0)
        ledger.sku["lost_sales"][day] = short.sum(axis=0)
        if self.policy is not None:
            self.policy.observe(sold)

    def report(self, day: int) -> None:
        """Shared mode: send each planner the day's sales (SLSRPT) and stock (INVRPT)."""
        channel = self.ctx.channel
        retailer = self.ctx.scenario.spec.retailer.gln
        locations = np.arange(len(self.glns))
        for planner, items in self.report_to:
            columns = as_slice(items)
            channel.send(
                SalesReport(
                    sender=retailer,
                    receiver=planner,
                    day=day,
                    reference=channel.reference(retailer),
                    locations=locations,
                    items=items,
                    quantity=self.sold_today[:, columns].copy(),
                )
            )
            channel.send(
                InventoryReport(
                    sender=retailer,
                    receiver=planner,
                    day=day,
                    reference=channel.reference(retailer),
                    locations=locations,
                    items=items,
                    on_hand=self.on_hand[:, columns].copy(),
                    received=self.received_today[:, columns].copy(),
                    backorders=self.backorders[:, columns].copy(),
                )
            )

    def plan(self, day: int) -> None:
        """Traditional mode: each store orders from its DC with its own policy."""
        if self.policy is None:
            return
        sc = self.ctx.scenario
        observation = Observation(
            day=day,
            on_hand=self.on_hand,
            on_order=self.on_order,
            backorders=self.backorders,
            lead_time_days=self._lead_time,
        )
        order = store_order(self.policy, observation, sc.case_pack, sc.shelf_capacity)
        self.ctx.ledger.sku["store_orders"][day] += order.sum(axis=0)
        channel = self.ctx.channel
        retailer = sc.spec.retailer.gln
        for d, stores in enumerate(self._stores_of_dc):
            if stores.size == 0:
                continue
            channel.send(
                Order(
                    sender=retailer,
                    receiver=sc.dc_gln[d],
                    day=day,
                    reference=channel.reference(retailer),
                    order_number=f"S{day:04d}-{d}",
                    ship_to_kind="store",
                    ship_to=-1,
                    locations=stores,
                    items=self._all_items,
                    quantity=order[stores],
                )
            )

    def close(self, day: int) -> None:
        """End of day: closing stock into the ledger."""
        self.ctx.ledger.close(day, "store", self.on_hand, self.ctx.scenario.unit_cost)
