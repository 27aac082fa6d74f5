"""Shared replenishment planners: the category captain (or each supplier for its own items).

A planner receives the stores' daily sales and stock reports for its SKUs, forecasts each
store × SKU, and sends each supplier a cross-dock order pre-allocated by store. It tracks what
it has ordered and not yet seen received (from the stores' inventory reports), so it never
reads a store's shelf directly.

With an ``assortment`` section in the scenario, each planner also reviews its range every
``review_every_weeks`` weeks (:mod:`crossdock.assortment`): it stops ordering the SKUs it
delists and tells the retailer with a :class:`~crossdock.messages.Delisting`.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, ClassVar, Protocol

import numpy as np

from crossdock import _fused, assortment
from crossdock._kernels import as_slice, column_sums
from crossdock.category.calendar import Collection, DeliveryCalendar
from crossdock.category.kpis import captain_items
from crossdock.category.lanes import consolidated_lanes, lane_pallets
from crossdock.category.shelf import allocate_shelf
from crossdock.errors import ParameterError
from crossdock.ledger import SeriesSpec
from crossdock.messages import (
    Delisting,
    InventoryReport,
    Order,
    OrderResponse,
    SalesReport,
    ShelfPlan,
)
from crossdock.parties._common import MAX_DELAY_DAYS, Context, NetworkParty, send
from crossdock.parties._planner_rows import LeadKey, PlannerRows, lead_times
from crossdock.policies import Policy
from crossdock.scenario import Scenario
from crossdock.scenario._assortment_spec import AssortmentSpec
from crossdock.scenario._captain_spec import ShelfSpaceSpec


@dataclass(frozen=True, eq=False)
class RowsWork:
    """What a planner's store rows do tonight (:meth:`Planner.prepare`).

    Learn from each sales report, with its day's stock report if one came (``sales``);
    then, if any stock report came, take their receipts off the open orders and order from
    the latest (``stock``), over the lead time of ``key``: the lead time, the announced
    ``delay`` per item (None: none) and the calendar's ``extra`` days (store × item).
    """

    sales: list[tuple[SalesReport, InventoryReport | None]]
    stock: list[InventoryReport]
    lost: bool
    key: LeadKey
    delay: np.ndarray | None
    extra: np.ndarray | None


class RowsService(Protocol):
    """Where a sharded run's planners' store rows are (:meth:`Planners.plan_in`)."""

    def plan_rows(self, day: int, work: list[tuple[Planner, RowsWork]]) -> list[np.ndarray | None]:
        """Each planner's rows' work of the day: its order, joined in store order (or None).

        The service takes the work: it empties the list once it has read what it needs, so
        that the day's reports are let go before the orders are joined.
        """
        ...


class AssortmentReview:
    """A planner's running record of its SKUs' chain sales, and the periodic review.

    Keeps one review window of daily chain-wide sales per SKU (``review_every_weeks × 7``
    days, in a ring) and the last day each SKU sold anywhere; :meth:`review` classifies and
    delists (see :mod:`crossdock.assortment`). ``listed`` is the planner's current range.
    """

    def __init__(self, ctx: Context, items: np.ndarray, spec: AssortmentSpec) -> None:
        sc = ctx.scenario
        self.spec = spec
        self.items = items
        self.period = spec.review_every_weeks * 7
        self.group = sc.category_of[items]
        self.price = sc.shelf_price[items]
        self.n_stores = sc.n_stores
        self.listed = np.ones(items.size, dtype=bool)
        self.window = np.zeros((self.period, items.size))
        self._slot_day = np.full(self.period, -1, dtype=np.int64)
        self.last_sale = np.full(items.size, -1, dtype=np.int64)
        column = {int(k): i for i, k in enumerate(items)}
        index = {str(g): i for i, g in enumerate(sc.gtin)}
        self.named: dict[int, np.ndarray] = {}
        for entry in spec.substitutes:
            for gtin in (entry.gtin, *entry.substitutes):
                if gtin not in index:
                    raise ParameterError(
                        "AssortmentSpec", "substitutes", "GTINs of the scenario's products", gtin
                    )
            if index[entry.gtin] in column:
                subs = [column[index[g]] for g in entry.substitutes if index[g] in column]
                if subs:
                    self.named[column[index[entry.gtin]]] = np.array(subs, dtype=np.int64)
        # a SKU launched during the run (demand life cycle) is reviewed only once it has been
        # on sale for a whole window: the captain knows its own launch calendar
        self.on_sale_from = np.zeros(items.size, dtype=np.int64)
        for cycle in sc.spec.demand.life_cycles:
            k = index.get(cycle.gtin)
            if cycle.launch is not None and k in column:
                self.on_sale_from[column[k]] = (cycle.launch - sc.spec.start_date).days
        #: the last review's classes (ABC, XYZ codes per SKU), for inspection
        self.last_classes: tuple[np.ndarray, np.ndarray] | None = None

    def record(self, day: int, quantity: np.ndarray) -> None:
        """Add one sales report (stores × SKUs) of ``day`` to the window."""
        slot = day % self.period
        if self._slot_day[slot] != day:
            self.window[slot] = 0.0
            self._slot_day[slot] = day
        chain = column_sums(quantity)
        self.window[slot] += chain
        np.copyto(self.last_sale, day, where=chain > 0)

    def due(self, day: int) -> bool:
        """Reviews close each window: days period - 1, 2 period - 1, ..."""
        return (day + 1) % self.period == 0

    def review(self, day: int) -> np.ndarray:
        """Classify, delist; returns the newly delisted columns (indices into ``items``)."""
        spec = self.spec
        weeks = spec.review_every_weeks
        units = self.window.sum(axis=0)
        value = units * self.price
        abc = assortment.abc_classes(value, self.group, spec.abc_shares, eligible=self.listed)
        weekly = self.window.reshape(weeks, 7, -1).sum(axis=1)
        xyz = assortment.xyz_classes(weekly, spec.xyz_cv)
        self.last_classes = (abc, xyz)
        delist = assortment.choose_delistings(
            listed=self.listed,
            eligible=day - self.on_sale_from >= self.period - 1,
            group=self.group,
            abc=abc,
            xyz=xyz,
            units_per_store_week=units / (self.n_stores * weeks),
            days_without_sales=day - self.last_sale,
            value=value,
            delist_classes=spec.delist_classes,
            max_units_per_store_week=spec.max_units_per_store_week,
            no_sales_days=spec.no_sales_days,
            min_skus_per_category=spec.min_skus_per_category,
            max_delisted_share=spec.max_delisted_share,
        )
        self.listed &= ~delist
        return np.flatnonzero(delist)

    def notice(self) -> dict[str, np.ndarray]:
        """The Delisting message's fields: the whole current list, with substitution shares."""
        gone = np.flatnonzero(~self.listed)
        units = self.window.sum(axis=0)
        shares = assortment.substitution_shares(gone, self.listed, self.group, units, self.named)
        used = np.flatnonzero(shares.any(axis=0))
        return {
            "locations": np.arange(self.n_stores),
            "items": self.items[gone],
            "substitutes": self.items[used],
            "shares": shares[:, used],
        }


