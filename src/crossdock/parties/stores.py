"""The stores: shelves, tills, and (traditional mode) their own ordering.

One :class:`Stores` object holds every store of the retailer as rows of store × SKU arrays;
each row decides only from its own figures.

Assortment changes arrive as :class:`~crossdock.messages.Delisting` messages from the category
captain: from the next day a delisted SKU's remaining shelf stock is sold down for
``clearance_days`` and then scrapped (units arriving later are scrapped on arrival); shoppers
who want it and find none switch to its substitutes at ``substitution_rate`` (binomial draws,
split by the captain's shares), and the rest of its demand is lost to the chain. Stores also
track each store × SKU's last sale, for the dead-stock KPI.
"""

from __future__ import annotations

import numpy as np

from crossdock._kernels import as_slice, cap_to_room, grid
from crossdock.assortment import ASSORTMENT_SERIES, split_transfers
from crossdock.demand import Demand
from crossdock.messages import (
    Delisting,
    DespatchAdvice,
    InventoryReport,
    LineStatus,
    Order,
    OrderResponse,
    SalesReport,
)
from crossdock.parties._common import Context, opening_stock, store_order
from crossdock.policies import Observation, Policy
from crossdock.scenario._assortment_spec import AssortmentSpec


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
        # proposals the retailer confirmed and no despatch advice has covered yet
        self.confirmed_open = np.zeros_like(self.on_hand)
        self._confirms = sc.spec.retailer.confirms_proposals and ctx.mode == "shared"
        self._blocked = np.array(sc.spec.retailer.blocked_gtins, dtype=object)
        self.unadvised = np.zeros_like(self.on_hand)  # received before its DESADV came
        self.received_today = np.zeros_like(self.on_hand)
        self.sold_today = np.zeros_like(self.on_hand)
        self._value = sc.shelf_price
        self._lead_time = sc.dc_delivery_days[sc.dc_of_store][:, None].astype(np.float64)
        self._stores_of_dc = sc.stores_of_dc
        self._all_items = np.arange(sc.n_skus)
        if policy is not None:
            policy.reset(mean)
        ctx.ledger.record(0, "opening", "store", self.on_hand)
        self._init_assortment()

    def _init_assortment(self) -> None:
        sc = self.ctx.scenario
        ledger = self.ctx.ledger
        spec = sc.spec.assortment
        settings = spec if spec is not None else AssortmentSpec()
        self._dead_days = settings.dead_stock_days
        self._clearance_days = settings.clearance_days
        self._substitution_rate = settings.substitution_rate
        for name in (*ASSORTMENT_SERIES, "short_positions"):
            ledger.sku.setdefault(name, np.zeros((ledger.days, sc.n_skus), dtype=np.int64))
        self._last_sale = np.zeros(self.on_hand.shape, dtype=np.int32)
        self._sale_day = np.empty(self.on_hand.shape, dtype=np.int32)
        self._sold_any = np.empty(self.on_hand.shape, dtype=bool)
        self._listed_stores = np.full(sc.n_skus, sc.n_stores, dtype=np.int64)
        self._delisted_since = np.full(sc.n_skus, -1, dtype=np.int64)
        self._lists: dict[str, Delisting] = {}
        self._delisted = np.zeros(0, dtype=np.int64)
        self._substitutes = np.zeros(0, dtype=np.int64)
        self._shares = np.zeros((0, 0))
        self._switching = np.zeros(0)
        self._rng = np.random.default_rng(np.random.SeedSequence([self.ctx.seed, 0xA55027]))

    def _take_delistings(self, day: int) -> None:
        """Apply the captains' current delisting lists (each replaces its sender's last)."""
        mailbox = self.ctx.scenario.spec.retailer.gln
        notices = self.ctx.channel.receive(mailbox, Delisting, day)
        if not notices:
            return
        for notice in notices:
            self._lists[notice.sender] = notice
        lists = list(self._lists.values())
        items = np.concatenate([n.items for n in lists]).astype(np.int64)
        substitutes = np.unique(np.concatenate([n.substitutes for n in lists]).astype(np.int64))
        shares = np.zeros((items.size, substitutes.size))
        row = 0
        for n in lists:
            columns = np.searchsorted(substitutes, n.substitutes)
            shares[row : row + n.items.size, columns] = n.shares
            row += n.items.size
        new = items[self._delisted_since[items] < 0]
        current = np.zeros(self._delisted_since.size, dtype=bool)
        current[items] = True
        self._delisted_since[~current] = -1  # relisted, if a captain takes an item back
        self._delisted_since[new] = day
        self.backorders[:, new] = 0  # shoppers owed a delisted SKU are told it is gone
        self._delisted, self._substitutes, self._shares = items, substitutes, shares
        self._switching = self._substitution_rate * (shares.sum(axis=1) > 0)
        self._listed_stores[:] = self.ctx.scenario.n_stores
        self._listed_stores[items] = 0

    def _clear_delisted(self, day: int) -> None:
        """Scrap what is left of delisted SKUs whose clearance is over (and late arrivals)."""
        gone = self._delisted
        over = gone[day >= self._delisted_since[gone] + self._clearance_days]
        if over.size == 0:
            return
        left = self.on_hand[:, over]
        if not left.any():
            return
        scrap = np.zeros_like(self.on_hand)
        scrap[:, over] = left
        self.on_hand[:, over] = 0
        self.ctx.ledger.record(day, "scrapped", "store", scrap)
        self.ctx.ledger.sku["delisted_scrap"][day, over] += left.sum(axis=0)

    def _substitute(self, day: int, wanted: np.ndarray) -> np.ndarray:
        """Today's demand after delisting: clearance stock first, then substitutes or lost."""
        gone = self._delisted
        wanted = wanted.copy()
        asked = wanted[:, gone]
        served = np.minimum(asked, self.on_hand[:, gone])
        rest = asked - served
        switch = self._rng.binomial(rest, self._switching[None, :])
        moved = split_transfers(switch, self._shares, self._rng.random(rest.shape[0]))
        wanted[:, gone] = served
        wanted[:, self._substitutes] += moved
        sku = self.ctx.ledger.sku
        sku["substituted_demand"][day, self._substitutes] += moved.sum(axis=0)
        sku["delisted_demand_lost"][day, gone] += (rest - switch).sum(axis=0)
        return wanted

    # -- phases ------------------------------------------------------------------------------
    def receive(self, day: int) -> None:
        """Note despatch advices: what is now on its way to each store."""
        mailbox = self.ctx.scenario.spec.retailer.gln
        # Order responses confirm what the DC will ship; the despatch advices that follow
        # carry the same figures, so the stores act on those.
        self.ctx.channel.receive(mailbox, OrderResponse, day)
        for advice in self.ctx.channel.receive(mailbox, DespatchAdvice, day):
            cells = grid(advice.locations, advice.items)
            # goods that came before their (late) despatch advice are no longer on order
            early = np.minimum(self.unadvised[cells], advice.quantity)
            self.unadvised[cells] -= early
            self.on_order[cells] += advice.quantity - early
            if self._confirms:  # confirmed goods now on their way: no longer pending
                self._settle(cells, advice.quantity)
        self.received_today[:] = 0
        self._take_delistings(day)

    def _settle(self, cells: tuple, quantity: np.ndarray) -> None:
        settled = np.minimum(self.confirmed_open[cells], quantity)
        self.confirmed_open[cells] -= settled

    def unload(self, day: int, goods: np.ndarray) -> None:
        """Goods the carrier delivers this morning go on the shelf (backorders first)."""
        self.on_hand += goods
        expected = np.minimum(goods, self.on_order)  # all of it, unless a DESADV is late
        self.on_order -= expected
        self.unadvised += goods - expected
        self.received_today += goods
        self.ctx.ledger.record(day, "received", "store", goods)
        self.ctx.ledger.store_deliveries[day] += goods.any(axis=1)

    def trade(self, day: int) -> None:
        """Sell: serve backorders, then today's shoppers; the rest is lost or backordered."""
        ledger = self.ctx.ledger
        wanted = self.demand.daily(day)
        gone = self._delisted
        if gone.size:
            self._clear_delisted(day)
            wanted = self._substitute(day, wanted)
        ledger.store_in_stock[day] = np.count_nonzero(self.on_hand, axis=1)
        if gone.size:  # only listed SKUs count as available
            ledger.store_in_stock[day] -= np.count_nonzero(self.on_hand[:, gone], axis=1)
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
        ledger.sku["short_positions"][day] = np.count_nonzero(short, axis=0)
        if self.policy is not None:  # a backorder records the demand; a lost sale does not
            if self.backordering:
                self.policy.observe(wanted)
            else:  # an empty shelf at closing: demand was at least the sales (censored)
                self.policy.observe_sales(sold, self.on_hand == 0)
        sku = ledger.sku
        sku["listed_stores"][day] = self._listed_stores
        # day after the last sale per store × SKU (0: none yet); days only grow, so a running
        # maximum does it without masked writes
        sold_any = np.greater(sold, 0, out=self._sold_any)
        since = np.multiply(sold_any, day + 1, out=self._sale_day)
        np.maximum(self._last_sale, since, out=self._last_sale)
        if day >= self._dead_days - 1:
            dead = np.less_equal(self._last_sale, day + 1 - self._dead_days, out=self._sold_any)
            sku["dead_stock"][day] = np.sum(self.on_hand, axis=0, where=dead)

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

    def confirm(self, day: int) -> None:
        """The retailer answers the planners' proposals (ORDRSP) by its rules.

        Blocked items are refused; no store is sent more than its shelf holds (stock, goods on
        their way and what it already confirmed); a store's day of orders keeps within its
        budget (value at unit cost), cut in proportion and to whole packs.
        """
        sc = self.ctx.scenario
        spec = sc.spec.retailer
        channel = self.ctx.channel
        spent = np.zeros(sc.n_stores)  # value confirmed per store today, over all proposals
        for proposal in channel.receive(spec.gln, Order, day):
            items = proposal.items
            rows = proposal.locations
            asked = proposal.quantity
            pack = sc.case_pack[items]
            granted = asked.copy()
            if self._blocked.size:
                granted[:, np.isin(sc.gtin[items], self._blocked)] = 0
            cells = grid(rows, items)  # views where rows and items are contiguous
            position = self.on_hand[cells] + self.on_order[cells]
            position += self.confirmed_open[cells]
            position -= self.backorders[cells]
            granted = cap_to_room(granted, position, sc.shelf_capacity[cells], pack)
            if spec.order_budget_per_store_day is not None:
                left = np.maximum(spec.order_budget_per_store_day - spent[rows], 0.0)
                value = granted @ sc.unit_cost[items]
                over = value > left
                if over.any():
                    share = left[over] / value[over]
                    cut = np.floor(granted[over] * share[:, None] / pack) * pack
                    granted[over] = cut.astype(np.int64)
                spent[rows] += granted @ sc.unit_cost[items]
            self.confirmed_open[cells] += granted
            changed = (granted != asked).any(axis=0)
            status = np.where(changed, LineStatus.CHANGED, LineStatus.ACCEPTED)
            status[changed & (granted.sum(axis=0) == 0)] = LineStatus.REFUSED
            channel.send(
                OrderResponse(
                    sender=spec.gln,
                    receiver=proposal.sender,
                    day=day,
                    reference=channel.reference(spec.gln),
                    order_number=proposal.order_number,
                    locations=rows,
                    items=items,
                    quantity=granted,
                    status=status,
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
