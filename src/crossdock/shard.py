"""Sharded runs: a chain's stores split into shards that run in parallel as Ray actors.

``simulate(shards=N)`` (``crossdock run --shards N``) cuts the scenario's stores into ``N``
contiguous groups of store rows (:func:`partition_stores`: near-equal sizes, each cut moved to
the nearest change of region, the DC in the traditional chain and the platform in the shared
one, when one is close). Each shard's stores are an ordinary
:class:`~crossdock.parties.stores.Stores` party, built in a Ray actor
(:class:`ShardWorker`) on the shard's rows of the scenario (:func:`shard_scenario`), drawing
demand from the same per-store random streams (``DemandModel(stores=rows)``) and valuing
sales with the same price book rows. Every other party (DC, suppliers, factories, platforms,
planners, retailer, carrier) stays in the driver.

In the driver a proxy party, :class:`ShardedStores`, takes the stores' place in the cast. It
talks to the rest of the chain through the message and goods channels only, as the stores do:

- ``receive``: it takes the day's despatch advices, delistings and consignments for the
  stores from the channels and cuts each to each shard's rows (re-indexed);
- ``trade``: one call to every actor closes yesterday, takes in the shard's inbox and sells;
  the driver does not wait for it;
- ``report``/``plan``: the actors' outgoing messages (sales and inventory reports, store
  positions, store orders) are merged, row blocks in store order, into the one message the
  whole chain's stores would have sent, and sent on the driver's channel (so message
  references, EDI interchanges and counts are the same); then each actor draws tomorrow's
  demand while the driver's upstream parties plan, ship and route;
- ``close``: the actors close the day with the next day's first call; their ledger figures
  (store rows, per-SKU sums) are added into the driver's ledger a day later, and at the end.

So the driver waits for the actors once a day, for the store orders (traditional) or the
reports (shared); a phase in which the stores send nothing is not called at all.

Why the tables do not depend on the number of shards: a store's row of every store × SKU
array is computed from that row alone (demand from its own streams, its own stock, orders,
policy state), and per-SKU figures are integer sums over stores, which do not depend on how
the stores are grouped. A store's money figures (stock value, lost sales' value) are BLAS
products whose last bits depend on the row's place in a group of rows, so shards are cut at
multiples of :data:`ALIGN_ROWS` rows. Merged messages carry the same rows, in the same
order, as the unsharded run's. ``tests/test_shard.py`` checks every output table, bit for bit.

Limits: a run with shards cannot be checkpointed (its stores' state lives in the actors), nor
take a ``demand`` object (each shard draws its own stores' demand from the scenario's
model); only the built-in :class:`~crossdock.parties.stores.Stores` party is sharded.
"""

from __future__ import annotations

import dataclasses
import importlib
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any, ClassVar

import numpy as np

from crossdock.channel import DirectChannel
from crossdock.demand import DemandModel
from crossdock.economics._prices import PriceBook
from crossdock.errors import CrossdockError, ParameterError
from crossdock.goods import DirectGoodsChannel
from crossdock.ledger import Ledger, SeriesSpec
from crossdock.messages import (
    Delisting,
    DespatchAdvice,
    Message,
    Order,
    OrderResponse,
    StorePositions,
)
from crossdock.parties._common import Context, send
from crossdock.parties.stores import Stores
from crossdock.party import Party
from crossdock.policies import Policy
from crossdock.recipes import PARTIES, Build, Cast, PartyBuilder
from crossdock.scenario import Scenario

__all__ = [
    "ALIGN_ROWS",
    "OBJECT_STORE_BYTES",
    "ShardSpec",
    "ShardWorker",
    "ShardedStores",
    "Sharding",
    "check_shards",
    "max_shards",
    "object_store_bytes",
    "partition_stores",
    "shard_scenario",
    "shard_session",
]

#: Ray's object store for a sharded run, at least: the day's store × SKU messages and goods
#: pass through it (see :func:`object_store_bytes`).
OBJECT_STORE_BYTES = 1024 * 1024 * 1024


