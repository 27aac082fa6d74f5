"""Sharded runs: a chain's stores split into shards run in parallel, in the driver and Ray actors.

``simulate(shards=N)`` (``crossdock run --shards N``) cuts the scenario's stores into ``N``
contiguous groups of store rows (:func:`partition_stores`: sizes by weight, each cut moved to
the nearest change of region, the DC in the traditional chain and the platform in the shared
one, when one is close). Each shard's stores are an ordinary
:class:`~crossdock.parties.stores.Stores` party, built by a :class:`ShardWorker` on the
shard's rows of the scenario (:func:`shard_scenario`), drawing demand from the same per-store
random streams (``DemandModel(stores=rows)``) and valuing sales with the same price book rows.
The first shard's worker runs in the driver itself, with :func:`driver_weight` times an
actor's stores (the driver also runs every other party: DC, suppliers, factories, platforms,
planners, retailer, carrier); each other shard's is a Ray actor. ``Sharding(driver_weight=0)``
puts every shard in an actor.

In the driver a proxy party, :class:`ShardedStores`, takes the stores' place in the cast. It
talks to the rest of the chain through the message and goods channels only, as the stores do:

- ``receive``: it takes the day's despatch advices, delistings and consignments for the
  stores from the channels, cuts each to each shard's rows (re-indexed; packed for an actor,
  :func:`_pack`) and makes each actor's one call of the day (:meth:`ShardWorker.day`): close
  yesterday, take in the inbox, receive, trade, report or plan; it does not wait for it;
- ``trade``: the driver's own shard runs the same day meanwhile;
- ``report``/``plan`` (whichever the stores send in: reports in shared mode, store orders in
  the traditional one): the driver waits for the actors; then the shards' messages are
  merged, row blocks in store order, into the
  one message the whole chain's stores would have sent, and sent on the driver's channel (so
  message references, EDI interchanges and counts are the same), and the figures of the day
  the shards closed go into the driver's ledger;
- ``close``: the shards close the day with the next day's call, and at the end.

In a shared run over the direct channel the shards also keep the planners' per-store books
(:func:`plans_in_shards`, :mod:`crossdock._shard_planning`). As the day begins the planners
read the day's answers (:meth:`~crossdock.parties.planners.Planners.early_work`), so tonight's
lead times go with each shard's day call, whose rows learn from the shard's own reports and
order after its stores' day; in the plan phase each planner checks what it read against what
was asked and sends the shards' rows joined in store order (:meth:`ShardedStores.plan_rows`).
On a calendar's review day, tonight's lead times are known only then, and
:meth:`ShardedStores.plan_rows` makes a second call of the day (:meth:`ShardWorker.plan`).

Between its calls, while the driver's upstream parties plan, ship and route, each shard (an
actor's, and the driver's own) draws its stores' demand for the days ahead in a thread
(:class:`_DemandAhead`: by blocks of stores, up to :data:`AHEAD_BYTES`), and stops at the
next call: a day's demand is drawn in time nobody waits for, far ahead on a day the carrier
plans its routes from scratch. In the driver the drawing thread and the upstream parties
share the interpreter little: the draws are compiled kernels that let go of it.

Why the tables do not depend on the number of shards: a store's row of every store × SKU
array is computed from that row alone (demand from its own streams, its own stock, orders,
policy state), and per-SKU figures are integer sums over stores, which do not depend on how
the stores are grouped. A store's money figures (stock value, lost sales' value) are summed
row by row (``crossdock._kernels.row_dot``), the same wherever the row is; shards are still cut
at multiples of :data:`ALIGN_ROWS` rows, a rule from when they were BLAS products, kept so that
a run's shard plan does not change. Merged messages carry the same rows, in the same
order, as the unsharded run's. ``tests/test_shard.py`` checks every output table, bit for bit.

Checkpoints: at a checkpoint day the shards close the day and each shard's process writes its
state beside the checkpoint (:meth:`ShardedStores.save_shards`, :meth:`ShardWorker.save`);
the driver's file, written next, names the parts, and a resumed run starts its shards from
them (:meth:`Sharding.resume`).

Limits: a run with shards cannot take a ``demand`` object (each shard draws its own stores'
demand from the scenario's model); only the built-in
:class:`~crossdock.parties.stores.Stores` party is sharded.
"""

from __future__ import annotations

import dataclasses
import glob
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, cast

import numpy as np

from crossdock._allocator import SharedPagesDropper, given_back_in_actors
from crossdock._shard_planning import RowsRequest
from crossdock._shard_worker import (
    AHEAD_BYTES,
    DEMAND_BLOCK_STORES,
    ShardSpec,
    ShardWorker,
    _column_block,
    _ColumnsOf,
    _pack,
    _Packed,
    _put_over,
    _unpack,
    summed_positions,
)
from crossdock.channel import DirectChannel
from crossdock.errors import CrossdockError, ParameterError
from crossdock.ledger import SeriesSpec
from crossdock.messages import (
    QUANTITY,
    Delisting,
    DespatchAdvice,
    InventoryReport,
    Message,
    Order,
    OrderResponse,
    StorePositions,
)
from crossdock.parties._common import Context, send
from crossdock.parties.planners import Planner, Planners, RowsWork
from crossdock.parties.stores import Stores
from crossdock.party import Party
from crossdock.policies import Policy
from crossdock.recipes import PARTIES, Build, Cast, Chain, PartyBuilder
from crossdock.routing import ActorSolvePool
from crossdock.scenario import Scenario

