"""Cross-dock platforms: receive suppliers' pallets, break them down by store, send them on.

Inbound goods arrive already allocated to stores (the planner's cross-dock order), so the
platform's stock is a store × SKU array. Each morning the platform checks what arrives against
the suppliers' despatch advices and answers each with a receiving advice (RECADV). Everything
received leaves the same evening unless the day's handling capacity is exceeded — in units, and
in pallets through the dock doors and by the labour on shift — then what is left waits
overnight, and goes first the next day.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from crossdock import _fused
from crossdock._kernels import as_slice, column_sums, pallets, ration
from crossdock.goods import Consignment
from crossdock.ledger import SeriesSpec
from crossdock.messages import DespatchAdvice, ReceivingAdvice
from crossdock.parties._common import (
    Context,
    NetworkParty,
    SsccCounter,
    add_with_room,
    despatch_to_stores,
    send,
    sum_loads,
)

_STATS = ("platform_pallets_in", "platform_pallets_out", "platform_units_in", "platform_units_out")


class Platforms(NetworkParty):
    """Every cross-dock platform; ``held[s, k]`` are units at store ``s``'s platform."""

    phases: ClassVar[tuple[str, ...]] = ("receive", "cross_dock", "close")
    location_type: ClassVar[str | None] = "platform"
    series: ClassVar[tuple[SeriesSpec, ...]] = (
        *(SeriesSpec(name, "platform", np.float64) for name in _STATS),
        SeriesSpec("recadv_lines_differing", "day"),
    )

    def __init__(self, ctx: Context) -> None:
        sc = ctx.scenario
        self.ctx = ctx
        self.held = np.zeros((sc.n_stores, sc.n_skus), dtype=np.int32)  # checked adds
        # each platform's part of ``held`` that arrived before today (where it has some)
        self._overnight: dict[int, np.ndarray] = {}
        self.ssccs = SsccCounter(sc.n_platforms)
        self._stores_of = sc.stores_of_platform
        self._supplier_columns = [as_slice(items) for items in sc.items_of_supplier]
        self._expected: dict[int, list[tuple[int, DespatchAdvice]]] = {}
        self.held_overnight = np.zeros(sc.n_platforms, dtype=np.int64)
        # today's units and pallets in, by platform, where nothing was held from before: its
        # stock to cross-dock is what came, so they are not counted again
        self._arrived: dict[int, tuple[int, int]] = {}

    def receive(self, day: int) -> None:
        """Take in suppliers' despatch advices: what each truck due today should carry."""
        late: list[tuple[int, DespatchAdvice]] = []
        for p, gln in enumerate(self.ctx.scenario.platform_gln):
            for advice in self.ctx.channel.receive(gln, DespatchAdvice, day):
                if advice.arrival_day < day:  # the goods came before their advice
                    late.append((p, advice))
                else:
                    self._expected.setdefault(advice.arrival_day, []).append((p, advice))
        if late:  # acknowledge them as announced: what came was booked on its arrival day
            self._acknowledge(day, [((p, advice), advice.quantity) for p, advice in late])
        self._unload(day)

    def _unload(self, day: int) -> None:
        """Inbound pallets (already allocated to stores) arrive at the docks and are checked.

        Platform by platform, each one's arrivals summed over its own stores only (int32, as
        the stock it joins), checked against its despatch advices due today and let go: no
        store × SKU array of the whole network is made, nor kept until the last platform.
        """
        sc = self.ctx.scenario
        arrivals = [self.ctx.goods.arrivals(gln, day) for gln in sc.platform_gln]
        due = self._expected.pop(day, [])
        self._arrived = {}
        # (a platform where nothing came today received nothing of its advices)
        received = [np.zeros(advice.quantity.shape, dtype=np.int32) for _, advice in due]
        if not any(arrivals):  # no truck at all: the advices due are answered, nothing came
            self._acknowledge(day, list(zip(due, received, strict=True)))
            return
        ledger = self.ctx.ledger
        by_platform = np.zeros((sc.n_platforms, sc.n_skus), dtype=np.int64)
        for p, loads in enumerate(arrivals):
            if not loads:
                continue
            stores = self._stores_of[p]
            rows = as_slice(stores)
            held = self.held[rows]
            shape = (stores.size, sc.n_skus)
            # where nothing was held from before (the platform's rows are zeros), the loads
            # are summed into its stock itself: no array of the day's arrivals apart
            fresh = isinstance(rows, slice) and p not in self._overnight
            goods = sum_loads(loads, shape, np.int32, out=held if fresh else None, locations=stores)
            lots = self._lots_pallets(loads, stores)
            arrivals[p] = []  # (the consignments are let go with their platform's sum)
            del loads
            if goods is not held:
                add_with_room(day, "platforms", "stock", held, goods)
                if not isinstance(rows, slice):  # a copy: written back
                    self.held[rows] = held
            by_platform[p] = column_sums(goods)
            count = self._supplier_pallets(goods) if lots is None else lots
            units = int(by_platform[p].sum())
            ledger["platform_pallets_in"][day, p] += count
            ledger["platform_units_in"][day, p] += units
            if p not in self._overnight:
                self._arrived[p] = (units, count)
            for i, (q, advice) in enumerate(due):
                if q == p:
                    received[i] = _as_received(goods, stores, advice)
        ledger.record(day, "received", "platform", by_platform)
        self._acknowledge(day, list(zip(due, received, strict=True)))

    def _acknowledge(
        self, day: int, checked: list[tuple[tuple[int, DespatchAdvice], np.ndarray]]
    ) -> None:
        """RECADV for each despatch advice: what came (``received``), against what was announced."""
        sc = self.ctx.scenario
        for (p, advice), received in checked:
            differs = (  # (all of it came, the usual day: the advice's own array)
                0
                if received is advice.quantity
                else int((received != advice.quantity).any(axis=0).sum())
            )
            self.ctx.ledger["recadv_lines_differing"][day] += differs
            send(
                self.ctx,
                ReceivingAdvice,
                sc.platform_gln[p],
                advice.sender,
                day,
                despatch_number=advice.despatch_number,
                locations=advice.locations,
                items=advice.items,
                quantity=received,
            )

    def cross_dock(self, day: int) -> None:
        """Break down and consolidate by store, within today's handling capacity.

        Platform by platform: each one's despatches are its own stores × SKUs (int32, the
        DESADV's and the consignment's array), and what stays overnight is kept per platform.
        """
        sc = self.ctx.scenario
        outs: list[tuple[int, np.ndarray, np.ndarray]] = []
        overnight: dict[int, np.ndarray] = {}
        emptied: list[int] = []  # places in outs of platforms whose whole stock goes
        for p, stores in enumerate(self._stores_of):
            if p not in self._arrived and p not in self._overnight:
                continue  # nothing came, nothing was held: its rows are zeros
            rows = as_slice(stores)
            held = self.held[rows]
            # inbound pallets as the suppliers built them: the work of breaking them down
            # (as counted at unloading, when that was all the platform held)
            arrived = self._arrived.get(p)
            total, held_pallets = arrived or (int(held.sum()), self._supplier_pallets(held))
            if total == 0:
                continue
            capacity = int(sc.platform_capacity[p])
            if held_pallets > sc.platform_pallet_capacity[p]:  # doors or labour bind
                share = sc.platform_pallet_capacity[p] / held_pallets
                capacity = min(capacity, int(total * share))
            if total <= capacity:  # all of it goes: emptied below, or handed on as it is
                emptied.append(len(outs))
                outs.append((p, stores, held))
                continue
            # Goods held overnight go first; today's arrivals share what capacity is left.
            old = self._overnight.get(p)
            if old is None:
                old = np.zeros_like(held)
            first = ration(old.reshape(-1, 1), np.array([capacity]))[:, 0].reshape(old.shape)
            left = capacity - int(first.sum())
            new = held - old
            second = ration(new.reshape(-1, 1), np.array([left]))[:, 0].reshape(new.shape)
            out = (first + second).astype(held.dtype)
            held -= out
            if not isinstance(rows, slice):  # a copy: written back
                self.held[rows] = held
            if held.any():
                overnight[p] = held.copy()
            outs.append((p, stores, out))
        self._overnight = overnight
        self._arrived = {}
        if not overnight and outs:  # nothing held anywhere: the stock goes as it is (its
            # array lives on in the consignments), and fresh zeros, whose pages are not
            # resident until tomorrow's arrivals write them, take its place
            self.held = np.zeros(self.held.shape, dtype=self.held.dtype)
        else:  # the emptied platforms' stock copied out, their rows zeros again
            for i in emptied:
                p, stores, out = outs[i]
                rows = as_slice(stores)
                if isinstance(rows, slice):  # (else a copy already)
                    outs[i] = (p, stores, out.copy())
                self.held[rows] = 0
        ledger = self.ctx.ledger
        by_platform = np.zeros((sc.n_platforms, sc.n_skus), dtype=np.int64)
        for p, _, out in outs:
            by_platform[p] = column_sums(out)
        if not by_platform.any():
            return
        ledger.record(day, "shipped", "platform", by_platform)
        for p, stores, goods in outs:
            if not by_platform[p].any():  # (no negative stock)
                continue
            ledger["platform_units_out"][day, p] += by_platform[p].sum()
            ledger["platform_pallets_out"][day, p] += despatch_to_stores(
                self.ctx,
                self.ssccs,
                day=day,
                origin_kind="platform",
                origin=p,
                sender=sc.platform_gln[p],
                stores=stores,
                goods=goods,
                transit_days=int(sc.platform_delivery_days[p]),
            )

    def _supplier_pallets(self, goods: np.ndarray) -> int:
        """A platform's pallets (its stores × SKUs) as the suppliers built them: one lot each."""
        per_pallet = self.ctx.scenario.units_per_pallet
        return sum(
            int(pallets(goods[:, cols], per_pallet[cols]).sum()) for cols in self._supplier_columns
        )

    def _lots_pallets(self, loads: list[Consignment], stores: np.ndarray) -> int | None:
        """A platform's day of loads' pallets as the suppliers counted them, or ``None``.

        They are :meth:`_supplier_pallets` of the loads' sum, the same cells counted the same
        way, where each supplier sent one lot of all its items to all the platform's stores
        (the usual day); otherwise (``None``) the sum is counted.
        """
        sc = self.ctx.scenario
        senders: set[int] = set()
        count = 0
        for load in loads:
            u = load.origin
            if load.sender_kind != "supplier" or u in senders or not (0 <= u < sc.n_suppliers):
                return None
            senders.add(u)
            if not (
                np.array_equal(load.items, sc.items_of_supplier[u])
                and np.array_equal(load.locations, stores)
            ):
                return None
            count += load.pallets
        return count

    def _by_platform(self, goods: np.ndarray) -> np.ndarray:
        sc = self.ctx.scenario
        out = np.zeros((sc.n_platforms, sc.n_skus), dtype=np.int64)
        for p, stores in enumerate(self._stores_of):
            out[p] = column_sums(goods[stores])
        return out

    def close(self, day: int) -> None:
        """Closing stock (goods held overnight) into the ledger."""
        by_platform = self._by_platform(self.held)
        self.held_overnight = by_platform.sum(axis=1)
        self.ctx.ledger.close(day, "platform", by_platform, self.ctx.scenario.unit_cost)


def _as_received(goods: np.ndarray, stores: np.ndarray, advice: DespatchAdvice) -> np.ndarray:
    """What came of ``advice`` in a platform's arrivals (``goods``, its stores × SKUs).

    The advice's own payload when all of it came (the usual day: the RECADV shares the
    DESADV's array, a message's, never written again), else a copy of what came.
    """
    rows = np.searchsorted(stores, advice.locations)
    quantity, items = advice.quantity, advice.items
    kernels = _fused.kernels(quantity.size)
    if (
        kernels is not None
        and quantity.shape == (rows.size, items.size)
        and quantity.dtype.kind in "iu"
        and goods.dtype.kind in "iu"
    ):  # compared in place: the cells are taken out only when something differs
        if kernels.same_cells(goods, rows, np.asarray(items, np.int64), quantity):
            return quantity
        return goods[np.ix_(rows, items)]
    came = goods[np.ix_(rows, items)]
    return quantity if np.array_equal(came, quantity) else came
