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

**Memory flat in days.** Every daily array of at least :data:`SPILL_MIN_BYTES` (the ``[days,
skus]`` rows of the per-SKU series, the ``[days, locations]`` flows and stock of a large
network) lives in an unlinked temporary file (in ``TMPDIR``) mapped into memory, not in
anonymous memory. Parties and tables read and write it as any NumPy array (``ledger[name][day]
+= x``); every :data:`RELEASE_EVERY` days the ledger drops the days before yesterday from the
process's resident memory (``madvise(DONTNEED)``: on Linux what was written stays in the page
cache, which the kernel writes to the file in its own time; elsewhere ``msync`` writes it
first), so a run's resident ledger is a few days' rows, however long it runs; reading an old
day brings its page back from the page cache or the disk. The files vanish with the ledger (they
are unlinked from the start). A checkpoint carries their content: pickling writes each array
straight from its mapping, and a resumed ledger moves its arrays back into new files
(:meth:`Ledger.__setstate__`), so the resumed run's memory is flat in days again. The mappings
are shared ones: a process forked from a run would write into its parent's ledger (crossdock
never forks; Ray workers and checkpoints get copies through pickling).
"""

from __future__ import annotations

import io
import mmap
import os
import sys
import tempfile
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from crossdock._kernels import column_sums, row_dot
from crossdock.errors import CrossdockError

__all__ = [
    "KINDS",
    "RELEASE_EVERY",
    "SPILL_MIN_BYTES",
    "Ledger",
    "RouteStopRow",
    "SeriesSpec",
    "StopLog",
    "TransportRow",
    "Violation",
]

#: A daily array of at least this many bytes is kept in a memory-mapped temporary file
#: (0: every non-empty one, as the tests set it to run small chains spilled); the environment
#: variable ``CROSSDOCK_SPILL_MIN_BYTES`` sets it for a whole process.
SPILL_MIN_BYTES = int(os.environ.get("CROSSDOCK_SPILL_MIN_BYTES", 1 << 20))
#: Days between two releases of the spilled days' pages from resident memory (8 until
#: 2026-12-06: a national shared run's main process then held up to 1.5 B a store-SKU cell of
#: the ledger's recent days as mapped file pages, 3.7 B with its libraries; the release is one
#: ``madvise`` a spilled array, and only of the pages not released before)
RELEASE_EVERY = 1

KINDS = ("opening", "received", "produced", "shipped", "sold", "scrapped", "lost_sale")
# How each kind moves stock; a lost sale is recorded but moves nothing.
_SIGN = np.array([1, 1, 1, -1, -1, -1, 0], dtype=np.int64)
_KIND = {kind: i for i, kind in enumerate(KINDS)}


#: Whether dropping a spilled array's pages keeps what was written to them without writing
#: them first (Linux's ``MADV_DONTNEED`` on a shared file mapping)
_DROP_KEEPS_WRITES = sys.platform.startswith("linux") and hasattr(mmap.mmap, "madvise")


def _no_room(what: str, nbytes: int, error: OSError) -> CrossdockError:
    """The one-line error for a temporary folder with no room for ``nbytes`` more of ``what``."""
    return CrossdockError(
        f"{tempfile.gettempdir()}: no room for {what} ({nbytes:,} bytes more): "
        f"{error.strerror or error}; set TMPDIR to a folder with more free space"
    )


class _Spilled:
    """A zeroed array in an unlinked temporary file, mapped in memory (see module docstring)."""

    def __init__(self, shape: tuple[int, ...], dtype: np.dtype[Any]) -> None:
        nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        with tempfile.TemporaryFile(prefix="crossdock-ledger-") as handle:
            try:  # the disk blocks now: a full disk is an error here, not a crash (SIGBUS) later
                if hasattr(os, "posix_fallocate"):
                    os.posix_fallocate(handle.fileno(), 0, nbytes)
                else:  # pragma: no cover - sparse: zeros, no disk used until written
                    handle.truncate(nbytes)
            except OSError as error:
                raise _no_room("the ledger's daily arrays", nbytes, error) from error
            self.map = mmap.mmap(handle.fileno(), nbytes)  # keeps its own descriptor
        self.array: np.ndarray = np.frombuffer(self.map, dtype=dtype).reshape(shape)
        self.released = 0  # bytes from the start already out of resident memory

    def release(self, upto: int, again: bool = False) -> None:
        """Drop the first ``upto`` bytes from resident memory (they stay the file's).

        ``again`` drops those released before too (read back in since).
        """
        end = upto - upto % mmap.PAGESIZE
        start = 0 if again else self.released
        if end <= start:
            return
        if _DROP_KEEPS_WRITES:
            # Linux: dropping a shared file mapping's pages keeps what was written in the page
            # cache, which the kernel writes to the file in its own time (madvise(2)); a
            # synchronous write first (msync) cost a few per cent of a 200 x 2,000 chain's
            # engine time (1.6 ms a day of about 20 in a profile)
            self.map.madvise(mmap.MADV_DONTNEED, start, end - start)
        else:  # pragma: no cover - elsewhere the pages are written first
            self.map.flush(start, end - start)
            if hasattr(self.map, "madvise"):
                self.map.madvise(mmap.MADV_DONTNEED, start, end - start)
        self.released = max(self.released, end)


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


#: The per-stop columns of :class:`StopLog`, their dtypes (the per-route and per-depot-day
#: columns of ``route_stops`` are kept once per route and once per depot-day)
STOP_COLUMNS: dict[str, type] = {
    "route": np.int32,
    "stop_order": np.int32,
    "store": np.int32,
    "pallets": np.int32,
    "arrival_min": np.float64,
    "on_time": np.bool_,
    "floor_first": np.int32,
    "floor_last": np.int32,
}
ROUTE_COLUMNS = ("route_km", "route_start_min", "route_end_min")
#: A stop as :class:`StopLog` writes it to its file: the day, the depot (an index into the
#: log's depots), the per-stop columns and the route's (packed: 65 bytes)
_STOP_RECORD = np.dtype(
    [("day", np.int32), ("depot", np.int32)]
    + [(name, dtype) for name, dtype in STOP_COLUMNS.items()]
    + [(name, np.float64) for name in ROUTE_COLUMNS]
)


class StopLog:
    """The outbound routes' stops of a run, a depot-day at a time, as records in a file.

    What the ``route_stops`` table is built from. A depot-day's stops become packed records
    (:data:`_STOP_RECORD`: the per-stop columns of :data:`STOP_COLUMNS`, the route's distance
    and times, the day and an index into the log's depots), kept in memory until they reach
    the ledger's :data:`SPILL_MIN_BYTES` and then appended to an unlinked temporary file: a
    national shared year routes about 26,000 stops a day, and kept in memory they grew the
    run by 1.6 MB a day (about 6 bytes a store-SKU cell by the year's end). As named tuples
    they had taken about 230 bytes a stop. :meth:`columns` reads them back for the tables;
    :meth:`rows` gives them as :class:`RouteStopRow`. A pickle (a checkpoint) carries the
    records; the log unpickled writes them to a file of its own at its next add.
    """

    def __init__(self) -> None:
        self._depots: dict[tuple[str, float, float], int] = {}
        self._pending: list[np.ndarray] = []  # records not yet in the file
        self._pending_size = 0
        self._file: io.BufferedRandom | None = None
        self._written = 0  # records in the file
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def add(
        self,
        day: int,
        depot_gln: str,
        depot: tuple[float, float],
        stops: Mapping[str, Any],
        per_route: npt.ArrayLike,
        route_times: npt.ArrayLike,
    ) -> None:
        """One depot-day's stops.

        ``stops`` has every :data:`STOP_COLUMNS` column, a value a stop, routes one after
        another; ``per_route`` gives each route's number of stops and ``route_times`` its
        :data:`ROUTE_COLUMNS` (km, start and end minutes), a row a route.
        """
        columns: dict[str, np.ndarray] = {
            name: np.asarray(stops[name], dtype=t) for name, t in STOP_COLUMNS.items()
        }
        n = int(columns["route"].size)
        per_route = np.asarray(per_route, dtype=np.int64)
        if any(c.size != n for c in columns.values()) or int(per_route.sum()) != n:
            raise ValueError(f"day {day}, {depot_gln}: stop columns of unequal length")
        place = (depot_gln, float(depot[0]), float(depot[1]))
        records = np.empty(n, dtype=_STOP_RECORD)
        records["day"] = day
        records["depot"] = self._depots.setdefault(place, len(self._depots))
        for name, values in columns.items():
            records[name] = values
        times = np.asarray(route_times, dtype=np.float64).reshape(-1, len(ROUTE_COLUMNS))
        for i, name in enumerate(ROUTE_COLUMNS):
            records[name] = np.repeat(times[:, i], per_route)
        self._pending.append(records)
        self._pending_size += n
        self.size += n
        if self._pending_size * _STOP_RECORD.itemsize >= max(SPILL_MIN_BYTES, 1):
            self._spill()

    def _spill(self) -> None:
        """Append the records in memory to the file (made at the first spill)."""
        records = np.concatenate(self._pending)
        try:
            if self._file is None:
                self._file = tempfile.TemporaryFile(prefix="crossdock-stops-")
                weakref.finalize(self, self._file.close)  # the file goes with the log
            self._file.seek(0, os.SEEK_END)
            self._file.write(records.view(np.uint8).data)
            self._file.flush()
        except OSError as error:
            raise _no_room("the ledger's route stops", records.nbytes, error) from error
        self._written += records.size
        self._pending, self._pending_size = [], 0

    def _records(self) -> np.ndarray:
        """Every stop's record, in the order added: the file's, then those in memory."""
        records = np.empty(self.size, dtype=_STOP_RECORD)
        if self._file is not None and self._written:
            self._file.seek(0)
            read = self._file.readinto(records[: self._written].view(np.uint8).data)
            if read != self._written * _STOP_RECORD.itemsize:  # pragma: no cover - a cut file
                raise CrossdockError(f"the route stops' file ends after {read:,} bytes")
        if self._pending:
            records[self._written :] = np.concatenate(self._pending)
        return records

    def columns(self) -> dict[str, np.ndarray]:
        """Every column of every stop, in the order added.

        The day, ``depot_gln``, ``depot_lat`` and ``depot_lon``, the per-stop columns, and the
        per-route ones repeated for each of the route's stops.
        """
        records = self._records()
        places = list(self._depots) or [("", 0.0, 0.0)]
        depot = records["depot"]
        out: dict[str, np.ndarray] = {
            "day": records["day"].copy(),
            "depot_gln": np.array([p[0] for p in places], dtype=object)[depot],
            "depot_lat": np.array([p[1] for p in places], dtype=np.float64)[depot],
            "depot_lon": np.array([p[2] for p in places], dtype=np.float64)[depot],
        }
        for name in (*STOP_COLUMNS, *ROUTE_COLUMNS):
            out[name] = records[name].copy()
        return out

    def rows(self) -> list[RouteStopRow]:
        """The stops as :class:`RouteStopRow` (for reading a few; the tables take columns)."""
        c = self.columns()
        return [
            RouteStopRow(
                int(c["day"][i]),
                str(c["depot_gln"][i]),
                int(c["route"][i]),
                int(c["stop_order"][i]),
                int(c["store"][i]),
                int(c["pallets"][i]),
                float(c["arrival_min"][i]),
                bool(c["on_time"][i]),
                float(c["route_km"][i]),
                float(c["route_start_min"][i]),
                float(c["route_end_min"][i]),
                (float(c["depot_lat"][i]), float(c["depot_lon"][i])),
                int(c["floor_first"][i]),
                int(c["floor_last"][i]),
            )
            for i in range(self.size)
        ]

    @property
    def kept_bytes(self) -> int:
        """Bytes of records held in memory (not yet in the file)."""
        return self._pending_size * _STOP_RECORD.itemsize

    def __getstate__(self) -> dict[str, Any]:
        """The log for a checkpoint: its records (the file does not pickle)."""
        return {"depots": self._depots, "records": self._records()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """A log from a checkpoint: its records in memory until its next add spills them."""
        StopLog.__init__(self)
        self._depots = dict(state["depots"])
        records = state["records"]
        if records.size:
            self._pending, self._pending_size = [records], int(records.size)
        self.size = int(records.size)


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
        self._maps: list[_Spilled] = []  # the spilled arrays' files (see the module docstring)
        self._last_day = -1  # the latest day recorded
        self._next_release = RELEASE_EVERY
        #: Days of each daily array a pickle carries (None: all). A checkpoint after ``n`` days
        #: sets ``n``: parties write only the day they simulate, so later rows are zeros.
        self.pickle_days: int | None = None
        self.flows = self._zeros((days, 0, len(KINDS)), np.int64)
        self.stock_units = self._zeros((days, 0), np.int64)
        self.stock_value = self._zeros((days, 0), np.float64)
        #: closing stock per SKU, summed over the locations of each kind
        self.sku_stock: dict[str, np.ndarray] = {}
        self.series: dict[str, np.ndarray] = {}
        self._per: dict[str, str] = {}
        self.transport: list[TransportRow] = []
        self.route_stops = StopLog()
        self.pickups: list[PickupRow] = []
        if detail:
            self.flows_sku = self._zeros((days, 0, len(KINDS), n_skus), np.int64)
            self.stock_sku = self._zeros((days, 0, n_skus), np.int64)

    # -- memory ----------------------------------------------------------------------------
    def _zeros(self, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
        """A zeroed daily array: spilled to a mapped file when large enough, else in memory."""
        kind = np.dtype(dtype)
        if int(np.prod(shape, dtype=np.int64)) * kind.itemsize < max(SPILL_MIN_BYTES, 1):
            return np.zeros(shape, dtype=kind)
        spilled = _Spilled(shape, kind)
        self._maps.append(spilled)
        return spilled.array

    def _drop(self, array: np.ndarray) -> None:
        """Forget a spilled array that was replaced (its file goes with its last view)."""
        self._maps = [m for m in self._maps if m.array is not array]

    def _daily_arrays(self) -> Iterator[tuple[dict[str, Any], str]]:
        """Where each daily array is held: (container, key), for moving them into files."""
        for name in ("flows", "stock_units", "stock_value", "flows_sku", "stock_sku"):
            if name in self.__dict__:
                yield self.__dict__, name
        for container in (self.sku_stock, self.series):
            for key in container:
                yield container, key

    @property
    def spilled_bytes(self) -> int:
        """Bytes of daily arrays kept in mapped files rather than anonymous memory."""
        return sum(m.array.nbytes for m in self._maps)

    def release(self, day: int | None = None, *, again: bool = False) -> None:
        """Write the days before ``day`` (default: yesterday) to the files, out of memory.

        Reading them later brings them back from the page cache or the disk. ``again`` drops days released before too (a checkpoint has just read them all).
        """
        upto = self._last_day - 1 if day is None else day
        for m in self._maps:
            m.release(max(upto, 0) * m.array.strides[0], again)

    def _advance(self, day: int) -> None:
        """Note the day being recorded; every :data:`RELEASE_EVERY` days, release the old ones."""
        if day > self._last_day:
            self._last_day = day
            if day >= self._next_release:
                self.release(day - 1)
                self._next_release = day + RELEASE_EVERY

    def __getstate__(self) -> dict[str, Any]:
        """The ledger for a checkpoint: its arrays' content, written from their mappings.

        The mappings themselves do not pickle.
        """
        state = self.__dict__.copy()
        state["_maps"] = []
        keep = self.pickle_days
        if keep is not None and 0 <= keep < self.days:  # the days to come are zeros: left out
            state["sku_stock"] = dict(self.sku_stock)
            state["series"] = dict(self.series)
            for container, key in self._daily_arrays():
                target = state if container is self.__dict__ else state[_holder(self, container)]
                target[key] = container[key][:keep]
        state["pickle_days"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """A ledger from a checkpoint: its large daily arrays go back into spill files."""
        self.__dict__.update(state)
        for container, key in list(self._daily_arrays()):
            array = container[key]
            if array.shape[0] == self.days and array.nbytes < max(SPILL_MIN_BYTES, 1):
                continue  # whole, and small enough to stay in memory
            whole = self._zeros((self.days, *array.shape[1:]), array.dtype)
            whole[: array.shape[0]] = array
            container[key] = whole
        self.release()

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
            shape[axis] += n
            grown = self._zeros(tuple(shape), array.dtype)
            grown[tuple(slice(0, size) for size in array.shape)] = array
            self._drop(array)
            return grown

        self.flows = grow(self.flows, 1)
        self.stock_units = grow(self.stock_units, 1)
        self.stock_value = grow(self.stock_value, 1)
        self.sku_stock[kind] = self._zeros((self.days, self.n_skus), np.int64)
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
        self.series[spec.name] = self._zeros((self.days, size), spec.dtype)
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
        totals: np.ndarray | None = None,
    ) -> None:
        """Record ``quantity[n, k]`` of a movement at the instances ``rows`` of a location kind.

        ``rows`` (indices or a slice among that kind's locations) defaults to all of them.
        ``totals``, when the caller has them already, are ``quantity.sum(axis=1)`` (integer
        sums: the same numbers), so no pass over ``quantity`` is made for them.
        """
        self._advance(day)
        k = _KIND[kind]
        block = self.blocks[location_type]
        where: slice | np.ndarray = block if rows is None else _within(block, rows)
        self.flows[day, where, k] += quantity.sum(axis=1) if totals is None else totals
        if self.detail:
            self.flows_sku[day, where, k] += quantity

    def record_owned(
        self, day: int, kind: str, location_type: str, quantity: np.ndarray, owner: np.ndarray
    ) -> None:
        """Record ``quantity[k]`` where SKU ``k`` sits at instance ``owner[k]``."""
        self._advance(day)
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
        self._advance(day)
        block = self.blocks[location_type]
        n = block.stop - block.start
        if owner is None:
            self.stock_units[day, block] = units.sum(axis=1)
            self.stock_value[day, block] = row_dot(units, unit_cost)
            self.sku_stock[location_type][day] = column_sums(units)
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


def _holder(ledger: Ledger, container: dict[str, Any]) -> str:
    """The name of the ledger's attribute that is ``container`` (``sku_stock`` or ``series``)."""
    return "sku_stock" if container is ledger.sku_stock else "series"


def _within(block: slice, rows: slice | np.ndarray) -> slice | np.ndarray:
    """Rows of a kind's locations as positions in the ledger."""
    if isinstance(rows, slice):
        start, stop, step = rows.indices(block.stop - block.start)
        return slice(block.start + start, block.start + stop, step)
    return block.start + np.asarray(rows)
