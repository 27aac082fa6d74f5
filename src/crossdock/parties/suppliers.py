"""Suppliers: their finished-goods warehouses, order books and production planning.

One :class:`Suppliers` object holds every supplier; SKU ``k`` belongs to supplier
``supplier_of[k]``, so stock is a ``[k]`` array. Traditional mode: suppliers fill DC orders
from stock and plan production to stock (make-to-stock, forecasting the DC's orders). Shared
mode: suppliers receive the planner's cross-dock orders, pre-allocated by store, and have their
factory make exactly what is ordered and not in stock (make-to-order).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from crossdock._kernels import as_slice, column_sums, grid, pallets, ration, round_up_to_pack
from crossdock.category.lanes import consolidated_lanes
from crossdock.goods import Consignment
from crossdock.ledger import SeriesSpec
from crossdock.messages import (
    LineStatus,
    Order,
    OrderResponse,
    ReceivingAdvice,
)
from crossdock.parties._common import (
    MAX_DELAY_DAYS,
    Context,
    NetworkParty,
    SsccCounter,
    add_with_room,
    despatch,
    opening_stock,
    send,
)
from crossdock.policies import Observation, Policy

_PER_SKU = ("supplier_orders", "production_orders", "supplier_shipped", "obsolete")


class Suppliers(NetworkParty):
    """Every supplier's warehouse and order book (see the module docstring).

    Finished goods come in from the factories as consignments on the goods channel (same
    site: no carrier); despatches to platforms and DCs leave with the carrier.
    """

    phases: ClassVar[tuple[str, ...]] = ("confirm", "ship", "close")
    location_type: ClassVar[str | None] = "supplier"
    series: ClassVar[tuple[SeriesSpec, ...]] = tuple(SeriesSpec(name, "sku") for name in _PER_SKU)

    def __init__(
        self,
        ctx: Context,
        *,
        policy: Policy | None,
        initial_stock_days: float,
        overrides: dict[int, tuple[Policy, float]] | None = None,
    ) -> None:
        sc = ctx.scenario
        self.ctx = ctx
        self.policy = policy  # None: make to order
        network = sc.expected_demand().sum(axis=0)
        cover = np.full(sc.n_skus, float(initial_stock_days))
        # Make-to-stock planning groups: (items, policy); a supplier's own stock policy
        # (``overrides``: supplier index -> (policy, opening days)) replaces the default.
        overrides = overrides or {}
        default_items = np.flatnonzero(~np.isin(sc.supplier_of, list(overrides)))
        self._groups: list[tuple[np.ndarray, Policy]] = []
        if policy is not None and default_items.size:
            self._groups.append((default_items, policy))
        for u, (own, days) in sorted(overrides.items()):
            items = sc.items_of_supplier[u]
            cover[items] = days
            self._groups.append((items, own))
        self.on_hand = opening_stock(network, cover, sc.case_pack)
        self.ssccs = SsccCounter(sc.n_suppliers)
        self.in_production = np.zeros(sc.n_skus, dtype=np.int64)
        self.book_dc = np.zeros((sc.n_dcs, sc.n_skus), dtype=np.int64)
        self.book_store = np.zeros((sc.n_stores, sc.n_skus), dtype=np.int32)  # checked adds
        # the store book's units per SKU, kept as lines are booked and shipped: no pass over
        # the whole book to know what is owed, nor to ration it, nor to count what shipped
        self._store_owed = np.zeros(sc.n_skus, dtype=np.int64)
        self._items = sc.items_of_supplier
        # supplier × platform lanes a collection milk run may carry (crossdock.category.lanes)
        self._lanes = consolidated_lanes(sc)
        # Production ordered in tonight's plan phase is made and can ship the same evening.
        self._lead_time = np.zeros(sc.n_skus)
        for items, group_policy in self._groups:
            group_policy.reset(network[items])
        ctx.ledger.record_owned(0, "opening", "supplier", self.on_hand, sc.supplier_of)
        # Shelf life: cumulative units in (by day) and out, first in first out.
        self._life = sc.shelf_life_days
        self._perishable = np.flatnonzero(self._life > 0)
        # A ring of days × perishable SKUs only, no longer than the run: a day's row is read
        # back at most shelf life days later, and never after the last day.
        window = int(self._life.max()) + 1 if self._perishable.size else 1
        window = max(1, min(window, ctx.ledger.days + 1))
        self._cum_in = np.zeros((window, self._perishable.size), dtype=np.int64)
        self._in_total = self.on_hand.copy()
        self._out_total = np.zeros(sc.n_skus, dtype=np.int64)
        self._cum_in[0] = self._in_total[self._perishable]
        # who ordered each SKU last (to pass on the factory's promised dates), and what we told them
        self._orderer = np.full(sc.n_skus, "", dtype=object)
        self._delay_told = np.zeros(sc.n_skus, dtype=np.int64)
        self.production_delay = np.zeros(sc.n_skus, dtype=np.int64)

    def confirm(self, day: int) -> None:
        """Book today's (confirmed) orders and send production orders to the factories."""
        sc = self.ctx.scenario
        channel = self.ctx.channel
        incoming = np.zeros(sc.n_skus, dtype=np.int64)
        for gln in sc.supplier_gln:
            # receiving advices confirm deliveries (the ledger already holds any difference)
            channel.receive(gln, ReceivingAdvice, day)
            for order in channel.receive(gln, Order, day):
                total = order.total
                # (a slice where the items are a block, as a supplier's are: no gathers)
                items = as_slice(order.items)
                if order.ship_to_kind == "dc":
                    self.book_dc[order.ship_to, items] += order.quantity[0]
                else:
                    cells = grid(order.locations, order.items)
                    book = self.book_store[cells]  # (a view where both are slices)
                    add_with_room(day, "suppliers", "order book", book, order.quantity)
                    if not all(isinstance(index, slice) for index in cells):
                        self.book_store[cells] = book  # (a copy: written back)
                    self._store_owed[items] += total
                incoming[items] += total
                self._orderer[items] = order.sender
        self.ctx.ledger["supplier_orders"][day] += incoming
        self._pass_on_promises(day)
        owed = self.book_dc.sum(axis=0) + self._store_owed
        if not self._groups:
            make = np.maximum(owed - self.on_hand - self.in_production, 0)
        else:
            make = np.zeros(sc.n_skus, dtype=np.int64)
            for items, policy in self._groups:
                policy.observe(incoming[items])
                observation = Observation(
                    day=day,
                    on_hand=self.on_hand[items],
                    on_order=self.in_production[items],
                    backorders=owed[items],
                    lead_time_days=self._lead_time[items]
                    + np.minimum(self.production_delay[items], MAX_DELAY_DAYS),
                )
                make[items] = round_up_to_pack(policy.plan(observation), sc.case_pack[items])
        self.in_production += make
        self.ctx.ledger["production_orders"][day] += make
        for u, items in enumerate(self._items):
            if not make[items].any():
                continue
            f = int(sc.factory_of_supplier[u])
            send(
                self.ctx,
                Order,
                sc.supplier_gln[u],
                sc.factory_gln[f],
                day,
                order_number=f"P{day:04d}-{u}",
                ship_to_kind="supplier",
                ship_to=u,
                locations=np.array([u]),
                items=items,
                quantity=make[items][None, :],
            )

    def _pass_on_promises(self, day: int) -> None:
        """Forward the factories' later dates (ORDRSP) to whoever ordered the SKUs."""
        sc = self.ctx.scenario
        channel = self.ctx.channel
        delay = self._delay_told.copy()
        heard = np.zeros(sc.n_skus, dtype=bool)
        for gln in sc.supplier_gln:
            for response in channel.receive(gln, OrderResponse, day):
                if response.delivery_day.size:
                    delay[response.items] = np.maximum(response.delivery_day - response.day, 0)
                    heard[response.items] = True
        # Make-to-stock suppliers ship from stock: the factory's delays are theirs to absorb
        # (they plan production with them); make-to-order ones pass them on to the orderer.
        self.production_delay = np.where(heard, delay, self.production_delay)
        if self._groups:
            return
        changed = heard & (delay != self._delay_told)
        if not changed.any():
            return
        self._delay_told = np.where(heard, delay, self._delay_told)
        for orderer in sorted(set(self._orderer[changed]) - {""}):  # same order every process
            items = np.flatnonzero(changed & (self._orderer == orderer))
            u = int(sc.supplier_of[items[0]])
            send(
                self.ctx,
                OrderResponse,
                sc.supplier_gln[u],
                orderer,
                day,
                order_number=f"R{day:04d}-{u}",
                locations=np.zeros(1, dtype=np.int64),
                items=items,
                quantity=np.zeros((1, items.size), dtype=np.int64),
                status=np.where(delay[items] > 0, LineStatus.CHANGED, LineStatus.ACCEPTED),
                delivery_day=day + delay[items],
            )

    def _take_in(self, day: int) -> None:
        """Today's consignments enter the warehouses: the factories' output, and any other.

        Only the factories' output settles production orders; goods from anyone else (a
        return, say) simply go into stock.
        """
        sc = self.ctx.scenario
        arrivals = [load for gln in sc.supplier_gln for load in self.ctx.goods.arrivals(gln, day)]
        if not arrivals:
            return
        goods = np.zeros(sc.n_skus, dtype=np.int64)
        made = np.zeros(sc.n_skus, dtype=np.int64)
        for load in arrivals:
            goods[load.items] += load.total
            if load.sender_kind == "factory":
                made[load.items] += load.total
        self.on_hand += goods
        self._in_total += goods
        self.in_production -= made
        self.ctx.ledger.record_owned(day, "received", "supplier", goods, sc.supplier_of)

    def ship(self, day: int) -> None:
        """Ship what stock allows against the order book, with a DESADV per destination."""
        self._take_in(day)
        if self.book_dc.any():
            granted = ration(self.book_dc, self.on_hand)
            self._dispatch(day, granted, "dc")
            self.book_dc -= granted
        if self._store_owed.any():  # the book's column sums (no scan of the book itself)
            # every line in full (the usual day): the book itself is shipped, its array
            # becoming the consignments' quantities, and a new book starts as fresh zeros,
            # whose pages are not resident until tomorrow's orders write them: no copy, and
            # 4 bytes a store × SKU cell less while the other parties work
            book = self.book_store
            owed = self._store_owed
            granted = ration(book, self.on_hand, copy=False, total=owed)
            if granted is book:
                self.book_store = np.zeros(book.shape, dtype=book.dtype)
                shipped = owed
                self._store_owed = np.zeros_like(owed)
            else:
                shipped = column_sums(granted)
                book -= granted
                owed -= shipped
                if not owed.any():  # all shipped after all
                    self.book_store = np.zeros(book.shape, dtype=book.dtype)
            del book
            self._dispatch(day, granted, "platform", shipped)

    def _dispatch(
        self, day: int, granted: np.ndarray, kind: str, total: np.ndarray | None = None
    ) -> None:
        """Ship ``granted`` (its units per SKU: ``total``, summed here if not given)."""
        sc = self.ctx.scenario
        if total is None:
            total = column_sums(granted)
        if not total.any():
            return
        self.on_hand -= total
        self._out_total += total
        self.ctx.ledger["supplier_shipped"][day] += total
        self.ctx.ledger.record_owned(day, "shipped", "supplier", total, sc.supplier_of)
        if kind == "dc":
            groups = [(d, np.array([d]), granted[d : d + 1]) for d in range(sc.n_dcs)]
            glns = sc.dc_gln
        else:
            groups = [  # views where a platform's stores are adjacent rows
                (p, stores, granted[as_slice(stores)])
                for p, stores in enumerate(sc.stores_of_platform)
                if stores.size
            ]
            glns = sc.platform_gln
        carrier = sc.spec.carrier.gln
        collect = kind == "platform" and sc.spec.replenishment.inbound_consolidation
        for u, own in enumerate(self._items):
            arrival = day + int(sc.supplier_lead_time_days[u])
            # with inbound consolidation, one consignment per planner that ordered the items,
            # on the collection runs that planner booked for its category's suppliers
            joins = self._collections(own) if collect else [("", own)]
            for dest, locations, goods in groups:
                # milk runs only on the lanes they can help (see crossdock.category.lanes)
                lots = joins if collect and self._lanes[u, dest] else [("", own)]
                for lot, (collection, items) in enumerate(lots):
                    # pallets counted on the grant's cells in place: none for a lot with
                    # nothing in it (grants are never negative, and any unit is a pallet)
                    columns = as_slice(items)
                    cells = goods[:, columns]
                    count = int(pallets(cells, sc.units_per_pallet[items]).sum())
                    if count == 0:
                        continue
                    # the consignment's own copy: a view would keep the whole day's grant
                    # alive until the slowest supplier's goods arrive
                    quantity = cells.copy() if isinstance(columns, slice) else cells
                    load = Consignment(
                        sender=sc.supplier_gln[u],
                        receiver=glns[dest],
                        carrier=carrier,
                        ship_day=day,
                        arrival_day=arrival,
                        receiver_kind=kind,
                        sender_kind="supplier",
                        origin=u,
                        destination=dest,
                        locations=locations,
                        items=items,
                        quantity=quantity,
                        pallets=count,
                        sscc_first=self.ssccs.take(u, count),
                        collection=collection,
                    )
                    number = f"U{day:04d}-{u}-{dest}" + (f"-{lot}" if lot else "")
                    despatch(self.ctx, load, number, ship_to=dest)

    def _collections(self, items: np.ndarray) -> list[tuple[str, np.ndarray]]:
        """A supplier's items grouped by the planner that last ordered them (its collection)."""
        orderers = self._orderer[items]
        return [(str(gln), items[orderers == gln]) for gln in dict.fromkeys(orderers.tolist())]

    def close(self, day: int) -> None:
        """Scrap what passed its shelf life (first in, first out), then record closing stock."""
        sc = self.ctx.scenario
        window = len(self._cum_in)
        k = self._perishable
        self._cum_in[day % window] = self._in_total[k]
        if k.size:
            born = day - self._life[k]
            column = np.arange(k.size)
            old_in = np.where(born >= 0, self._cum_in[np.maximum(born, 0) % window, column], 0)
            expired = np.minimum(np.maximum(old_in - self._out_total[k], 0), self.on_hand[k])
            if expired.any():
                scrapped = np.zeros(sc.n_skus, dtype=np.int64)
                scrapped[k] = expired
                self.on_hand -= scrapped
                self._out_total += scrapped
                self.ctx.ledger["obsolete"][day] += scrapped
                self.ctx.ledger.record_owned(day, "scrapped", "supplier", scrapped, sc.supplier_of)
        self.ctx.ledger.close(day, "supplier", self.on_hand, sc.unit_cost, owner=sc.supplier_of)