__all__ = [
    "AHEAD_BYTES",
    "ALIGN_ROWS",
    "DEMAND_BLOCK_STORES",
    "DRIVER_WEIGHTS",
    "INLINE_BYTES",
    "OBJECT_STORE_BYTES",
    "ShardSpec",
    "ShardWorker",
    "ShardedStores",
    "Sharding",
    "check_shards",
    "driver_weight",
    "max_shards",
    "object_store_bytes",
    "partition_stores",
    "shard_scenario",
    "shard_session",
]

#: Ray's object store for a sharded run, at least: the day's store × SKU messages and goods
#: pass through it (see :func:`object_store_bytes`).
OBJECT_STORE_BYTES = 1024 * 1024 * 1024


#: What the path of Ray's object store file (mapped into each process) has in it
OBJECT_STORE_FILE = "plasma"

#: A local Ray for a sharded run passes calls' arguments and results up to this size inline
#: (see :func:`crossdock.experiments._ray.ray_session`).
INLINE_BYTES = 16 * 1024 * 1024


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
#: a stock report's store × SKU figures (INVRPT), which the driver's planners never read
_FIGURES = frozenset(("on_hand", "received", "backorders"))


def check_shards(owner: str, shards: object, address: object = None) -> int:
    """``shards`` as a validated int >= 1 (a :class:`ParameterError` otherwise)."""
    if isinstance(shards, bool) or not isinstance(shards, int) or shards < 1:
        raise ParameterError(owner, "shards", "an int >= 1", shards)
    if address is not None and not isinstance(address, str):
        raise ParameterError(owner, "address", "a Ray address (str) or None", address)
    return shards


#: Shards are cut at multiples of this many store rows, and no shard is one row alone. The rule
#: came from the BLAS products that once gave a store's money figures (their last bits
#: depended on a row's place in a group of 8); ``row_dot`` now sums each row on its own, and
#: the rule is kept so that shard plans stay as they were.
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
    scenario: Scenario,
    shards: int,
    region: np.ndarray | None = None,
    weights: Sequence[float] | None = None,
) -> list[tuple[int, int]]:
    """``shards`` contiguous ``(first, stop)`` ranges of store rows, sized by ``weights``.

    Sizes are near-equal by default, or near ``weights`` (one per shard, relative). Every cut
    is at a multiple of :data:`ALIGN_ROWS`. Each is moved to the nearest row where ``region``
    (default: the stores' platform) changes, rounded to that multiple, if one lies within a
    quarter of the smaller shard's size on either side of it, so that a region's stores tend
    to share a shard; no range is ever empty.
    """
    n = scenario.n_stores
    if shards > max_shards(n):
        raise ParameterError(
            "partition_stores",
            "shards",
            f"at most {max_shards(n)} for {n} stores (shards take blocks of {ALIGN_ROWS} stores)",
            shards,
        )
    share = np.ones(shards) if weights is None else np.asarray(weights, dtype=np.float64)
    if share.shape != (shards,) or not (share > 0).all():
        raise ParameterError("partition_stores", "weights", f"{shards} numbers > 0", weights)
    blocks = _blocks(n)
    ends = np.cumsum(share) * blocks / share.sum()  # in blocks (i * blocks / shards if equal)
    region = scenario.platform_of_store if region is None else np.asarray(region)
    changes = np.flatnonzero(region[1:] != region[:-1]) + 1
    cuts = [0]
    for i in range(1, shards):
        cut = ALIGN_ROWS * round(ends[i - 1])
        slack = n * min(share[i - 1], share[i]) / share.sum() / 4
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


#: The driver's own shard's size against an actor's shard's, in a run of ``simulate(shards=N)``
#: (``Sharding(driver_weight=)``), by the scenario's demand generator and the chain's settings
#: (:func:`driver_weight`). The driver also runs every upstream party; its shard draws its
#: demand ahead in a thread beside that work, as an actor's does, and its day runs while it
#: waits for the actors'. With ``pcg64`` the draws are most of the stores' work, and over a
#: whole year the driver's thread cannot keep pace beside the upstream parties (after the
#: first weeks most of its shard's demand is drawn on the day, on the critical path) while
#: the actor's keeps ahead: equal shards were the fastest in the traditional chain (1.63-1.77x
#: against 1.31x at 1.5, 200 stores x 2,000 SKUs x 365 days, ``benchmarks/bench_shards.py
#: --days 365 --driver-weight``), and a smaller driver's shard still in the shared chain, whose
#: driver has more upstream work (1.61-1.64x at 0.7-0.75 against 1.37-1.58x at 1.0). With
#: ``philox`` the draws are cheap and a driver's shard half as large again as an actor's stays
#: the fastest, clearly so in the national chain (see ``docs/sharding.md``, "The main
#: process's share over a year").
DRIVER_WEIGHTS: dict[tuple[str, str], float] = {
    ("pcg64", "traditional"): 1.0,
    ("pcg64", "shared"): 0.75,
    ("philox", "traditional"): 1.5,
    ("philox", "shared"): 1.5,
}
#: The largest ``driver_weight`` :class:`Sharding` takes.
MAX_WEIGHT = 4.0


def driver_weight(scenario: Scenario, settings: str) -> float:
    """The driver's shard's weight for ``scenario`` in a chain of ``settings``.

    :data:`DRIVER_WEIGHTS` by the scenario's demand generator and the recipe's settings
    (``traditional`` or ``shared``).
    """
    return DRIVER_WEIGHTS[(scenario.spec.demand.generator, settings)]


def _rows_of_cut(rows: np.ndarray, first: int, stop: int) -> np.ndarray | slice | None:
    """Where ``rows`` lie in ``first:stop``: a slice if adjacent, else positions (None: none)."""
    keep = np.flatnonzero((rows >= first) & (rows < stop))
    if keep.size == 0:
        return None
    low, high = int(keep[0]), int(keep[-1]) + 1
    return slice(low, high) if high - low == keep.size else keep


