"""The memory a run needs at its peak, estimated before it starts, against what the machine has.

A national chain (5,000 stores × 20,000 SKUs) needs 10 to 15 GB. On a machine with less
memory available, the system's out-of-memory killer would stop the run after it had worked
for a while, with no message and no results. :func:`warn_if_short` says so before the first
day, as a :class:`MemoryWarning` (the command line prints it as a ``warning:`` line). It is an
estimate, not a limit: the run goes on.

The estimate is :data:`FIXED_BYTES` plus :data:`BYTES_PER_CELL` for each store × SKU cell. The
figures per cell are the national years measured on 2026-12-07, the whole machine's memory at
its peak in two shards (both processes and Ray's): 10.3 GB traditional and 14.7 GB shared for
100 million cells (docs/benchmarks.md, "The twentieth round"). A run in one process needs
less, and the days do not change it (the state is flat in days). The fixed part is the
interpreter, NumPy, pyarrow, Numba's kernels and a small chain's arrays: about 0.4 GB at the
peak of a 200 × 2,000 run.
"""

from __future__ import annotations

import warnings

from crossdock._allocator import meminfo
from crossdock.errors import CrossdockWarning

__all__ = [
    "BYTES_PER_CELL",
    "FIXED_BYTES",
    "MemoryWarning",
    "available_bytes",
    "peak_bytes",
    "warn_if_short",
]

#: Bytes at the peak before any store × SKU cell.
FIXED_BYTES = 500 * 1024 * 1024
#: Bytes at the peak per store × SKU cell, by the chain's settings.
BYTES_PER_CELL = {"traditional": 105, "shared": 150}


class MemoryWarning(CrossdockWarning):
    """A run that looks too large for the memory the machine has available."""


def peak_bytes(stores: int, skus: int, settings: str) -> int:
    """The estimated peak memory of a run of ``stores`` × ``skus`` with these settings."""
    per_cell = BYTES_PER_CELL.get(settings, max(BYTES_PER_CELL.values()))
    return FIXED_BYTES + per_cell * stores * skus


def available_bytes() -> int | None:
    """Memory the machine has available for a new process (``MemAvailable``); None if unknown."""
    available = meminfo().get("MemAvailable")
    return None if available is None else available * 1024


def warn_if_short(stores: int, skus: int, settings: str) -> bool:
    """Warn (:class:`MemoryWarning`) when the run's estimated peak exceeds the memory available.

    Returns whether it warned. Nothing is said where the machine does not tell its available
    memory.
    """
    available = available_bytes()
    if available is None:
        return False
    needed = peak_bytes(stores, skus, settings)
    if needed <= available:
        return False
    warnings.warn(
        MemoryWarning(
            f"a {settings} run of {stores:,} stores × {skus:,} SKUs needs about "
            f"{needed / 1e9:,.1f} GB of memory at its peak, and this machine has "
            f"{available / 1e9:,.1f} GB available: the system may stop it before it ends. "
            "Free memory, run it on a larger machine, or with fewer stores or SKUs "
            '(docs/benchmarks.md, "A national chain")'
        ),
        stacklevel=3,
    )
    return True
