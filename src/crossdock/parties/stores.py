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

import weakref
from types import SimpleNamespace
from typing import ClassVar

import numpy as np

from crossdock import _fused
from crossdock._kernels import (
    INT32_MAX,
    as_slice,
    column_sums,
    dot_blocks,
    grid,
    int32_room,
    row_blocks,
    row_dot,
    rows_per_block,
)
from crossdock.assortment import ASSORTMENT_SERIES, add_split_transfers
from crossdock.demand import Demand
from crossdock.economics._prices import PriceBook
from crossdock.errors import ScenarioError
from crossdock.ledger import SeriesSpec
from crossdock.messages import (
    QUANTITY,
    Delisting,
    DespatchAdvice,
    InventoryReport,
    Message,
    Order,
    OrderResponse,
    SalesReport,
    StorePositions,
)
from crossdock.parties._common import (
    Context,
    NetworkParty,
    gln_key,
    opening_stock,
    send,
    store_order,
    take_in,
)
from crossdock.policies import Observation, Policy
from crossdock.scenario._assortment_spec import AssortmentSpec

_PER_STORE = ("store_demand", "store_sales", "store_in_stock", "store_deliveries")
_PER_SKU = ("demand", "sales", "lost_sales", "short_positions", "store_orders", *ASSORTMENT_SERIES)


def _copy(quantity: np.ndarray) -> np.ndarray:
    """A message's own copy of store × SKU quantities (int32, as every message quantity).

    All zeros (a day without deliveries, say) is a read-only zero broadcast to the shape: the
    same values, dtype and shape with no bytes per cell; receivers only read payloads.
    """
    if not quantity.any():
        return np.broadcast_to(QUANTITY(0), quantity.shape)
    return quantity.astype(QUANTITY)


class _Lent:
    """Reports whose payloads are views of the stores' books, until the books next change.

    A day's reports are read by the planners the same evening, so copying 12 bytes a store ×
    SKU cell into them would be wasted on almost every day: the stores send views and keep a
    weak reference to each message. Before the books change (the next receiving or trading, or
    at closing, so a checkpoint holds no weak references), each message still held by anyone
    — a channel that delays it, a party that keeps it — gets its own copy (:func:`_copy`), the
    figures it was sent with. A message nobody holds any longer costs nothing.
    """

    def __init__(self) -> None:
        self._lent: list[tuple[weakref.ref[Message], tuple[str, ...]]] = []

    def lend(self, message: Message, *names: str) -> None:
        """``message``'s payloads ``names`` are views of the books."""
        self._lent.append((weakref.ref(message), names))

    def settle(self) -> None:
        """Give every lent message still alive its own copy of its payloads."""
        lent, self._lent = self._lent, []
        for ref, names in lent:
            message = ref()
            if message is None:
                continue
            for name in names:
                payload = getattr(message, name)
                if any(payload.strides):  # (a zero broadcast is no view of anything)
                    object.__setattr__(message, name, _copy(payload))

    def __getstate__(self) -> dict[str, object]:
        """Pickled settled (a checkpoint is taken after closing: nothing is lent then)."""
        self.settle()
        return {}

    def __setstate__(self, state: dict[str, object]) -> None:
        self._lent = []


