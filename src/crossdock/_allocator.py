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
(``malloc_trim``); :func:`keep_freed_memory` does it for good, for a process that only runs
a shard of a run (a Ray actor). Elsewhere than glibc both do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["freed_memory_kept", "keep_freed_memory"]

# mallopt(3) parameters, and glibc's defaults to restore
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4
_DEFAULT_TRIM_THRESHOLD = 128 * 1024
_DEFAULT_MMAP_MAX = 65536
#: the trim threshold that turns trimming off: freed memory at the heap's top stays mapped
#: (mallopt takes a C int; glibc reads -1 as no threshold)
_NEVER = -1

_depth = 0  # nested runs (a run inside a run's callback) keep the setting until the outermost ends


def _glibc() -> ctypes.CDLL | None:
    """The C library, if it is glibc (whose ``mallopt`` these parameters are)."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")


def keep_freed_memory() -> bool:
    """From now on, allocate from the heap and keep freed memory there (whether it could)."""
    libc = _glibc()
    if libc is None:
        return False
    return bool(libc.mallopt(_M_MMAP_MAX, 0)) and bool(libc.mallopt(_M_TRIM_THRESHOLD, _NEVER))


@contextmanager
def freed_memory_kept() -> Iterator[None]:
    """Within the block, freed memory is kept for reuse; after it, given back to the system."""
    global _depth
    libc = _glibc()
    if libc is None:
        yield
        return
    if _depth == 0:
        keep_freed_memory()
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            libc.mallopt(_M_MMAP_MAX, _DEFAULT_MMAP_MAX)
            libc.mallopt(_M_TRIM_THRESHOLD, _DEFAULT_TRIM_THRESHOLD)
            libc.malloc_trim(0)
