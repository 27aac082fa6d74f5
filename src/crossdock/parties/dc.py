"""The traditional chain's stock-holding distribution centre."""

from __future__ import annotations

import numpy as np

from crossdock._kernels import grid, ration, round_up_to_pack
from crossdock.messages import DespatchAdvice, LineStatus, Order, OrderResponse
from crossdock.parties._common import Context, SsccCounter, despatch_to_stores, opening_stock
from crossdock.parties.suppliers import MAX_DELAY_DAYS
from crossdock.policies import Observation, Policy


class DistributionCentres:
    """Every DC, one row each: fill store orders from stock, reorder from suppliers.

    A DC sees only the stores' orders (not shoppers' demand) and forecasts those; short
    lines are cut (ORDRSP "changed") and the stores reorder what they still need.
    """

    def __init__(
        self, ctx: Context, *, policy: Policy, initial_stock_days: float, carrier: object
    ) -> None:
        sc = ctx.scenario
        self.ctx = ctx
        self.policy = policy
        self.carrier = carrier
        mean = np.stack(
            [sc.expected_demand()[sc.dc_of_store == d].sum(axis=0) for d in range(sc.n_dcs)]
        )
        self.on_hand = opening_stock(mean, initial_stock_days, sc.case_pack)
        self.on_order = np.zeros_like(self.on_hand)
        self.ssccs = SsccCounter(sc.n_dcs)
        self._to_ship = np.zeros((sc.n_stores, sc.n_skus), dtype=np.int64)
        self._lead_time = sc.supplier_lead_time_days[sc.supplier_of][None, :].astype(np.float64)
        self._delay = np.zeros((sc.n_dcs, sc.n_skus))  # extra days suppliers announce (ORDRSP)
        self._items_of_supplier = [
            np.flatnonzero(sc.supplier_of == u) for u in range(sc.n_suppliers)
        ]
        self._stores_of_dc = [np.flatnonzero(sc.dc_of_store == d) for d in range(sc.n_dcs)]
        policy.reset(mean)
        ctx.ledger.record(0, "opening", "dc", self.on_hand)

    def receive(self, day: int) -> None:
        """Note suppliers' despatch advices (what is on its way)."""
        # on_order already counts everything ordered; suppliers fill every order in the end.
        for gln in self.ctx.scenario.dc_gln:
            self.ctx.channel.receive(gln, DespatchAdvice, day)

    def unload(self, day: int, goods: np.ndarray) -> None:
        """Suppliers' deliveries go into stock."""
        self.on_hand += goods
        self.on_order -= goods
        self.ctx.ledger.record(day, "received", "dc", goods)

    def plan(self, day: int) -> None:
        """Allocate stock to today's store orders, answer them, and reorder from suppliers."""
        sc = self.ctx.scenario
        channel = self.ctx.channel
        requested = np.zeros((sc.n_stores, sc.n_skus), dtype=np.int64)
        orders: list[tuple[int, Order]] = []
        for d, gln in enumerate(sc.dc_gln):
            for order in channel.receive(gln, Order, day):
                requested[grid(order.locations, order.items)] += order.quantity
                orders.append((d, order))
            for response in channel.receive(gln, OrderResponse, day):
                if response.delivery_day.size:
                    waits = np.maximum(response.delivery_day - response.day, 0)
                    self._delay[d, response.items] = np.minimum(waits, MAX_DELAY_DAYS)
        seen = np.zeros_like(self.on_hand)
        for d, stores in enumerate(self._stores_of_dc):
            granted = ration(requested[stores], self.on_hand[d])
            self._to_ship[stores] = granted
            seen[d] = requested[stores].sum(axis=0)
        for d, order in orders:
            confirmed = self._to_ship[grid(order.locations, order.items)].copy()
            changed = (confirmed != order.quantity).any(axis=0)
            status = np.where(changed, LineStatus.CHANGED, LineStatus.ACCEPTED)
            status[changed & (confirmed.sum(axis=0) == 0)] = LineStatus.REFUSED
            channel.send(
                OrderResponse(
                    sender=sc.dc_gln[d],
                    receiver=order.sender,
                    day=day,
                    reference=channel.reference(sc.dc_gln[d]),
                    order_number=order.order_number,
                    locations=order.locations,
                    items=order.items,
                    quantity=confirmed,
                    status=status,
                )
            )
        self.policy.observe(seen)
        committed = np.stack([self._to_ship[s].sum(axis=0) for s in self._stores_of_dc])
        observation = Observation(
            day=day,
            on_hand=self.on_hand - committed,
            on_order=self.on_order,
            backorders=np.zeros_like(self.on_hand),
            lead_time_days=self._lead_time + self._delay,
        )
        order_qty = round_up_to_pack(self.policy.plan(observation), sc.case_pack)
        self.on_order += order_qty
        self.ctx.ledger.sku["dc_orders"][day] += order_qty.sum(axis=0)
        for d, dc_gln in enumerate(sc.dc_gln):
            for u, items in enumerate(self._items_of_supplier):
                quantity = order_qty[d, items]
                if not quantity.any():
                    continue
                channel.send(
                    Order(
                        sender=dc_gln,
                        receiver=sc.supplier_gln[u],
                        day=day,
                        reference=channel.reference(dc_gln),
                        order_number=f"D{day:04d}-{d}-{u}",
                        ship_to_kind="dc",
                        ship_to=d,
                        locations=np.array([d]),
                        items=items,
                        quantity=quantity[None, :],
                    )
                )

    def ship(self, day: int) -> None:
        """Pick the allocated store orders and hand them to the carrier, with a DESADV."""
        sc = self.ctx.scenario
        for d, stores in enumerate(self._stores_of_dc):
            goods = self._to_ship[stores]
            if not goods.any():
                continue
            self.on_hand[d] -= goods.sum(axis=0)
            shipped = np.zeros((sc.n_dcs, sc.n_skus), dtype=np.int64)
            shipped[d] = goods.sum(axis=0)
            self.ctx.ledger.record(day, "shipped", "dc", shipped)
            despatch_to_stores(
                self.ctx,
                self.carrier,
                self.ssccs,
                day=day,
                origin_kind="dc",
                origin=d,
                sender=sc.dc_gln[d],
                stores=stores,
                goods=goods,
                transit_days=int(sc.dc_delivery_days[d]),
            )
        self._to_ship[:] = 0

    def close(self, day: int) -> None:
        """Closing stock into the ledger."""
        self.ctx.ledger.close(day, "dc", self.on_hand, self.ctx.scenario.unit_cost)
