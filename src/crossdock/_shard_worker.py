"""A shard's side of a sharded run: its stores, run a day at a call (see :mod:`crossdock.shard`).

:class:`ShardWorker` builds and runs one shard's stores, in a Ray actor or in the driver;
:class:`_DemandAhead` draws their demand ahead by blocks of stores; :func:`_pack` and
:func:`_unpack` carry store × SKU arrays between the driver and an actor in few bytes.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import os
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from crossdock import _fused
from crossdock._allocator import given_back, keep_freed_memory_for_good
from crossdock._kernels import row_blocks
from crossdock._shard_planning import RowsRequest, ShardPlanning
from crossdock.channel import DirectChannel
from crossdock.checkpoint import load_part, save_part
from crossdock.demand import DayFactors, DemandModel, FittedParameters
from crossdock.economics._prices import PriceBook
from crossdock.goods import DirectGoodsChannel
from crossdock.ledger import Ledger
from crossdock.messages import QUANTITY, InventoryReport, Message, StorePositions
from crossdock.parties._common import Context
from crossdock.parties.stores import Stores
from crossdock.policies import Policy
from crossdock.recipes import Build, PartyBuilder
from crossdock.scenario import Scenario

__all__ = [
    "AHEAD_BYTES",
    "DEMAND_BLOCK_STORES",
    "ShardSpec",
    "ShardWorker",
    "summed_positions",
]

#: Modules an actor imports as it starts, so that its first day is not the slowest: what the
#: stores' policies load on first use (``scipy.stats`` alone takes 0.6 s), and PyVRP for the
#: carrier's solves it takes (:meth:`ShardWorker.solve`).
_WARM_UP = ("scipy.stats", "scipy.special", "pyvrp", "crossdock.routing")

#: Stores per block of a shard's demand drawn ahead: a block takes about two milliseconds
#: a day at 2,000 SKUs, so a process stops drawing soon after the driver calls.
DEMAND_BLOCK_STORES = 16  # two of crossdock.shard.ALIGN_ROWS
#: An actor's thread switch interval (``sys.setswitchinterval``): how long its call may wait
#: for the thread drawing demand ahead to let go of the interpreter.
ACTOR_SWITCH_SECONDS = 0.0005
#: The nice value of a thread drawing demand ahead (Linux: per thread): a process's work the
#: day waits for (its stores' day, the upstream parties, a routing solve) keeps its core, and
#: the drawing takes what is left of it (the two processes' four threads share two cores).
DRAW_NICE = 19
#: Bytes of a shard's demand drawn ahead, at most (one day ahead in any case).
AHEAD_BYTES = 256 * 1024 * 1024
#: What a shard's checkpoint part holds (:meth:`ShardWorker.save`): the worker's state; the
#: stores' context refers to the ledger and channels, so they go in one pickle.
_STATE = ("stores", "ledger", "channel", "goods", "planning", "demand")


@dataclass(frozen=True, eq=False)
class _Packed:
    """A store × SKU integer array on its way between the driver and an actor, in few bytes.

    Its values travel in the narrowest integer type that holds them (a day's orders,
    deliveries and reports are small counts: one or two bytes a cell instead of eight); when
    at most one cell in :data:`_SPARSE` is not zero, only those cells do (with their
    positions); when a few cells need more than a byte, a byte a cell does, and those few
    cells apart (``over``: their positions and values). Unpacked, it is the same array
    (shape, dtype and every value).
    """

    shape: tuple[int, ...]
    dtype: str
    cells: np.ndarray | None  # the non-zero cells' flat positions (None: every cell)
    values: np.ndarray
    over: tuple[np.ndarray, np.ndarray] | None = None  # cells a byte cannot hold, and values


#: Arrays smaller than this many cells travel as they are.
_PACK_MIN_CELLS = 4096
#: An array with at most one non-zero cell in this many travels as its non-zero cells.
_SPARSE = 8
_NARROW = tuple(np.dtype(t) for t in ("u1", "i1", "u2", "i2", "u4", "i4"))


def _pack(value: Any) -> Any:
    """``value`` as a :class:`_Packed` if it is a large 2-D integer array; else as is.

    Where Numba serves (:func:`crossdock._fused.kernels`), a census of the array in one
    compiled pass and the packed cells in one more (:func:`crossdock._fused.pack_census`,
    ``pack_nonzero``, ``pack_bytes``); otherwise NumPy's passes. The same :class:`_Packed`.
    """
    if (
        not isinstance(value, np.ndarray)
        or value.ndim != 2
        or value.size < _PACK_MIN_CELLS
        or value.dtype.kind not in "iu"
    ):
        return value
    if value.strides == (0, 0):  # a broadcast constant (zero: a report of nothing)
        if value.flat[0]:
            return value
        return _Packed(value.shape, value.dtype.str, np.zeros(0, np.int32), np.zeros(0, "u1"))
    kernels = _fused.kernels(value.size) if value.dtype in _CENSUSED else None
    if kernels is not None:
        low, high, nonzero, over_unsigned, over_signed = kernels.pack_census(value)
    else:
        low, high = value.min(), value.max()
        nonzero = np.count_nonzero(value)
    narrow = _narrowest(low, high, value.dtype)
    index_type = np.int32 if value.size <= np.iinfo(np.int32).max else np.int64
    if _SPARSE * nonzero <= value.size:
        if kernels is not None:
            cells = np.empty(nonzero, dtype=index_type)
            values = np.empty(nonzero, dtype=narrow)
            kernels.pack_nonzero(value, cells, values)
            return _Packed(value.shape, value.dtype.str, cells, values)
        flat = value.reshape(-1)
        cells = np.flatnonzero(flat)
        return _Packed(
            value.shape, value.dtype.str, cells.astype(index_type), flat[cells].astype(narrow)
        )
    if narrow.itemsize > 1:  # a byte a cell, and the cells that need more apart?
        byte = np.dtype("u1" if low >= 0 else "i1")
        limits = np.iinfo(byte)
        if kernels is not None:
            over = over_unsigned if low >= 0 else over_signed
        else:
            flat = value.reshape(-1)
            outside = flat > limits.max
            if low < limits.min:
                outside |= flat < limits.min
            over = np.count_nonzero(outside)
        index_bytes = np.dtype(index_type).itemsize
        if over * (index_bytes + narrow.itemsize) < value.size * (narrow.itemsize - 1):
            # (a cell a byte cannot hold wraps here, and is written again on arrival)
            if kernels is not None:
                values = np.empty(value.shape, dtype=byte)
                cells = np.empty(over, dtype=index_type)
                apart = np.empty(over, dtype=narrow)
                kernels.pack_bytes(value, limits.min, limits.max, values, cells, apart)
            else:
                cells = np.flatnonzero(outside).astype(index_type)
                values = value.astype(byte)
                apart = flat[cells].astype(narrow)
            return _Packed(value.shape, value.dtype.str, None, values, (cells, apart))
    if narrow == value.dtype:
        return value
    return _Packed(value.shape, value.dtype.str, None, value.astype(narrow))


#: The integer types :func:`_pack` takes a compiled census of (the books' and messages').
_CENSUSED = (np.dtype(np.int32), np.dtype(np.int64))


def _narrowest(low: Any, high: Any, dtype: np.dtype) -> np.dtype:
    """The narrowest of :data:`_NARROW` that holds ``low`` to ``high`` (else ``dtype``)."""
    narrow = next((t for t in _NARROW if np.iinfo(t).min <= low and high <= np.iinfo(t).max), dtype)
    return dtype if narrow.itemsize >= dtype.itemsize else narrow


def _unpack(value: Any) -> Any:
    """The array a :class:`_Packed` stands for (anything else as is)."""
    if not isinstance(value, _Packed):
        return value
    dtype = np.dtype(value.dtype)
    if value.cells is None:
        array = value.values.astype(dtype)
        _put_over(array, value)
        return array
    array = np.zeros(value.shape, dtype=dtype)
    array.reshape(-1)[value.cells] = value.values
    return array


def _put_over(array: np.ndarray, value: _Packed) -> None:
    """Write ``value``'s cells a byte could not hold into ``array`` (its cells, C order)."""
    if value.over is not None:
        cells, values = value.over
        array.put(cells, values)