def _cut(
    item: Any,
    first: int,
    stop: int,
    seen: dict[tuple[int, int], tuple[Any, Any]],
    *,
    pack: bool = True,
) -> Any | None:
    """A message or consignment's rows for stores ``first:stop``, re-indexed (None: none).

    A despatch advice shares its arrays with its consignment: ``seen`` keeps the cuts made,
    by source arrays, so the two cuts share theirs too (and travel to the actor once). The
    rows are a view where they are adjacent (a depot's stores usually are), packed for an
    actor (``pack``).
    """
    key = (id(item.locations), id(item.quantity))
    if key not in seen:
        rows = np.asarray(item.locations)
        keep = _rows_of_cut(rows, first, stop)
        if keep is None:
            seen[key] = (None, None)
        elif first == 0 and isinstance(keep, slice) and keep.stop - keep.start == rows.size:
            seen[key] = (item.locations, item.quantity)
        else:
            quantity = item.quantity[keep]
            seen[key] = (rows[keep] - first, _pack(quantity) if pack else quantity)
    locations, quantity = seen[key]
    if locations is None:
        return None
    if locations is item.locations:
        return item
    return dataclasses.replace(item, locations=locations, quantity=quantity)


def _merge_key(message: Message) -> tuple[type, str, str]:
    """The shards' messages with the same key are one message cut by store rows."""
    return (type(message), message.receiver, str(getattr(message, "order_number", "")))


def _locations(message: Message) -> np.ndarray:
    """A message's store rows (empty for one without, such as the store positions)."""
    return np.asarray(getattr(message, "locations", np.zeros(0, np.int64)))


def _whole(
    planner: Planner,
    sales: tuple[tuple[int, bool], ...],
    stock: tuple[int, ...],
    lost: bool,
    key: Any,
    delay: np.ndarray | None,
    extra: np.ndarray | None,
) -> RowsRequest:
    """A planner's request of the day over every store row (cut per shard by ``_requests``)."""
    return RowsRequest(
        planner.gln, sales, stock, lost, key, delay, extra, tuple(planner.dispatched)
    )


def _read(request: RowsRequest) -> tuple[Any, ...]:
    """What a planner read to make ``request``: its reports' days, and tonight's lead time."""
    return (request.sales, request.stock, request.lost, request.key)


def _same(value: Any) -> Any:
    """``value`` as it is (for the driver's own shard, which takes arrays unpacked)."""
    return value


def _zeros_unread(part: Any) -> bool:
    """Whether a row block is all zeros, known without reading its cells.

    A zero broadcast (how the stores send quantities that are all zeros, such as a lost-sales
    chain's backorders) or a packed array with no cells.
    """
    if isinstance(part, _Packed):
        return part.cells is not None and part.cells.size == 0
    return part.size == 0 or (not any(part.strides) and not part.reshape(-1)[0])


def _zero_rows(parts: list[Any]) -> np.ndarray:
    """A read-only zero broadcast of the row blocks' joined shape and type: no bytes a cell.

    For blocks known to be zeros, or never read where they are joined.
    """
    dtype = np.result_type(*(np.dtype(p.dtype) for p in parts))
    rows = sum(p.shape[0] for p in parts)
    return np.broadcast_to(np.zeros((), dtype=dtype), (rows, *tuple(parts[0].shape)[1:]))


def _join_rows(parts: list[Any], *, payload: bool = False) -> np.ndarray:
    """Row blocks (arrays, or packed arrays) stacked in order into one new array.

    A message's ``payload`` (only ever read) whose blocks are all zeros unread
    (:func:`_zeros_unread`) is a read-only zero broadcast, as the stores send it: no bytes a
    cell, no copying.
    """
    shapes = [tuple(p.shape) for p in parts]
    dtype = np.result_type(*(np.dtype(p.dtype) for p in parts))
    rows = sum(shape[0] for shape in shapes)
    zero = [_zeros_unread(p) for p in parts]
    if payload and all(zero):
        return _zero_rows(parts)
    sparse = any(zero) or any(isinstance(p, _Packed) and p.cells is not None for p in parts)
    out = (np.zeros if sparse else np.empty)((rows, *shapes[0][1:]), dtype=dtype)
    row = 0
    for part, shape, nothing in zip(parts, shapes, zero, strict=True):
        if not nothing:  # (out is zeros)
            _fill(out[row : row + shape[0]], part)
        row += shape[0]
    return out


def _fill(block: np.ndarray, part: Any) -> None:
    """Write a row block (an array, or a packed array: a sparse one onto zeros) into ``block``."""
    if not isinstance(part, _Packed):
        block[...] = part
    elif part.cells is None:
        block[...] = part.values
        _put_over(block, part)
    else:
        block.reshape(-1)[part.cells] = part.values


def _summed_by_a_shard(message: StorePositions) -> bool:
    """Whether a shard sent these store positions summed (else its three books)."""
    return bool(message.position.shape[0])


def _join_positions(day: int, messages: list[StorePositions]) -> np.ndarray:
    """The shards' store positions in store order, in one new int32 array.

    An actor's summed positions are copied in; the driver's own shard's books (views of its
    stores') are summed straight into their rows, with no array of their own between.
    """
    width = next(m.position.shape[1] for m in messages if _summed_by_a_shard(m))
    rows = [(m.position if _summed_by_a_shard(m) else m.on_hand).shape[0] for m in messages]
    # (a sparse packed block writes only its cells: onto zeros)
    sparse = any(isinstance(m.position, _Packed) and m.position.cells is not None for m in messages)
    out = (np.zeros if sparse else np.empty)((sum(rows), width), dtype=QUANTITY)
    row = 0
    for message, n in zip(messages, rows, strict=True):
        block = out[row : row + n]
        if _summed_by_a_shard(message):
            _fill(block, message.position)
        elif not summed_positions(message.on_hand, message.on_order, message.backorders, block):
            raise RuntimeError(f"day {day}: a store's position (on hand + on order) passes int32")
        row += n
    return out