def object_store_bytes(scenario: Scenario | None) -> int:
    """Ray's object store for a sharded run of ``scenario`` (at least 1 GiB).

    Room for four whole store × SKU int64 arrays in flight: orders or reports, deliveries and
    their advices.
    """
    if scenario is None:
        return OBJECT_STORE_BYTES
    return max(OBJECT_STORE_BYTES, 4 * 8 * scenario.n_stores * scenario.n_skus)


_STORE_FIELDS = (
    "store_gln",
    "store_name",
    "store_lat",
    "store_lon",
    "size_factor",
    "platform_of_store",
    "dc_of_store",
    "window_open_min",
    "window_close_min",
    "shelf_capacity",
)
_HEADER = frozenset(("sender", "receiver", "day", "reference"))
#: What the stores' policies import when first used (``scipy.stats`` alone takes 0.6 s): an
#: actor imports it as it starts, so that its first day is not the slowest.
_WARM_UP = ("scipy.stats", "scipy.special")


def check_shards(owner: str, shards: object, address: object = None) -> int:
    """``shards`` as a validated int >= 1 (a :class:`ParameterError` otherwise)."""
    if isinstance(shards, bool) or not isinstance(shards, int) or shards < 1:
        raise ParameterError(owner, "shards", "an int >= 1", shards)
    if address is not None and not isinstance(address, str):
        raise ParameterError(owner, "address", "a Ray address (str) or None", address)
    return shards


#: Shards are cut at multiples of this many store rows: BLAS sums the rows of a store × SKU
#: product (a store's stock value, its lost sales' value) in groups of up to 8 rows, and a
#: row's last bits depend on its place in a group, so a shard must start where a group does.
#: (A one-row product takes yet another path in NumPy: no shard is ever one row alone.)
ALIGN_ROWS = 8


def _blocks(n_stores: int) -> int:
    """Blocks of ALIGN_ROWS store rows; a last block of one row joins the block before."""
    full, rest = divmod(n_stores, ALIGN_ROWS)
    if rest == 1 and full:
        return full
    return max(1, full + (rest > 0))


def max_shards(n_stores: int) -> int:
    """The most shards ``n_stores`` stores can be cut into (whole blocks of ALIGN_ROWS rows)."""
    return _blocks(n_stores)


def partition_stores(
    scenario: Scenario, shards: int, region: np.ndarray | None = None
) -> list[tuple[int, int]]:
    """``shards`` contiguous ``(first, stop)`` ranges of store rows, of near-equal size.

    Every cut is at a multiple of :data:`ALIGN_ROWS`. Each is moved to the nearest row where
    ``region`` (default: the stores' platform) changes, rounded to that multiple, if one lies
    within a quarter of a shard's size, so that a region's stores tend to share a shard; no
    range is ever empty.
    """
    n = scenario.n_stores
    if shards > max_shards(n):
        raise ParameterError(
            "partition_stores",
            "shards",
            f"at most {max_shards(n)} for {n} stores (shards take blocks of {ALIGN_ROWS} stores)",
            shards,
        )
    region = scenario.platform_of_store if region is None else np.asarray(region)
    changes = np.flatnonzero(region[1:] != region[:-1]) + 1
    blocks = _blocks(n)
    slack = n // (4 * shards)
    cuts = [0]
    for i in range(1, shards):
        cut = ALIGN_ROWS * round(i * blocks / shards)
        if changes.size:
            near = int(changes[np.argmin(np.abs(changes - cut))])
            if abs(near - cut) <= slack:
                cut = ALIGN_ROWS * round(near / ALIGN_ROWS)
        lowest = cuts[-1] + ALIGN_ROWS
        highest = ALIGN_ROWS * (blocks - (shards - i))
        cuts.append(min(max(cut, lowest), highest))
    cuts.append(n)
    return [(cuts[i], cuts[i + 1]) for i in range(shards)]


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.flags.writeable = False
    return array