def _travelling(message: Message) -> Message:
    """``message`` as an actor sends it to the driver: store positions without the advices.

    The driver sent the day's advices to the shards and gives the merged positions its own
    list of them (:meth:`crossdock.shard.ShardedStores._forward`): the shards' copies, each
    advice's store × SKU quantities, would travel back for nothing (a third of the bytes).
    """
    if isinstance(message, StorePositions) and message.advices:
        return dataclasses.replace(message, advices=())
    return message


def _for_the_driver(message: Message, *, summed: bool = True) -> Message:
    """``message`` as a shard keeping the planners' rows sends it to the driver.

    There the planners read the stock reports' days, never their figures (the rows here
    learn from them), and the head office reads only the stores' positions: so a stock
    report's figures go as zero broadcasts (nothing packed, nothing joined) and, if
    ``summed`` (an actor's), the positions go summed, one store × SKU array where the books
    were three (where every position fits int32; else the books, as they are). The
    driver's own shard sends its books, views, which the merge sums straight into its rows.
    """
    if isinstance(message, InventoryReport):
        zero = np.broadcast_to(np.zeros((), QUANTITY), message.on_hand.shape)
        return dataclasses.replace(message, on_hand=zero, received=zero, backorders=zero)
    if summed and isinstance(message, StorePositions) and message.on_hand.size:
        position = np.empty(message.on_hand.shape, dtype=QUANTITY)
        if not summed_positions(message.on_hand, message.on_order, message.backorders, position):
            return message
        empty = np.zeros((0, 0), QUANTITY)
        return dataclasses.replace(
            message, on_hand=empty, on_order=empty, backorders=empty, position=position
        )
    return message