class ShelfPlanner:
    """A captain's shelf allocation for its items: sales statistics and the periodic plan.

    Each store's space per category is the scenario's ``shelf_capacity`` rule summed over the
    category; :meth:`plan` splits it (:func:`~crossdock.category.shelf.allocate_shelf`) over
    each item's cover days P (lead time plus calendar cycle − 1): mean daily sales × P + z ×
    their standard deviation × √P, one z per store, from the sales observed since the last
    plan (the first from expected demand, Poisson).
    """

    def __init__(
        self,
        ctx: Context,
        items: np.ndarray,
        mean: np.ndarray,
        spec: ShelfSpaceSpec,
        own_items_weight: float = 1.0,
    ) -> None:
        sc = ctx.scenario
        self.spec = spec
        self.items = items
        self._mean = mean.astype(np.float64)
        self._std = np.sqrt(self._mean)
        self._sum = np.zeros(mean.shape)
        self._squares = np.zeros(mean.shape)
        self._days = 0
        self._pack = sc.case_pack[items]
        self._min_cases = sc.spec.shelf_capacity.min_case_packs
        self._categories = [
            np.flatnonzero(sc.category_of[items] == c) for c in np.unique(sc.category_of[items])
        ]
        self._space = [sc.shelf_capacity[:, items[cols]].sum(axis=1) for cols in self._categories]
        self._weight = np.where(captain_items(sc)[items], own_items_weight, 1.0)

    def observe(self, sold: np.ndarray) -> None:
        """Add one day's sales (store × item)."""
        self._sum += sold
        self._squares += np.square(sold, dtype=np.float64)
        self._days += 1

    def due(self, day: int) -> bool:
        """Plans go out on day 0 and every ``reallocate_every_days`` days."""
        return day % self.spec.reallocate_every_days == 0

    def plan(self, cover_days: np.ndarray, demand: np.ndarray | None = None) -> np.ndarray:
        """The proposed shelf capacity (store × item) from the sales observed since the last.

        ``demand`` is the planner's own estimate of mean daily demand, if it has one (its
        forecaster's, which sees through days of empty shelves): sales alone would starve an
        item that was out of stock of the very space it lacked. Deviations are at least
        Poisson's (√mean), for the same reason.
        """
        if self._days >= 2:
            mean = self._sum / self._days
            variance = self._squares / self._days - np.square(mean)
            self._mean = np.maximum(mean, demand) if demand is not None else mean
            std = np.sqrt(np.maximum(variance, 0.0) * self._days / (self._days - 1))
            self._std = np.maximum(std, np.sqrt(self._mean))
            self._sum[:] = 0.0
            self._squares[:] = 0.0
            self._days = 0
        cycle = self._mean * cover_days * self._weight
        spread = self._std * np.sqrt(cover_days) * self._weight
        shelf = np.zeros(cycle.shape, dtype=np.int64)
        for cols, space in zip(self._categories, self._space, strict=True):
            shelf[:, cols] = allocate_shelf(
                space, cycle[:, cols], spread[:, cols], self._pack[cols], self._min_cases
            )
        return shelf


