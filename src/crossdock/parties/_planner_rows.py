"""A shared planner's books for a block of store rows: what its per-store planning needs.

A planner plans each store × item of its range alone: it learns the cell's demand from the
stores' sales and stock reports (its policy's forecast), keeps the units it ordered and has
not seen received, and orders up to its policy's level in whole packs within the shelf. None
of this reads another store's row, so :class:`PlannerRows` keeps it for any block of stores:
every store in one process (:class:`~crossdock.parties.planners.Planner`), or, in a sharded
run, each shard's stores beside the stores that report them (:mod:`crossdock.shard`). The
planner itself does what needs every store: the delivery calendar, pallet rounding per
platform, the assortment review, the retailer's confirmation and the suppliers' orders.
The numbers are the same for any split of the rows.
"""

from __future__ import annotations

import numpy as np

from crossdock._kernels import days_dtype
from crossdock.messages import InventoryReport, SalesReport
from crossdock.parties._common import MAX_DELAY_DAYS, add_with_room, store_order
from crossdock.policies import Observation, Policy
from crossdock.scenario import Scenario

__all__ = ["LeadKey", "PlannerRows", "lead_times"]

#: Which lead times an order covers: (the announced delays' version, the calendar's version)
LeadKey = tuple[int, int]


def lead_times(scenario: Scenario, items: np.ndarray) -> tuple[np.ndarray, np.dtype]:
    """Planned lead time per store × item (supplier's plus platform's delivery days).

    Whole days in int32, or int16 where the longest fits when a delivery calendar is on (its
    lead time is then always an array of its own: 2 bytes a cell); and the type the planned
    lead time (lead, announced delays, the calendar's extra days) is added up in. The
    policies compute with both in float64, so the numbers are the same.
    """
    supply = scenario.supplier_lead_time_days[scenario.supplier_of[items]].astype(np.int32)
    delivery = scenario.platform_delivery_days[scenario.platform_of_store].astype(np.int32)
    calendar = scenario.spec.replenishment.delivery_calendar
    longest = int(supply.max(initial=0)) + int(delivery.max(initial=0))
    on = calendar is not None and calendar.enabled
    dtype = days_dtype(longest) if on else np.int32
    lead = np.add(supply[None, :], delivery[:, None], dtype=dtype)
    cycle = calendar.max_cycle_days if calendar is not None else 1
    return lead, np.dtype(days_dtype(longest + MAX_DELAY_DAYS + cycle - 1))


class PlannerRows:
    """One planner's per-store books over a block of stores (its rows of the chain).

    ``mean`` (store × item, the block's rows) starts the policy's forecast; ``lead_time``,
    ``shelf`` and ``pack`` are the block's planned lead times, shelf capacities and case
    packs. Store × item books are int32 (4 bytes a cell); additions that could pass 2**31 - 1
    are checked (:func:`~crossdock.parties._common.add_with_room`).
    """

    def __init__(
        self,
        policy: Policy,
        mean: np.ndarray,
        *,
        lead_time: np.ndarray,
        planned_dtype: np.dtype,
        shelf: np.ndarray,
        pack: np.ndarray,
    ) -> None:
        self.policy = policy
        policy.reset(mean)
        self.on_order = np.zeros(mean.shape, dtype=np.int32)
        self.owed = np.zeros(mean.shape, dtype=np.int32)  # backorders last seen
        self.lead_time = lead_time
        self.shelf = shelf
        self._pack = pack
        self._planned_dtype = planned_dtype
        # the lead time tonight's order covers, and the (delay, calendar) versions it is of
        self._planned: tuple[LeadKey, np.ndarray] = ((0, -1), lead_time)

    def learn(self, sold: SalesReport, stock: InventoryReport | None, lost: bool) -> None:
        """Learn from one day's sales, with the same day's stock report if it came.

        With backorders, demand is the sales plus the new backorders; with lost sales, the
        sales, censored where the shelf was empty at closing.
        """
        if not lost and stock is not None:
            # the planner's own copy: a report's payloads are views of the stores' books
            before, self.owed = self.owed, np.array(stock.backorders)
            self.policy.observe(sold.quantity + stock.backorders - before)
            return
        empty = None if stock is None or not lost else stock.on_hand == 0  # censored
        self.policy.observe_sales(sold.quantity, empty)

    def planned_lead(
        self, key: LeadKey, delay: np.ndarray | None, extra: np.ndarray | None
    ) -> np.ndarray:
        """Lead time, announced ``delay`` per item and the calendar's ``extra`` days.

        (The calendar's cycle − 1, store × item.) One array (int16 where the longest fits),
        made again only when ``key`` changes; the lead time itself when neither adds anything.
        """
        seen, planned = self._planned
        if seen != key:
            planned = self.lead_time
            if delay is not None:
                planned = np.add(planned, delay[None, :], dtype=self._planned_dtype)
                if extra is not None:
                    planned += extra
            elif extra is not None:
                planned = np.add(planned, extra, dtype=self._planned_dtype)
            self._planned = (key, planned)
        return planned

    def order(self, day: int, stock: list[InventoryReport], lead: np.ndarray) -> np.ndarray:
        """Tonight's order (store × item, whole packs within the shelf) from the stock reports.

        Each report's receipts leave the open orders; the latest's stock is the position.
        """
        for report in stock:
            self.on_order -= report.received
        latest = stock[-1]
        observation = Observation(
            day=day,
            on_hand=latest.on_hand,
            on_order=self.on_order,
            backorders=latest.backorders,
            lead_time_days=lead,
        )
        return store_order(self.policy, observation, self._pack, self.shelf)

    def ordered(self, day: int, order: np.ndarray) -> None:
        """``order`` went to the suppliers on ``day``: its units are on order."""
        add_with_room(day, "planners", "open orders", self.on_order, order)