def summed_positions(
    on_hand: np.ndarray, on_order: np.ndarray, backorders: np.ndarray, out: np.ndarray
) -> bool:
    """``out`` (int32) = ``on_hand + on_order − backorders``; False if a cell passes int32.

    (Then ``out`` is left partly written.)
    """
    kernels = _fused.kernels(out.size)
    if kernels is not None:
        return bool(kernels.store_positions(on_hand, on_order, backorders, out) < 0)
    limits = np.iinfo(QUANTITY)
    for rows in row_blocks(out.shape):  # int64 a few stores at a time
        position = np.add(on_hand[rows], on_order[rows], dtype=np.int64)
        position -= backorders[rows]
        if position.size and (position.min() < limits.min or position.max() > limits.max):
            return False
        out[rows] = position
    return True


@dataclasses.dataclass(frozen=True)
class _ColumnsOf:
    """A message array that is a block of columns of another message's, in one day's mail.

    As a planner's stock report's on-hand is the head office's positions' on-hand for the
    planner's items (both views of the stores' book): it travels as this reference, and the
    driver makes it the same columns of its merge of the other array (a view, as in one
    process), not a second copy of the same cells.
    """

    message: int  # the other message's place in the shard's mail of the day
    field: str
    start: int
    stop: int


def _address(array: np.ndarray) -> int:
    return int(array.__array_interface__["data"][0])


def _column_block(part: np.ndarray, whole: np.ndarray) -> tuple[int, int] | None:
    """``(start, stop)`` where ``part`` is ``whole[:, start:stop]`` (the same memory); else None."""
    if (
        part.ndim != 2
        or whole.ndim != 2
        or part.dtype != whole.dtype
        or part.shape[0] != whole.shape[0]
        or part.strides != whole.strides
        or part.shape[0] == 0
        or not whole.flags.c_contiguous
    ):
        return None
    offset = _address(part) - _address(whole)
    size = whole.dtype.itemsize
    if offset < 0 or offset % size or offset >= whole.strides[0]:
        return None
    start = offset // size
    stop = start + part.shape[1]
    return (start, stop) if stop <= whole.shape[1] else None


def _column_references(sent: list[Message]) -> list[Message]:
    """The day's mail, each column block of another message's array as a reference to it.

    The arrays referred to are whole (C-contiguous) ones, which travel themselves; a block is
    sent as a :class:`_ColumnsOf`.
    """
    wholes: list[tuple[int, str, np.ndarray]] = []
    for i, message in enumerate(sent):
        for f in dataclasses.fields(message):
            value = getattr(message, f.name)
            if isinstance(value, np.ndarray) and value.ndim == 2 and value.flags.c_contiguous:
                if any(value.strides):  # (a zero broadcast is no book)
                    wholes.append((i, f.name, value))
    if not wholes:
        return sent
    out = []
    for j, message in enumerate(sent):
        changes: dict[str, Any] = {}
        for f in dataclasses.fields(message):
            value = getattr(message, f.name)
            if not isinstance(value, np.ndarray) or value.ndim != 2 or value.flags.c_contiguous:
                continue
            for i, name, whole in wholes:
                block = _column_block(value, whole) if i != j else None
                if block is not None:
                    changes[f.name] = _ColumnsOf(i, name, *block)
                    break
        out.append(dataclasses.replace(message, **changes) if changes else message)
    return out


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
    #: the shared planners' store rows are kept in the shard (see crossdock._shard_planning)
    planning: bool = False


