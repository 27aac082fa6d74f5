"""Sharded runs: 2 shards against 1 on a generated 200 stores × 2,000 SKUs × 30 days scenario.

For each mode, the same run with its stores in one process (the plain path, no Ray) and in two
Ray actors (``simulate(shards=2)``'s path: the upstream parties in this process). Printed per
run: the wall time of building the chain and simulating the days (tables and KPIs, which are the
same work either way, are left out), the CPU time of this process and of the actors, and the
ratios; Ray's start-up and the actors' start (importing crossdock, building their stores) are
printed apart, as they are paid once per run, not per day. The tables of both runs are compared
too (they must be identical). The load average is printed beside each figure: on a machine shared
with other work a busy CPU, not the sharding, sets the speed-up.

Run alone: ``.venv/bin/python benchmarks/run.py shards``; ``.venv/bin/python
benchmarks/bench_shards.py --days 90 --modes traditional`` for a longer run of one mode.
"""

from __future__ import annotations

import os
import time
import warnings
from typing import Any

STORES, SKUS, DAYS = 200, 2000, 30


def _scenario(days: int) -> Any:
    from crossdock.scenario import compile_scenario, generate_spec

    spec = generate_spec(
        n_stores=STORES, n_skus=SKUS, n_platforms=2, horizon_days=days, warm_up_days=7, seed=17
    )
    return compile_scenario(spec)


def _run(scenario: Any, mode: str, ray: Any | None) -> dict[str, Any]:
    days = scenario.horizon_days
    """One run: wall and CPU seconds (driver, actors), the actors' start, and its tables."""
    from crossdock.engine import Engine
    from crossdock.recipes import build_chain
    from crossdock.shard import Sharding
    from crossdock.tables import build_tables

    sharding = Sharding(ray, 2, days=days, seed=scenario.seed, detail=False) if ray else None
    wall, cpu = time.perf_counter(), time.process_time()
    chain = build_chain(scenario, mode, days=days, seed=scenario.seed, override=sharding)
    built, built_cpu = time.perf_counter(), time.process_time()
    Engine(chain.parties).run(days)
    out = {
        "wall": time.perf_counter() - wall,
        "build": built - wall,
        "driver_cpu": time.process_time() - cpu,
        "driver_days_cpu": time.process_time() - built_cpu,
        "actors_cpu": 0.0,
        "busy": [],
        "load": os.getloadavg()[0],
    }
    if sharding is not None:
        (proxy,) = sharding.proxies
        end = sharding.finish()
        out["actors_cpu"] = sum(end) - sum(proxy.actor_cpu_at_start)
        out["busy"] = proxy.actor_busy_seconds
    out["tables"] = build_tables(chain.ledger, scenario, chain.channel.sent_by_day)
    return out


def main(days: int = DAYS, modes: tuple[str, ...] = ("traditional", "shared")) -> None:
    """Print 2 shards against 1 for both modes: wall, CPU, ratios, and whether tables match."""
    import scipy.stats  # noqa: F401  (imported by the first run's policies otherwise)

    from crossdock.experiments._ray import ray_session
    from crossdock.shard import OBJECT_STORE_BYTES

    warnings.simplefilter("ignore")  # the generated calendar's notes on a 30-day horizon
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()}")
    scenario = _scenario(days)
    print(f"scenario: {STORES} stores × {SKUS:,} SKUs × {days} days, generated (seed 17)")
    started = time.perf_counter()
    with ray_session(2, object_store_bytes=OBJECT_STORE_BYTES) as ray:
        print(f"Ray start-up (local, 2 CPUs): {time.perf_counter() - started:.1f} s, apart")
        for mode in modes:
            one = _run(scenario, mode, None)
            two = _run(scenario, mode, ray)
            same = all(one["tables"][n].equals(two["tables"][n]) for n in one["tables"])
            for shards, r in ((1, one), (2, two)):
                run = r["wall"] - r["build"]
                print(
                    f"{mode:11s} {shards} shard{'s' * (shards > 1)}: wall {r['wall']:.2f} s "
                    f"(chain built in {r['build']:.2f} s; days {run:.2f} s), CPU driver "
                    f"{r['driver_cpu']:.2f} s (days {r['driver_days_cpu']:.2f} s) + actors "
                    f"{r['actors_cpu']:.2f} s = {r['driver_cpu'] + r['actors_cpu']:.2f} s; "
                    f"load average {r['load']:.2f}"
                )
            days_one = one["wall"] - one["build"]
            days_two = two["wall"] - two["build"]
            cpu_one = one["driver_cpu"]
            cpu_two = two["driver_cpu"] + two["actors_cpu"]
            phases = max(b["phases"] for b in two["busy"])
            ahead = max(b["ahead"] for b in two["busy"])
            bound = one["driver_days_cpu"] / (two["driver_days_cpu"] + phases)
            print(
                f"{mode:11s} actors' own work: phases {phases:.2f} s and demand drawn ahead "
                f"{ahead:.2f} s (the busier actor; the rest of their CPU is Ray's); with a free "
                f"core each, a day costs the main process's days plus one actor's phases: "
                f"{one['driver_days_cpu']:.2f} / ({two['driver_days_cpu']:.2f} + {phases:.2f}) = "
                f"{bound:.2f}x (estimate from CPU times)"
            )
            print(
                f"{mode:11s} speed-up, 2 shards over 1: {one['wall'] / two['wall']:.2f}x wall "
                f"(days only: {days_one / days_two:.2f}x; target >= 1.8x on 2 idle cores), "
                f"CPU 2 shards / 1: {cpu_two / cpu_one:.2f}; tables identical: {same}"
            )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=DAYS, help="days simulated (default 30)")
    parser.add_argument("--modes", default="traditional,shared", help="comma-separated modes")
    args = parser.parse_args()
    main(args.days, tuple(args.modes.split(",")))
