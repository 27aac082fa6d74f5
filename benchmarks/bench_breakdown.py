"""Where a run's CPU goes: compiled store × SKU kernels, demand draws, routing, and the rest.

Issue 17 asks 20 M store-SKU-days per CPU second of the engine (demand drawn apart) and 10 M
all included, at 200 stores × 2,000 SKUs × 365 days. This benchmark shows how far each part of
a run is from those figures: it runs the chain once under ``cProfile`` (in a fresh process, the
kernels loaded first) and puts each function's own CPU time, and the time of the NumPy, PyVRP
and library calls it makes, in one of four groups:

- **compiled kernels**: the Numba kernels of :mod:`crossdock._fused`, each one pass over store ×
  SKU cells (and SciPy's Poisson tail, a per-cell function of censored cells);
- **demand drawn**: :mod:`crossdock.demand` (the stores' demand for the day);
- **routing solver**: PyVRP's search, called from :func:`crossdock.routing.solve_vrp`;
- **the rest**: every other function of crossdock (Python and the NumPy calls it makes), by
  module: the parties' bookkeeping, messages, the ledger, the tables. The profiler's own cost
  falls on these many small calls, so the rest is the plain run's CPU less the three groups
  above, and its split by module is the profiled one scaled to it.

Library time is charged to the nearest crossdock function up the call graph, shared among its
callers in proportion to the time each call took. It also prints the ceilings that follow: the
cells per CPU second if only the compiled kernels ran, and with the demand draws. A plain run's
CPU (no profiler) is measured in the same process first, so the profiler's own cost shows.

Run alone: ``.venv/bin/python benchmarks/bench_breakdown.py [--days N] [--modes shared]
[--generator philox] [--stores 200] [--skus 2000]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from _compiles import figures_of

WORKER = r"""
import collections, cProfile, json, pstats, sys, time
sys.path.insert(0, __BENCHMARKS__)
from _compiles import measured
from crossdock import _fused, simulate
from crossdock.scenario import generate_scenario

mode, days, generator, stores, skus = (
    sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
)
sc = generate_scenario(n_stores=stores, n_skus=skus, n_platforms=4, horizon_days=days)
if generator != sc.spec.demand.generator:
    demand = sc.spec.demand.model_copy(update={"generator": generator})
    sc = sc.replace(spec=sc.spec.model_copy(update={"demand": demand}))
simulate(sc, mode=mode, days=3, warm_up=0)  # kernels loaded from Numba's cache

def plain_run():
    c0 = time.process_time()
    simulate(sc, mode=mode, days=days)
    return time.process_time() - c0

plain = measured(plain_run, "the plain run")  # a new cache compiles kernels the warm-up missed
profile = cProfile.Profile(time.process_time)  # CPU time: the machine may be busy
c0 = time.process_time()
profile.enable()
simulate(sc, mode=mode, days=days)
profile.disable()
profiled = time.process_time() - c0
stats = pstats.Stats(profile).stats
compiled = set(vars(_fused._compiled()))

def ours(f):
    return "/crossdock/" in f[0]

charged = collections.Counter()  # crossdock function -> seconds
def charge(f, seconds, depth=0):
    if ours(f) or depth > 30 or f not in stats:
        charged[f] += seconds
        return
    callers = stats[f][4]
    weights = {c: edge[3] for c, edge in callers.items()}
    total = sum(weights.values())
    if not total:
        charged[f] += seconds
        return
    for c, w in weights.items():
        charge(c, seconds * w / total, depth + 1)

for f, (cc, nc, tt, ct, callers) in stats.items():
    if ours(f):
        charged[f] += tt
    elif "/pyvrp/" in f[0] or f[2].startswith("<built-in method pyvrp"):
        charged[("routing-solver", 0, "pyvrp")] += tt
    elif "/scipy/" in f[0] or "pdtrc" in f[2]:
        charged[("scipy", 0, f[2])] += tt
    else:
        charge(f, tt)

groups = collections.Counter()
rest = collections.Counter()
for f, seconds in charged.items():
    path, _, name = f
    module = path.split("/crossdock/")[-1]
    if path == "routing-solver" or name == "solve_vrp":
        groups["routing solver"] += seconds
    elif path == "scipy" or (module == "_fused.py" and name in compiled):
        groups["compiled kernels"] += seconds
    elif module.startswith("demand/"):
        groups["demand drawn"] += seconds
    elif ours(f):
        groups["the rest"] += seconds
        rest[module] += seconds
    else:
        groups["unattributed"] += seconds
print(json.dumps({
    "mode": mode, "days": days, "generator": generator, "cells": stores * skus * days,
    "plain_cpu": plain, "profiled_cpu": profiled, "groups": dict(groups),
    "rest": dict(rest.most_common(12)),
}))
""".replace("__BENCHMARKS__", repr(str(Path(__file__).resolve().parent)))


def measure(mode: str, days: int, generator: str, stores: int, skus: int) -> dict:
    """One mode's breakdown, from a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", WORKER, mode, str(days), generator, str(stores), str(skus)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return figures_of(done.stdout)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--modes", default="traditional,shared")
    parser.add_argument("--generator", default="philox", help="pcg64 or philox (default)")
    parser.add_argument("--stores", type=int, default=200)
    parser.add_argument("--skus", type=int, default=2000)
    args = parser.parse_args(argv or [])  # (make bench calls main() with no arguments)
    for mode in args.modes.split(","):
        r = measure(mode, args.days, args.generator, args.stores, args.skus)
        cells, cpu = r["cells"], r["profiled_cpu"]
        print(
            f"\n{mode}, {args.stores} × {args.skus} × {args.days} days, {args.generator} demand: "
            f"{r['plain_cpu']:.2f} s of CPU ({cells / r['plain_cpu'] / 1e6:.2f} M store-SKU-days "
            f"per CPU s), {cpu:.2f} s profiled"
        )
        groups = r["groups"]
        # the profiler's own cost falls on Python calls: the compiled kernels, the draws and
        # the solver are timed as they are, and the rest is the plain run's CPU less them
        timed = ("compiled kernels", "demand drawn", "routing solver")
        rest = r["plain_cpu"] - sum(groups.get(name, 0.0) for name in timed)
        scale = rest / groups["the rest"] if groups.get("the rest") else 0.0
        for name in timed:
            seconds = groups.get(name, 0.0)
            print(f"  {name:<18}{seconds:8.2f} s  {seconds / r['plain_cpu']:6.1%}")
        print(f"  {'the rest':<18}{rest:8.2f} s  {rest / r['plain_cpu']:6.1%}, of which:")
        for module, seconds in r["rest"].items():
            print(f"    {module:<34}{seconds * scale:7.2f} s")
        kernels = groups.get("compiled kernels", 0.0)
        drawn = groups.get("demand drawn", 0.0)
        if kernels:
            print(
                f"  ceilings: the compiled kernels alone {cells / kernels / 1e6:.1f} M "
                f"store-SKU-days per CPU s (engine only); with the demand drawn "
                f"{cells / (kernels + drawn) / 1e6:.1f} M (all included)"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
