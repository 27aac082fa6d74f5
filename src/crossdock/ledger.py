"""The ledger: every movement of goods, per day, location and kind, and the day's closing stock.

Parties record movements as they happen; the engine closes each day with every location's
stock. Conservation then holds by construction and is *checked*, not assumed:
``closing = previous closing + opening + received + produced − shipped − sold − scrapped`` at
every location every day (a lost sale is recorded too, but moves no stock), and every unit
shipped is received by someone (the carrier counts
as a location while goods are on the road). With ``detail=True`` the same holds per SKU.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crossdock.scenario import Scenario

__all__ = ["KINDS", "LOCATION_TYPES", "Ledger"]

KINDS = ("opening", "received", "produced", "shipped", "sold", "scrapped", "lost_sale")
LOCATION_TYPES = ("store", "platform", "dc", "supplier", "factory", "carrier")
# How each kind moves stock; a lost sale is recorded but moves nothing.
_SIGN = np.array([1, 1, 1, -1, -1, -1, 0], dtype=np.int64)
SKU_SERIES = (
    "demand",
    "sales",
    "lost_sales",
    "store_orders",
    "dc_orders",
    "supplier_orders",
    "supplier_shipped",
    "production_orders",
    "produced",
    "ramp_scrap",
    "obsolete",
)


@dataclass(frozen=True)
class Violation:
    """One day and location where stock does not add up."""

    day: int
    location: int
    expected: int
    actual: int


class Ledger:
    """Columnar record of a run; see the module docstring."""

    def __init__(self, scenario: Scenario, days: int, *, detail: bool = False) -> None:
        sizes = {
            "store": scenario.n_stores,
            "platform": scenario.n_platforms,
            "dc": scenario.n_dcs,
            "supplier": scenario.n_suppliers,
            "factory": scenario.n_factories,
            "carrier": 1,
        }
        self.blocks: dict[str, slice] = {}
        start = 0
        for kind in LOCATION_TYPES:
            self.blocks[kind] = slice(start, start + sizes[kind])
            start += sizes[kind]
        self.n_locations = start
        self.location_type = np.concatenate(
            [np.full(sizes[k], k, dtype=object) for k in LOCATION_TYPES]
        )
        self.location_gln = np.concatenate(
            [
                scenario.store_gln,
                scenario.platform_gln,
                scenario.dc_gln,
                scenario.supplier_gln,
                scenario.factory_gln,
                np.array([scenario.spec.carrier.gln], dtype=object),
            ]
        )
        self.location_name = np.concatenate(
            [
                scenario.store_name,
                scenario.platform_name,
                scenario.dc_name,
                scenario.supplier_name,
                scenario.factory_name,
                np.array([scenario.spec.carrier.name], dtype=object),
            ]
        )
        self.days = days
        self.n_skus = scenario.n_skus
        self.detail = detail
        self.flows = np.zeros((days, self.n_locations, len(KINDS)), dtype=np.int64)
        self.stock_units = np.zeros((days, self.n_locations), dtype=np.int64)
        self.stock_value = np.zeros((days, self.n_locations), dtype=np.float64)
        self.sku = {name: np.zeros((days, scenario.n_skus), dtype=np.int64) for name in SKU_SERIES}
        self.sku_stock = {
            t: np.zeros((days, scenario.n_skus), dtype=np.int64) for t in LOCATION_TYPES
        }
        s = scenario.n_stores
        self.store_demand = np.zeros((days, s), dtype=np.int64)
        self.store_sales = np.zeros((days, s), dtype=np.int64)
        self.store_lost_value = np.zeros((days, s), dtype=np.float64)
        self.store_in_stock = np.zeros((days, s), dtype=np.int64)
        self.store_deliveries = np.zeros((days, s), dtype=np.int64)
        self.factory_capacity = np.zeros((days, scenario.n_factories), dtype=np.float64)
        #: per day and line: scheduled hours, hours down (breakdowns), busy hours, changeover hours
        self.line_stats = np.zeros((days, scenario.n_lines, 4), dtype=np.float64)
        #: per day and platform: pallets received, pallets built, units received, units sent
        self.platform_stats = np.zeros((days, scenario.n_platforms, 4), dtype=np.float64)
        #: per day and DC: pallets received, pallets shipped, cases picked, labour hours
        self.dc_stats = np.zeros((days, scenario.n_dcs, 4), dtype=np.float64)
        self.recadv_lines_differing = np.zeros(days, dtype=np.int64)
        self.jobs_done = np.zeros((days, scenario.n_factories), dtype=np.int64)
        self.jobs_late = np.zeros((days, scenario.n_factories), dtype=np.int64)
        self.transport: list[tuple] = []
        #: one row per stop of each outbound route (see ``tables.SCHEMAS["route_stops"]``)
        self.route_stops: list[tuple] = []
        if detail:
            self.flows_sku = np.zeros((days, self.n_locations, len(KINDS), self.n_skus), np.int64)
            self.stock_sku = np.zeros((days, self.n_locations, self.n_skus), np.int64)

    @property
    def store_lost(self) -> np.ndarray:
        """``[day, store]`` units of demand not served on the day (a view of the flows)."""
        return self.flows[:, self.blocks["store"], KINDS.index("lost_sale")]

    # -- recording ---------------------------------------------------------------------------
    def record(self, day: int, kind: str, location_type: str, quantity: np.ndarray) -> None:
        """Record ``quantity[n_instances, k]`` of a movement at each instance of a location type."""
        k = KINDS.index(kind)
        block = self.blocks[location_type]
        self.flows[day, block, k] += quantity.sum(axis=1)
        if self.detail:
            self.flows_sku[day, block, k] += quantity

    def record_owned(
        self, day: int, kind: str, location_type: str, quantity: np.ndarray, owner: np.ndarray
    ) -> None:
        """Record ``quantity[k]`` where SKU ``k`` sits at instance ``owner[k]``."""
        k = KINDS.index(kind)
        block = self.blocks[location_type]
        n = block.stop - block.start
        self.flows[day, block, k] += np.bincount(owner, weights=quantity, minlength=n).astype(
            np.int64
        )
        if self.detail:
            np.add.at(
                self.flows_sku[day, :, k, :], (block.start + owner, np.arange(len(owner))), quantity
            )

    def close(
        self,
        day: int,
        location_type: str,
        units: np.ndarray,
        unit_cost: np.ndarray,
        owner: np.ndarray | None = None,
    ) -> None:
        """Record a party's closing stock: ``units[n, k]``, or ``units[k]`` with ``owner[k]``."""
        block = self.blocks[location_type]
        n = block.stop - block.start
        if owner is None:
            self.stock_units[day, block] = units.sum(axis=1)
            self.stock_value[day, block] = units @ unit_cost
            self.sku_stock[location_type][day] = units.sum(axis=0)
            if self.detail:
                self.stock_sku[day, block] = units
        else:
            self.stock_units[day, block] = np.bincount(owner, weights=units, minlength=n).astype(
                np.int64
            )
            self.stock_value[day, block] = np.bincount(
                owner, weights=units * unit_cost, minlength=n
            )
            self.sku_stock[location_type][day] = units
            if self.detail:
                np.add.at(self.stock_sku[day], (block.start + owner, np.arange(len(owner))), units)

    # -- checking ----------------------------------------------------------------------------
    def violations(self, days: int | None = None) -> list[Violation]:
        """Every (day, location) where closing stock differs from the movements' balance."""
        days = self.days if days is None else days
        change = (self.flows[:days] * _SIGN).sum(axis=2)
        previous = np.vstack(
            [np.zeros((1, self.n_locations), np.int64), self.stock_units[: days - 1]]
        )
        expected = previous + change
        bad = np.argwhere(expected != self.stock_units[:days])
        return [
            Violation(int(d), int(loc), int(expected[d, loc]), int(self.stock_units[d, loc]))
            for d, loc in bad
        ]

    def sku_violations(self, days: int | None = None) -> np.ndarray:
        """Per-SKU version of :meth:`violations` (``detail=True`` only): (day, location, sku) rows."""
        days = self.days if days is None else days
        change = np.einsum("dlkn,k->dln", self.flows_sku[:days], _SIGN)
        previous = np.concatenate(
            [np.zeros((1, *self.stock_sku.shape[1:]), np.int64), self.stock_sku[: days - 1]]
        )
        return np.argwhere(previous + change != self.stock_sku[:days])

    def unmatched_transfers(self, days: int | None = None) -> np.ndarray:
        """Days on which units shipped by all locations differ from units received by all."""
        days = self.days if days is None else days
        received = self.flows[:days, :, KINDS.index("received")].sum(axis=1)
        shipped = self.flows[:days, :, KINDS.index("shipped")].sum(axis=1)
        return np.flatnonzero(received != shipped)
