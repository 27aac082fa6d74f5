r"""Checkpoints: a run's whole state on disk every N days, so that a killed run can resume.

A checkpoint is taken between two days (after the ``close`` phase), when every party's state is
settled: the parties (their stock, pipelines, forecasters, random generators, the carrier's
routes kept for reuse), both channels with the messages and consignments still in flight, and
the ledger so far. A run resumed from it goes on from the next day and ends with the same
tables, bit for bit, as a run that was never stopped, because nothing else carries state from
one day to the next (:mod:`crossdock.engine` owns only the day counter).

The file is written atomically: to ``<name>.tmp`` beside it, flushed to disk, then renamed over
the old checkpoint, so a run killed while writing leaves the previous checkpoint whole.

Format (version 1)::

    crossdock-checkpoint 1\n
    {header, JSON}\n         what the checkpoint belongs to, and its day
    <pickle, protocol 5>    the state: the chain of parties (a Chain)
    {trailer, JSON}\n        payload length and SHA-256
    <8 bytes>               the trailer's length, big-endian

With a ``compression`` (``lz4`` or ``zstd``: :data:`COMPRESSIONS`, the header says which), the
pickle is stored as that codec's stream (pyarrow's), and the trailer's length and SHA-256 are
those of the stored bytes, so damage is found before anything is decompressed. A
checkpoint's state is mostly store × SKU counts and the ledger's days: LZ4 stores it in about
a third of the bytes (a national chain's 13 GB in 4.6 GB), Zstandard in about a fifth, at the
cost of the time to compress (docs/checkpoints.md, "Compressed checkpoints").

A sharded run's stores live in its shards' processes: its checkpoint is the driver's file and
a part per shard beside it (``<file>.day<N>.shard<i>``, :func:`save_part`), written by each
shard's process just before the driver's file, which names the parts with their sizes and
SHA-256 (in the pickled :class:`~crossdock.shard.ShardedStores`); the parts of earlier
checkpoints are removed once it is in place.

The header's ``key`` names the run the state belongs to: crossdock's version and a digest of
its source, a digest of the scenario (its spec), the mode, seed, days, message channel,
detail and number of shards, and the kind of any demand, policy or router object given for
the run. A checkpoint resumes only a run with the same key; anything else is refused with a
:class:`~crossdock.errors.CheckpointError` naming what differs.

Limits of the format, which is Python's pickle:

- **Trust**: loading a pickle can run code. Resume only checkpoints you (or your own runs)
  wrote; the digests catch damage, not tampering.
- **Versions**: a checkpoint resumes with the crossdock that wrote it (same version and
  source), and should be resumed with the same Python and NumPy (recorded in the header).
  It is a way to finish a run, not an archive: results are the Parquet tables.
- **Plug-ins**: a policy, demand model or router object given for the run is saved with it,
  so it must pickle (no lambdas, open files or live connections in its attributes); one that
  does not is refused when the first checkpoint is written.
- **Size**: the file is the whole state, ledger included, so it grows with the days run; it
  is written in one stream, without a second copy in memory (the ledger's spilled days are
  written straight from their mapped files, then dropped from memory again). Resuming reads
  the ledger into memory once, then moves its daily arrays back into spill files
  (:mod:`crossdock.ledger`).
- The scenario and the recipe are not stored: the resumed call supplies them and the key
  checks that they are the same.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import platform
import struct
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from crossdock._files import reason, written_atomically
from crossdock.errors import CheckpointError

if TYPE_CHECKING:
    from crossdock.recipes import Chain, Recipe
    from crossdock.scenario import Scenario

__all__ = [
    "COMPRESSIONS",
    "FORMAT_VERSION",
    "CheckpointInfo",
    "Checkpoints",
    "load_checkpoint",
    "load_part",
    "read_checkpoint_info",
    "run_key",
    "save_checkpoint",
    "save_part",
]

FORMAT_VERSION = 1
_MAGIC = b"crossdock-checkpoint %d\n" % FORMAT_VERSION
_MAGIC_PREFIX = b"crossdock-checkpoint "
_PART_MAGIC = b"crossdock-checkpoint-part %d\n" % FORMAT_VERSION
_LENGTH = struct.Struct(">Q")
_CHUNK = 1 << 22
#: The codecs a checkpoint (and a shard's part) may be compressed with (pyarrow's streams).
COMPRESSIONS = ("lz4", "zstd")

_SCENARIO_ID = "scenario"
_RECIPE_ID = "recipe"


def _source_digest() -> str:
    """A digest of crossdock's own source files: a checkpoint resumes only with that code."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _scenario_digest(scenario: Scenario) -> str:
    """A digest of the scenario's spec (the compiled arrays follow from it)."""
    return hashlib.sha256(scenario.spec.model_dump_json().encode()).hexdigest()[:16]


