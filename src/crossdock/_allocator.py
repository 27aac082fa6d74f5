"""The C allocator told to keep the memory a run frees, for the run's next day (glibc only).

Why: glibc maps every allocation above 32 MB (a store × SKU array of any real chain) fresh
from the kernel and unmaps it when it is freed, so each day pays again for the page faults
and for the kernel zeroing every page it hands back: about 1.9 s of system time a GB on the
2-core virtual machine we measure on. A national shared day (5,000 × 20,000, two shards)
spent 2.9 of its driver's 8.2 CPU seconds in the kernel, most of it zeroing pages (``perf``:
``clear_page_erms``). Allocated from the heap and kept there when freed, the next day's
arrays of the same sizes reuse that memory without a fault: 0.16 s of system time a day,
and the day's wall time 8.3 -> 5.5 s.

:func:`freed_memory_kept` does it for the time of a run and then gives the memory back
(``malloc_trim``); :func:`keep_freed_memory_for_good` does it for good, for a process that
only runs a shard of a run (a Ray actor). Elsewhere than glibc both do nothing.

Kept memory is memory the machine does not have: each process's resident memory stays at its
own largest day, and a day that needs much more than the others leaves the heap that large.
A national shared year in two shards, kept so, grew both processes by 3.4 GB at about its
200th day and filled the machine (Ray's memory monitor killed the shard's actor at 95%). So
while memory is kept a thread of the process looks at the machine every
:data:`WATCH_SECONDS` and gives the kept memory back whenever less than
:data:`AVAILABLE_SHARE` of the machine's memory is available (:func:`give_back_if_short`):
a run keeps its freed memory while the machine has room for it, and is close to a run
without this module when it has not.

Kept memory also fragments: blocks of the day's varying sizes (a message of the stores that
ordered today) leave holes that no later block fits exactly, and the heap grows past what the
process ever uses at once. A national shared driver kept so grew from 88 to 119 bytes a
cell in 14 days (and to 146 in a year) while its largest use stayed at 98. So the watch also
gives the memory back whenever the process's resident memory (its anonymous memory, less
what was not the allocator's as the keeping began) is more than :data:`KEPT_SHARE` above
the most the process was seen using at once (glibc's ``mallinfo2``, at each look) within
the last minute or two (:data:`USE_WINDOW_SECONDS`), plus :data:`KEPT_SLACK_BYTES`: resident
memory then stays flat in days, near the run's recent largest use, and a long run gives its
fragments back every so often instead of growing until the machine is short. (Measured
against the largest use of the whole run, a season of heavier days, such as a national
shared year's summer, when the driver's days peak about 15 bytes a cell higher, would
license that much more kept memory for the rest of the year; the window lets it go.)
``CROSSDOCK_KEEP_FREED_MEMORY=0`` turns it all off for a process (and the actors it starts).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import platform
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "SharedPagesDropper",
    "allocated_bytes",
    "drop_shared_pages",
    "freed_memory_kept",
    "give_back_freed",
    "give_back_if_fragmented",
    "give_back_if_short",
    "keep_freed_memory",
    "keep_freed_memory_for_good",
    "worth_keeping",
]

# mallopt(3) parameters, and glibc's defaults to restore
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4
_DEFAULT_TRIM_THRESHOLD = 128 * 1024
_DEFAULT_MMAP_MAX = 65536
#: the trim threshold that turns trimming off: freed memory at the heap's top stays mapped
#: (mallopt takes a C int; glibc reads -1 as no threshold)
_NEVER = -1

#: glibc's largest threshold for mapping a block apart (bytes): below it, its own dynamic
#: threshold already reuses freed blocks, and keeping only adds resident memory
MMAP_THRESHOLD_MAX = 32 * 1024 * 1024
#: keep freed memory while at least this share of the machine's memory is available
AVAILABLE_SHARE = 0.2
#: how often a process keeping freed memory looks at the machine's (seconds)
WATCH_SECONDS = 0.25
#: give the kept memory back when the process's resident memory passes its largest use seen
#: by more than this share of it (fragments of the heap no block reuses)... (0.1 until
#: 2026-12-06: a national shared main process then held 8-10 bytes a cell of fragments on top
#: of its largest use, past the 100 bytes a cell of issue 17; then 0.03, with 128 MB below:
#: its year's peak, 99.9 B a cell on day 90, was 14 B a cell of anonymous memory above the
#: allocator's use at the day's end, until the give-back of day 100)
KEPT_SHARE = 0.02
#: ... and by more than this many bytes (a small process's own noise, and a use between looks)
KEPT_SLACK_BYTES = 64 * 1024 * 1024
#: the use that measure is taken against is the largest of the last one to two such windows
#: (seconds; a national day takes 5-11 s, so a week or more of days)
USE_WINDOW_SECONDS = 60.0


class _MallInfo2(ctypes.Structure):
    """glibc's ``struct mallinfo2`` (2.33 and later): the allocator's figures in bytes."""

    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


#: how many times this process gave its kept memory back, and why (for the benchmarks)
given_back = {"short": 0, "fragmented": 0}
#: the same, summed over the actors of this process's sharded runs as each run ends
given_back_in_actors = {"short": 0, "fragmented": 0}
_kept = False  # whether this process keeps freed memory now
_watching: tuple[threading.Event, threading.Thread] | None = None  # a process's for good
_depth = 0  # nested runs (a run inside a run's callback) keep the setting until the outermost ends


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The C library, if it is glibc (whose ``mallopt`` these parameters are); loaded once."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    if hasattr(libc, "mallinfo2"):
        libc.mallinfo2.restype = _MallInfo2
    return libc


def allocated_bytes() -> int | None:
    """Bytes the C allocator has handed out and not had back (``mallinfo2``); None elsewhere."""
    libc = _glibc()
    if libc is None or not hasattr(libc, "mallinfo2"):
        return None
    info = libc.mallinfo2()
    return int(info.uordblks) + int(info.hblkhd)


def _anonymous_bytes() -> int:
    """The process's resident anonymous memory (``RssAnon``, Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024
    return 0