class ShardedStores:
    """The stores of a sharded run, as one party of the driver's chain (see the module doc).

    ``ranges`` are the shards' store rows in store order; with a ``local`` worker the first
    is the driver's own shard, and ``actors`` run the others.
    """

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
        local: ShardWorker | None = None,
        planning: bool = False,
        building: tuple[PartyBuilder, dict[str, Any], dict[str, Policy]],
    ) -> None:
        self._ray = ray
        #: what the shards' stores are built with (their builder, options and the run's
        #: policies), kept so that a checkpoint's shards are started again the same way
        self.building = building
        #: the shards' parts of the last checkpoint: file name (beside it), size, SHA-256
        self.parts: list[tuple[str, int, str]] = []
        #: the shards keep the planners' store rows (:meth:`plan_rows`)
        self.planning = planning
        #: the planners whose rows the shards keep (set as the planners are built)
        self.planners: Planners | None = None
        # the day's requests made as it began (day, what each planner was to read), the
        # shards' orders that came with their day, and the driver's shard's requests
        self._early: tuple[int, list[Any]] | None = None
        self._early_orders: list[Any] = []
        self._local_plans: list[RowsRequest] | None = None
        # per shard: the calendar version of each planner's extra days it last got
        self._extra_sent: list[dict[str, int]] = [{} for _ in ranges]
        self.ctx = ctx
        self.actors = actors
        self.local = local
        self.ranges = ranges
        sc = ctx.scenario
        self._retailer = sc.spec.retailer.gln
        self._confirms = sc.spec.retailer.confirms_proposals and ctx.mode == "shared"
        # the stores' phases of a day, run by one call; the proxy waits for it in the last
        # phase in which the stores send anything (their orders, or their reports)
        reporting = reports or self._confirms
        self._day_phases = ("receive", "trade", *(("report",) * reporting), *(("plan",) * orders))
        self._waits_in = "plan" if orders else "report" if reporting else "close"
        self._advices: list[DespatchAdvice] = []
        self._calls: list[Any] = []  # today's day calls, one per actor
        self._inbox: tuple[list[Message], list[Any]] = ([], [])  # today's, for the local shard
        self._outbox: list[Message] = []  # the local shard's messages of the day
        self._unclosed: int | None = None  # the day the shards close with the next one's call
        self._closing: int | None = None  # the day they close with today's
        #: drops the object store's pages this process touched, at each day's close
        self.drop_store_pages = SharedPagesDropper(OBJECT_STORE_FILE)
        self._dc_rank = {gln: d for d, gln in enumerate(sc.dc_gln)}
        self._per_store = {s.name for s in Stores.series if s.per == "store"}
        #: CPU seconds of each actor's process once its stores are built, and at the end
        #: (filled in by :meth:`finish`): the run's own CPU time is the difference
        self.actor_cpu_at_start: list[float] = []
        self.actor_cpu_seconds: list[float] = []
        #: per actor, :meth:`ShardWorker.busy_seconds` at the end (filled in by :meth:`finish`)
        self.actor_busy_seconds: list[dict[str, float]] = []
        #: per actor, :meth:`ShardWorker.daily_seconds` at the end (filled in by :meth:`finish`)
        self.actor_daily_seconds: list[list[tuple[float, float]]] = []
        #: per day, the driver's process CPU seconds in its own shard's day, and the thread
        #: CPU seconds its shard then drew demand ahead (the latter filled in by :meth:`finish`)
        self.local_daily_seconds: list[list[float]] = []
        #: per day, the driver's process CPU seconds in cutting the day's mail and goods by
        #: shard and calling the actors (the receive phase)
        self.receive_seconds: list[float] = []
        #: per actor, :meth:`ShardWorker.demand_seconds` at the end (filled in by :meth:`finish`)
        self.actor_demand_seconds: list[list[tuple[float, float]]] = []

    def _get(self, refs: list[Any]) -> list[Any]:
        """Wait for actor calls; a crossdock error raised in an actor is raised here as is."""
        try:
            return list(self._ray.get(refs))
        except self._ray.exceptions.RayTaskError as error:
            cause = getattr(error, "cause", None)
            if isinstance(cause, CrossdockError):
                raise cause from None
            raise

    # -- phases ------------------------------------------------------------------------------
    def receive(self, day: int) -> None:
        """The stores' mail and goods of the day, cut by shard; the actors' day begins."""
        started = time.process_time()
        channel = self.ctx.channel
        mailbox = self._retailer
        channel.receive(mailbox, OrderResponse, day)  # the stores act on the advices
        advices = channel.receive(mailbox, DespatchAdvice, day)
        if self._confirms:
            self._advices = advices
        delistings = channel.receive(mailbox, Delisting, day)
        loads = self.ctx.goods.arrivals(mailbox, day)
        inboxes = []
        for shard, (first, stop) in enumerate(self.ranges):
            remote = self.local is None or shard > 0
            seen: dict[tuple[int, int], tuple[Any, Any]] = {}
            cut = [_cut(item, first, stop, seen, pack=remote) for item in (*advices, *loads)]
            mine = [c for c in cut[: len(advices)] if c is not None]
            goods = [c for c in cut[len(advices) :] if c is not None]
            inboxes.append(([*mine, *delistings], goods))
        if self.local is not None:
            self._inbox = inboxes.pop(0)
        self._closing, self._unclosed = self._unclosed, None
        close, phases = self._closing, self._day_phases
        plans = self._early_plans(day)
        first = 1 if self.local is not None else 0
        # one call a day per actor (an advice and its consignment share their packed arrays)
        self._calls = [
            actor.day.remote(day, inbox, close, phases, plans[shard])
            for shard, (actor, inbox) in enumerate(zip(self.actors, inboxes, strict=True), first)
        ]
        self._local_plans = plans[0]
        self.receive_seconds.append(time.process_time() - started)

    def _early_plans(self, day: int) -> list[list[RowsRequest] | None]:
        """Per shard, the planners' requests of the day made as it begins (or None each).

        Where the shards keep the planners' rows and the planners know tonight's lead times
        already (:meth:`Planners.early_work`), the shards work out their rows' orders with
        their day: no second call. The planners' reading of the day is checked against
        what was asked (:meth:`plan_rows`).
        """
        early = self.planners.early_work(day) if self.planners is not None else None
        self._early = None
        if early is None:
            return [None] * len(self.ranges)
        lost = self.ctx.unmet_demand == "lost"
        whole = [
            _whole(planner, ((day, True),), (day,), lost, key, delay, extra)
            for planner, key, delay, extra in early
        ]
        self._early = (day, [_read(request) for request in whole])
        first = 1 if self.local is not None else 0
        plans: list[list[RowsRequest] | None] = [
            self._requests(shard, whole, _pack if shard >= first else _same)
            for shard in range(len(self.ranges))
        ]
        for planner, *_ in early:
            planner.dispatched = []
        return plans

    def trade(self, day: int) -> None:
        """The driver's own shard runs its day, while the actors run theirs."""
        if self.local is None:
            return
        started = time.process_time()
        close = self._closing
        rows, self._outbox, orders = self.local.day(
            day, self._inbox, close, self._day_phases, self._local_plans
        )
        # (its requests hold views of yesterday's whole orders: not kept through the night)
        self._local_plans = None
        self._early_orders = [orders]
        self._inbox = ([], [])
        if rows is not None and close is not None:
            self._add_to_ledger(close, [(0, rows)])
        self.local_daily_seconds.append([time.process_time() - started, 0.0])

    def _wait(self, day: int) -> None:
        """Wait for the actors' day; merge and send the shards' messages.

        The figures of the day the shards closed with today's call go into the ledger.
        """
        closed = self._closing
        got, self._calls = self._get(self._calls), []
        first = 1 if self.local is not None else 0
        if closed is not None:
            self._add_to_ledger(closed, [(first + i, rows) for i, (rows, _, _) in enumerate(got)])
        outboxes = [self._outbox] if self.local is not None else []
        outboxes.extend(sent for _, sent, _ in got)
        if self.local is None:
            self._early_orders = []
        self._early_orders.extend(orders for _, _, orders in got)
        self._outbox = []
        self._forward(day, outboxes)

    def report(self, day: int) -> None:
        """The shards' reports, merged, on the driver's channel (shared mode)."""
        if self._waits_in == "report":
            self._wait(day)

    def plan(self, day: int) -> None:
        """The shards' store orders, merged, on the driver's channel (traditional mode)."""
        if self._waits_in == "plan":
            self._wait(day)

    def close(self, day: int) -> None:
        """The shards close the day with the next day's call (or :meth:`finish`).

        The object store's pages this process read or wrote today leave its resident memory
        (they stay the store's: see :func:`crossdock._allocator.drop_shared_pages`); the
        scan for them is skipped when no page was touched
        (:class:`crossdock._allocator.SharedPagesDropper`).
        """
        if self._waits_in == "close":
            self._wait(day)
        self._unclosed = day
        self.drop_store_pages()

    def _add_to_ledger(self, day: int, shards: list[tuple[int, dict[str, Any]]]) -> None:
        ledger = self.ctx.ledger
        block = ledger.blocks["store"]
        for shard, rows in shards:
            first, stop = self.ranges[shard]
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

    def plan_rows(self, day: int, work: list[tuple[Planner, RowsWork]]) -> list[np.ndarray | None]:
        """The planners' store rows' work of the day, in every shard at once.

        Each shard gets, per planner, the days of the reports the planner read, the lead
        time's versions (the delays, and its rows of the calendar's extra days when they
        changed), and its rows of the orders sent since; its rows learn and order (the
        driver's own shard meanwhile), and each planner's order comes back as the shards'
        rows joined in store order into one new array.
        """
        whole = [
            _whole(
                planner,
                tuple((sold.day, stock is not None) for sold, stock in rows.sales),
                tuple(report.day for report in rows.stock),
                rows.lost,
                rows.key,
                rows.delay,
                rows.extra,
            )
            for planner, rows in work
        ]
        # the reports are read (their days): let go before the orders are joined (the sales
        # report's quantities, 4 bytes a cell of every store, were alive beside them)
        planners = [planner for planner, _ in work]
        work.clear()
        if self._early is not None:  # the shards ordered with their day: was it tonight's?
            asked_day, asked = self._early
            read = [_read(request) for request in whole]
            if asked_day != day or read != asked:
                raise RuntimeError(
                    f"day {day}: the planners read other reports or lead times than the "
                    f"shards planned with as the day began ({read} against {asked})"
                )
            parts = self._early_orders
            self._early, self._early_orders = None, []
        else:
            first = 1 if self.local is not None else 0
            # the actors' requests first, so that they start while the driver's own is cut
            calls = [
                actor.plan.remote(day, self._requests(shard, whole, _pack))
                for shard, actor in enumerate(self.actors, start=first)
            ]
            parts = []
            if self.local is not None:
                parts.append(self.local.plan(day, self._requests(0, whole, _same)))
            for planner in planners:
                planner.dispatched = []
            parts.extend(self._get(calls))
        return [
            None if orders[0] is None else _join_rows(list(orders))
            for orders in zip(*parts, strict=True)
        ]

    def _requests(
        self, shard: int, whole: list[RowsRequest], cut: Callable[[Any], Any]
    ) -> list[RowsRequest]:
        """The planners' requests of the day for one shard: arrays cut to its rows by ``cut``.

        The calendar's extra days go only when they changed since the shard last got them.
        """
        here = slice(*self.ranges[shard])
        sent = self._extra_sent[shard]
        requests = []
        for request in whole:
            extra = None
            if request.extra is not None and sent.get(request.gln) != request.key[1]:
                extra = cut(request.extra[here])
                sent[request.gln] = request.key[1]
            dispatched = tuple((d, cut(order[here])) for d, order in request.dispatched)
            requests.append(dataclasses.replace(request, extra=extra, dispatched=dispatched))
        return requests

    def _close_now(self) -> None:
        """The shards close the day they have not closed yet now, not with the next call."""
        first = 1 if self.local is not None else 0
        day, self._unclosed = self._unclosed, None
        if day is not None:
            closing = [actor.close.remote(day) for actor in self.actors]
            if self.local is not None:
                self._add_to_ledger(day, [(0, self.local.close(day))])
            got = self._get(closing)
            self._add_to_ledger(day, [(first + i, rows) for i, rows in enumerate(got)])

    # -- checkpoints -------------------------------------------------------------------------
    def save_shards(self, days: int, path: Path, compression: str | None = None) -> None:
        """Each shard writes its state after ``days`` days beside the checkpoint at ``path``.

        The shards first close the day, so that its figures are in the driver's ledger that
        the checkpoint holds (a finished run's last checkpoint resumes without starting any
        shard); then each shard's process writes its part at once, named
        ``<checkpoint>.day<days>.shard<i>`` (:meth:`ShardWorker.save`), stored with the
        checkpoint's ``compression``. The driver's file, written next, names the parts with
        their digests (:attr:`parts`).
        """
        self._close_now()
        names = [path.with_name(f"{path.name}.day{days}.shard{i}") for i in range(len(self.ranges))]
        first = 1 if self.local is not None else 0
        calls = [
            actor.save.remote(str(names[shard]), days, compression)
            for shard, actor in enumerate(self.actors, start=first)
        ]
        written = (
            [self.local.save(str(names[0]), days, compression)] if self.local is not None else []
        )
        written.extend(self._get(calls))
        self.parts = [
            (name.name, size, digest) for name, (size, digest) in zip(names, written, strict=True)
        ]

    def drop_earlier_parts(self, path: Path) -> None:
        """Remove the parts of the checkpoints before the one now at ``path``."""
        keep = {name for name, _, _ in self.parts}
        for old in path.parent.glob(f"{glob.escape(path.name)}.day*.shard*"):
            if old.name not in keep:
                old.unlink(missing_ok=True)

    def __getstate__(self) -> dict[str, Any]:
        """The proxy for a checkpoint: the shards' state is in their parts, not here.

        Ray, the actors and the driver's own shard are the running process's; a run resumed
        from the checkpoint starts them again (:meth:`Sharding.resume`, :meth:`attach`).
        """
        state = self.__dict__.copy()
        state.update(_ray=None, actors=[], local=None, _calls=[])
        return state

    def attach(self, ray: ModuleType) -> None:
        """Take a resumed run's Ray (its shards are started by :meth:`Sharding.resume`)."""
        self._ray = ray
        self.drop_store_pages = SharedPagesDropper(OBJECT_STORE_FILE)

    def finish(self) -> None:
        """Close the last day, collect the actors' CPU time and let them go."""
        self._close_now()
        self.actor_cpu_seconds = list(self._get([a.cpu_seconds.remote() for a in self.actors]))
        for counts in self._get([a.memory_given_back.remote() for a in self.actors]):
            for cause, times in counts.items():
                given_back_in_actors[cause] += times
        self.actor_busy_seconds = list(self._get([a.busy_seconds.remote() for a in self.actors]))
        self.actor_daily_seconds = list(self._get([a.daily_seconds.remote() for a in self.actors]))
        self.actor_demand_seconds = list(
            self._get([a.demand_seconds.remote() for a in self.actors])
        )
        if self.local is not None:  # (daily_seconds stops its drawing thread first)
            for entry, (_, ahead) in zip(
                self.local_daily_seconds, self.local.daily_seconds(), strict=False
            ):
                entry[1] = ahead
        for actor in self.actors:
            self._ray.kill(actor)
        self.actors = []

    # -- merging -----------------------------------------------------------------------------
    def _forward(self, day: int, outboxes: list[list[Message]]) -> None:
        """Send each message the shards sent as the one the whole chain's stores would send.

        Messages of one kind, receiver and order number are one message cut by store rows:
        their locations (re-indexed) and store rows are joined in store order, straight from
        the actors' packed cells into one new array. An array an actor sent as columns of
        another message's (:class:`~crossdock._shard_worker._ColumnsOf`) is those columns of
        that message's merge. They go out in the order the shards sent them, store orders by
        DC (as the stores loop over DCs).
        """
        groups: dict[tuple[type, str, str], list[tuple[int, Message]]] = {}
        for shard, box in enumerate(outboxes):
            for message in box:
                groups.setdefault(_merge_key(message), []).append((shard, message))
        keys = list(groups)
        ranked = sorted(
            range(len(keys)),
            key=lambda i: (self._dc_rank.get(keys[i][1], -1) if keys[i][0] is Order else -1, i),
        )
        merged: dict[tuple[type, str, str], dict[str, Any]] = {}
        columns: list[tuple[tuple[type, str, str], str]] = []  # fields merged once others are
        for key in keys:
            parts = groups[key]
            first = parts[0][1]
            rows = self._rows_of(first, parts[0][0])
            fields: dict[str, Any] = {}
            if key[0] is StorePositions:  # summed by the actors: the positions joined once
                positions = [cast(StorePositions, m) for _, m in parts]
                if any(_summed_by_a_shard(m) for m in positions):
                    fields["position"] = _join_positions(day, positions)
                    empty = np.zeros((0, 0), QUANTITY)
                    fields.update(on_hand=empty, on_order=empty, backorders=empty)
            for f in dataclasses.fields(first):
                if f.name in _HEADER or f.name in fields:
                    continue
                values = [getattr(m, f.name) for _, m in parts]
                if self.planning and key[0] is InventoryReport and f.name in _FIGURES:
                    # read only by the planners' store rows, which the shards keep and feed
                    # from their own stores' reports; the driver's planners read the report's
                    # day, never its figures: not joined (the shards send zero broadcasts)
                    fields[f.name] = _zero_rows(values)
                    continue
                if any(isinstance(v, _ColumnsOf) for v in values):
                    columns.append((key, f.name))
                    continue
                value = values[0]
                # (every shard reports every day, so the stores' reports, whose payloads are
                # views of their books until the next day, always come here as row blocks and
                # leave as one new array)
                blocks = len(parts) > 1 and isinstance(value, np.ndarray | _Packed)
                if blocks and len(value.shape) == 2 and value.shape[0] == rows:
                    fields[f.name] = _join_rows(values, payload=True)
                else:
                    fields[f.name] = _unpack(value)
            if "locations" in fields:
                fields["locations"] = np.concatenate(
                    [_locations(m) + self.ranges[s][0] for s, m in parts]
                )
            if key[0] is StorePositions:
                fields["advices"] = tuple(self._advices)
                self._advices = []
            merged[key] = fields
        for key, name in columns:
            merged[key][name] = self._columns_of(groups[key], name, outboxes, groups, merged)
        for i in ranked:
            kind, receiver, _ = keys[i]
            first = groups[keys[i]][0][1]
            send(self.ctx, kind, first.sender, receiver, day, **merged[keys[i]])

    @staticmethod
    def _columns_of(
        parts: list[tuple[int, Message]],
        name: str,
        outboxes: list[list[Message]],
        groups: dict[tuple[type, str, str], list[tuple[int, Message]]],
        merged: dict[tuple[type, str, str], dict[str, Any]],
    ) -> np.ndarray:
        """A field some shards sent as columns of another message's array, merged.

        Where every shard's block is the same columns of the same message's array (the
        driver's own shard's checked in memory), it is those columns of that array's merge:
        a view, as in one process. Otherwise each block is taken out and joined.
        """
        targets = set()
        for shard, message in parts:
            value = getattr(message, name)
            if isinstance(value, _ColumnsOf):
                target = _merge_key(outboxes[shard][value.message])
                targets.add((target, value.field, value.start, value.stop))
        if len(targets) == 1:
            ((target, field, start, stop),) = targets
            theirs = dict(groups[target])
            same = all(
                isinstance(getattr(m, name), _ColumnsOf)
                or (
                    isinstance(getattr(m, name), np.ndarray)  # (an actor's block may be packed)
                    and shard in theirs
                    and isinstance(getattr(theirs[shard], field), np.ndarray)
                    and _column_block(getattr(m, name), getattr(theirs[shard], field))
                    == (start, stop)
                )
                for shard, m in parts
            )
            if same and [s for s, _ in parts] == [s for s, _ in groups[target]]:
                return merged[target][field][:, start:stop]
        blocks = []
        for shard, message in parts:
            value = getattr(message, name)
            if isinstance(value, _ColumnsOf):
                whole = getattr(outboxes[shard][value.message], value.field)
                value = _unpack(whole)[:, value.start : value.stop]
            blocks.append(value)
        return _join_rows(blocks, payload=True)

    def _rows_of(self, message: Message, shard: int) -> int:
        """How many store rows ``message`` has: its locations, or every store of its shard."""
        locations = _locations(message)
        if locations.size or hasattr(message, "locations"):
            return len(locations)
        first, stop = self.ranges[shard]
        return stop - first


