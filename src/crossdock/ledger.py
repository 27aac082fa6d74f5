"""The ledger: every movement of goods, per day, location and kind, and the day's closing stock.

Parties record movements as they happen and close each day with their stock. Conservation
then holds by construction and is *checked*, not assumed:
``closing = previous closing + opening + received + produced − shipped − sold − scrapped`` at
every location every day (a lost sale is recorded too, but moves no stock), and every unit
shipped is received by someone (the carrier counts as a location while goods are on the
road). With ``detail=True`` the same holds per SKU.

The ledger knows no fixed list of locations or series. Locations are added by kind
(:meth:`Ledger.add_locations`: the scenario's network, then any kind a party brings), and every
other daily figure is a named series that a party declares before it writes it
(:meth:`Ledger.declare`, read back with ``ledger[name]``); a series nobody declared reads as
zeros (:meth:`Ledger.get`), so tables are the same whichever parties a chain has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

__all__ = ["KINDS", "Ledger", "RouteStopRow", "SeriesSpec", "TransportRow", "Violation"]

KINDS = ("opening", "received", "produced", "shipped", "sold", "scrapped", "lost_sale")
# How each kind moves stock; a lost sale is recorded but moves nothing.
_SIGN = np.array([1, 1, 1, -1, -1, -1, 0], dtype=np.int64)
_KIND = {kind: i for i, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class SeriesSpec:
    """A daily series a party writes: ``name``, one column per instance of ``per``.

    ``per`` is a location kind (one column per location of that kind), ``"sku"``, or any
    other dimension whose size the chain knows (``"line"`` for production lines, ``"day"``
    for one number a day).
    """

    name: str
    per: str
    dtype: type = np.int64


class TransportRow(NamedTuple):
    """One ``transport`` table row: a depot-day's routes or a supplier's inbound trucks."""

    day: int
    leg: str
    origin_type: str
    origin_gln: str
    trucks: int
    stops: int
    pallets: int
    km: float
    cost: float
    hours: float
    co2_kg: float
    stops_on_time: int
    destination_gln: str = ""
    """Inbound: the platform or DC the trucks go to (outbound: "", see ``route_stops``)."""


class PickupRow(NamedTuple):
    """One supplier's pallets on a day's collection milk run (who shares its trucks' cost)."""

    day: int
    collection_gln: str
    destination_gln: str
    supplier_gln: str
    pallets: int


class RouteStopRow(NamedTuple):
    """One stop of an outbound route (see ``tables.SCHEMAS["route_stops"]``)."""

    day: int
    depot_gln: str
    route: int
    stop_order: int
    store: int
    pallets: int
    arrival_min: float
    on_time: bool
    route_km: float
    route_start_min: float
    route_end_min: float
    depot: tuple[float, float]
    floor_first: int
    floor_last: int


@dataclass(frozen=True)
class Violation:
    """One day and location where stock does not add up."""

    day: int
    location: int
    expected: int
    actual: int


class Ledger:
    """Columnar record of a run; see the module docstring.

    ``sizes`` gives the size of each non-location dimension series may use (``"sku"`` is
    always ``n_skus``, ``"day"`` is 1).
    """

    def __init__(
        self,
        days: int,
        n_skus: int,
        *,
        detail: bool = False,
        sizes: dict[str, int] | None = None,
    ) -> None:
        self.days = days
        self.n_skus = n_skus
        self.detail = detail
        self.sizes: dict[str, int] = {"sku": n_skus, "day": 1, **(sizes or {})}
        self.blocks: dict[str, slice] = {}
        self.n_locations = 0
        self.location_type = np.zeros(0, dtype=object)
        self.location_gln = np.zeros(0, dtype=object)
        self.location_name = np.zeros(0, dtype=object)
        self.flows = np.zeros((days, 0, len(KINDS)), dtype=np.int64)
        self.stock_units = np.zeros((days, 0), dtype=np.int64)
        self.stock_value = np.zeros((days, 0), dtype=np.float64)
        #: closing stock per SKU, summed over the locations of each kind
        self.sku_stock: dict[str, np.ndarray] = {}
        self.series: dict[str, np.ndarray] = {}
        self._per: dict[str, str] = {}
        self.transport: list[TransportRow] = []
        self.route_stops: list[RouteStopRow] = []
        self.pickups: list[PickupRow] = []
        if detail:
            self.flows_sku = np.zeros((days, 0, len(KINDS), n_skus), np.int64)
            self.stock_sku = np.zeros((days, 0, n_skus), np.int64)

    # -- building ------------------------------------------------------------------------------
    def add_locations(
        self, kind: str, glns: Sequence[str] | np.ndarray, names: Sequence[str] | np.ndarray
    ) -> slice:
        """Add the locations of one kind (once, before anything is recorded); returns its block."""
        if kind in self.blocks:
            raise ValueError(f"the ledger already has {kind} locations")
        n = len(glns)
        start = self.n_locations
        self.blocks[kind] = slice(start, start + n)
        self.sizes[kind] = n
        self.n_locations += n
        self.location_type = np.concatenate([self.location_type, np.full(n, kind, dtype=object)])
        self.location_gln = np.concatenate([self.location_gln, np.asarray(glns, dtype=object)])
        self.location_name = np.concatenate([self.location_name, np.asarray(names, dtype=object)])

        def grow(array: np.ndarray, axis: int) -> np.ndarray:
            shape = list(array.shape)
            shape[axis] = n
            return np.concatenate([array, np.zeros(shape, array.dtype)], axis=axis)

        self.flows = grow(self.flows, 1)
        self.stock_units = grow(self.stock_units, 1)
        self.stock_value = grow(self.stock_value, 1)
        self.sku_stock[kind] = np.zeros((self.days, self.n_skus), dtype=np.int64)
        if self.detail:
            self.flows_sku = grow(self.flows_sku, 1)
            self.stock_sku = grow(self.stock_sku, 1)
        return self.blocks[kind]

    def declare(self, spec: SeriesSpec) -> np.ndarray:
        """Make room for a named series (a second declaration of the same series is a no-op)."""
        size = self.sizes.get(spec.per)
        if size is None:
            raise ValueError(f"series {spec.name!r}: the ledger has no dimension {spec.per!r}")
        if spec.name in self.series:
            if self._per[spec.name] != spec.per:
                raise ValueError(f"series {spec.name!r} is declared per {self._per[spec.name]}")
            return self.series[spec.name]
        self.series[spec.name] = np.zeros((self.days, size), dtype=spec.dtype)
        self._per[spec.name] = spec.per
        return self.series[spec.name]

    def __getitem__(self, name: str) -> np.ndarray:
        """A declared series, ``[day, instance]``."""
        return self.series[name]

    def __contains__(self, name: str) -> bool:
        return name in self.series

    def get(self, name: str, per: str, dtype: type = np.int64) -> np.ndarray:
        """A series as recorded, or zeros when no party of the chain writes it."""
        found = self.series.get(name)
        if found is not None:
            return found
        return np.zeros((self.days, self.sizes.get(per, 0)), dtype=dtype)

    @property
    def sku(self) -> dict[str, np.ndarray]:
        """The declared per-SKU series (``[day, sku]``), by name."""
        return {name: a for name, a in self.series.items() if self._per[name] == "sku"}

    # -- recording ---------------------------------------------------------------------------
    def record(
        self,
        day: int,
        kind: str,
        location_type: str,
        quantity: np.ndarray,
        rows: slice | np.ndarray | None = None,
    ) -> None:
        """Record ``quantity[n, k]`` of a movement at the instances ``rows`` of a location kind.

        ``rows`` (indices or a slice among that kind's locations) defaults to all of them.
        """
        k = _KIND[kind]
        block = self.blocks[location_type]
        where: slice | np.ndarray = block if rows is None else _within(block, rows)
        self.flows[day, where, k] += quantity.sum(axis=1)
        if self.detail:
            self.flows_sku[day, where, k] += quantity

    def record_owned(
        self, day: int, kind: str, location_type: str, quantity: np.ndarray, owner: np.ndarray
    ) -> None:
        """Record ``quantity[k]`` where SKU ``k`` sits at instance ``owner[k]``."""
        k = _KIND[kind]
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

    def flow(self, kind: str, location_type: str) -> np.ndarray:
        """``[day, instance]`` units of one kind of movement at one kind of location (a view)."""
        return self.flows[:, self.blocks[location_type], _KIND[kind]]

    @property
    def store_lost(self) -> np.ndarray:
        """``[day, store]`` units of demand not served on the day (a view of the flows)."""
        return self.flow("lost_sale", "store")

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
        received = self.flows[:days, :, _KIND["received"]].sum(axis=1)
        shipped = self.flows[:days, :, _KIND["shipped"]].sum(axis=1)
        return np.flatnonzero(received != shipped)


def _within(block: slice, rows: slice | np.ndarray) -> slice | np.ndarray:
    """Rows of a kind's locations as positions in the ledger."""
    if isinstance(rows, slice):
        start, stop, step = rows.indices(block.stop - block.start)
        return slice(block.start + start, block.start + stop, step)
    return block.start + np.asarray(rows)
