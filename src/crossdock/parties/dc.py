"""The traditional chain's stock-holding distribution centre."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from crossdock._kernels import cases, column_sums, grid, pallets, ration, round_up_to_pack
from crossdock.ledger import SeriesSpec
from crossdock.messages import DespatchAdvice, LineStatus, Order, OrderResponse
from crossdock.parties._common import (
    MAX_DELAY_DAYS,
    Context,
    NetworkParty,
    SsccCounter,
    despatch_to_stores,
    opening_stock,
    send,
    take_in,
)
from crossdock.policies import Observation, Policy

_STATS = ("dc_pallets_in", "dc_pallets_out", "dc_cases_picked")


class DistributionCentres(NetworkParty):
    """Every DC, one row each: fill store orders from stock, reorder from suppliers.

    A DC sees only the stores' orders (not shoppers' demand) and forecasts those; short
    lines are cut (ORDRSP "changed") and the stores reorder what they still need.
    """

    phases: ClassVar[tuple[str, ...]] = ("receive", "plan", "ship", "close")
    location_type: ClassVar[str | None] = "dc"
    series: ClassVar[tuple[SeriesSpec, ...]] = (
        *(SeriesSpec(name, "dc", np.float64) for name in _STATS),
        SeriesSpec("dc_orders", "sku"),
    )

    def __init__(self, ctx: Context, *, policy: Policy, initial_stock_days: float) -> None:
        sc = ctx.scenario
        self.ctx = ctx
        self.policy = policy
        mean = np.stack([sc.expected_demand()[stores].sum(axis=0) for stores in sc.stores_of_dc])
        self.on_hand = opening_stock(mean, initial_stock_days, sc.case_pack)
        self.on_order = np.zeros_like(self.on_hand)
        self.ssccs = SsccCounter(sc.n_dcs)
        self._to_ship: list[np.ndarray | None] = [None] * sc.n_dcs  # per DC: [its stores, k]
        self._lead_time = sc.supplier_lead_time_days[sc.supplier_of][None, :].astype(np.float64)
        self._delay = np.zeros((sc.n_dcs, sc.n_skus))  # extra days suppliers announce (ORDRSP)
        self._lead_now = self._lead_time + self._delay
        self._items_of_supplier = sc.items_of_supplier
        self._stores_of_dc = sc.stores_of_dc
        policy.reset(mean)
        ctx.ledger.record(0, "opening", "dc", self.on_hand)

    def receive(self, day: int) -> None:
        """Note suppliers' despatch advices (what is on its way), then take in today's goods."""
        # on_order already counts everything ordered; suppliers fill every order in the end.
        for gln in self.ctx.scenario.dc_gln:
            self.ctx.channel.receive(gln, DespatchAdvice, day)
        self._unload(day)

    def _unload(self, day: int) -> None:
        """Suppliers' deliveries go into stock (each pallet received and put away)."""
        sc = self.ctx.scenario
        goods = take_in(self.ctx, sc.dc_gln, day, self.on_hand.shape)
        if goods is None:
            return
        self.on_hand += goods
        self.on_order -= goods
        self.ctx.ledger.record(day, "received", "dc", goods)
        pallets_in = self.ctx.ledger["dc_pallets_in"]
        for d in range(sc.n_dcs):
            pallets_in[day, d] += sum(
                int(pallets(goods[d : d + 1, items], sc.units_per_pallet[items]).sum())
                for items in self._items_of_supplier
            )

    def plan(self, day: int) -> None:
        """Allocate stock to today's store orders, answer them, and reorder from suppliers."""
        sc = self.ctx.scenario
        channel = self.ctx.channel
        seen = np.zeros_like(self.on_hand)
        committed = np.zeros_like(self.on_hand)
        for d, gln in enumerate(sc.dc_gln):
            for response in channel.receive(gln, OrderResponse, day):
                if response.delivery_day.size:
                    waits = np.maximum(response.delivery_day - response.day, 0)
                    self._delay[d, response.items] = np.minimum(waits, MAX_DELAY_DAYS)
                    self._lead_now = self._lead_time + self._delay
            orders = channel.receive(gln, Order, day)
            stores = self._stores_of_dc[d]
            requested = self._requested(orders, stores)
            total = column_sums(requested)
            short = bool((total > self.on_hand[d]).any())
            granted = ration(requested, self.on_hand[d], total=total) if short else requested
            self._to_ship[d] = granted
            seen[d] = total
            committed[d] = column_sums(granted) if short else total
            for order in orders:
                self._answer(day, d, order, requested if short else None, granted, stores)
        self.policy.observe(seen)
        observation = Observation(
            day=day,
            on_hand=self.on_hand - committed,
            on_order=self.on_order,
            backorders=np.zeros_like(self.on_hand),
            lead_time_days=self._lead_now,
        )
        order_qty = round_up_to_pack(self.policy.plan(observation), sc.case_pack)
        self.on_order += order_qty
        self.ctx.ledger["dc_orders"][day] += column_sums(order_qty)
        for d, dc_gln in enumerate(sc.dc_gln):
            for u, items in enumerate(self._items_of_supplier):
                quantity = order_qty[d, items]
                if not quantity.any():
                    continue
                send(
                    self.ctx,
                    Order,
                    dc_gln,
                    sc.supplier_gln[u],
                    day,
                    order_number=f"D{day:04d}-{d}-{u}",
                    ship_to_kind="dc",
                    ship_to=d,
                    locations=np.array([d]),
                    items=items,
                    quantity=quantity[None, :],
                )

    def _requested(self, orders: list[Order], stores: np.ndarray) -> np.ndarray:
        """Today's store orders as a ``[stores of the DC, k]`` array.

        When one order covers all the DC's stores and SKUs, it is that order's own array.
        """
        n_skus = self.ctx.scenario.n_skus
        if (
            len(orders) == 1
            and np.array_equal(orders[0].locations, stores)
            and orders[0].items.size == n_skus
            and np.array_equal(orders[0].items, np.arange(n_skus))
        ):
            return orders[0].quantity
        requested = np.zeros((stores.size, n_skus), dtype=np.int64)
        row_of = np.full(self.ctx.scenario.n_stores, -1)
        row_of[stores] = np.arange(stores.size)
        for order in orders:
            requested[grid(row_of[order.locations], order.items)] += order.quantity
        return requested

    def _answer(
        self,
        day: int,
        d: int,
        order: Order,
        requested: np.ndarray | None,
        granted: np.ndarray,
        stores: np.ndarray,
    ) -> None:
        """ORDRSP: every line accepted, or changed / refused where stock was short."""
        sc = self.ctx.scenario
        if requested is None:  # nothing short: accepted as ordered
            confirmed = order.quantity
            status = np.full(order.items.size, LineStatus.ACCEPTED)
        else:
            row_of = np.full(sc.n_stores, -1)
            row_of[stores] = np.arange(stores.size)
            rows = grid(row_of[order.locations], order.items)
            if order.quantity is requested:  # the only order: it gets what was granted
                confirmed = granted
            else:  # several orders share the grant in proportion
                share = np.where(requested > 0, granted / np.maximum(requested, 1), 1.0)
                confirmed = np.floor(order.quantity * share[rows] + 1e-9).astype(np.int64)
            changed = (confirmed != order.quantity).any(axis=0)
            status = np.where(changed, LineStatus.CHANGED, LineStatus.ACCEPTED)
            status[changed & (confirmed.sum(axis=0) == 0)] = LineStatus.REFUSED
        send(
            self.ctx,
            OrderResponse,
            sc.dc_gln[d],
            order.sender,
            day,
            order_number=order.order_number,
            locations=order.locations,
            items=order.items,
            quantity=confirmed,
            status=status,
        )

    def ship(self, day: int) -> None:
        """Pick the allocated store orders and hand them to the carrier, with a DESADV."""
        sc = self.ctx.scenario
        for d, stores in enumerate(self._stores_of_dc):
            goods = self._to_ship[d]
            self._to_ship[d] = None
            if goods is None:
                continue
            total = column_sums(goods)
            if not total.any():
                continue
            self.on_hand[d] -= total
            ledger = self.ctx.ledger
            ledger["dc_cases_picked"][day, d] += cases(goods, sc.case_pack)
            shipped = np.zeros((sc.n_dcs, sc.n_skus), dtype=np.int64)
            shipped[d] = total
            self.ctx.ledger.record(day, "shipped", "dc", shipped)
            ledger["dc_pallets_out"][day, d] += despatch_to_stores(
                self.ctx,
                self.ssccs,
                day=day,
                origin_kind="dc",
                origin=d,
                sender=sc.dc_gln[d],
                stores=stores,
                goods=goods,
                transit_days=int(sc.dc_delivery_days[d]),
            )

    def close(self, day: int) -> None:
        """Closing stock into the ledger."""
        self.ctx.ledger.close(day, "dc", self.on_hand, self.ctx.scenario.unit_cost)