def plans_in_shards(ctx: Context, options: Mapping[str, Any]) -> bool:
    """Whether a sharded run's shards keep the planners' store rows beside their stores.

    They do when the stores report to planners (shared mode) over the direct channel, which
    hands each day's reports over that day, and no captain plans shelves (its shelf plans
    read every store's forecasts). Otherwise the planners keep every store's rows in the
    driver, as in one process.
    """
    shelf = ctx.scenario.spec.replenishment.shelf_space
    return (
        bool(options.get("reports", False))
        and type(ctx.channel) is DirectChannel
        and not (shelf is not None and shelf.enabled)
    )


class Sharding:
    """Builds a chain's stores as shards, in Ray actors (a ``build_chain`` override).

    With a ``driver_weight`` above 0 the first shard is run in the driver itself, between
    its upstream parties' work, and its size is ``driver_weight`` times an actor's shard's:
    ``shards - 1`` actors run the others. With 0, every shard is an actor's.
    """

    def __init__(
        self,
        ray: ModuleType,
        shards: int,
        *,
        days: int,
        seed: int,
        detail: bool,
        address: str | None = None,
        driver_weight: float = 0.0,
    ) -> None:
        if not isinstance(driver_weight, int | float) or not 0 <= driver_weight <= MAX_WEIGHT:
            raise ParameterError(
                "Sharding", "driver_weight", f"a number in [0, {MAX_WEIGHT}]", driver_weight
            )
        self.ray = ray
        self.shards = shards
        self.days = days
        self.seed = seed
        self.detail = detail
        self.address = address
        self.driver_weight = float(driver_weight)
        self.proxies: list[ShardedStores] = []

    def __call__(self, cast: Cast, build: Build) -> Party | None:
        """The proxy of the sharded stores for the stores' cast entry; None for the others.

        The planners too, when the shards keep their store rows (:func:`plans_in_shards`):
        built without their own, planning with the proxy's.
        """
        builder = PARTIES[cast.party]
        if issubclass(builder.kind, Planners):
            proxy = next((p for p in self.proxies if p.planning), None)
            if proxy is None:
                return None
            planners = builder.build(dataclasses.replace(build, planner_rows=False), **cast.options)
            assert isinstance(planners, Planners)
            planners.plan_in(proxy)
            proxy.planners = planners
            return planners
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
        in_driver = self.driver_weight > 0
        weights = [self.driver_weight] + [1.0] * (self.shards - 1) if in_driver else None
        ranges = partition_stores(sc, self.shards, region, weights)
        planning = plans_in_shards(ctx, cast.options)

        proxy = ShardedStores(
            self.ray,
            ctx,
            [],
            ranges,
            orders=bool(cast.options.get("orders", False)),
            reports=bool(cast.options.get("reports", False)),
            planning=planning,
            building=(builder, dict(cast.options), dict(build.policies)),
        )
        self._launch(proxy)
        return proxy

    def resume(self, chain: Chain, path: Path) -> None:
        """Give a chain read from a sharded run's checkpoint at ``path`` its shards again.

        Each shard's worker (the driver's own, and an actor for each other) is started from
        its part of the checkpoint (:meth:`ShardedStores.save_shards`), not built afresh. (The
        checkpoint's key holds the number of shards: it resumes only a run split the same way.)
        """
        for proxy in chain.parties:
            if isinstance(proxy, ShardedStores):
                parts = [(str(path.with_name(name)), size, sha) for name, size, sha in proxy.parts]
                proxy.attach(self.ray)
                self._launch(proxy, parts)

    def _launch(
        self, proxy: ShardedStores, parts: list[tuple[str, int, str]] | None = None
    ) -> None:
        """Start ``proxy``'s shards: built afresh, or read from their checkpoint ``parts``.

        The first shard in the driver itself when it has a weight; an actor for each other.
        """
        in_driver = self.driver_weight > 0
        ctx, ranges, (builder, options, policies) = proxy.ctx, proxy.ranges, proxy.building
        sc = ctx.scenario

        def spec(first: int, stop: int) -> ShardSpec:
            return ShardSpec(
                shard_scenario(sc, first, stop),
                first,
                stop,
                ctx.mode,
                builder,
                options,
                self.days,
                self.seed,
                self.detail,
                policies,
                proxy.planning,
            )

        def part(shard: int) -> tuple[str, int, str] | None:
            return None if parts is None else parts[shard]

        # the whole scenario once, for every actor, without its store × SKU arrays
        lean = dataclasses.replace(
            sc, shelf_capacity=np.zeros((0, 0), np.int32), road_km=np.zeros((0, 0))
        )
        common = self.ray.put(lean)
        # no task events: Ray would record each call's states for its dashboard (which a run
        # does not start), about 0.4 ms of the driver's CPU a call (docs/benchmarks.md, "The
        # twenty-second round")
        remote = self.ray.remote(ShardWorker).options(
            num_cpus=1, scheduling_strategy="SPREAD", enable_task_events=False
        )
        actors = [remote.remote() for _ in ranges[in_driver:]]
        started = [
            actor.start.remote(spec(first, stop), common, part=part(shard))
            for shard, (actor, (first, stop)) in enumerate(
                zip(actors, ranges[in_driver:], strict=True), start=int(in_driver)
            )
        ]
        proxy.actors = actors
        self.proxies.append(proxy)  # (its actors are killed if what follows fails)
        if in_driver:  # built while the actors build theirs
            proxy.local = ShardWorker()
            proxy.local.start(spec(*ranges[0]), sc, remote=False, part=part(0))
        proxy._get(started)
        proxy.actor_cpu_at_start = proxy._get([a.cpu_seconds.remote() for a in actors])
        # the opening stock the shards recorded at day 0 reaches the ledger with day 0's close

    def solve_pool(self) -> ActorSolvePool | None:
        """The carrier's routing solves shared with the shards' actors (None: no actor).

        The actors are idle while the driver routes (their day is done), so a day's depots
        are solved in parallel there and in the driver: a first day's routes from scratch, or
        any day's routes that reuse cannot keep. The same routes as one solve after another.
        """
        actors = [actor for proxy in self.proxies for actor in proxy.actors]
        local = next((proxy.local for proxy in self.proxies if proxy.local is not None), None)
        quiet = local.quiet if local is not None else None
        return ActorSolvePool(self.ray, actors, quiet) if actors else None

    def finish(self) -> list[float]:
        """Stop every shard's actors; their CPU seconds."""
        seconds: list[float] = []
        for proxy in self.proxies:
            if proxy.actors:
                proxy.finish()
            seconds.extend(proxy.actor_cpu_seconds)
        return seconds

    def abandon(self) -> None:
        """Kill the actors of a run that failed, and stop the driver's shard drawing ahead."""
        for proxy in self.proxies:
            if proxy.local is not None:
                proxy.local.stop_drawing()
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
    with ray_session(
        shards + spare_cpus, address, object_store_bytes=room, inline_bytes=INLINE_BYTES
    ) as ray:
        yield ray