class _DemandAhead:
    """A shard's demand, drawn ahead by blocks of stores in a process's idle time (same numbers).

    Each block of :data:`DEMAND_BLOCK_STORES` stores has its own
    :class:`~crossdock.demand.DemandModel`, drawing its stores' days in order from their own
    streams, so any split of the stores and any time of drawing gives the numbers of the
    whole run: drawing day ``t + 3`` while the driver routes day ``t`` changes nothing but
    when the work is done. :meth:`draw_some` draws the next block ahead, up to ``limit`` days
    ahead of the stores; :meth:`daily` draws what is left of the day and hands it over.
    """

    def __init__(
        self, scenario: Scenario, seed: int, rows: np.ndarray, days: int, limit: int
    ) -> None:
        # one block of the factors every store shares, for all the blocks of stores (drawn
        # day by day, every block of a day before the next day: the block is worked out once),
        # and fitted parameters read once (the whole scenario's store × SKU arrays)
        fitted = FittedParameters.of_scenario(scenario)
        factors = DayFactors(scenario, weekday=fitted is None)
        self.models = [
            DemandModel(
                scenario,
                seed,
                stores=rows[i : i + DEMAND_BLOCK_STORES],
                fitted=fitted,
                factors=factors,
            )
            for i in range(0, rows.size, DEMAND_BLOCK_STORES)
        ]
        self.days = days
        self.limit = limit
        # by day: its array, whose blocks of stores are drawn into their rows in turn
        self._drawn: dict[int, np.ndarray] = {}
        self._shape = (rows.size, scenario.n_skus)
        self._day = 0  # the day being drawn
        self._block = 0  # its next block of stores
        self._asked = 0  # the next day the stores ask for
        #: by day: thread CPU seconds of drawing it, and of what was drawn only when asked for
        self.seconds: defaultdict[int, float] = defaultdict(float)
        self.late: defaultdict[int, float] = defaultdict(float)

    def draw_some(self) -> bool:
        """Draw the next block ahead; False if the run's days or the limit are reached."""
        if self._day >= self.days or self._day >= self._asked + self.limit:
            return False
        self._draw_block()
        return True

    def daily(self, day: int) -> np.ndarray:
        """Units wanted at each of the shard's store × SKU on ``day`` (days in order)."""
        if day != self._asked:
            raise ValueError(f"demand is drawn in day order: expected day {self._asked}, got {day}")
        while self._day <= day:
            self.late[day] += self._draw_block()
        self._asked = day + 1
        return self._drawn.pop(day)

    def per_day(self) -> list[tuple[float, float]]:
        """Per day handed over: CPU seconds of drawing it, and of its part drawn late.

        Thread CPU seconds; late: drawn only when the stores asked for the day, not ahead.
        """
        return [(self.seconds[d], self.late[d]) for d in range(self._asked)]

    def _draw_block(self) -> float:
        """Draw the next block of stores of the day being drawn; its thread CPU seconds."""
        started = time.thread_time()
        day, block = self._day, self._block
        whole = self._drawn.get(day)
        if whole is None:
            whole = self._drawn[day] = np.empty(self._shape, dtype=np.int32)
        first = block * DEMAND_BLOCK_STORES
        model = self.models[block]
        model.daily(day, out=whole[first : first + model.stores.size])
        self._block = block + 1
        if self._block == len(self.models):
            self._day, self._block = day + 1, 0
        spent = time.thread_time() - started
        self.seconds[day] += spent
        return spent


def _be_nice() -> None:
    """Lower this thread's CPU priority to :data:`DRAW_NICE` (Linux only; else nothing)."""
    if sys.platform != "linux":  # elsewhere the call would lower the whole process
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), DRAW_NICE)
    except OSError:  # not allowed here: the thread keeps its priority
        pass