class Stores(NetworkParty):
    """All stores: receive deliveries, sell to shoppers, report, and order (traditional).

    ``report_to`` lists ``(planner GLN, SKU indices)`` pairs that get the daily sales and
    inventory reports (shared mode); ``policy`` is the stores' own ordering policy
    (traditional mode, ``None`` in shared mode). Deliveries come in from the goods channel,
    addressed to the retailer for its stores; when the retailer confirms the planners'
    proposals, the stores pass their positions to its head office each day
    (:class:`~crossdock.messages.StorePositions`). ``prices`` is the book the stores value
    their sales at (default: the scenario's, one day at a time).
    """

    phases: ClassVar[tuple[str, ...]] = ("receive", "trade", "report", "plan", "close")
    location_type: ClassVar[str | None] = "store"
    series: ClassVar[tuple[SeriesSpec, ...]] = (
        *(SeriesSpec(name, "store") for name in _PER_STORE),
        SeriesSpec("store_lost_value", "store", np.float64),
        SeriesSpec("store_revenue", "store", np.float64),
        SeriesSpec("store_cases_received", "store", np.float64),
        *(SeriesSpec(name, "sku") for name in _PER_SKU),
    )

    def __init__(
        self,
        ctx: Context,
        demand: Demand,
        *,
        policy: Policy | None,
        initial_stock_days: float,
        report_to: list[tuple[str, np.ndarray]],
        prices: PriceBook | None = None,
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
        # Store × SKU quantities are int32 (4 bytes a cell); every addition that could pass
        # 2**31 - 1 is checked (_check_room) and stops the run with a ScenarioError. The
        # opening stock is worked out a few stores at a time (its int64 and float64
        # temporaries would be 24 bytes a cell at once).
        self.on_hand: np.ndarray = np.empty(mean.shape, dtype=np.int32)
        for rows in row_blocks(mean.shape):
            opening = np.minimum(
                opening_stock(mean[rows], initial_stock_days, sc.case_pack),
                sc.shelf_capacity[rows],
            )
            if opening.size and int(opening.max()) > INT32_MAX:
                raise ScenarioError(
                    f"a store's opening stock ({int(opening.max())} units of one SKU) is more "
                    f"than a store × SKU quantity can hold ({INT32_MAX})",
                    file="<scenario>",
                    field="replenishment.store.initial_stock_days",
                )
            self.on_hand[rows] = opening
        # stores that lose unmet demand owe nothing: their backorders are a read-only zero
        # broadcast (no bytes per cell), which every reader takes as the zeros they are
        self.backorders = (
            np.zeros_like(self.on_hand)
            if self.backordering
            else np.broadcast_to(np.int32(0), self.on_hand.shape)
        )
        self.on_order = np.zeros_like(self.on_hand)
        self._confirms = sc.spec.retailer.confirms_proposals and ctx.mode == "shared"
        self._retailer = sc.spec.retailer.gln
        self._advices: list[DespatchAdvice] = []  # today's, for the head office
        # received before its DESADV came: zeros that are only written where a DESADV was
        # late, so a run whose advices come in time never makes its pages resident
        self.unadvised = np.zeros(self.on_hand.shape, dtype=np.int32)
        self.received_today = np.zeros_like(self.on_hand)
        self.sold_today = np.zeros_like(self.on_hand)
        self._lent = _Lent()  # today's reports, views of the books above
        self._short: np.ndarray | None = None  # the NumPy tills' shortfall (made at first use)
        self._value = sc.shelf_price
        # one day of prices at a time: a block of days would hold [days, stores, skus] floats
        # (a shard's stores are given the rows of the whole chain's book)
        self._prices = prices if prices is not None else PriceBook(sc, block_days=1)
        self._cases = 1.0 / sc.case_pack
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
        # the day after each store × SKU's last sale (0: none yet): int16 (2 bytes a cell)
        # while the run's days fit it, as they do for any run of up to 89 years
        days = ledger.days + 1
        self._last_sale = np.zeros(
            self.on_hand.shape, dtype=np.int16 if days <= np.iinfo(np.int16).max else np.int32
        )
        self._sold_any = np.empty(self.on_hand.shape, dtype=bool)
        self._listed_stores = np.full(sc.n_skus, sc.n_stores, dtype=np.int64)
        self._delisted_since = np.full(sc.n_skus, -1, dtype=np.int64)
        self._lists: dict[str, Delisting] = {}
        self._delisted = np.zeros(0, dtype=np.int64)
        self._substitutes = np.zeros(0, dtype=np.int64)
        self._shares = np.zeros((0, 0))
        self._switching = np.zeros(0)
        # one substitution stream per store, keyed by its GLN (made when first needed)
        self._rngs: list[np.random.Generator] = []
        self._ledger = ledger

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
        if self.backordering:  # shoppers owed a delisted SKU are told it is gone
            self.backorders[:, new] = 0
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
        self.on_hand[:, over] = 0
        ledger = self.ctx.ledger
        if ledger.detail:  # the ledger keeps store × SKU flows: it needs the whole array
            scrap = np.zeros_like(self.on_hand)
            scrap[:, over] = left
            ledger.record(day, "scrapped", "store", scrap)
        else:  # only each store's total is kept: no store × SKU array for a few columns
            ledger.record(day, "scrapped", "store", left, totals=left.sum(axis=1))
        ledger["delisted_scrap"][day, over] += left.sum(axis=0)

    def _substitute(self, day: int, wanted: np.ndarray) -> np.ndarray:
        """Today's demand after delisting: clearance stock first, then substitutes or lost."""
        gone = self._delisted
        asked = wanted[:, gone]  # (``wanted``, the day's draw, is the stores' to change)
        served = np.minimum(asked, self.on_hand[:, gone])
        rest = asked - served
        if not self._rngs:
            self._rngs = [
                np.random.default_rng(np.random.SeedSequence([self.ctx.seed, 0xA55027, gln_key(g)]))
                for g in self.glns
            ]
        switch = np.empty_like(rest)
        draws = np.empty(rest.shape[0])
        for s, rng in enumerate(self._rngs):  # per store and day, only while SKUs are delisted
            switch[s] = rng.binomial(rest[s], self._switching)
            draws[s] = rng.random()
        wanted[:, gone] = served
        moved = add_split_transfers(wanted, self._substitutes, switch, self._shares, draws)
        ledger = self.ctx.ledger
        ledger["substituted_demand"][day, self._substitutes] += moved
        ledger["delisted_demand_lost"][day, gone] += (rest - switch).sum(axis=0)
        return wanted

    @staticmethod
    def _check_room(day: int, what: str, target: np.ndarray, added: np.ndarray) -> None:
        """Stop the run, with a located error, if ``target + added`` would overflow int32."""
        if not int32_room(target, added):
            raise Stores._room_error(day, what)

    @staticmethod
    def _room_error(day: int, what: str) -> ScenarioError:
        """The located error of a store × SKU quantity that would pass int32."""
        return ScenarioError(
            f"on day {day} a store's {what} would pass {INT32_MAX} units of one SKU, more "
            "than a store × SKU quantity can hold: the scenario's quantities are too large",
            file="<scenario>",
            field="stores",
        )

    # -- phases ------------------------------------------------------------------------------
    def receive(self, day: int) -> None:
        """Note despatch advices (what is on its way), then take in this morning's deliveries."""
        self._lent.settle()
        mailbox = self._retailer
        # Order responses confirm what the DC will ship; the despatch advices that follow
        # carry the same figures, so the stores act on those.
        self.ctx.channel.receive(mailbox, OrderResponse, day)
        advices = self.ctx.channel.receive(mailbox, DespatchAdvice, day)
        kernels = _fused.kernels(self.on_order.size)
        for advice in advices:
            self._note_advice(day, kernels, advice)
        if self._confirms:  # the head office settles what it confirmed against these
            self._advices = advices
        self.received_today[:] = 0
        self._take_delistings(day)
        self._unload(day)

    def _note_advice(
        self, day: int, kernels: SimpleNamespace | None, advice: DespatchAdvice
    ) -> None:
        """What a despatch advice brings goes on order, less what came before it (late advices).

        One compiled pass where the kernels serve (:func:`crossdock._fused.note_advice`), else
        NumPy's, a few stores at a time: the temporaries of a national chain's advice (int64
        payloads) would otherwise be several bytes a store × SKU cell each.
        """
        if kernels is not None:
            done = kernels.note_advice(
                self.unadvised, self.on_order, advice.locations, advice.items, advice.quantity
            )
            if done == 0:
                raise self._room_error(day, "stock on order")
            if done == 1:
                return
        step = rows_per_block(advice.items.size)
        for start in range(0, advice.locations.size, step):
            stop = start + step
            cells = grid(advice.locations[start:stop], advice.items)
            quantity = advice.quantity[start:stop]
            # goods that came before their (late) despatch advice are no longer on order
            early = np.minimum(self.unadvised[cells], quantity)
            more = quantity
            if early.any():  # (no write otherwise: see ``unadvised``)
                self.unadvised[cells] -= early
                more = quantity - early
            self._check_room(day, "stock on order", self.on_order[cells], more)
            self.on_order[cells] += more

    def _unload(self, day: int) -> None:
        """Deliveries that arrive this morning go on the shelf (backorders are served first).

        The day's receipts are summed into ``received_today`` (zeros since :meth:`receive`)
        and put away a few stores at a time, so no store × SKU temporary is made.
        """
        received = self.received_today
        goods = take_in(self.ctx, [self._retailer], day, received.shape, np.int32, out=received)
        if goods is None:
            return
        if self._put_away_fused(day, goods):
            return
        self._check_room(day, "stock on hand", self.on_hand, goods)
        for rows in row_blocks(goods.shape):
            block = goods[rows]
            self.on_hand[rows] += block
            on_order = self.on_order[rows]
            expected = np.minimum(block, on_order)  # all of it, unless a DESADV is late
            on_order -= expected
            early = np.subtract(block, expected, out=expected)  # came before its DESADV
            if early.any():  # (no write otherwise: see ``unadvised``)
                unadvised = self.unadvised[rows]
                self._check_room(day, "stock received before its despatch advice", unadvised, early)
                unadvised += early
        if goods is not received:  # quantities past int32 (the checks above stop the run)
            received += goods
        self.ctx.ledger.record(day, "received", "store", goods)
        self.ctx.ledger["store_deliveries"][day] += goods.any(axis=1)
        self.ctx.ledger["store_cases_received"][day] += row_dot(goods, self._cases)

    def _put_away_fused(self, day: int, goods: np.ndarray) -> bool:
        """:meth:`_unload`'s put-away and records by :func:`crossdock._fused.put_away`.

        The same books and ledger figures, and the same checks that no quantity passes int32,
        in one pass over the day's goods instead of eight; ``False`` (nothing done) where the
        kernels are off or an array is not int32.
        """
        kernels = _fused.kernels(goods.size)
        books = (goods, self.on_hand, self.on_order, self.unadvised)
        if kernels is None or any(book.dtype != np.int32 for book in books):
            return False
        totals = np.empty(goods.shape[0], dtype=np.int64)
        delivered = np.empty(goods.shape[0], dtype=np.bool_)
        overflow = kernels.put_away(*books, totals, delivered)
        if overflow:  # (the run stops: the books are not read again)
            raise self._room_error(
                day,
                "stock on hand" if overflow == 1 else "stock received before its despatch advice",
            )
        ledger = self.ctx.ledger
        ledger.record(day, "received", "store", goods, totals=totals)
        ledger["store_deliveries"][day] += delivered
        ledger["store_cases_received"][day] += row_dot(goods, self._cases)
        return True

    def trade(self, day: int) -> None:
        """Sell: serve backorders, then today's shoppers; the rest is lost or backordered."""
        self._lent.settle()
        ledger = self.ctx.ledger
        wanted = self.demand.daily(day)
        gone = self._delisted
        if gone.size:
            self._clear_delisted(day)
            wanted = self._substitute(day, wanted)
        kernels = None if self.backordering else _fused.kernels(self.on_hand.size)
        if kernels is not None:  # the same numbers, in one pass (crossdock._fused)
            self._sell_fused(kernels, day, wanted)
            return
        in_stock = ledger["store_in_stock"]
        in_stock[day] = np.count_nonzero(self.on_hand, axis=1)
        if gone.size:  # only listed SKUs count as available
            in_stock[day] -= np.count_nonzero(self.on_hand[:, gone], axis=1)
        sold = self.sold_today  # int32, overwritten each day (reports copy what they send)
        if self._short is None:
            self._short = np.zeros_like(self.on_hand)
        short = self._short
        if self.backordering:
            owed = self.backorders
            self._check_room(day, "backorders", owed, wanted)
            asked = wanted + owed
            np.minimum(self.on_hand, asked, out=sold)
            served_today = np.maximum(sold - owed, 0)
            np.subtract(wanted, served_today, out=short)  # today's units not served today
            owed += wanted
            owed -= sold
        else:
            np.minimum(self.on_hand, wanted, out=sold)
            np.subtract(wanted, sold, out=short)
        self.on_hand -= sold
        ledger.record(day, "sold", "store", sold)
        ledger["store_demand"][day] = wanted.sum(axis=1)
        ledger["store_sales"][day] = sold.sum(axis=1)
        ledger.record(day, "lost_sale", "store", short)
        ledger["store_lost_value"][day] = row_dot(short, self._value)
        ledger["store_revenue"][day] = self._prices.revenue(day, sold)
        ledger["demand"][day] = column_sums(wanted)
        ledger["sales"][day] = column_sums(sold)
        ledger["lost_sales"][day] = column_sums(short)
        ledger["short_positions"][day] = np.count_nonzero(short, axis=0)
        if self.policy is not None:  # a backorder records the demand; a lost sale does not
            if self.backordering:
                self.policy.observe(wanted)
            else:  # an empty shelf at closing: demand was at least the sales (censored)
                self.policy.observe_sales(sold, self.on_hand == 0)
        ledger["listed_stores"][day] = self._listed_stores
        # day after the last sale per store × SKU (0: none yet); days only grow, so a running
        # maximum does it without masked writes. Its scratch is the day's shortfall array, read
        # for the last time above (no int32 store × SKU array kept for this alone).
        sold_any = np.greater(sold, 0, out=self._sold_any)
        since = np.multiply(sold_any, day + 1, out=short)
        np.maximum(self._last_sale, since, out=self._last_sale)
        if day >= self._dead_days - 1:
            dead = np.less_equal(self._last_sale, day + 1 - self._dead_days, out=self._sold_any)
            ledger["dead_stock"][day] = np.sum(self.on_hand, axis=0, where=dead)

    def _sell_fused(self, kernels: SimpleNamespace, day: int, wanted: np.ndarray) -> None:
        """:meth:`trade` under lost sales by :func:`crossdock._fused.sell_lost_sales`.

        The same figures as the NumPy lines of :meth:`trade`, in one pass; the money sums
        (lost value, revenue) stay NumPy's, whose summation order the kernel would not keep.
        """
        ledger = self.ctx.ledger
        gone = self._delisted
        stores, skus = self.on_hand.shape
        delisted_in_stock = np.count_nonzero(self.on_hand[:, gone], axis=1) if gone.size else 0
        per_store = np.zeros((3, stores), dtype=np.int64)
        per_sku = np.zeros((5, skus), dtype=np.int64)
        dead_before = day + 1 - self._dead_days if day >= self._dead_days - 1 else -1
        sold, empty = self.sold_today, self._sold_any
        # A few stores at a time (row_dot's blocks, so the lost value is the same sum): the
        # day's shortfall is needed only for its sums, so no store × SKU array keeps it.
        blocks = dot_blocks(stores, skus)
        short = np.empty((max(b.stop - b.start for b in blocks), skus), dtype=np.int32)
        lost_value = np.empty(stores)
        for rows in blocks:
            part = short[: rows.stop - rows.start]
            kernels.sell_lost_sales(
                self.on_hand[rows],
                wanted[rows],
                sold[rows],
                part,
                empty[rows],
                self._last_sale[rows],
                day,
                dead_before,
                *(totals[rows] for totals in per_store),
                *per_sku,
            )
            lost = per_store[1, rows] - per_store[2, rows]  # demand - sales: units short
            ledger.record(day, "lost_sale", "store", part, rows=rows, totals=lost)
            lost_value[rows] = row_dot(part, self._value)
        in_stock, store_demand, store_sales = per_store
        ledger["store_in_stock"][day] = in_stock - delisted_in_stock
        ledger.record(day, "sold", "store", sold, totals=store_sales)
        ledger["store_demand"][day] = store_demand
        ledger["store_sales"][day] = store_sales
        ledger["store_lost_value"][day] = lost_value
        ledger["store_revenue"][day] = self._prices.revenue(day, sold)
        names = ("demand", "sales", "lost_sales", "short_positions")
        for name, values in zip(names, per_sku[:4], strict=True):
            ledger[name][day] = values
        if self.policy is not None:  # an empty shelf at closing: a censored day
            self.policy.observe_sales(sold, empty)
        ledger["listed_stores"][day] = self._listed_stores
        if dead_before >= 0:
            ledger["dead_stock"][day] = per_sku[4]

    def report(self, day: int) -> None:
        """Shared mode: send each planner the day's sales (SLSRPT) and stock (INVRPT).

        When the retailer confirms proposals, the stores' positions go to its head office too.
        """
        retailer = self._retailer
        locations = np.arange(len(self.glns))
        for planner, items in self.report_to:
            columns = as_slice(items)
            # views of the books: the planners read them tonight (see _Lent)
            sales = send(
                self.ctx,
                SalesReport,
                retailer,
                planner,
                day,
                locations=locations,
                items=items,
                quantity=self.sold_today[:, columns],
            )
            self._lent.lend(sales, "quantity")
            stock = send(
                self.ctx,
                InventoryReport,
                retailer,
                planner,
                day,
                locations=locations,
                items=items,
                on_hand=self.on_hand[:, columns],
                received=self.received_today[:, columns],
                backorders=self.backorders[:, columns],
            )
            self._lent.lend(stock, "on_hand", "received", "backorders")
        if self._confirms:  # views of the books too (see _Lent): no store × SKU sum here
            positions = send(
                self.ctx,
                StorePositions,
                retailer,
                retailer,
                day,
                on_hand=self.on_hand,
                on_order=self.on_order,
                backorders=self.backorders,
                advices=tuple(self._advices),
            )
            self._lent.lend(positions, "on_hand", "on_order", "backorders")
            self._advices = []

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
        self.ctx.ledger["store_orders"][day] += column_sums(order)
        for d, stores in enumerate(self._stores_of_dc):
            if stores.size == 0:
                continue
            send(
                self.ctx,
                Order,
                self._retailer,
                sc.dc_gln[d],
                day,
                order_number=f"S{day:04d}-{d}",
                ship_to_kind="store",
                ship_to=-1,
                locations=stores,
                items=self._all_items,
                quantity=order[as_slice(stores)],  # a view where the DC's stores are adjacent
            )

    def close(self, day: int) -> None:
        """End of day: closing stock into the ledger."""
        self._lent.settle()
        self.ctx.ledger.close(day, "store", self.on_hand, self.ctx.scenario.unit_cost)
