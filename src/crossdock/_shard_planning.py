"""The shared planners' store rows in a shard, beside the stores that report them.

In a sharded shared run (see :mod:`crossdock.shard`) each shard keeps, for every planner, its
stores' rows of the planner's per-store books (:class:`~crossdock.parties._planner_rows.
PlannerRows`: the policy's forecasts, the open orders). The stores' reports of the day never
leave the shard for this: the driver's planners read their mail, then ask every shard at
once (:class:`RowsRequest`) to learn from the day's reports and order, and join the shards'
orders in store order. The numbers are those of one process: each row is planned alone.

This needs the reports of the day on the day they are sent (the direct channel: an EDI
channel may delay or lose them, and then the planners keep their rows in the driver).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from crossdock._kernels import as_slice
from crossdock.messages import InventoryReport, Message, SalesReport
from crossdock.parties._planner_rows import LeadKey, PlannerRows, lead_times
from crossdock.policies import Policy
from crossdock.scenario import Scenario

__all__ = ["RowsRequest", "ShardPlanning"]


@dataclass(frozen=True, eq=False)
class RowsRequest:
    """One planner's work of the day for a shard's rows.

    A :class:`~crossdock.parties.planners.RowsWork` by report day instead of by report, with
    its arrays cut to the shard's rows.

    ``sales``: per sales report the planner read, its day and whether the same day's stock
    report came with it; ``stock``: the days of the stock reports it read. ``extra`` is the
    shard's rows of the calendar's extra days when they changed since the shard last heard
    (else None); ``dispatched``, the shard's rows of the orders sent since the last request.
    """

    gln: str
    sales: tuple[tuple[int, bool], ...]
    stock: tuple[int, ...]
    lost: bool
    key: LeadKey
    delay: np.ndarray | None
    extra: Any
    dispatched: tuple[tuple[int, Any], ...]


class ShardPlanning:
    """Every planner's rows of one shard's stores, and the day's reports they learn from."""

    def __init__(
        self,
        scenario: Scenario,
        report_to: list[tuple[str, np.ndarray]],
        policy: Callable[[], Policy],
    ) -> None:
        """``scenario`` is the shard's (its rows); ``policy`` makes each planner's policy."""
        sc = scenario
        mean = sc.expected_demand()
        self.rows: dict[str, PlannerRows] = {}
        for gln, items in report_to:
            lead, planned_dtype = lead_times(sc, items)
            self.rows[gln] = PlannerRows(
                policy(),
                mean[:, items],
                lead_time=lead,
                planned_dtype=planned_dtype,
                shelf=sc.shelf_capacity[:, as_slice(items)],
                pack=sc.case_pack[items],
            )
        self._extra: dict[str, np.ndarray] = {}
        # the day's reports, by planner: views of the stores' books until they next change
        self._reports: dict[tuple[type, str], Message] = {}
        self._day = -1

    def keep(self, day: int, sent: list[Message]) -> None:
        """The stores' reports of ``day`` (dropped at the next :meth:`forget`)."""
        self._day = day
        for message in sent:
            if isinstance(message, SalesReport | InventoryReport):
                self._reports[(type(message), message.receiver)] = message

    def forget(self) -> None:
        """Drop the day's reports before the stores' books change (no copy is made)."""
        self._reports.clear()

    def plan(
        self, day: int, requests: list[RowsRequest], unpack: Callable[[Any], Any]
    ) -> list[np.ndarray | None]:
        """Each request's work: the rows' order of the day (None without a stock report)."""
        out: list[np.ndarray | None] = []
        for request in requests:
            rows = self.rows.get(request.gln)
            if rows is None:
                raise RuntimeError(f"no shard rows for planner {request.gln}")
            for ordered_day, order in request.dispatched:
                rows.ordered(ordered_day, unpack(order))
            for report_day, with_stock in request.sales:
                sold = self._report(SalesReport, request.gln, report_day, day)
                stock = self._report(InventoryReport, request.gln, report_day, day)
                rows.learn(sold, stock if with_stock else None, request.lost)
            if not request.stock:
                out.append(None)
                continue
            stock_reports = [
                self._report(InventoryReport, request.gln, d, day) for d in request.stock
            ]
            if request.extra is not None:
                self._extra[request.gln] = unpack(request.extra)
            lead = rows.planned_lead(request.key, request.delay, self._extra.get(request.gln))
            out.append(rows.order(day, stock_reports, lead))
        return out

    def _report(self, kind: type, gln: str, report_day: int, day: int) -> Any:
        report = self._reports.get((kind, gln))
        if report is None or report_day != self._day or day != self._day:
            raise RuntimeError(
                f"on day {day} planner {gln} read a {kind.__name__} of day {report_day}: a "
                f"shard keeps only its stores' reports of the day (day {self._day})"
            )
        return report