def shard_scenario(scenario: Scenario, first: int, stop: int) -> Scenario:
    """The scenario restricted to store rows ``first:stop`` (the rest is shared, not copied).

    Store ``i`` of the shard is store ``first + i`` of the scenario; ``stores_of_dc`` and
    ``stores_of_platform`` index the shard's stores. ``road_km`` keeps the shard's stores,
    then every platform and DC.
    """
    rows = np.arange(first, stop)
    changes: dict[str, Any] = {f: _frozen(getattr(scenario, f)[first:stop]) for f in _STORE_FIELDS}
    km = scenario.road_km
    if km.shape[0] >= scenario.n_stores:
        places = np.concatenate([rows, np.arange(scenario.n_stores, km.shape[0])])
        changes["road_km"] = _frozen(km[np.ix_(places, places)])
    return dataclasses.replace(scenario, **changes)


@dataclass(frozen=True, eq=False)
class _Packed:
    """A store × SKU array on its way between the driver and an actor: its non-zero cells.

    A day's orders and deliveries touch a fifth of the cells or so; sent this way they cost
    Ray a few times fewer bytes to copy through its object store. Unpacked, it is the same
    array (shape, dtype and every value).
    """

    shape: tuple[int, ...]
    dtype: str
    cells: np.ndarray
    values: np.ndarray


#: Arrays smaller than this many cells travel as they are.
_PACK_MIN_CELLS = 4096


def _pack(value: Any) -> Any:
    """``value`` as a :class:`_Packed` if it is a large, mostly zero 2-D array; else as is."""
    if not isinstance(value, np.ndarray) or value.ndim != 2 or value.size < _PACK_MIN_CELLS:
        return value
    flat = value.reshape(-1)
    cells = np.flatnonzero(flat)
    if 2 * cells.size > flat.size:
        return value
    index = cells.astype(np.int32) if flat.size <= np.iinfo(np.int32).max else cells
    return _Packed(value.shape, value.dtype.str, index, flat[cells])


def _unpack(value: Any) -> Any:
    """The array a :class:`_Packed` stands for (anything else as is)."""
    if not isinstance(value, _Packed):
        return value
    array = np.zeros(value.shape, dtype=np.dtype(value.dtype))
    array.reshape(-1)[value.cells] = value.values
    return array


def _with_arrays(item: Any, convert: Any) -> Any:
    """A message or consignment with ``convert`` applied to each of its array fields."""
    changes = {}
    for f in dataclasses.fields(item):
        value = getattr(item, f.name)
        converted = convert(value)
        if converted is not value:
            changes[f.name] = converted
    return dataclasses.replace(item, **changes) if changes else item


class _ShardChannel(DirectChannel):
    """A shard's message channel: what its stores send is kept for the driver to forward.

    The driver's messages for the stores come in with :meth:`deliver`; references are left
    blank, since the driver gives each merged message its own from the run's channel.
    """

    def __init__(self) -> None:
        super().__init__()
        self.outbox: list[Message] = []

    def reference(self, sender: str) -> str:
        """No reference here: the driver numbers the merged message."""
        return ""

    def send(self, message: Message) -> None:
        """Keep ``message`` for the driver."""
        self.outbox.append(message)

    def deliver(self, message: Message) -> None:
        """Queue a message from the driver for the shard's stores."""
        super().send(message)

    def take_outbox(self) -> list[Message]:
        """The messages sent since the last call."""
        out, self.outbox = self.outbox, []
        return out


@dataclass(frozen=True, eq=False)
class ShardSpec:
    """What an actor needs to build its shard's stores."""

    shard: Scenario  # the shard's rows
    first: int
    stop: int
    settings: str
    builder: PartyBuilder
    options: Mapping[str, Any]
    days: int
    seed: int
    detail: bool
    policies: Mapping[str, Policy]


