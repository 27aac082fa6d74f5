"""The retailer's head office: it confirms or amends the planners' proposals (ORDRSP).

In shared replenishment the planners propose store orders (ORDERS) and the retailer answers
each by its rules: blocked items are refused; no store is sent more than its shelf holds
(stock, goods on their way and what the head office already confirmed); a store's day of
orders keeps within its budget (value at unit cost), cut in proportion and to whole packs.
The head office knows its stores' positions from their daily
:class:`~crossdock.messages.StorePositions`, and settles what it confirmed against the despatch
advices that cover it.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from crossdock._kernels import cap_to_room, grid
from crossdock.ledger import SeriesSpec
from crossdock.messages import LineStatus, Order, OrderResponse, StorePositions
from crossdock.parties._common import Context, NetworkParty, send


class Retailer(NetworkParty):
    """The head office's confirmation of proposals (see the module docstring)."""

    phases: ClassVar[tuple[str, ...]] = ("confirm",)
    location_type: ClassVar[str | None] = None
    series: ClassVar[tuple[SeriesSpec, ...]] = ()

    def __init__(self, ctx: Context) -> None:
        sc = ctx.scenario
        self.ctx = ctx
        self.gln = sc.spec.retailer.gln
        self._blocked = np.array(sc.spec.retailer.blocked_gtins, dtype=object)
        # proposals the head office confirmed and no despatch advice has covered yet
        self.confirmed_open = np.zeros((sc.n_stores, sc.n_skus), dtype=np.int64)

    def _settle(self, news: StorePositions) -> None:
        """Confirmed goods now on their way (a despatch advice): no longer pending."""
        for advice in news.advices:
            cells = grid(advice.locations, advice.items)
            settled = np.minimum(self.confirmed_open[cells], advice.quantity)
            self.confirmed_open[cells] -= settled

    def confirm(self, day: int) -> None:
        """Answer every proposal of the day (see the module docstring)."""
        sc = self.ctx.scenario
        spec = sc.spec.retailer
        channel = self.ctx.channel
        reports = channel.receive(self.gln, StorePositions, day)
        for news in reports:
            self._settle(news)
        proposals = channel.receive(self.gln, Order, day)
        if not proposals:
            return
        if not reports:  # the stores report every day the head office confirms
            raise RuntimeError(f"day {day}: proposals came before the stores' positions")
        stores = reports[-1].position
        spent = np.zeros(sc.n_stores)  # value confirmed per store today, over all proposals
        for proposal in proposals:
            items = proposal.items
            rows = proposal.locations
            asked = proposal.quantity
            pack = sc.case_pack[items]
            granted = asked.copy()
            if self._blocked.size:
                granted[:, np.isin(sc.gtin[items], self._blocked)] = 0
            cells = grid(rows, items)  # views where rows and items are contiguous
            position = stores[cells] + self.confirmed_open[cells]
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