class Planner:
    """One planner (a supplier's GLN) for a set of SKUs across all stores.

    ``review_by_default`` (a category captain, unless the scenario turns
    ``captain_reviews_assortment`` off) reviews the range with the default rules where the
    scenario has no ``assortment`` section. ``allocates_shelf`` (a captain, with the scenario's
    ``shelf_space``) proposes each store's category shelf allocation to the retailer; its
    ``own_items_weight`` scales its own items' need in it (1: none; above 1 models a captain
    that favours its own items, which the retailer's fairness rule is there to catch).
    """

    def __init__(
        self,
        ctx: Context,
        gln: str,
        items: np.ndarray,
        policy: Policy,
        *,
        review_by_default: bool = False,
        allocates_shelf: bool = False,
        own_items_weight: float = 1.0,
        keeps_rows: bool = True,
    ) -> None:
        sc = ctx.scenario
        self.ctx = ctx
        self.gln = gln
        self.items = items
        self.policy = policy
        mean = sc.expected_demand()[:, items]
        # whole days per store × item (int16 where the longest fits, see lead_times)
        self._lead_time, planned_dtype = lead_times(sc, items)
        self._pack = sc.case_pack[items]
        self._shelf = sc.shelf_capacity[:, as_slice(items)]  # a view where items are contiguous
        #: the per-store books (policy, open orders, backorders seen) of every store; None
        #: when a sharded run keeps them in the shards, beside the stores (see Planners)
        self.rows = (
            PlannerRows(
                policy,
                mean,
                lead_time=self._lead_time,
                planned_dtype=planned_dtype,
                shelf=self._shelf,
                pack=self._pack,
            )
            if keeps_rows
            else None
        )
        #: orders sent since the shards' books last heard of them (rows kept in the shards)
        self.dispatched: list[tuple[int, np.ndarray]] = []
        # extra days the suppliers' factories announce, bumping ``_delay_version``
        self._delay = np.zeros(items.size, dtype=np.int32)
        self._delay_version = 0
        self._proposal: str | None = None  # today's proposal to the retailer, until answered
        self._unanswered: set[str] = set()  # proposals whose ORDRSP has not come (EDI: late)
        self._late_confirmed: list[np.ndarray] = []  # late answers, ordered at the next confirm
        self._per_pallet = sc.units_per_pallet[items]
        self._platform_rows = [rows for rows in sc.stores_of_platform if rows.size]
        self._late_news: list[OrderResponse] = []
        self._suppliers = [
            (u, np.flatnonzero(sc.supplier_of[items] == u))
            for u in np.unique(sc.supplier_of[items])
        ]
        spec = sc.spec.assortment
        if spec is None and review_by_default:  # a captain reviews its range by default
            spec = AssortmentSpec()
        self.assortment = None if spec is None else AssortmentReview(ctx, items, spec)
        self.calendar = self._calendar(mean)
        shelf_spec = sc.spec.replenishment.shelf_space
        self.shelf_space = (
            ShelfPlanner(ctx, items, mean, shelf_spec, own_items_weight)
            if allocates_shelf and shelf_spec is not None and shelf_spec.enabled
            else None
        )

    def _calendar(self, mean: np.ndarray) -> DeliveryCalendar | None:
        """The planner's delivery calendar (``None``: orders every day).

        Per platform: with inbound consolidation, its suppliers on lanes a milk run can help
        together (:func:`~crossdock.category.lanes.consolidated_lanes`), every other supplier
        alone; without, each supplier alone. With a real flow set, each collection's cycle is
        chosen on its suppliers' real pallets (:mod:`crossdock.category.lanes`).
        """
        sc = self.ctx.scenario
        spec = sc.spec.replenishment.delivery_calendar
        if spec is None or not spec.enabled:
            return None
        together = sc.spec.replenishment.inbound_consolidation
        lanes = consolidated_lanes(sc)
        real = lane_pallets(sc)
        has_real = bool(real.any())
        collections = []
        for p, rows in enumerate(sc.stores_of_platform):
            if not rows.size:
                continue
            joint = [(u, c) for u, c in self._suppliers if together and lanes[u, p]]
            alone = [[(u, c)] for u, c in self._suppliers if not (together and lanes[u, p])]
            for group in ([joint] if joint else []) + alone:
                flow = tuple(float(real[u, p]) for u, _ in group) if has_real else None
                collections.append(Collection(rows, tuple(c for _, c in group), flow))
        service = float(getattr(self.policy, "service_level", 0.5))
        return DeliveryCalendar(
            spec,
            collections,
            mean=mean,
            per_pallet=self._per_pallet,
            capacity_pallets=sc.spec.carrier.trucks[0].capacity_pallets,
            lead_days=self._lead_time,
            shelf=self._shelf,
            z=NormalDist().inv_cdf(min(max(service, 0.5), 0.9999)),
        )

    @property
    def on_order(self) -> np.ndarray:
        """Units ordered per store × item and not yet seen received (its own rows only)."""
        if self.rows is None:
            raise AttributeError("the planner's store rows are kept in the shards")
        return self.rows.on_order

    def _demand(self) -> np.ndarray | None:
        """The policy's forecast of mean daily demand (store × item), where it has one."""
        mean = getattr(getattr(self.policy, "forecast", None), "mean", None)
        if mean is None or np.shape(mean) != self._shelf.shape:
            return None
        return np.asarray(mean, dtype=np.float64)

    def _lead_key(self) -> LeadKey:
        """The versions of the announced delays and of the calendar's cycles."""
        return (self._delay_version, self.calendar.version if self.calendar is not None else -1)

    def plan(self, day: int) -> None:
        """Read today's reports, plan every store × SKU, send the cross-dock orders."""
        work = self.prepare(day)
        if work.stock:
            assert self.rows is not None
            lead = self.rows.planned_lead(work.key, work.delay, work.extra)
            self.finish(day, self.rows.order(day, work.stock, lead))

    def read_answers(self, day: int) -> None:
        """The day's answers: late confirmations of earlier proposals, suppliers' later dates.

        :meth:`prepare` reads them; a sharded run's stores may read them first, as the day
        begins (:meth:`Planners.early_work`): no answer comes between the two, and what was
        read is not read again.
        """
        news, self._late_news = self._late_news, []
        for response in [*news, *self.ctx.channel.receive(self.gln, OrderResponse, day)]:
            if response.order_number in self._unanswered:  # an earlier proposal, answered late
                self._unanswered.discard(response.order_number)
                self._late_confirmed.append(response.quantity)
            elif response.delivery_day.size:
                where = np.searchsorted(self.items, response.items)
                ok = (where < self.items.size) & (
                    self.items[np.minimum(where, self.items.size - 1)] == response.items
                )
                waits = np.maximum(response.delivery_day[ok] - response.day, 0)
                self._delay[where[ok]] = np.minimum(waits, MAX_DELAY_DAYS)
                self._delay_version += 1

    def prepare(self, day: int) -> RowsWork:
        """Today's mail: suppliers' dates, reports, shelf plans; what the store rows do tonight.

        The planner's own rows (if it keeps them) learn from the reports here; the shelf plan
        (a captain's) goes out here too, as it reads their forecasts.
        """
        sc = self.ctx.scenario
        channel = self.ctx.channel
        self.read_answers(day)
        sales = channel.receive(self.gln, SalesReport, day)
        stock = channel.receive(self.gln, InventoryReport, day)
        closing = {report.day: report for report in stock}
        lost = self.ctx.unmet_demand == "lost"
        pairs = [(sold, closing.get(sold.day)) for sold in sales]
        for sold, report in pairs:  # learn from every sales report, even without stock figures
            if self.rows is not None:
                self.rows.learn(sold, report, lost)
            # the range's review, the calendar and the shelf plans count sales, with lost
            # sales or backorders alike (until 2026-12-05 a backorder run skipped them: its
            # reviews saw no sales and delisted the range's sellers)
            if self.assortment is not None:
                self.assortment.record(sold.day, sold.quantity)
            if self.calendar is not None:
                self.calendar.observe(sold.quantity)
            if self.shelf_space is not None:
                self.shelf_space.observe(sold.quantity)
        if self.shelf_space is not None:
            for answer in channel.receive(self.gln, ShelfPlan, day):  # the retailer's answer
                self._shelf = answer.capacity
                if self.rows is not None:
                    self.rows.shelf = answer.capacity
            if self.shelf_space.due(day):
                if self.rows is None:  # (Planners.plan_in refuses a captain's shelf plans)
                    raise RuntimeError("a captain's shelf plans need every store's forecasts")
                lead = self.rows.planned_lead(self._lead_key(), *self._lead_extras())
                send(
                    self.ctx,
                    ShelfPlan,
                    self.gln,
                    sc.spec.retailer.gln,
                    day,
                    locations=np.arange(sc.n_stores),
                    items=self.items,
                    capacity=self.shelf_space.plan(lead, self._demand()),
                )
        if stock and self.calendar is not None:
            self.calendar.review(day)
        return RowsWork(pairs, stock, lost, self._lead_key(), *self._lead_extras())

    def _lead_extras(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The announced delays per item (None: none) and the calendar's extra days."""
        delay = self._delay if self._delay.any() else None
        return delay, self.calendar.extra_days if self.calendar is not None else None

    def finish(self, day: int, order: np.ndarray) -> None:
        """Tonight's order (store × item, from the store rows): calendar, pallets, range, out.

        ``order`` is the day's own array, used by nothing else: it is worked on in place.
        """
        sc = self.ctx.scenario
        if self.calendar is not None:
            self.calendar.keep_due(day, order)  # only the collections due today order
            self.calendar.ordered(day)
        order = self._round_to_pallets(order)
        review = self.assortment
        if review is not None:
            if review.due(day) and review.review(day).size:
                send(self.ctx, Delisting, self.gln, sc.spec.retailer.gln, day, **review.notice())
            if not review.listed.all():
                order *= review.listed  # delisted SKUs are no longer ordered
        if sc.spec.retailer.confirms_proposals:
            self._propose(day, order)
            return
        self._dispatch(day, order)

    def _round_to_pallets(self, order: np.ndarray) -> np.ndarray:
        """Per supplier and platform, top up nearly full last pallets of a SKU to full ones.

        Works in place: ``order`` is the plan's own array of the day, used by nothing else.
        """
        share = self.ctx.scenario.spec.replenishment.pallet_rounding_share
        if share is None or not order.any():
            return order
        kernels = _fused.kernels(order.size) if order.ndim == 2 else None
        if kernels is not None:  # the same numbers, a platform's rows in one pass
            scratch = np.empty((3, order.shape[1]), dtype=np.int64)
            for rows in self._platform_rows:
                kernels.round_to_pallets(
                    order, rows, self._per_pallet, self._pack, float(share), *scratch
                )
            return order
        for rows in self._platform_rows:
            round_to_pallets(order, rows, self._per_pallet, self._pack, share)
        return order

    def _propose(self, day: int, order: np.ndarray) -> None:
        """Send the retailer the proposed store orders (ORDERS it confirms by ORDRSP)."""
        sc = self.ctx.scenario
        self._proposal = f"V{day:04d}-{self.gln[-6:]}"
        self._unanswered.add(self._proposal)
        send(
            self.ctx,
            Order,
            self.gln,
            sc.spec.retailer.gln,
            day,
            order_number=self._proposal,
            ship_to_kind="store",
            ship_to=-1,
            locations=np.arange(sc.n_stores),
            items=self.items,
            quantity=order,
        )

    def confirm(self, day: int) -> None:
        """Take the retailer's answer to today's proposal and order what it confirmed.

        An answer to an earlier proposal that comes late (a delayed or resent ORDRSP, or a
        proposal that reached the retailer late) is ordered too: the retailer counts it as
        confirmed until its goods are despatched.
        """
        late, self._late_confirmed = self._late_confirmed, []
        if self._proposal is None and not late and not self._unanswered:
            return
        channel = self.ctx.channel
        confirmed = None
        for response in channel.receive(self.gln, OrderResponse, day):
            if response.order_number == self._proposal:
                confirmed = response.quantity
                self._unanswered.discard(response.order_number)
            elif response.order_number in self._unanswered:
                self._unanswered.discard(response.order_number)
                late.append(response.quantity)
            elif response.delivery_day.size:  # a supplier's later date: keep it for tomorrow
                self._late_news.append(response)
        self._proposal = None
        answers = late if confirmed is None else [confirmed, *late]
        if len(answers) == 1:  # the usual day: the answer's own int32 array, not a copy
            self._dispatch(day, answers[0])
        elif answers:
            self._dispatch(day, np.sum(answers, axis=0))

    def _dispatch(self, day: int, order: np.ndarray) -> None:
        """Send each supplier its cross-dock order, pre-allocated by store."""
        sc = self.ctx.scenario
        if self.rows is not None:
            self.rows.ordered(day, order)
        else:  # the shards' rows hear of it with tomorrow's plan
            self.dispatched.append((day, order))
        self.ctx.ledger["store_orders"][day, self.items] += column_sums(order)
        # views where a supplier's items and a platform's stores are adjacent: the answer's
        # payload is a message's, never written again, so the orders can share it
        for u, columns in self._suppliers:
            quantity = order[:, as_slice(columns)]
            if not quantity.any():
                continue
            for p, at_p in enumerate(sc.stores_of_platform):
                if at_p.size == 0:
                    continue
                lines = quantity[as_slice(at_p)]
                if not lines.any():
                    continue
                send(
                    self.ctx,
                    Order,
                    self.gln,
                    sc.supplier_gln[u],
                    day,
                    order_number=f"C{day:04d}-{u}-{p}",
                    ship_to_kind="platform",
                    ship_to=p,
                    locations=at_p,
                    items=self.items[columns],
                    quantity=lines,
                )


def round_to_pallets(
    order: np.ndarray, rows: np.ndarray, per_pallet: np.ndarray, pack: np.ndarray, share: float
) -> None:
    """Top up, in place, one platform's nearly full last pallets of each SKU to full ones.

    Where the SKU's total over the platform's ``rows`` ends in a pallet at least ``share``
    full (and not full), its largest line (the first of equals) gets the units that fill
    it, in whole packs. NumPy's steps; :func:`crossdock._fused.round_to_pallets` is the same
    in one compiled pass.
    """
    block = order[rows]
    total = column_sums(block)
    rest = total % per_pallet
    top_up = (rest >= share * per_pallet) & (rest > 0)
    if not top_up.any():
        return
    columns = np.flatnonzero(top_up)
    extra = (per_pallet[columns] - rest[columns]) // pack[columns] * pack[columns]
    biggest = rows[np.argmax(block[:, columns], axis=0)]
    order[biggest, columns] += extra


class Planners(NetworkParty):
    """All shared-mode planners, run one after another in the plan phase.

    With ``captain`` (the scenario's ``captain_plans_category`` by default) each category's
    captain plans every SKU of its category, competitors' included; without, each supplier
    plans its own SKUs. ``groups`` lists the ``(planner GLN, SKU indices)`` pairs.
    """

    phases: ClassVar[tuple[str, ...]] = ("plan", "confirm")
    location_type: ClassVar[str | None] = None
    series: ClassVar[tuple[SeriesSpec, ...]] = (SeriesSpec("store_orders", "sku"),)

    @staticmethod
    def groups(scenario: Scenario, captain: bool) -> list[tuple[str, np.ndarray]]:
        """Who plans which SKUs: one planner per GLN (a captain of two categories plans both)."""
        sc = scenario
        if captain:
            pairs = [
                (sc.supplier_gln[sc.captain_of_category[c]], np.flatnonzero(sc.category_of == c))
                for c in range(sc.n_categories)
            ]
        else:
            pairs = [(sc.supplier_gln[u], sc.items_of_supplier[u]) for u in range(sc.n_suppliers)]
        merged: dict[str, np.ndarray] = {}
        for gln, items in pairs:
            merged[gln] = np.union1d(merged.get(gln, np.zeros(0, np.int64)), items)
        return [(gln, items) for gln, items in merged.items() if items.size]

    def __init__(self, planners: list[Planner]) -> None:
        self.planners = planners
        self._rows: RowsService | None = None

    def plan_in(self, service: RowsService) -> None:
        """Plan with the store rows ``service`` keeps (the planners keep none of their own).

        A sharded run's shards keep each planner's rows beside their stores: each day every
        planner reads its mail, the shards' rows learn and order in parallel, then each
        planner sends its orders, in the planners' order (the messages of one process).
        """
        if any(planner.rows is not None or planner.shelf_space for planner in self.planners):
            raise ValueError("planners whose rows are elsewhere keep none and plan no shelves")
        self._rows = service

    def early_work(self, day: int) -> list[tuple[Planner, LeadKey, Any, Any]] | None:
        """Each planner's lead time for tonight, known as the day begins.

        (Planner, key, delays, extra days), after reading the day's answers; None on a day a
        calendar may choose its cycles again (from the day's sales: known only in the plan
        phase). A sharded run's shards then work out their rows' orders with their day.
        """
        if any(p.calendar is not None and p.calendar.may_review(day) for p in self.planners):
            return None
        early = []
        for planner in self.planners:
            planner.read_answers(day)
            early.append((planner, planner._lead_key(), *planner._lead_extras()))
        return early

    def plan(self, day: int) -> None:
        """Each planner plans its SKUs."""
        if self._rows is None:
            for planner in self.planners:
                planner.plan(day)
            return
        work = [(planner, planner.prepare(day)) for planner in self.planners]
        orders = self._rows.plan_rows(day, work)  # (the work taken: its reports let go)
        for planner, order in zip(self.planners, orders, strict=True):
            if order is not None:
                planner.finish(day, order)

    def confirm(self, day: int) -> None:
        """Each planner orders what the retailer confirmed."""
        for planner in self.planners:
            planner.confirm(day)