class _DemandAhead:
    """The shard's demand, drawn a day ahead while the driver's parties work (same numbers).

    The model draws days in order from each store's own streams, so drawing day ``t + 1``
    before the stores ask for it changes nothing but when the work is done.
    """

    def __init__(self, model: DemandModel, days: int) -> None:
        self.model = model
        self.days = days
        self._ahead: dict[int, np.ndarray] = {}

    def draw_ahead(self, day: int) -> None:
        """Draw ``day``'s demand now (nothing past the run's last day)."""
        if day < self.days and day not in self._ahead:
            self._ahead[day] = self.model.daily(day)

    def daily(self, day: int) -> np.ndarray:
        """Units wanted at each of the shard's store × SKU on ``day``."""
        ahead = self._ahead.pop(day, None)
        return ahead if ahead is not None else self.model.daily(day)


class ShardWorker:
    """One shard's stores, run phase by phase for the driver (a Ray actor in a sharded run).

    Plain Python: :class:`Sharding` makes it an actor with ``ray.remote``; tests may use it
    directly.
    """

    def __init__(self) -> None:
        self.stores: Stores | None = None
        #: thread CPU seconds spent in the stores' phases (the driver waits for these) and in
        #: drawing tomorrow's demand (done while the driver works)
        self.busy = {"phases": 0.0, "ahead": 0.0}

    def start(self, spec: ShardSpec, scenario: Scenario) -> int:
        """Build the shard's stores (errors surface here, with their own type); its pid.

        ``scenario`` is the whole scenario (its store × SKU arrays may be left out): the
        shard's stores draw demand and read prices from their rows of it.
        """
        import os

        from crossdock._blas import one_blas_thread

        one_blas_thread()  # for the actor's life: as the whole run does (crossdock._blas)
        sc = spec.shard
        ledger = Ledger(spec.days, sc.n_skus, detail=spec.detail, sizes={"line": sc.n_lines})
        ledger.add_locations("store", sc.store_gln, sc.store_name)
        for series in spec.builder.kind.series:
            ledger.declare(series)
        self.channel = _ShardChannel()
        self.goods = DirectGoodsChannel()
        settings = sc.spec.replenishment
        ctx = Context(
            sc, self.channel, self.goods, ledger, spec.settings, settings.unmet_demand, spec.seed
        )
        rows = np.arange(spec.first, spec.stop)
        self.demand = _DemandAhead(DemandModel(scenario, spec.seed, stores=rows), spec.days)
        build = Build(
            ctx,
            getattr(settings, spec.settings),
            self.demand,
            dict(spec.policies),
            None,
            PriceBook(scenario, block_days=1, stores=rows),
        )
        stores = spec.builder.build(build, **spec.options)
        assert isinstance(stores, Stores)
        for module in _WARM_UP:  # imported with the stores, not in the middle of a day
            importlib.import_module(module)
        self.stores = stores
        self.ledger = ledger
        return os.getpid()

    def begin_day(
        self, day: int, messages: list[Message], goods: list[Any], close: int | None
    ) -> dict[str, Any] | None:
        """Close day ``close`` if given, then ``receive`` and ``trade`` on ``day``.

        The driver's messages and consignments for the shard are taken in first. One call
        for the three (nothing reaches the stores between one day's ``plan`` and the next
        day's ``receive``); it returns the closed day's ledger figures (see :meth:`close`).
        """
        started = time.thread_time()
        rows = self.close(close) if close is not None else None
        unpacked: dict[int, np.ndarray] = {}  # an advice and its consignment share arrays

        def unpack(value: Any) -> Any:
            if not isinstance(value, _Packed):
                return value
            if id(value) not in unpacked:
                unpacked[id(value)] = _unpack(value)
            return unpacked[id(value)]

        for message in messages:
            self.channel.deliver(_with_arrays(message, unpack))
        for load in goods:
            self.goods.ship(_with_arrays(load, unpack))
        assert self.stores is not None
        self.stores.receive(day)
        self.stores.trade(day)
        self.busy["phases"] += time.thread_time() - started
        return rows

    def run(self, phase: str, day: int) -> list[Message]:
        """Run one phase of the shard's stores; the messages they sent."""
        started = time.thread_time()
        getattr(self.stores, phase)(day)
        sent = [_with_arrays(message, _pack) for message in self.channel.take_outbox()]
        self.busy["phases"] += time.thread_time() - started
        return sent

    def draw_ahead(self, day: int) -> None:
        """Draw ``day``'s demand now, while the driver works (the stores' day is done)."""
        started = time.thread_time()
        self.demand.draw_ahead(day)
        self.busy["ahead"] += time.thread_time() - started

    def close(self, day: int) -> dict[str, Any]:
        """Close the day; the shard's ledger figures of the day for the driver's ledger."""
        assert self.stores is not None
        self.stores.close(day)
        ledger = self.ledger
        block = ledger.blocks["store"]
        rows: dict[str, Any] = {
            "flows": ledger.flows[day, block].copy(),
            "stock_units": ledger.stock_units[day, block].copy(),
            "stock_value": ledger.stock_value[day, block].copy(),
            "sku_stock": ledger.sku_stock["store"][day].copy(),
            "series": {name: values[day].copy() for name, values in ledger.series.items()},
        }
        if ledger.detail:
            rows["flows_sku"] = ledger.flows_sku[day, block].copy()
            rows["stock_sku"] = ledger.stock_sku[day, block].copy()
        return rows

    def cpu_seconds(self) -> float:
        """CPU time of the actor's process so far (user and system)."""
        return time.process_time()

    def busy_seconds(self) -> dict[str, float]:
        """Thread CPU seconds in the stores' phases and in drawing demand ahead, so far."""
        return dict(self.busy)


