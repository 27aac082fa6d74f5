"""Sharded runs: 2 shards against 1 on a generated 200 stores × 2,000 SKUs × 30 days scenario.

For each mode, the same run with its stores in one process (the plain path, no Ray) and in two
shards (``simulate(shards=2)``'s path: the first shard's stores in this process with the
upstream parties, the second's in a Ray actor). Printed per run: the wall time of building the
chain and simulating the days (tables and KPIs, which are the same work either way, are left
out), the CPU time of this process and of the actor, and the ratios; Ray's start-up and the
actor's start (importing crossdock, building its stores) are printed apart, as they are paid
once per run, not per day. The tables of both runs are compared too (they must be identical).

On a machine shared with other work a busy CPU, not the sharding, sets the wall-clock
speed-up, so the speed-up is also estimated from CPU times, day by day: a day of the sharded
run takes the longer of the driver's own shard and the actor's day (its process CPU, Ray's
work in it included), then the longer of the driver's other work and the actor's drawing of
tomorrow's demand. The load average is printed beside each figure.

Each is run in ``--rounds`` alternating rounds (default 3), and the round with the fastest
days is printed. Run alone: ``.venv/bin/python benchmarks/run.py shards``; ``.venv/bin/python
benchmarks/bench_shards.py --days 90 --modes traditional`` for a longer run of one mode,
``--driver-weight 0`` for every shard in an actor (three processes on two cores),
``--generator philox`` for the counter-based demand generator.
"""

from __future__ import annotations

import gc
import itertools
import os
import time
import warnings
from typing import Any

STORES, SKUS, DAYS = 200, 2000, 30


def _scenario(days: int, generator: str = "pcg64") -> Any:
    from crossdock.scenario import compile_scenario, generate_spec

    spec = generate_spec(
        n_stores=STORES, n_skus=SKUS, n_platforms=2, horizon_days=days, warm_up_days=7, seed=17
    )
    demand = spec.demand.model_copy(update={"generator": generator})
    return compile_scenario(spec.model_copy(update={"demand": demand}))


def _run(scenario: Any, mode: str, ray: Any | None, weight: float) -> dict[str, Any]:
    """One run: wall and CPU seconds (driver, actors, per day), and its tables."""
    from crossdock.engine import Engine
    from crossdock.recipes import build_chain
    from crossdock.routing import solve_pool
    from crossdock.shard import Sharding
    from crossdock.tables import build_tables

    days = scenario.horizon_days
    gc.collect()  # the last run's garbage, not this run's work
    sharding = None
    if ray is not None:
        sharding = Sharding(
            ray, 2, days=days, seed=scenario.seed, detail=False, driver_weight=weight
        )
    wall, cpu = time.perf_counter(), time.process_time()
    chain = build_chain(scenario, mode, days=days, seed=scenario.seed, override=sharding)
    built, built_cpu = time.perf_counter(), time.process_time()
    marks = [built_cpu]
    with solve_pool(sharding.solve_pool() if sharding is not None else None):
        Engine(chain.parties).run(days, lambda _: marks.append(time.process_time()))
    out: dict[str, Any] = {
        "wall": time.perf_counter() - wall,
        "build": built - wall,
        "driver_cpu": time.process_time() - cpu,
        "driver_days_cpu": time.process_time() - built_cpu,
        "driver_daily": [b - a for a, b in itertools.pairwise(marks)],
        "actors_cpu": 0.0,
        "load": os.getloadavg()[0],
    }
    if sharding is not None:
        (proxy,) = sharding.proxies
        end = sharding.finish()
        out["actors_cpu"] = sum(end) - sum(proxy.actor_cpu_at_start)
        out["busy"] = proxy.actor_busy_seconds
        out["actor_daily"] = proxy.actor_daily_seconds
        # each actor's CPU outside the stores' days and the demand drawn ahead: Ray's work
        out["actor_ray"] = [
            cpu - begun - busy["phases"] - busy["ahead"]
            for cpu, begun, busy in zip(
                end, proxy.actor_cpu_at_start, proxy.actor_busy_seconds, strict=True
            )
        ]
        out["local_daily"] = proxy.local_daily_seconds
        out["local_ahead"] = proxy.local.busy["ahead"] if proxy.local else 0.0
        out["local_demand"] = proxy.local.demand.per_day() if proxy.local else []
        out["actor_demand"] = proxy.actor_demand_seconds
        out["receive"] = proxy.receive_seconds
        out["ranges"] = proxy.ranges
    out["tables"] = build_tables(chain.ledger, scenario, chain.channel.sent_by_day)
    return out