class _Use:
    """What the watch has seen of the process: its largest use of late, and the rest.

    The largest use is that of the last :data:`USE_WINDOW_SECONDS` to twice that (two
    windows, the one going and the one before), not of the whole run: days that once used
    much more would otherwise raise for good the memory the process may keep, and with it
    the machine's total. ``other`` is the resident anonymous memory that was not the
    allocator's when the keeping began (the interpreter's own arenas, compiled code, thread
    stacks): it is not what keeping freed memory adds. ``clock`` gives the time in seconds
    (tests set it).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        used = allocated_bytes() or 0
        self._clock = clock
        self._since = clock()  # when the window going began
        self._going = used  # the largest use seen in the window going
        self._before = used  # ... and in the window before it
        self.other = max(_anonymous_bytes() - used, 0)

    @property
    def peak(self) -> int:
        """The largest use seen in the last one to two windows (bytes)."""
        return max(self._going, self._before)

    def see(self, used: int) -> None:
        """Take in the use of a look (``mallinfo2``'s bytes in use)."""
        now = self._clock()
        if now - self._since >= USE_WINDOW_SECONDS:
            self._before, self._going, self._since = self._going, used, now
        else:
            self._going = max(self._going, used)

    def fragmented(self) -> bool:
        """Whether the resident memory passes the use seen of late by more than the kept share."""
        used = allocated_bytes()
        if used is None:
            return False
        self.see(used)
        resident = _anonymous_bytes() - self.other
        return resident > (1 + KEPT_SHARE) * self.peak + KEPT_SLACK_BYTES


def worth_keeping(cells: int) -> bool:
    """Whether a chain of ``cells`` store × SKU cells has arrays glibc maps apart (int64 ones)."""
    return 8 * cells >= MMAP_THRESHOLD_MAX


def keep_freed_memory() -> bool:
    """From now on, allocate from the heap and keep freed memory there (whether it could)."""
    global _kept
    libc = _glibc()
    if libc is None or os.environ.get("CROSSDOCK_KEEP_FREED_MEMORY", "1") == "0":
        return False
    _kept = bool(libc.mallopt(_M_MMAP_MAX, 0)) and bool(libc.mallopt(_M_TRIM_THRESHOLD, _NEVER))
    return _kept


def keep_freed_memory_for_good(cells: int) -> bool:
    """:func:`keep_freed_memory`, watched for the process's life (a shard's actor).

    Only for a chain of ``cells`` store × SKU cells :func:`worth_keeping`.
    """
    if not worth_keeping(cells) or not keep_freed_memory():
        return False
    global _watching
    if _watching is None:
        _watching = _start_watching()
    return True


#: Where the machine says how its memory is used (Linux).
MEMINFO = Path("/proc/meminfo")


def meminfo() -> dict[str, int]:
    """``/proc/meminfo``'s figures in kB (``MemTotal``, ``MemAvailable``, ...); empty if unread."""
    info: dict[str, int] = {}
    try:
        with MEMINFO.open(encoding="ascii") as lines:
            for line in lines:
                name, value = line.split(":", 1)
                info[name] = int(value.split()[0])
    except (OSError, ValueError, IndexError):
        return {}
    return info


def give_back_if_short() -> bool:
    """Give the kept memory back if the machine is short of memory; whether it did.

    Short: less than :data:`AVAILABLE_SHARE` of its memory available (``/proc/meminfo``).
    """
    if not _kept:
        return False
    info = meminfo()
    if info.get("MemAvailable", 0) >= AVAILABLE_SHARE * info.get("MemTotal", 0):
        return False
    return _give_back("short")


def give_back_if_fragmented(use: _Use) -> bool:
    """Give the kept memory back if the process holds much more than it has used; whether it did.

    Much more: see :data:`KEPT_SHARE` and :data:`KEPT_SLACK_BYTES`.
    """
    if not _kept or not use.fragmented():
        return False
    return _give_back("fragmented")


def give_back_freed() -> bool:
    """Hand the heap's free pages back to the system now (``malloc_trim``); whether it could.

    For memory freed after :func:`freed_memory_kept` ended: glibc gives back on its own only
    the free memory at the heap's top, so a run's store × SKU state, freed in the heap's
    middle once its days are done, would stay resident while the tables are built.
    """
    libc = _glibc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


#: ``madvise``'s advice to drop a range's pages from the process (Linux)
_MADV_DONTNEED = 4


def drop_shared_pages(path_part: str) -> int:
    """Drop this process's resident pages of the shared file mappings whose path has ``path_part``.

    For Ray's object store in a sharded run's main process: the actors' results it reads in
    place (and the arguments it writes) are pages of the store's shared memory file, mapped
    whole into the process, and each page it once touched stays in its resident memory
    (``RssShmem``) after the objects are gone and the store reuses the page for others: 4 bytes
    a store-SKU cell of a national shared run by its third week, read on some day long past.
    The pages are the store's, and stay in it: ``madvise(MADV_DONTNEED)`` on a shared
    mapping only unmaps them from this process, and a later read maps them back with what
    the store holds (nothing is lost or zeroed, unlike on private memory). Returns the
    mappings' bytes so advised (0 where there is no ``/proc/self/maps`` or no glibc).
    """
    libc = _glibc()
    if libc is None:
        return 0
    try:
        with open("/proc/self/maps", encoding="ascii", errors="replace") as maps:
            lines = [line.split() for line in maps if path_part in line]
    except OSError:
        return 0
    dropped = 0
    for fields in lines:
        if len(fields) < 6 or "s" not in fields[1] or path_part not in fields[5]:
            continue  # (only shared mappings: on private ones the advice would zero the pages)
        start, end = (int(x, 16) for x in fields[0].split("-"))
        if libc.madvise(ctypes.c_void_p(start), ctypes.c_size_t(end - start), _MADV_DONTNEED):
            continue  # (the mapping went away meanwhile)
        dropped += end - start
    return dropped


def shared_resident_pages() -> int | None:
    """Resident pages of files and shared memory in this process; None where unreadable.

    ``/proc/self/statm``'s third field (``RssFile`` + ``RssShmem``): one short line, read in
    about 10 µs, where ``/proc/self/maps`` is hundreds of lines (about 1–2 ms in a run).
    """
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[2])
    except (OSError, IndexError, ValueError):
        return None


