"""Delivery calendars: how many days apart a planner orders from each collection.

A *collection* is what one truck can pick up for one platform: a planner's suppliers for that
platform together when inbound consolidation is on (the captain's milk run), else each
supplier alone (a supplier planning alone can only fill its own truck). Ordering every R days
instead of daily puts R days of goods on each order, so fewer, fuller trucks go; the price is
stock — each order must cover R + L − 1 days instead of L — which the shelf must hold.

:class:`DeliveryCalendar` chooses R per collection (a periodic joint-replenishment rule): the
fewest days whose expected pallets fill the trucks to a target, within a maximum cycle, and
only while the order-up-to level over the longer cover (mean plus z Poisson deviations) fits
the shelf for a set share of the demand. It re-chooses at a set interval from the mean sales
the planner observed since the last choice. Collections are staggered (collection g first
orders on day g mod R, then every R days) so that the platforms' work is spread over the week;
an order day missed (no stock report that day) is made up the next day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crossdock import _fused
from crossdock._kernels import days_dtype, row_dot
from crossdock.scenario._captain_spec import DeliveryCalendarSpec

__all__ = ["Collection", "DeliveryCalendar", "cycle_for"]


@dataclass(frozen=True, eq=False)
class Collection:
    """One platform's stores (``rows``) and, per supplier, its item columns (``suppliers``).

    ``real_pallets`` gives, per supplier, the real flow's pallets a day on the lane (all its
    categories, see :mod:`crossdock.category.lanes`); ``None`` when the scenario sets no real
    flow, and the slice's own pallets decide.
    """

    rows: np.ndarray
    suppliers: tuple[np.ndarray, ...]
    real_pallets: tuple[float, ...] | None = None


def cycle_for(
    mean: np.ndarray,
    collection: Collection,
    *,
    per_pallet: np.ndarray,
    capacity_pallets: int,
    lead_days: np.ndarray,
    shelf: np.ndarray,
    z: float,
    spec: DeliveryCalendarSpec,
    days: int | None = None,
) -> int:
    """The order cycle (days) of one collection, given mean daily units per store × item.

    Given ``days``, ``mean`` holds units over that many days instead: only the collection's
    cells are divided (float64), with no mean of every cell at once.

    Pallets per order at cycle R: per supplier and store, R days of its items' pallet
    equivalents, rounded up (suppliers build pallets per store); trucks: that total over the
    capacity, rounded up. The first R whose fill reaches ``target_truck_fill`` wins; if none
    does, the R with the best fill. R never exceeds the longest cycle the shelf allows.
    With a real flow (``collection.real_pallets``), a supplier's pallets per order are those of
    R days of its real flow (never fewer than the slice's): the trucks are the real flow's.
    """
    rows = collection.rows
    columns = np.concatenate(collection.suppliers)

    def cells(cols: np.ndarray) -> np.ndarray:
        """The mean of the collection's stores × ``cols`` (only those cells copied)."""
        picked = mean[np.ix_(rows, cols)]
        return picked if days is None else picked / days

    block = cells(columns)
    demand = float(block.sum())
    if demand <= 0:
        return 1
    # pallet equivalents per day, per supplier and store
    per_day = [row_dot(cells(cols), 1.0 / per_pallet[cols]) for cols in collection.suppliers]
    lead = lead_days[np.ix_(rows, columns)]
    room = shelf[np.ix_(rows, columns)]
    best, best_fill = 1, -1.0
    for cycle in range(1, spec.max_cycle_days + 1):
        if cycle > 1:
            cover = block * (cycle + lead - 1)
            level = cover + z * np.sqrt(cover)
            fits = float(block[level <= room].sum()) / demand
            if fits < spec.shelf_fit_share:
                break
        pallets = _pallets(cycle, per_day, collection.real_pallets)
        trucks = np.ceil(pallets / capacity_pallets)
        fill = pallets / (trucks * capacity_pallets) if trucks else 0.0
        if fill >= spec.target_truck_fill:
            return cycle
        if fill > best_fill + 1e-12:
            best, best_fill = cycle, fill
    return best


def _pallets(cycle: int, per_day: list[np.ndarray], real: tuple[float, ...] | None) -> float:
    """Pallets on one order at ``cycle``: per supplier, its stores' rounded up, or its real flow's."""
    own = [float(np.ceil(cycle * v[v > 0] - 1e-9).sum()) for v in per_day]
    if real is None:
        return sum(own)
    return sum(max(o, float(np.ceil(cycle * r - 1e-9))) for o, r in zip(own, real, strict=True))


class DeliveryCalendar:
    """A planner's order cycle per collection, re-chosen from observed sales.

    ``lead_days``, ``shelf`` and the prior ``mean`` are store × item arrays over the planner's
    items; :meth:`today` says which store × item cells may be ordered today, :meth:`extra_days`
    how many days beyond the lead time tonight's orders must cover (R − 1).
    """

    def __init__(
        self,
        spec: DeliveryCalendarSpec,
        collections: list[Collection],
        *,
        mean: np.ndarray,
        per_pallet: np.ndarray,
        capacity_pallets: int,
        lead_days: np.ndarray,
        shelf: np.ndarray,
        z: float,
    ) -> None:
        self.spec = spec
        cells = sum(c.rows.size * sum(cols.size for cols in c.suppliers) for c in collections)
        if cells != mean.size:  # (keep_due relies on it)
            raise ValueError("collections must cover each store × item cell once")
        self.collections = collections
        self._per_pallet = per_pallet
        self._capacity = capacity_pallets
        self._lead = lead_days
        self._shelf = shelf
        self._z = z
        # whole units since the last choice: int16 (2 bytes a cell, not float64's 8), widened
        # to int32, then int64, before a sum could pass what it holds (``_bound`` is the
        # largest it can be), and back to int16 zeros at each choice
        self._sold = np.zeros(mean.shape, dtype=np.int16)
        self._bound = 0
        self._days = 0
        self.cycles = np.ones(len(collections), dtype=np.int64)
        #: R − 1 per store × item: whole days (int16: at most ``max_cycle_days`` − 1), added
        #: to the planners' lead times (the policies compute with the sum in float64)
        self.extra_days = np.zeros(mean.shape, dtype=days_dtype(spec.max_cycle_days))
        #: bumped at every choice, so a user of ``extra_days`` knows when it changed
        self.version = 0
        self._choose(mean)
        #: the day each collection next orders (staggered: collection g first on day g mod R)
        self.next_day = np.arange(len(collections)) % self.cycles

    def _choose(self, mean: np.ndarray, days: int | None = None) -> None:
        """Choose every collection's cycle from ``mean`` (or units over ``days`` days)."""
        self.version += 1
        for g, collection in enumerate(self.collections):
            cycle = cycle_for(
                mean,
                collection,
                per_pallet=self._per_pallet,
                capacity_pallets=self._capacity,
                lead_days=self._lead,
                shelf=self._shelf,
                z=self._z,
                spec=self.spec,
                days=days,
            )
            self.cycles[g] = cycle
            for cols in collection.suppliers:
                self.extra_days[np.ix_(collection.rows, cols)] = cycle - 1

    def observe(self, sold: np.ndarray) -> None:
        """Add one day's sales (store × item) to the volumes of the next choice."""
        sold = np.asarray(sold)
        if sold.dtype.kind not in "iub":  # fractional units: sum them as float64
            if self._sold.dtype != np.float64:
                self._sold = self._sold.astype(np.float64)
        elif self._added_in_int16(sold):
            self._days += 1
            return
        elif sold.size and self._sold.dtype != np.int64:
            self._bound += max(int(sold.max()), 0)
            if self._bound > np.iinfo(self._sold.dtype).max:
                wide = np.int32 if self._bound <= np.iinfo(np.int32).max else np.int64
                self._sold = self._sold.astype(wide)
        self._sold += sold
        self._days += 1

    def _added_in_int16(self, sold: np.ndarray) -> bool:
        """Add whole units to the int16 sums in one compiled pass, if every sum still fits.

        Exact where the bound on the sums (each day's largest sale added up) would widen
        them to int32 long before any cell needs it: a national chain's busiest cell in a
        promotion bounded every planner's sums past int16 within two weeks of each choice,
        2 bytes a cell more until the next. False where Numba does not serve or a sum
        would pass int16 (nothing added: the bound then starts from the sums' largest).
        """
        if self._sold.dtype != np.int16 or sold.shape != self._sold.shape or not sold.size:
            return False
        kernels = _fused.kernels(sold.size)
        if kernels is None:
            return False
        if kernels.add_within_int16(self._sold, sold) < 0:
            return True
        self._bound = int(self._sold.max())
        return False

    def may_review(self, day: int) -> bool:
        """Whether ``day`` is one of the interval's days (:meth:`review` re-chooses then)."""
        return day > 0 and day % self.spec.reoptimise_every_days == 0

    def review(self, day: int) -> None:
        """Re-choose every cycle on the interval's days, from the sales observed since."""
        if not self.may_review(day) or not self._days:
            return
        # the sums' mean per collection, in float64, exact as the float64 sums were (a mean of
        # every cell at once was 8 bytes a cell of the planner's stores × items)
        self._choose(self._sold, self._days)
        if self._sold.dtype.kind == "f":
            self._sold[:] = 0
        else:  # (not resident until written)
            self._sold = np.zeros(self._sold.shape, dtype=np.int16)
        self._bound = 0
        self._days = 0

    def keep_due(self, day: int, order: np.ndarray) -> None:
        """Zero, in place, ``order``'s cells whose collection does not order today.

        A collection orders on its day or, if that passed without an order (a planner that had
        no stock report that day), at the next chance; call :meth:`ordered` once the order has
        gone. Each store × item cell is in one collection (its store's platform, its
        supplier), so only the collections not due are touched, and a day every collection
        orders costs nothing.
        """
        for g, collection in enumerate(self.collections):
            if day < self.next_day[g]:
                for cols in collection.suppliers:
                    order[np.ix_(collection.rows, cols)] = 0

    def ordered(self, day: int) -> None:
        """Today's due collections have ordered: each next orders R days later."""
        due = day >= self.next_day
        self.next_day[due] = day + self.cycles[due]