def run_key(
    scenario: Scenario,
    recipe: Recipe,
    *,
    seed: int,
    days: int,
    channel: object,
    detail: bool,
    given: Mapping[str, object] | None = None,
    shards: int = 1,
) -> dict[str, Any]:
    """What a checkpoint must match to resume a run (see the module docstring).

    ``given`` holds the objects passed for the run instead of the scenario's (``demand``,
    ``policies``, ``router``); their kinds are part of the key, their state is in the file.
    ``shards``: a sharded run's state is split by shard, so it resumes with as many.
    """
    import crossdock

    def kind(value: object) -> object:
        if isinstance(value, Mapping):
            return {str(k): kind(v) for k, v in sorted(value.items())}
        return None if value is None else f"{type(value).__module__}.{type(value).__qualname__}"

    return {
        "crossdock": crossdock.__version__,
        "source": _source_digest(),
        "scenario": _scenario_digest(scenario),
        "mode": recipe.name,
        "cast": [c.party for c in recipe.cast],
        "seed": seed,
        "days": days,
        "channel": channel if channel is None or isinstance(channel, str) else kind(channel),
        "detail": detail,
        "given": {name: kind(value) for name, value in sorted((given or {}).items())},
        "shards": shards,
    }


@dataclass(frozen=True)
class CheckpointInfo:
    """A checkpoint's header: the run it belongs to, the day it was taken, its interval."""

    path: Path
    day: int
    every: int | None
    key: dict[str, Any]
    python: str = ""
    numpy: str = ""
    compression: str | None = None
    """The codec its state is stored with (:data:`COMPRESSIONS`), or None: not compressed."""


class _Pickler(pickle.Pickler):
    """Leaves the scenario and the recipe out of the file: the resumed call supplies them."""

    def __init__(self, file: IO[bytes], scenario: Scenario, recipe: Recipe) -> None:
        super().__init__(file, protocol=5)
        self._scenario = scenario
        self._recipe = recipe

    def persistent_id(self, obj: object) -> str | None:
        if obj is self._scenario:
            return _SCENARIO_ID
        if obj is self._recipe:
            return _RECIPE_ID
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: IO[bytes], scenario: Scenario, recipe: Recipe) -> None:
        super().__init__(file)
        self._scenario = scenario
        self._recipe = recipe

    def persistent_load(self, pid: object) -> object:
        if pid == _SCENARIO_ID:
            return self._scenario
        if pid == _RECIPE_ID:
            return self._recipe
        raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")


class _HashingWriter(io.RawIOBase):
    """A write-only file that hashes and counts what goes through it."""

    def __init__(self, sink: IO[bytes]) -> None:
        self.sink = sink
        self.digest = hashlib.sha256()
        self.size = 0
        #: set when the writing failed: what the buffers above still hold goes nowhere
        self.discard = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        if self.discard:
            return len(view)
        self.digest.update(view)
        self.sink.write(view)
        self.size += len(view)
        return len(view)