class SharedPagesDropper:
    """:func:`drop_shared_pages`, when the process's resident shared pages grew since its last.

    A sharded run's main process drops the object store's pages it touched at each day's
    close. When the day's calls moved nothing through the store (every argument and result
    inline, as at 200 stores × 2,000 SKUs), its resident shared pages have not grown, and the
    scan of ``/proc/self/maps`` would find nothing to drop: it is skipped (the scan cost 2–3
    ms a day there, 0.7–0.9 s of a year). Any growth, a library's page as much as the
    store's, makes the next call scan, so no page the store lent stays resident past the day
    it was touched. Where ``statm`` cannot be read, every call scans.
    """

    def __init__(self, path_part: str) -> None:
        self.path_part = path_part
        self._after_last: int | None = None  # resident shared pages after the last scan
        #: calls that scanned, and calls skipped
        self.scans = 0
        self.skipped = 0

    def __call__(self) -> int:
        """Bytes of mappings advised (0 when skipped), as :func:`drop_shared_pages`."""
        now = shared_resident_pages()
        if now is not None and self._after_last is not None and now <= self._after_last:
            self.skipped += 1
            return 0
        self.scans += 1
        dropped = drop_shared_pages(self.path_part)
        self._after_last = shared_resident_pages()
        return dropped


def _give_back(cause: str) -> bool:
    """Hand the heap's free pages back to the system, counted under ``cause``; True."""
    give_back_freed()  # (kept: glibc)
    given_back[cause] += 1
    return True


def _watch(stop: threading.Event) -> None:
    """Give the kept memory back whenever the machine is short or the heap fragmented."""
    use = _Use()
    while not stop.wait(WATCH_SECONDS):
        if not give_back_if_short():
            give_back_if_fragmented(use)


def _start_watching() -> tuple[threading.Event, threading.Thread]:
    """A daemon thread running :func:`_watch`, and the event that stops it."""
    stop = threading.Event()
    thread = threading.Thread(target=_watch, args=(stop,), name="crossdock-memory", daemon=True)
    thread.start()
    return stop, thread


@contextmanager
def freed_memory_kept(cells: int) -> Iterator[None]:
    """Within the block, freed memory is kept for reuse; after it, given back to the system.

    Only for a chain of ``cells`` store × SKU cells :func:`worth_keeping` (at 200 × 2,000 the
    arrays are 1.6 MB, which glibc reuses anyway: keeping only raised the resident peak).
    """
    global _depth, _kept
    libc = _glibc()
    if libc is None or not worth_keeping(cells) or (_depth == 0 and not keep_freed_memory()):
        yield
        return
    watch = _start_watching() if _depth == 0 else None
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if watch is not None:
            watch[0].set()
            watch[1].join()
        if _depth == 0:
            libc.mallopt(_M_MMAP_MAX, _DEFAULT_MMAP_MAX)
            libc.mallopt(_M_TRIM_THRESHOLD, _DEFAULT_TRIM_THRESHOLD)
            libc.malloc_trim(0)
            _kept = False