def _build_stores(
    spec: ShardSpec, scenario: Scenario, demand: Any, policies: dict[str, Policy], days: int
) -> tuple[Stores, Ledger, _ShardChannel, DirectGoodsChannel, ShardPlanning | None]:
    """A shard's stores, with their own ledger and channels, for ``days`` days.

    With ``spec.planning``, also the planners' rows of the shard's stores, each planner's
    policy made as the driver makes the planners' (``Build.policy``).
    """
    sc = spec.shard
    ledger = Ledger(days, sc.n_skus, detail=spec.detail, sizes={"line": sc.n_lines})
    ledger.add_locations("store", sc.store_gln, sc.store_name)
    for series in spec.builder.kind.series:
        ledger.declare(series)
    channel = _ShardChannel()
    goods = DirectGoodsChannel()  # the driver's deliveries come in with its deliver()
    settings = sc.spec.replenishment
    ctx = Context(sc, channel, goods, ledger, spec.settings, settings.unmet_demand, spec.seed)
    rows = np.arange(spec.first, spec.stop)
    build = Build(
        ctx,
        getattr(settings, spec.settings),
        demand,
        policies,
        None,
        PriceBook(scenario, block_days=1, stores=rows),
    )
    stores = spec.builder.build(build, **spec.options)
    assert isinstance(stores, Stores)
    planning = None
    if spec.planning:
        planning = ShardPlanning(sc, stores.report_to, lambda: build.policy("planner", "store"))
    return stores, ledger, channel, goods, planning


