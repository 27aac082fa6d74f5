"""Numba compiling inside a timed run: seen, said, and the run measured again.

Numba keeps the compiled kernels in an on-disk cache, which a fresh clone (or an edit of a
kernel's module) starts without: the first run that reaches a kernel with a new signature
compiles it, seconds of CPU each. A warm-up run loads most kernels, but not those a short or
small run never reaches (a DC's rationing, say, on the first day some SKU runs short), so a
benchmark on a new cache could time compiling as the engine's work: on 2026-12-07, the first
`make bench` of a fresh clone gave the traditional chain's DCs 10.2 s of a year instead of
1.6 s. Numba announces each compile (cache misses only, not loads from the cache) as a
``numba:compile`` event; :func:`measured` times a run with a listener on them, and runs it
again when any compile happened in it, saying so.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

#: runs of one measurement at most (a run compiles only what the runs before it did not)
ATTEMPTS = 3


@contextmanager
def compiling() -> Iterator[list[float]]:
    """The wall seconds of each outermost Numba compile in the block (empty: none).

    A kernel's compile compiles the functions it calls, each with its own event inside the
    kernel's: only the outermost are counted. (Compiles hold Numba's global lock, so the
    events of the threads that draw demand ahead do not interleave.)
    """
    from numba.core import event

    seconds: list[float] = []

    class Compiles(event.Listener):  # type: ignore[misc]
        depth = 0
        started = 0.0

        def on_start(self, _: object) -> None:
            if self.depth == 0:
                self.started = time.perf_counter()
            self.depth += 1

        def on_end(self, _: object) -> None:
            self.depth -= 1
            if self.depth == 0:
                seconds.append(time.perf_counter() - self.started)

    with event.install_listener("numba:compile", Compiles()):
        yield seconds


def measured(run: Callable[[], T], what: str) -> T:
    """``run()``'s result, from a run in which Numba compiled nothing (said when it did)."""
    for _ in range(ATTEMPTS - 1):
        with compiling() as seconds:
            result = run()
        if not seconds:
            return result
        print(
            f"  ({what}: Numba compiled {len(seconds)} kernel(s), {sum(seconds):.1f} s, during "
            "the run — a new cache — so it is measured again)",
            flush=True,
        )
    return run()


def figures_of(stdout: str) -> Any:
    """A benchmark worker's figures (its last line, JSON), its notes above them printed."""
    *notes, figures = stdout.strip().splitlines()
    for note in notes:  # (a run measured again, say)
        print(note, flush=True)
    return json.loads(figures)