def _cut(
    item: Any, first: int, stop: int, seen: dict[tuple[int, int], tuple[Any, Any]]
) -> Any | None:
    """A message or consignment's rows for stores ``first:stop``, re-indexed (None: none).

    A despatch advice shares its arrays with its consignment: ``seen`` keeps the cuts made,
    by source arrays, so the two cuts share theirs too (and travel to the actor once).
    """
    key = (id(item.locations), id(item.quantity))
    if key not in seen:
        rows = np.asarray(item.locations)
        keep = np.flatnonzero((rows >= first) & (rows < stop))
        if keep.size == 0:
            seen[key] = (None, None)
        elif keep.size == rows.size and first == 0:
            seen[key] = (item.locations, item.quantity)
        else:
            seen[key] = (rows[keep] - first, _pack(item.quantity[keep]))
    locations, quantity = seen[key]
    if locations is None:
        return None
    if locations is item.locations:
        return item
    return dataclasses.replace(item, locations=locations, quantity=quantity)


def _locations(message: Message) -> np.ndarray:
    """A message's store rows (empty for one without, such as the store positions)."""
    return np.asarray(getattr(message, "locations", np.zeros(0, np.int64)))


class ShardedStores:
    """The stores of a sharded run, as one party of the driver's chain (see the module doc)."""

    phases: ClassVar[tuple[str, ...]] = Stores.phases
    location_type: ClassVar[str | None] = Stores.location_type
    series: ClassVar[tuple[SeriesSpec, ...]] = Stores.series

    @classmethod
    def locations(cls, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
        """The stores' GLNs and names, as the stores' party gives them."""
        return Stores.locations(scenario)

    def __init__(
        self,
        ray: ModuleType,
        ctx: Context,
        actors: list[Any],
        ranges: list[tuple[int, int]],
        *,
        orders: bool,
        reports: bool,
    ) -> None:
        self._ray = ray
        self.ctx = ctx
        self.actors = actors
        self.ranges = ranges
        sc = ctx.scenario
        self._retailer = sc.spec.retailer.gln
        self._confirms = sc.spec.retailer.confirms_proposals and ctx.mode == "shared"
        # the phases in which the stores send anything (the others are not called)
        self._orders = orders
        self._reports = reports or self._confirms
        self._advices: list[DespatchAdvice] = []
        self._pending: list[Any] = []  # calls not waited for yet
        self._inbox: list[tuple[list[Message], list[Any]]] = []  # today's, per shard
        self._unclosed: int | None = None  # the day the actors close with the next one's call
        self._closing: list[tuple[int, list[Any]]] = []  # days closed, not yet in the ledger
        self._dc_rank = {gln: d for d, gln in enumerate(sc.dc_gln)}
        self._per_store = {s.name for s in Stores.series if s.per == "store"}
        #: CPU seconds of each actor's process once its stores are built, and at the end
        #: (filled in by :meth:`finish`): the run's own CPU time is the difference
        self.actor_cpu_at_start: list[float] = []
        self.actor_cpu_seconds: list[float] = []
        #: per actor, :meth:`ShardWorker.busy_seconds` at the end (filled in by :meth:`finish`)
        self.actor_busy_seconds: list[dict[str, float]] = []

    def _get(self, refs: list[Any], *, pending: bool = True) -> list[Any]:
        """Wait for actor calls; a crossdock error raised in an actor is raised here as is.

        With ``pending`` the calls not waited for yet are waited for too (their errors
        surface here).
        """
        waiting = [*self._pending, *refs] if pending else list(refs)
        if pending:
            self._pending = []
        try:
            got = self._ray.get(waiting)
        except self._ray.exceptions.RayTaskError as error:
            cause = getattr(error, "cause", None)
            if isinstance(cause, CrossdockError):
                raise cause from None
            raise
        return list(got[len(got) - len(refs) :]) if refs else []

    # -- phases ------------------------------------------------------------------------------
    def receive(self, day: int) -> None:
        """The stores' messages and goods of the day, cut by shard (for :meth:`trade`)."""
        self._settle(before=day - 1)  # the day before last is long closed: no waiting
        channel = self.ctx.channel
        mailbox = self._retailer
        channel.receive(mailbox, OrderResponse, day)  # the stores act on the advices
        advices = channel.receive(mailbox, DespatchAdvice, day)
        if self._confirms:
            self._advices = advices
        delistings = channel.receive(mailbox, Delisting, day)
        loads = self.ctx.goods.arrivals(mailbox, day)
        self._inbox = []
        for first, stop in self.ranges:
            seen: dict[tuple[int, int], tuple[Any, Any]] = {}
            mine = [c for a in advices if (c := _cut(a, first, stop, seen)) is not None]
            goods = [c for load in loads if (c := _cut(load, first, stop, seen)) is not None]
            self._inbox.append(([*mine, *delistings], goods))

    def trade(self, day: int) -> None:
        """The actors close yesterday, take in today's inbox and sell (not waited for)."""
        refs = [
            actor.begin_day.remote(day, messages, goods, self._unclosed)
            for actor, (messages, goods) in zip(self.actors, self._inbox, strict=True)
        ]
        self._pending.extend(refs)
        if self._unclosed is not None:
            self._closing.append((self._unclosed, refs))
        self._unclosed = None
        self._inbox = []

    def report(self, day: int) -> None:
        """The actors' reports, merged, on the driver's channel (shared mode)."""
        if self._reports:
            self._forward(day, self._get([a.run.remote("report", day) for a in self.actors]))
            if not self._orders:
                self._draw_ahead(day)

    def plan(self, day: int) -> None:
        """The actors' store orders, merged, on the driver's channel (traditional mode)."""
        if self._orders:
            self._forward(day, self._get([a.run.remote("plan", day) for a in self.actors]))
            self._draw_ahead(day)

    def _draw_ahead(self, day: int) -> None:
        """The stores have sent their last message of the day: draw tomorrow's demand now."""
        self._pending.extend(actor.draw_ahead.remote(day + 1) for actor in self.actors)

    def close(self, day: int) -> None:
        """The actors close the day with the next day's first call (or :meth:`finish`).

        Their ledger figures are added to the driver's ledger later (:meth:`_settle`).
        """
        self._unclosed = day

    def _settle(self, before: int | None = None) -> None:
        """Add the figures of the days closed (before day ``before``) into the driver's ledger.

        Yesterday's close is left for later: the actors draw today's demand before it, and
        waiting for it would keep the driver from working meanwhile.
        """
        done = [c for c in self._closing if before is None or c[0] < before]
        self._closing = self._closing[len(done) :]
        for day, refs in done:  # long finished: no wait for the calls made since
            self._add_to_ledger(day, self._get(refs, pending=before is None))

    def _add_to_ledger(self, day: int, shards: list[dict[str, Any]]) -> None:
        ledger = self.ctx.ledger
        block = ledger.blocks["store"]
        for (first, stop), rows in zip(self.ranges, shards, strict=True):
            where = slice(block.start + first, block.start + stop)
            ledger.flows[day, where] += rows["flows"]
            ledger.stock_units[day, where] = rows["stock_units"]
            ledger.stock_value[day, where] = rows["stock_value"]
            ledger.sku_stock["store"][day] += rows["sku_stock"]
            for name, values in rows["series"].items():
                if name in self._per_store:
                    ledger.series[name][day, first:stop] += values
                else:
                    ledger.series[name][day] += values
            if ledger.detail:
                ledger.flows_sku[day, where] += rows["flows_sku"]
                ledger.stock_sku[day, where] = rows["stock_sku"]

    def finish(self) -> None:
        """Complete the ledger, collect the actors' CPU time and let them go."""
        if self._unclosed is not None:
            day, self._unclosed = self._unclosed, None
            self._closing.append((day, [actor.close.remote(day) for actor in self.actors]))
        self._settle()
        self.actor_cpu_seconds = list(self._get([a.cpu_seconds.remote() for a in self.actors]))
        self.actor_busy_seconds = list(self._get([a.busy_seconds.remote() for a in self.actors]))
        for actor in self.actors:
            self._ray.kill(actor)
        self.actors = []

    # -- merging -----------------------------------------------------------------------------
    def _forward(self, day: int, outboxes: list[list[Message]]) -> None:
        """Send each message the shards sent as the one the whole chain's stores would send.

        Messages of one kind, receiver and order number are one message cut by store rows:
        their locations (re-indexed) and store rows are joined in store order. They go out in
        the order the shards sent them, store orders by DC (as the stores loop over DCs).
        """
        groups: dict[tuple[type, str, str], list[tuple[int, Message]]] = {}
        for shard, box in enumerate(outboxes):
            for packed in box:
                message = _with_arrays(packed, _unpack)
                key = (type(message), message.receiver, str(getattr(message, "order_number", "")))
                groups.setdefault(key, []).append((shard, message))
        keys = list(groups)
        ranked = sorted(
            range(len(keys)),
            key=lambda i: (self._dc_rank.get(keys[i][1], -1) if keys[i][0] is Order else -1, i),
        )
        for i in ranked:
            kind, receiver, _ = keys[i]
            parts = groups[keys[i]]
            first = parts[0][1]
            fields = {
                f.name: getattr(first, f.name)
                for f in dataclasses.fields(first)
                if f.name not in _HEADER
            }
            for name, value in fields.items():
                if isinstance(value, np.ndarray) and value.ndim == 2 and len(parts) > 1:
                    if value.shape[0] == self._rows_of(first, parts[0][0]):
                        fields[name] = np.concatenate([getattr(m, name) for _, m in parts])
            if "locations" in fields:
                fields["locations"] = np.concatenate(
                    [_locations(m) + self.ranges[s][0] for s, m in parts]
                )
            if kind is StorePositions:
                fields["advices"] = tuple(self._advices)
                self._advices = []
            send(self.ctx, kind, first.sender, receiver, day, **fields)

    def _rows_of(self, message: Message, shard: int) -> int:
        """How many store rows ``message`` has: its locations, or every store of its shard."""
        locations = _locations(message)
        if locations.size or hasattr(message, "locations"):
            return len(locations)
        first, stop = self.ranges[shard]
        return stop - first


class Sharding:
    """Builds a chain's stores as shards in Ray actors (a ``build_chain`` override)."""

    def __init__(
        self,
        ray: ModuleType,
        shards: int,
        *,
        days: int,
        seed: int,
        detail: bool,
        address: str | None = None,
    ) -> None:
        self.ray = ray
        self.shards = shards
        self.days = days
        self.seed = seed
        self.detail = detail
        self.address = address
        self.proxies: list[ShardedStores] = []

    def __call__(self, cast: Cast, build: Build) -> Party | None:
        """The proxy of the sharded stores for the stores' cast entry; None for the others."""
        builder = PARTIES[cast.party]
        if not issubclass(builder.kind, Stores):
            return None
        if builder.kind is not Stores:
            raise ParameterError(
                "simulate",
                "shards",
                "1 for a recipe whose stores are not crossdock's Stores",
                self.shards,
            )
        ctx = build.ctx
        sc = ctx.scenario
        region = sc.dc_of_store if ctx.mode == "traditional" else sc.platform_of_store
        ranges = partition_stores(sc, self.shards, region)
        # the whole scenario once, for every actor, without its store × SKU arrays
        lean = dataclasses.replace(
            sc, shelf_capacity=np.zeros((0, 0), np.int32), road_km=np.zeros((0, 0))
        )
        common = self.ray.put(lean)
        remote = self.ray.remote(ShardWorker).options(num_cpus=1, scheduling_strategy="SPREAD")
        actors = [remote.remote() for _ in ranges]
        started = [
            actor.start.remote(
                ShardSpec(
                    shard_scenario(sc, first, stop),
                    first,
                    stop,
                    ctx.mode,
                    builder,
                    cast.options,
                    self.days,
                    self.seed,
                    self.detail,
                    build.policies,
                ),
                common,
            )
            for actor, (first, stop) in zip(actors, ranges, strict=True)
        ]
        proxy = ShardedStores(
            self.ray,
            ctx,
            actors,
            ranges,
            orders=bool(cast.options.get("orders", False)),
            reports=bool(cast.options.get("reports", False)),
        )
        self.proxies.append(proxy)
        proxy._get(started)
        proxy.actor_cpu_at_start = proxy._get([a.cpu_seconds.remote() for a in actors])
        # the opening stock the actors recorded at day 0 reaches the ledger with day 0's close
        return proxy

    def finish(self) -> list[float]:
        """Stop every shard's actors; their CPU seconds."""
        seconds: list[float] = []
        for proxy in self.proxies:
            if proxy.actors:
                proxy.finish()
            seconds.extend(proxy.actor_cpu_seconds)
        return seconds

    def abandon(self) -> None:
        """Kill the actors of a run that failed."""
        for proxy in self.proxies:
            for actor in proxy.actors:
                self.ray.kill(actor)
            proxy.actors = []


@contextmanager
def shard_session(
    shards: int,
    address: str | None = None,
    *,
    spare_cpus: int = 0,
    scenario: Scenario | None = None,
) -> Iterator[ModuleType | None]:
    """A Ray session for a run of ``shards`` shards (``None`` for one shard: no Ray at all).

    Locally Ray is started with a CPU per shard (plus ``spare_cpus`` for routing tasks) and an
    object store sized for ``scenario`` (:func:`object_store_bytes`); ``address`` joins a
    cluster instead. A session already open is used as it is.
    """
    if shards == 1 and address is None:
        yield None
        return
    from crossdock.experiments._ray import ray_session

    room = object_store_bytes(scenario)
    with ray_session(shards + spare_cpus, address, object_store_bytes=room) as ray:
        yield ray