class ShardWorker:
    """One shard's stores, run a day at a time for the driver (a Ray actor in a sharded run).

    Plain Python: :class:`Sharding` makes it an actor with ``ray.remote``, or keeps one in the
    driver for the driver's own shard; tests may use it directly.
    """

    def __init__(self) -> None:
        self.stores: Stores | None = None
        self.planning: ShardPlanning | None = None
        self._remote = True
        #: thread CPU seconds spent in the stores' phases (the driver waits for these) and in
        #: drawing tomorrow's demand (done while the driver works)
        self.busy = {"phases": 0.0, "ahead": 0.0}
        #: per day, thread CPU seconds in the stores' day and in drawing the next day's demand
        self._days: list[list[float]] = []
        self._drawing: threading.Thread | None = None
        self._stop = threading.Event()
        self._failed: BaseException | None = None

    def start(
        self,
        spec: ShardSpec,
        scenario: Scenario,
        *,
        remote: bool = True,
        part: tuple[str, int, str] | None = None,
    ) -> int:
        """Build the shard's stores (errors surface here, with their own type); its pid.

        ``scenario`` is the whole scenario (its store × SKU arrays may be left out): the
        shard's stores draw demand and read prices from their rows of it. A ``remote``
        worker (an actor) packs the arrays it sends; the driver's own does not. Every worker
        draws its stores' demand ahead in a thread between its calls: in the driver, while
        its upstream parties plan, ship and route (the draws' compiled kernels let go of the
        interpreter, so the two share it little).

        With ``part`` (a path, size and SHA-256, :meth:`save`'s) the shard's state is read
        from a checkpoint instead: the stores as they stood, their books, their mail and the
        demand they had drawn ahead.
        """
        from crossdock._blas import one_blas_thread

        if remote:  # the driver holds BLAS to one thread for its whole run already
            one_blas_thread()  # for the actor's life: as the whole run does (crossdock._blas)
            # for the actor's life, as a run (crossdock._allocator)
            keep_freed_memory_for_good(scenario.n_stores * scenario.n_skus)
            # the driver's call takes the interpreter from the demand-drawing thread within
            # half a millisecond, not Python's default 5 ms
            sys.setswitchinterval(ACTOR_SWITCH_SECONDS)
            self._warm_up(spec, scenario)
        self._remote = remote
        if part is not None:
            state = load_part(*part)
            for name in _STATE:
                setattr(self, name, state[name])
        else:
            rows = np.arange(spec.first, spec.stop)
            # a worker draws ahead whenever its process has time (far ahead while the driver
            # routes a first day's deliveries, say), up to AHEAD_BYTES of demand
            day_bytes = 8 * rows.size * scenario.n_skus
            limit = max(1, min(spec.days, AHEAD_BYTES // max(day_bytes, 1)))
            self.demand = _DemandAhead(scenario, spec.seed, rows, spec.days, limit)
            self.stores, self.ledger, self.channel, self.goods, self.planning = _build_stores(
                spec, scenario, self.demand, dict(spec.policies), spec.days
            )
        self._start_drawing()  # the first days' demand, while the driver builds its parties
        return os.getpid()

    def save(self, path: str, days: int, compression: str | None = None) -> tuple[int, str]:
        """Write the shard's state after ``days`` days (closed) to ``path``: its size, SHA-256.

        ``compression``: the codec the checkpoint is stored with (None: not compressed).

        A sharded run's checkpoint part (:func:`crossdock.checkpoint.save_part`): the
        stores, their ledger (its ``days`` days), mail, goods, planners' rows and the demand
        drawn ahead, which :meth:`start` reads back. The drawing goes on afterwards.
        """
        self._wait_for_demand()
        self.ledger.pickle_days = days  # the days to come are zeros: not written
        try:
            return save_part(path, {name: getattr(self, name) for name in _STATE}, compression)
        finally:
            self.ledger.pickle_days = None
            self.ledger.release(again=True)  # pickling read its days back into memory
            self._start_drawing()

    @staticmethod
    def _warm_up(spec: ShardSpec, scenario: Scenario) -> None:
        """Run a throwaway copy of the shard's stores through a first day, then drop it.

        What the stores' phases load on first use (modules, Numba's kernels from its cache:
        about 0.3 s of CPU in a new process) is then loaded as the actor starts, not in the
        run's first day. The copy has its own policies, demand streams, channels and ledger:
        the shard's stores, built afterwards, start from nothing it did.
        """
        for module in _WARM_UP:
            importlib.import_module(module)
        rows = np.arange(spec.first, spec.stop)
        policies = copy.deepcopy(dict(spec.policies))
        demand = DemandModel(scenario, spec.seed, stores=rows)
        stores, _, channel, _, planning = _build_stores(spec, scenario, demand, policies, 1)
        for phase in Stores.phases:
            getattr(stores, phase)(0)
        if planning is not None:  # the planners' kernels too
            planning.keep(0, channel.take_outbox())
            lost = spec.shard.spec.replenishment.unmet_demand == "lost"
            requests = [
                RowsRequest(gln, ((0, True),), (0,), lost, (0, -1), None, None, ())
                for gln in planning.rows
            ]
            planning.plan(0, requests, _unpack)

    def day(
        self,
        day: int,
        inbox: tuple[list[Message], list[Any]],
        close: int | None,
        phases: tuple[str, ...],
        plans: list[RowsRequest] | None = None,
    ) -> tuple[dict[str, Any] | None, list[Message], list[Any] | None]:
        """Close day ``close`` if given, take in the driver's mail and goods, run ``phases``.

        One call a day: nothing reaches the stores between one day's last phase that sends
        (their orders or reports) and the next day's ``receive``. Returns the closed day's
        ledger figures (see :meth:`close`), the messages the stores sent (packed by an
        actor), and, given the planners' ``plans`` of the day, their rows' orders (as
        :meth:`plan` gives them; else None). An actor then draws demand for the days ahead
        in a thread of its own, while the driver works, until its next call stops it (after
        the block in hand).
        """
        self._wait_for_demand()
        started = time.thread_time()
        if self.planning is not None:
            self.planning.forget()
        rows = self.close(close) if close is not None else None
        unpacked: dict[int, np.ndarray] = {}  # an advice and its consignment share arrays

        def unpack(value: Any) -> Any:
            if not isinstance(value, _Packed):
                return value
            if id(value) not in unpacked:
                unpacked[id(value)] = _unpack(value)
            return unpacked[id(value)]

        messages, goods = inbox
        for message in messages:
            self.channel.deliver(_with_arrays(message, unpack))
        for load in goods:
            self.goods.deliver(_with_arrays(load, unpack))
        assert self.stores is not None
        for phase in phases:
            getattr(self.stores, phase)(day)
        sent = self.channel.take_outbox()
        orders = None
        if self.planning is not None:
            self.planning.keep(day, sent)
            if plans is not None:
                orders = self.planning.plan(day, plans, _unpack)
            sent = [_for_the_driver(message, summed=self._remote) for message in sent]
        if self._remote:
            sent = [
                _with_arrays(message, _pack)
                for message in _column_references([_travelling(m) for m in sent])
            ]
            orders = None if orders is None else [_pack(order) for order in orders]
        spent = time.thread_time() - started
        self.busy["phases"] += spent
        self._days.append([spent, 0.0])
        if self.planning is None or plans is not None:  # (else the plan call comes at once)
            self._start_drawing()
        return rows, sent, orders

    def plan(self, day: int, requests: list[RowsRequest]) -> list[Any]:
        """The planners' rows of the shard's stores: learn from the day's reports, order.

        One call a day, after the day's call, while the driver's planners wait: the rows'
        orders of the day (packed by an actor), in the requests' order.
        """
        self._wait_for_demand()
        started = time.thread_time()
        if self.planning is None:
            raise RuntimeError("this shard keeps no planners' rows")
        orders = self.planning.plan(day, requests, _unpack)
        if self._remote:
            orders = [_pack(order) for order in orders]
        spent = time.thread_time() - started
        self.busy["phases"] += spent
        if self._days:
            self._days[-1][0] += spent
        self._start_drawing()
        return orders

    def _start_drawing(self) -> None:
        """Draw demand ahead in a thread until the next call."""
        self._stop.clear()
        self._drawing = threading.Thread(target=self._draw_ahead, daemon=True)
        self._drawing.start()

    def _draw_ahead(self) -> None:
        _be_nice()
        started = time.thread_time()
        try:
            while not self._stop.is_set() and self.demand.draw_some():
                pass
        except BaseException as error:  # raised in the actor's next call, not lost
            self._failed = error
        spent = time.thread_time() - started
        self.busy["ahead"] += spent
        if self._days:
            self._days[-1][1] += spent

    def stop_drawing(self) -> None:
        """Stop drawing ahead, after the block being drawn (what it raised is kept)."""
        if self._drawing is not None:
            self._stop.set()
            self._drawing.join()
            self._drawing = None

    def _wait_for_demand(self) -> None:
        """Stop drawing ahead (after the block being drawn); raise what the drawing raised."""
        self.stop_drawing()
        if self._failed is not None:
            error, self._failed = self._failed, None
            raise error

    def close(self, day: int) -> dict[str, Any]:
        """Close the day; the shard's ledger figures of the day for the driver's ledger."""
        self._wait_for_demand()
        assert self.stores is not None
        if self.planning is not None:
            self.planning.forget()
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

    def solve(self, kwargs: dict[str, Any]) -> list[list[int]]:
        """One of the carrier's routing solves, for the driver, while the shard is idle.

        The driver routes after the shards' day (:class:`crossdock.routing.ActorSolvePool`);
        the solve is a pure function of its arguments, the same routes wherever it runs.
        """
        from crossdock.routing import solve_vrp

        with self.quiet():
            return solve_vrp(**kwargs)

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """No drawing ahead inside the block (a routing solve the driver waits for).

        The drawing thread would take half the process's core from work the day waits for
        (the two processes' four threads share two cores); it goes on after the block.
        """
        drawing = self._drawing is not None
        self._wait_for_demand()
        try:
            yield
        finally:
            if drawing:
                self._start_drawing()

    def cpu_seconds(self) -> float:
        """CPU time of the actor's process so far (user and system)."""
        return time.process_time()

    def memory_given_back(self) -> dict[str, int]:
        """How often the actor's process gave its kept memory back, by cause, so far."""
        return dict(given_back)

    def busy_seconds(self) -> dict[str, float]:
        """Thread CPU seconds in the stores' phases and in drawing demand ahead, so far."""
        return dict(self.busy)

    def demand_seconds(self) -> list[tuple[float, float]]:
        """Per day handed to the stores: :meth:`_DemandAhead.per_day`."""
        self._wait_for_demand()
        return self.demand.per_day()

    def daily_seconds(self) -> list[tuple[float, float]]:
        """Per day: thread CPU seconds of the stores' day, then of the demand drawn ahead."""
        self._wait_for_demand()
        return [(spent, ahead) for spent, ahead in self._days]