class _Compressing(io.RawIOBase):
    """A write-only file that compresses what goes through it into ``sink`` (pyarrow's codec).

    Closing it ends the codec's stream (its last block and end mark) without closing ``sink``.
    """

    def __init__(self, sink: io.RawIOBase, codec: str) -> None:
        import pyarrow as pa

        self._stream = pa.CompressedOutputStream(pa.PythonFile(sink, mode="w"), codec)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        # a large array's bytes a few megabytes at a time: the codec compresses each write
        # into a buffer of its own, which for a whole array would be about its size again
        view = memoryview(data).cast("B")
        for start in range(0, len(view), _CHUNK):
            self._stream.write(view[start : start + _CHUNK])
        return len(view)

    def close(self) -> None:
        if not self.closed:
            self._stream.close()  # (closes the PythonFile: _HashingWriter only marks itself)
        super().close()


class _Bounded(io.RawIOBase):
    """A read-only view of ``size`` bytes of ``handle`` from where it stands."""

    def __init__(self, handle: IO[bytes], size: int) -> None:
        self._handle = handle
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")[: self._left]
        count = self._handle.readinto(view) if view.nbytes else 0  # type: ignore[attr-defined]
        self._left -= count
        return count


class _Decompressing(io.RawIOBase):
    """A read-only file of the bytes a pyarrow ``codec`` stream in ``source`` decompresses to."""

    def __init__(self, source: io.RawIOBase, codec: str) -> None:
        import pyarrow as pa

        self._stream = pa.CompressedInputStream(pa.PythonFile(source, mode="r"), codec)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        # straight into the caller's buffer (a large array's own bytes): no copy between
        return int(self._stream.readinto(memoryview(buffer).cast("B")))


def check_compression(compression: object) -> str | None:
    """The codec ``compression`` names: one of :data:`COMPRESSIONS`, or None for ``"none"``.

    None stays None; anything else raises :class:`CheckpointError`.
    """
    if compression is None or compression == "none":
        return None
    if compression in COMPRESSIONS:
        return str(compression)
    raise CheckpointError(
        f"unknown checkpoint compression {compression!r}: give one of "
        + ", ".join(COMPRESSIONS)
        + " or none"
    )


def _pickled(
    handle: IO[bytes], compression: str | None, dump: Callable[[IO[bytes]], None]
) -> _HashingWriter:
    """Run ``dump`` on a buffered file into ``handle``, through ``compression``'s codec if any.

    Returns the writer that hashed and counted the bytes stored in ``handle``.
    """
    writer = _HashingWriter(handle)
    raw: io.RawIOBase = writer if compression is None else _Compressing(writer, compression)
    buffered = io.BufferedWriter(raw, buffer_size=_CHUNK)
    try:
        dump(buffered)
        buffered.flush()
        if compression is not None:
            raw.close()  # the codec's last block, into ``writer``
    except BaseException:
        # the file is abandoned: the buffers are closed into nothing, now rather than when
        # they are collected (by then ``handle`` is closed, and flushing it would fail)
        writer.discard = True
        for stream in (buffered, raw):
            try:
                stream.close()
            except Exception:  # the error being raised is the one to report
                pass
        raise
    return writer


def _unpickled(
    handle: IO[bytes], size: int, compression: str | None, load: Callable[[IO[bytes]], Any]
) -> Any:
    """``load`` on the ``size`` stored bytes at ``handle``, decompressed if they are."""
    if compression is None:
        return load(handle)
    source = _Decompressing(_Bounded(handle, size), compression)
    return load(io.BufferedReader(source, buffer_size=_CHUNK))


