"""What bounds two shards: a one-process year's CPU by party, and the speed-up it allows.

A sharded run splits only the stores' work (and, in the shared chain, the planners' store
rows, which the shards keep). Every other party runs in the main process after the stores'
orders or reports and before the next morning's deliveries, so it cannot overlap the stores'
days; the stores' demand, drawn ahead in threads, can fill the other core meanwhile. On ``C``
cores, with no cost of sharding's own, a day then takes at least the longer of the whole
day's CPU over ``C`` and the upstream work plus the stores' work other than the draws over
``C``. This benchmark measures those parts in one process and prints that bound beside the
issue's target (1.8× on two cores):

- each party's CPU, the engine's phases wrapped with CPU clocks (one process, no Ray);
- the planners' store rows (:class:`crossdock.parties._planner_rows.PlannerRows`), wrapped
  the same way, in the same run;
- the year's demand draws alone (:class:`crossdock.demand.DemandModel`, every store).

What sharding adds (Ray's calls, the cut and merge, two processes sharing a cache) comes on
top: ``bench_shards.py`` measures it. Run alone: ``.venv/bin/python benchmarks/run.py bound``
or ``.venv/bin/python benchmarks/bench_bound.py [--days 365] [--modes traditional,shared]
[--generators philox,pcg64] [--cores 2]``.
"""

from __future__ import annotations

import collections
import functools
import time
from collections.abc import Callable
from typing import Any

from _compiles import measured
from bench_shards import SKUS, STORES, _scenario

DAYS = 365
TARGET = 1.8


def _timed(
    clock: collections.defaultdict[str, float], name: str, action: Callable[..., Any]
) -> Any:
    """``action``, its CPU seconds added to ``clock[name]``."""

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return action(*args, **kwargs)
        finally:
            clock[name] += time.process_time() - started

    return timed


def _party(action: Callable[[int], None]) -> str:
    """The class name of the party whose phase method ``action`` is."""
    return type(action.__self__).__name__  # type: ignore[attr-defined]


def _year(mode: str, scenario: Any) -> tuple[float, collections.defaultdict[str, float], float]:
    """One process's run: its CPU, the CPU by party, and the planners' store rows' CPU."""
    from crossdock.engine import Engine
    from crossdock.parties import _planner_rows
    from crossdock.recipes import build_chain

    days = scenario.horizon_days
    rows: collections.defaultdict[str, float] = collections.defaultdict(float)
    methods = ("learn", "planned_lead", "order", "ordered")
    kept = {name: getattr(_planner_rows.PlannerRows, name) for name in methods}
    for name, method in kept.items():
        setattr(_planner_rows.PlannerRows, name, _timed(rows, "rows", method))
    try:
        chain = build_chain(scenario, mode, days=days, seed=scenario.seed)
        engine = Engine(chain.parties)
        parties: collections.defaultdict[str, float] = collections.defaultdict(float)
        engine.schedule = [
            (phase, [_timed(parties, _party(a), a) for a in actions])
            for phase, actions in engine.schedule
        ]
        started = time.process_time()
        engine.run(days)
        total = time.process_time() - started
    finally:
        for name, method in kept.items():
            setattr(_planner_rows.PlannerRows, name, method)
    return total, parties, rows["rows"]


def _draws(scenario: Any) -> float:
    """CPU seconds of the year's demand draws alone, every store (the kernels loaded first)."""
    from crossdock.demand import DemandModel

    DemandModel(scenario, scenario.seed).daily(0)
    model = DemandModel(scenario, scenario.seed)
    started = time.process_time()
    for day in range(scenario.horizon_days):
        model.daily(day)
    return time.process_time() - started


def bound(total: float, split: float, draws: float, cores: int) -> float:
    """The speed-up on ``cores`` cores allowed by a day's serial part (see the module)."""
    serial = total - split
    return total / max(total / cores, serial + (split - draws) / cores)


def main(
    days: int = DAYS,
    modes: tuple[str, ...] = ("traditional", "shared"),
    generators: tuple[str, ...] = ("philox", "pcg64"),
    cores: int = 2,
) -> None:
    for generator in generators:
        scenario = _scenario(days, generator)
        for mode in modes:  # kernels loaded from Numba's cache (a new cache: see measured)
            _year(mode, _scenario(3, generator))
        draws = measured(functools.partial(_draws, scenario), f"{generator}'s draws")
        for mode in modes:
            total, parties, rows = measured(
                functools.partial(_year, mode, scenario), f"{mode}, {generator}"
            )
            stores = parties["Stores"]
            split = stores + rows
            upstream = total - split
            print(
                f"{mode}, {generator}, {STORES} × {SKUS:,} × {days}: one process {total:.2f} s of CPU; "
                f"stores {stores:.2f} s (draws alone {draws:.2f} s), planners' store rows "
                f"{rows:.2f} s, the rest {upstream:.2f} s ({100 * upstream / total:.0f}%)",
                flush=True,
            )
            parties["Planners"] -= rows  # (their store rows are split by the shards)
            others = ", ".join(
                f"{name} {seconds:.2f}"
                for name, seconds in sorted(parties.items(), key=lambda item: -item[1])
                if name != "Stores" and seconds >= 0.01
            )
            print(f"  the rest by party, CPU s (the planners' but their store rows): {others}")
            allowed = bound(total, split, draws, cores)
            verdict = "reachable" if allowed >= TARGET else "out of reach"
            print(
                f"  bound on {cores} cores, with nothing added by sharding: {allowed:.2f}× "
                f"(target {TARGET}×: {verdict} by the serial part alone)",
                flush=True,
            )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=DAYS, help="days simulated (default 365)")
    parser.add_argument("--modes", default="traditional,shared", help="comma-separated modes")
    parser.add_argument(
        "--generators", default="philox,pcg64", help="comma-separated demand generators"
    )
    parser.add_argument("--cores", type=int, default=2, help="cores the bound is worked for")
    args = parser.parse_args()
    main(args.days, tuple(args.modes.split(",")), tuple(args.generators.split(",")), args.cores)
