"""The retailer's head office: it confirms or amends the planners' proposals (ORDRSP).

In shared replenishment the planners propose store orders (ORDERS) and the retailer answers
each by its rules: blocked items are refused; no store is sent more than its shelf holds
(stock, goods on their way and what the head office already confirmed); a store's day of
orders keeps within its budget (value at unit cost), cut in proportion and to whole packs.
The head office knows its stores' positions from their daily
:class:`~crossdock.messages.StorePositions`, and settles what it confirmed against the despatch
advices that cover it.

A category captain may propose a shelf allocation (:class:`~crossdock.messages.ShelfPlan`):
the head office confirms it within each store's space for the category, with every SKU's
minimum cases, and refuses a store's plan that favours the captain's own items beyond the
scenario's gap (:func:`crossdock.category.shelf.confirm_shelf`); the confirmed shelf then caps
the proposals, and goes back to the captain.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import ClassVar

import numpy as np

from crossdock import _fused
from crossdock._kernels import cap_to_room, column_sums, grid, row_blocks, row_dot
from crossdock.category.kpis import captain_items
from crossdock.category.shelf import confirm_shelf
from crossdock.ledger import SeriesSpec
from crossdock.messages import LineStatus, Order, OrderResponse, ShelfPlan, StorePositions
from crossdock.parties._common import Context, NetworkParty, check_room, send


class Retailer(NetworkParty):
    """The head office's confirmation of proposals (see the module docstring)."""

    phases: ClassVar[tuple[str, ...]] = ("confirm",)
    location_type: ClassVar[str | None] = None
    series: ClassVar[tuple[SeriesSpec, ...]] = (
        SeriesSpec("shelf_units", "sku"),
        SeriesSpec("shelf_plans_refused", "day"),
    )

    def __init__(self, ctx: Context) -> None:
        sc = ctx.scenario
        self.ctx = ctx
        self.gln = sc.spec.retailer.gln
        self._blocked = np.array(sc.spec.retailer.blocked_gtins, dtype=object)
        # proposals the head office confirmed and no despatch advice has covered yet
        self.confirmed_open = np.zeros((sc.n_stores, sc.n_skus), dtype=np.int32)  # checked adds
        #: the shelf capacity in force (store × SKU): the scenario's rule until a plan is confirmed
        self.shelf = sc.shelf_capacity

    @property
    def shelf(self) -> np.ndarray:
        """The shelf capacity in force (store × SKU); set whole, never written in place."""
        return self._shelf

    @shelf.setter
    def shelf(self, capacity: np.ndarray) -> None:
        self._shelf = capacity
        self._shelf_units: np.ndarray | None = None  # its per-SKU sum, made when first asked

    def _shelf_per_sku(self) -> np.ndarray:
        """The shelf's units per SKU over every store, summed once for each shelf in force."""
        if self._shelf_units is None:
            self._shelf_units = column_sums(self._shelf)
        return self._shelf_units

    def _settle(self, news: StorePositions) -> None:
        """Confirmed goods now on their way (a despatch advice): no longer pending."""
        kernels = _fused.kernels(self.confirmed_open.size)
        for advice in news.advices:
            quantity = advice.quantity
            if (
                kernels is not None
                and quantity.dtype.kind in "iu"
                and quantity.shape == (advice.locations.size, advice.items.size)
            ):  # in one pass, in place
                locations = np.asarray(advice.locations, np.int64)
                items = np.asarray(advice.items, np.int64)
                kernels.settle_cells(self.confirmed_open, locations, items, quantity)
                continue
            cells = grid(advice.locations, advice.items)
            settled = np.minimum(self.confirmed_open[cells], quantity)
            self.confirmed_open[cells] -= settled

    def confirm(self, day: int) -> None:
        """Answer every proposal of the day (see the module docstring)."""
        sc = self.ctx.scenario
        spec = sc.spec.retailer
        channel = self.ctx.channel
        reports = channel.receive(self.gln, StorePositions, day)
        for news in reports:
            self._settle(news)
        self._confirm_shelf_plans(day)
        proposals = channel.receive(self.gln, Order, day)
        if not proposals:
            return
        if not reports:  # the stores report every day the head office confirms
            raise RuntimeError(f"day {day}: proposals came before the stores' positions")
        stores = reports[-1]
        spent = np.zeros(sc.n_stores)  # value confirmed per store today, over all proposals
        # one pass per proposal where Numba serves and no budget needs the lines' values
        kernels = (
            _fused.kernels(self.confirmed_open.size)
            if spec.order_budget_per_store_day is None
            else None
        )
        while proposals:  # each proposal let go once answered (its store × SKU array too)
            proposal = proposals.pop(0)
            items = proposal.items
            rows = proposal.locations
            pack = sc.case_pack[items]
            if kernels is not None:
                granted, status = self._answer_fused(kernels, day, stores, proposal, pack)
            else:
                granted, status = self._answer(day, stores, proposal, pack, spent)
            send(
                self.ctx,
                OrderResponse,
                self.gln,
                proposal.sender,
                day,
                order_number=proposal.order_number,
                locations=rows,
                items=items,
                quantity=granted,
                status=status,
            )

    def _answer_fused(
        self,
        kernels: SimpleNamespace,
        day: int,
        stores: StorePositions,
        proposal: Order,
        pack: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`_answer` without a budget, by :func:`crossdock._fused.confirm_lines`."""
        items = proposal.items
        asked = proposal.quantity
        blocked = self._blocked_among(items)
        granted = np.empty_like(asked)
        changed = np.zeros(items.size, dtype=bool)
        total = np.zeros(items.size, dtype=np.int64)
        on_hand, on_order, backorders = stores.books()
        failed = kernels.confirm_lines(
            asked,
            proposal.locations,
            items,
            on_hand,
            on_order,
            backorders,
            self.confirmed_open,
            self.shelf,
            pack,
            blocked,
            granted,
            changed,
            total,
            _distinct(proposal.locations) and _distinct(items),
        )
        if failed >= 0:  # nothing was added: the located error of the NumPy path
            cells = grid(proposal.locations, items)
            check_room(day, "retailer", "open confirmations", self.confirmed_open[cells], granted)
            raise RuntimeError(f"day {day}: open confirmations out of int32 range")
        return granted, _line_status(changed, total)

    def _answer(
        self,
        day: int,
        stores: StorePositions,
        proposal: Order,
        pack: np.ndarray,
        spent: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """One proposal's granted lines and their status; the lines join the open confirmations.

        Blocked items refused, each store's lines cut by whole packs to the shelf's room, then
        (with a budget) to what is left of the store's budget today (``spent``, updated).
        """
        sc = self.ctx.scenario
        spec = sc.spec.retailer
        items = proposal.items
        rows = proposal.locations
        asked = proposal.quantity
        granted = asked.copy()
        granted[:, self._blocked_among(items)] = 0
        # the shelf's room, a few stores at a time (views where rows and items are
        # contiguous): no int64 store × SKU position and room beside the proposal, and no
        # store × SKU mask of the lines it changes
        for block in row_blocks(granted.shape):
            part = grid(rows[block], items)
            position = stores.positions(part)
            position += self.confirmed_open[part]
            granted[block] = cap_to_room(granted[block], position, self.shelf[part], pack)
        cells = grid(rows, items)
        if spec.order_budget_per_store_day is not None:
            left = np.maximum(spec.order_budget_per_store_day - spent[rows], 0.0)
            value = row_dot(granted, sc.unit_cost[items])
            over = value > left
            if over.any():
                share = left[over] / value[over]
                cut = np.floor(granted[over] * share[:, None] / pack) * pack
                granted[over] = cut.astype(np.int64)
            spent[rows] += row_dot(granted, sc.unit_cost[items])
        check_room(day, "retailer", "open confirmations", self.confirmed_open[cells], granted)
        self.confirmed_open[cells] += granted
        changed = np.zeros(items.size, dtype=bool)
        for block in row_blocks(granted.shape):
            changed |= (granted[block] != asked[block]).any(axis=0)
        return granted, _line_status(changed, column_sums(granted))

    def _blocked_among(self, items: np.ndarray) -> np.ndarray:
        """Per item of a proposal, whether the retailer blocks it (its lines are refused)."""
        if not self._blocked.size:
            return np.zeros(items.size, dtype=bool)
        return np.isin(self.ctx.scenario.gtin[items], self._blocked)

    def _confirm_shelf_plans(self, day: int) -> None:
        """Confirm, cap or refuse each captain's shelf plan, and answer it with the result."""
        sc = self.ctx.scenario
        plans = self.ctx.channel.receive(self.gln, ShelfPlan, day)
        if plans:
            settings = sc.spec.replenishment.shelf_space
            gap = settings.max_own_share_gap if settings is not None else None
            own = captain_items(sc)
            min_cases = sc.spec.shelf_capacity.min_case_packs
            shelf = self.shelf.copy()
            for plan in plans:
                rows, items = plan.locations, plan.items
                for c in np.unique(sc.category_of[items]):
                    columns = items[sc.category_of[items] == c]
                    at = np.searchsorted(items, columns)
                    cells = grid(rows, columns)
                    confirmed, refused = confirm_shelf(
                        plan.capacity[:, at],
                        shelf[cells],
                        sc.shelf_capacity[cells].sum(axis=1),
                        sc.case_pack[columns],
                        min_cases,
                        reference=sc.shelf_capacity[cells],
                        own=own[columns],
                        max_gap=gap,
                    )
                    shelf[cells] = confirmed
                    self.ctx.ledger["shelf_plans_refused"][day, 0] += int(refused.sum())
                send(
                    self.ctx,
                    ShelfPlan,
                    self.gln,
                    plan.sender,
                    day,
                    locations=rows,
                    items=items,
                    capacity=shelf[grid(rows, items)],
                )
            self.shelf = shelf
        self.ctx.ledger["shelf_units"][day] = self._shelf_per_sku()


def _distinct(index: np.ndarray) -> bool:
    """Whether no value comes twice in ``index`` (store rows or items: ascending, as a rule)."""
    if index.size < 2:
        return True
    if bool((index[1:] > index[:-1]).all()):
        return True
    return np.unique(index).size == index.size


def _line_status(changed: np.ndarray, granted_per_item: np.ndarray) -> np.ndarray:
    """ORDRSP line status per item: accepted, changed, or refused where nothing was granted."""
    status = np.where(changed, LineStatus.CHANGED, LineStatus.ACCEPTED)
    status[changed & (granted_per_item == 0)] = LineStatus.REFUSED
    return status