def save_checkpoint(
    path: str | Path,
    chain: Chain,
    day: int,
    key: Mapping[str, Any],
    *,
    every: int | None = None,
    compression: str | None = None,
) -> Path:
    """Write ``chain``'s state after ``day`` days to ``path``, atomically (see module docstring).

    ``compression`` (one of :data:`COMPRESSIONS`) stores the state compressed. Raises
    :class:`CheckpointError` when some object of the run cannot be pickled (a plug-in holding
    a lambda or an open file, say).
    """
    import numpy as np

    target = Path(path)
    header = {
        "format": FORMAT_VERSION,
        "day": day,
        "every": every,
        "key": dict(key),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    compression = check_compression(compression)
    if compression is not None:
        header["compression"] = compression
    with _written_atomically(target) as handle:
        handle.write(_MAGIC)
        handle.write(json.dumps(header, sort_keys=True).encode() + b"\n")
        ledger = getattr(chain, "ledger", None)
        if ledger is not None:  # the days after ``day`` are zeros: not written
            ledger.pickle_days = day

        def dump(file: IO[bytes]) -> None:
            _Pickler(file, chain.context.scenario, chain.recipe).dump(chain)

        try:
            writer = _pickled(handle, compression, dump)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            raise CheckpointError(
                f"cannot save the run's state: {error} (every policy, demand model and "
                "router given for the run must pickle: no lambdas, open files or "
                "connections in their attributes)",
                file=target,
            ) from error
        finally:
            if ledger is not None:
                ledger.pickle_days = None
        if ledger is not None:  # pickling read its days back into memory
            ledger.release(again=True)
        trailer = json.dumps({"size": writer.size, "sha256": writer.digest.hexdigest()})
        handle.write(trailer.encode() + b"\n")
        handle.write(_LENGTH.pack(len(trailer) + 1))
    return target


def save_part(path: str | Path, state: object, compression: str | None = None) -> tuple[int, str]:
    """Write one shard's ``state`` to ``path``, atomically; the stored pickle's size and SHA-256.

    A sharded run's checkpoint is the driver's file (:func:`save_checkpoint`) and a part per
    shard, written by the shard's own process (a Ray actor's, or the driver's) just before
    the driver's file, which names each part with its size and digest: a run killed between
    the two leaves the previous checkpoint and its parts whole. A part is ``crossdock-
    checkpoint-part 1`` (then `` lz4`` or `` zstd`` if ``compression`` stores it so) and a
    line break, then a pickle (protocol 5), compressed as the first line says.
    """
    target = Path(path)
    compression = check_compression(compression)
    with _written_atomically(target, part=True) as handle:
        handle.write(_part_magic(compression))

        def dump(file: IO[bytes]) -> None:
            pickle.dump(state, file, protocol=5)

        try:
            writer = _pickled(handle, compression, dump)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            raise CheckpointError(
                f"cannot save a shard's state: {error} (every policy given for the run must "
                "pickle)",
                file=target,
            ) from error
    return writer.size, writer.digest.hexdigest()


def _part_magic(compression: str | None) -> bytes:
    """A part's first line: the format, and the codec its pickle is stored with, if any."""
    if compression is None:
        return _PART_MAGIC
    return _PART_MAGIC[:-1] + b" " + compression.encode() + b"\n"


def _written_atomically(target: Path, *, part: bool = False) -> AbstractContextManager[IO[bytes]]:
    """A file to write ``target`` through, replaced whole or not at all, durably.

    See :func:`crossdock._files.written_atomically`. A file that cannot be written (a full
    disk, a folder without write permission) raises :class:`CheckpointError` naming
    ``target`` and saying what is kept; ``part`` says that ``target`` is a shard's part (whose
    name is new at each checkpoint).
    """
    resume = "make room, then run again with --resume (resume= in Python) to go on from it"
    if part:
        kept = f"the checkpoint before it, if any, is kept with its parts: {resume}"
    elif target.exists():
        kept = f"the previous one is kept as it was: {resume}"
    else:
        kept = "no earlier checkpoint: make room, or give --out a folder with space"
    what = "a shard's part of the checkpoint" if part else "the checkpoint"

    def failed(error: OSError) -> CheckpointError:
        return CheckpointError(f"cannot write {what}: {reason(error)} ({kept})", file=target)

    return written_atomically(target, failed, durable=True)


def load_part(path: str | Path, size: int, sha256: str) -> Any:
    """The shard's state in the part at ``path``, checked against the size and digest given.

    Raises :class:`CheckpointError` naming the part when it is missing, damaged or not the
    one the driver's checkpoint names.
    """
    target = Path(path)
    try:
        handle = open(target, "rb")
    except OSError as error:
        raise CheckpointError(
            f"a shard's part of the checkpoint cannot be read ({error.strerror}); it is "
            "written beside the checkpoint, which resumes only with all its parts",
            file=target,
        ) from None
    with handle:
        first = handle.readline(64)
        compression = next((c for c in COMPRESSIONS if first == _part_magic(c)), None)
        if first != _PART_MAGIC and compression is None:
            raise _corrupt(target, "it does not start with 'crossdock-checkpoint-part 1'")
        start = handle.tell()
        if os.fstat(handle.fileno()).st_size != start + size:
            raise _corrupt(target, "its length is not the one the checkpoint names")
        _check_digest(handle, target, start, size, sha256)
        try:
            return _unpickled(handle, size, compression, pickle.load)
        except Exception as error:  # a pickle that hashes right yet fails: wrong code
            raise _corrupt(target, f"its state cannot be read: {error}") from error


def _corrupt(path: Path, what: str) -> CheckpointError:
    return CheckpointError(
        f"not a readable crossdock checkpoint ({what}); delete it, or run without resuming",
        file=path,
    )


def _check_digest(handle: IO[bytes], path: Path, start: int, size: int, expected: str) -> None:
    """Check ``size`` bytes from ``start`` against their SHA-256; leaves the file at ``start``."""
    handle.seek(start)
    digest = hashlib.sha256()
    left = size
    while left:
        chunk = handle.read(min(_CHUNK, left))
        if not chunk:
            raise _corrupt(path, "it is truncated")
        digest.update(chunk)
        left -= len(chunk)
    if digest.hexdigest() != expected:
        raise _corrupt(path, "its content does not match its SHA-256: damaged on disk")
    handle.seek(start)


def _read_header(handle: IO[bytes], path: Path) -> dict[str, Any]:
    first = handle.readline(64)
    if not first.startswith(_MAGIC_PREFIX):
        raise _corrupt(path, "it does not start with 'crossdock-checkpoint'")
    if first != _MAGIC:
        found = first[len(_MAGIC_PREFIX) :].strip().decode(errors="replace")
        raise CheckpointError(
            f"checkpoint format {found}, this crossdock reads format {FORMAT_VERSION}",
            file=path,
        )
    try:
        header = json.loads(handle.readline(1 << 20))
        int(header["day"])
        dict(header["key"])
        if header.get("compression") not in (None, *COMPRESSIONS):
            raise ValueError(f"unknown compression {header['compression']!r}")
    except (ValueError, KeyError, TypeError) as error:
        raise _corrupt(path, "its header is damaged") from error
    return dict(header)


def read_checkpoint_info(path: str | Path) -> CheckpointInfo:
    """The header of the checkpoint at ``path`` (its day and run), without loading the state."""
    target = Path(path)
    with open(target, "rb") as handle:
        header = _read_header(handle, target)
    return CheckpointInfo(
        target,
        int(header["day"]),
        header.get("every"),
        dict(header["key"]),
        str(header.get("python", "")),
        str(header.get("numpy", "")),
        header.get("compression"),
    )


_LABELS = {
    "crossdock": "crossdock",
    "source": "crossdock source digest",
    "scenario": "scenario digest",
    "given": "objects given",
}


def _check_key(path: Path, found: Mapping[str, Any], wanted: Mapping[str, Any]) -> None:
    differ = [name for name in wanted if found.get(name) != wanted[name]]
    if "mode" in differ and "cast" in differ:
        differ.remove("cast")  # another mode has another cast: say it once
    if not differ:
        return
    if differ == ["shards"]:  # the same run, split otherwise: say how to resume it
        raise CheckpointError(
            f"checkpoint written by the run in {found.get('shards')} shards (this run: "
            f"{wanted['shards']}); resume it with as many: --shards {found.get('shards')} "
            "(shards= in Python)",
            file=path,
        )
    parts = [f"{_LABELS.get(n, n)} {found.get(n)} (this run: {wanted[n]})" for n in differ]
    raise CheckpointError(
        "checkpoint written for another run: " + "; ".join(parts) + "; a checkpoint resumes "
        "only the run that wrote it, with the crossdock that wrote it",
        file=path,
    )


def load_checkpoint(
    path: str | Path, scenario: Scenario, recipe: Recipe, key: Mapping[str, Any]
) -> tuple[Chain, CheckpointInfo]:
    """The chain saved at ``path`` and its header, after checking it belongs to this run.

    Raises :class:`CheckpointError` (a located one-line message) when the file is not a
    checkpoint, is damaged or truncated, or was written for another run (``key`` differs).
    """
    from crossdock.recipes import Chain

    target = Path(path)
    info = read_checkpoint_info(target)
    _check_key(target, info.key, key)
    with open(target, "rb") as handle:
        compression = _read_header(handle, target).get("compression")
        start = handle.tell()
        handle.seek(0, os.SEEK_END)
        end = handle.tell()
        try:
            if end - start < _LENGTH.size:
                raise ValueError("no trailer")
            handle.seek(end - _LENGTH.size)
            (trailer_size,) = _LENGTH.unpack(handle.read(_LENGTH.size))
            handle.seek(end - _LENGTH.size - trailer_size)
            trailer = json.loads(handle.read(trailer_size))
            size, expected = int(trailer["size"]), str(trailer["sha256"])
        except (ValueError, KeyError, TypeError, OSError) as error:
            raise _corrupt(target, "it is truncated or its trailer is damaged") from error
        if start + size + trailer_size + _LENGTH.size != end:
            raise _corrupt(target, "its length does not match its trailer")
        _check_digest(handle, target, start, size, expected)
        try:
            chain = _unpickled(
                handle, size, compression, lambda file: _Unpickler(file, scenario, recipe).load()
            )
        except Exception as error:  # a pickle that hashes right yet fails: wrong code
            raise _corrupt(target, f"its state cannot be read: {error}") from error
    if not isinstance(chain, Chain):
        raise _corrupt(target, f"it holds a {type(chain).__name__}, not a chain")
    return chain, info


class Checkpoints:
    """Where and how often one run saves its state, and whether it resumes.

    ``every`` is the interval in days (``None``: no new checkpoints, or the interval the
    resumed checkpoint was written with). With ``resume``, :meth:`start` restores the state
    from ``path`` if a checkpoint is there, and starts from day 0 if none is.
    ``compression`` is the codec the checkpoints are stored with (:data:`COMPRESSIONS`, or
    ``"none"``); ``None``: the resumed checkpoint's, else none.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        every: int | None,
        resume: bool,
        key: Mapping[str, Any],
        compression: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.every = every
        self.resume = resume
        check_compression(compression)
        self.compression = compression
        self.key = dict(key)
        self.days = int(self.key["days"])
        #: The day the run resumed from (0 when it started afresh).
        self.resumed_from = 0

    def start(
        self, scenario: Scenario, recipe: Recipe, build: Callable[[], Chain]
    ) -> tuple[Chain, int]:
        """The chain to run and the day to run it from: restored, or ``build()`` afresh."""
        if self.resume and self.path.exists():
            chain, info = load_checkpoint(self.path, scenario, recipe, self.key)
            if self.every is None:
                self.every = info.every
            if self.compression is None:
                self.compression = info.compression
            self.resumed_from = info.day
            return chain, info.day
        return build(), 0

    def after_day(self, chain: Chain, day: int) -> bool:
        """Save the state if ``day`` days are done and a checkpoint is due; True if saved.

        One is due every ``every`` days and after the last day (so that a run whose later
        steps fail, or one run of a comparison, resumes with nothing left to simulate).
        """
        if self.every is None or not (day % self.every == 0 or day == self.days):
            return False
        # a sharded run's shards write their parts first; the driver's file names them, and
        # once it is in place the parts of earlier checkpoints go (see save_part)
        sharded: list[Any] = [party for party in chain.parties if hasattr(party, "save_shards")]
        codec = check_compression(self.compression)
        for party in sharded:
            party.save_shards(day, self.path, codec)
        save_checkpoint(self.path, chain, day, self.key, every=self.every, compression=codec)
        for party in sharded:
            party.drop_earlier_parts(self.path)
        return True