def _estimate(run: dict[str, Any]) -> float:
    """Seconds the sharded run's days would take with a free core per process (from CPU).

    A replay, day by day, of the measured CPU seconds of each piece of work on two cores, one
    for the driver and one for the actor: the driver cuts the day's mail and calls the actor,
    runs its own shard (drawing the part of its day's demand not drawn ahead), draws its next
    day's demand while the actor is still busy, then waits for the actor and does the rest
    (merging, the upstream parties). The actor runs its stores' day (with its share of its
    process's Ray work, and the part of the day's demand not drawn ahead), and draws demand
    ahead, in day order and up to its limit, while it waits for the driver. The driver's own
    shard now draws ahead in a thread beside the upstream parties, which may run on the
    actor's core when it is idle; the replay keeps those draws on the driver's core, so it is
    an upper bound of the days' time (a lower bound of the speed-up).
    """
    from crossdock.shard import AHEAD_BYTES

    days = len(run["driver_daily"])
    first, end = run["ranges"][1]  # the actor's stores
    limit = max(1, min(days, AHEAD_BYTES // (8 * (end - first) * SKUS)))
    ray = run["actor_ray"][0] / days
    phases = [spent for spent, _ in run["actor_daily"][0]]
    draws = [cost for cost, _ in run["actor_demand"][0]]
    drawn_late = [late for _, late in run["actor_demand"][0]]
    local_draws = [cost for cost, _ in run["local_demand"]] + [0.0]
    local_late = [late for _, late in run["local_demand"]]
    cumulative = list(itertools.accumulate(draws, initial=0.0))
    driver = actor_free = ahead = ready = 0.0
    for d in range(days):
        own, filled = run["local_daily"][d]
        cut = run["receive"][d]
        rest = run["driver_daily"][d] - cut - own - filled
        driver += cut
        start = max(driver, actor_free)
        ahead = min(cumulative[min(days, d + limit)], ahead + start - actor_free)
        late = max(0.0, cumulative[d + 1] - ahead)
        ahead = max(ahead, cumulative[d + 1])
        actor_end = start + phases[d] - drawn_late[d] + ray + late
        driver += own - local_late[d] + local_draws[d] - ready
        ready = min(local_draws[d + 1], max(0.0, actor_end - driver))
        driver = max(driver + ready, actor_end) + rest
        actor_free = actor_end
    return driver


def main(
    days: int = DAYS,
    modes: tuple[str, ...] = ("traditional", "shared"),
    weight: float | None = None,
    rounds: int = 3,
    generator: str = "pcg64",
) -> None:
    """Print 2 shards against 1 for both modes: wall, CPU, ratios, and whether tables match."""
    import scipy.stats  # noqa: F401  (imported by the first run's policies otherwise)

    from crossdock.experiments._ray import ray_session
    from crossdock.recipes import RECIPES
    from crossdock.shard import INLINE_BYTES, OBJECT_STORE_BYTES, driver_weight

    warnings.simplefilter("ignore")  # the generated calendar's notes on a 30-day horizon
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()}")
    scenario = _scenario(days, generator)
    print(
        f"scenario: {STORES} stores × {SKUS:,} SKUs × {days} days, generated (seed 17), "
        f"{generator} demand"
    )
    started = time.perf_counter()
    with ray_session(2, object_store_bytes=OBJECT_STORE_BYTES, inline_bytes=INLINE_BYTES) as ray:
        print(f"Ray start-up (local, 2 CPUs): {time.perf_counter() - started:.1f} s, apart")
        for mode in modes:
            settings = RECIPES[mode].settings
            share = driver_weight(scenario, settings) if weight is None else weight
            _run(scenario, mode, None, share)  # a first run loads the kernels (Numba's cache)
            ones, twos = [], []
            for _ in range(rounds):  # alternating; the round with the fastest days is kept
                ones.append(_run(scenario, mode, None, share))
                twos.append(_run(scenario, mode, ray, share))
            one = min(ones, key=lambda r: r["wall"] - r["build"])
            two = min(twos, key=lambda r: r["wall"] - r["build"])
            same = all(one["tables"][n].equals(r["tables"][n]) for r in twos for n in one["tables"])
            if rounds > 1:
                print(
                    f"{mode:11s} days' wall in {rounds} rounds: 1 shard "
                    + ", ".join(f"{r['wall'] - r['build']:.2f}" for r in ones)
                    + " s; 2 shards "
                    + ", ".join(f"{r['wall'] - r['build']:.2f}" for r in twos)
                    + " s (the fastest of each below)"
                )
            print(f"{mode:11s} 2 shards: store rows {two['ranges']} (driver weight {share})")
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
            busy = two["busy"]
            local = sum(own for own, _ in two["local_daily"])
            filled = two["local_ahead"]  # its thread's CPU, the first days' draws included
            rest = two["driver_days_cpu"] - local - filled
            # the replay models a driver that runs a shard of its own (driver weight above 0)
            estimate = _estimate(two) if two["local_daily"] else None
            print(
                f"{mode:11s} work in the days (CPU): the main process's shard {local:.2f} s "
                f"and its demand drawn ahead {filled:.2f} s (thread CPU), the rest {rest:.2f} s (the "
                f"first day {two['driver_daily'][0]:.2f} s, against {one['driver_daily'][0]:.2f} "
                f"s for the whole first day in one process); the actor: its days {max(b['phases'] for b in busy):.2f} s, demand "
                f"drawn ahead {max(b['ahead'] for b in busy):.2f} s (thread CPU), Ray's work "
                f"{max(two['actor_ray']):.2f} s"
            )
            if estimate is not None:
                print(
                    f"{mode:11s} with a free core per process, replayed day by day: {estimate:.2f} s,"
                    f" {one['driver_days_cpu']:.2f} / {estimate:.2f} = "
                    f"{one['driver_days_cpu'] / estimate:.2f}x (estimate from CPU times, at least)"
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
    parser.add_argument(
        "--driver-weight",
        type=float,
        default=None,
        help="the driver's shard's size against the actor's (default: crossdock's; 0: none)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating runs of each (the fastest kept)"
    )
    parser.add_argument(
        "--generator",
        default="pcg64",
        choices=("pcg64", "philox"),
        help="the scenario's demand generator (default pcg64, the scenarios' default)",
    )
    args = parser.parse_args()
    main(args.days, tuple(args.modes.split(",")), args.driver_weight, args.rounds, args.generator)
