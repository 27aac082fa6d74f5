"""A national chain: 5,000 stores × 20,000 SKUs × 25 platforms, both modes (``make bench-national``).

Not part of ``make bench`` (it takes up to an hour); run it with ``make bench-national`` or
``.venv/bin/python benchmarks/bench_national.py [--days 30] [--stores 5000] [--skus 20000]
[--demand-generator philox] [--shards 2]``.

1. Writes the scenario with ``crossdock scenario generate`` (kept under ``.bench/``), with
   ``--dcs`` regional DCs (default 7, the generator's own choice for 5,000 stores: each store
   served by its nearest DC, so the traditional chain routes some 170 to 1,300 stops per DC
   instead of 5,000 from one). ``--routing-workers N`` routes each day's depots N at a time
   on Ray (the results do not change; CPU time then counts the driver only).
2. Probes memory: each mode runs ``--days`` days on two small chains with the same SKUs and
   platforms (``--stores`` / 50 and / 25 stores), each in its own process; the peak resident
   memory (VmHWM) of the two gives bytes per store × SKU cell and a fixed part, and so the
   national run's predicted peak. It is a lower bound: on 2026-12-03 the traditional probes
   predicted 10.7 GB and the national run peaked at 18.1 GB (small probes' peaks come partly
   from loading, not from the daily arrays).
3. Runs the national chain for ``--days`` days in each mode whose prediction fits in
   ``--memory-gb`` (default: 80% of the machine's memory), each in its own process, and prints
   CPU time, wall time, peak memory, store-SKU-days per CPU second and a linear extrapolation
   to the scenario's 365 days (said as such; with ``--days 365`` the year is measured, and said
   so). A mode that would not fit is reported with its
   prediction and not run, so the machine is never driven into swap. With ``--shards N`` the
   national run's stores are split into N shards (``simulate(shards=N)``, local Ray): it
   prints the wall time, the main process's CPU and peak, and the memory in use on the
   machine at its peak (every process of the run), the actors' own CPU being apart.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".bench"

WORKER = r"""
import json, sys, threading, time
from crossdock import load_scenario, simulate
from crossdock._allocator import given_back, given_back_in_actors

path, mode, days, routing = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
shards = int(sys.argv[5])


def in_use():
    info = dict(line.split(":") for line in open("/proc/meminfo"))
    return (int(info["MemTotal"].split()[0]) - int(info["MemAvailable"].split()[0])) * 1024


machine = [in_use()]  # the memory in use on the machine, at its peak (every process of the run)
done = threading.Event()


def watch():
    while not done.wait(0.5):
        machine[0] = max(machine[0], in_use())


threading.Thread(target=watch, daemon=True).start()
c0, t0 = time.process_time(), time.perf_counter()
sc = load_scenario(path)
load_cpu = time.process_time() - c0
c1, t1 = time.process_time(), time.perf_counter()
result = simulate(sc, mode=mode, days=days, warm_up=0, routing_workers=routing, shards=shards)
cpu, wall = time.process_time() - c1, time.perf_counter() - t1
done.set()
peak = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({
    "stores": sc.n_stores, "skus": sc.n_skus, "days": days, "load_cpu": load_cpu,
    "cpu": cpu, "wall": wall, "peak_bytes": peak, "fill_rate": result.kpis["fill_rate"],
    "machine_peak_bytes": max(machine[0], in_use()),
    "given_back": given_back,
    "given_back_in_actors": given_back_in_actors,
}))
"""


def scenario(stores: int, skus: int, platforms: int, dcs: int, generator: str = "pcg64") -> Path:
    """The generated scenario file for this size (written once, then reused)."""
    tag = "" if generator == "pcg64" else f"-{generator}"
    path = CACHE / f"chain-{stores}x{skus}x{platforms}x{dcs}dc{tag}.yaml"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        started = time.perf_counter()
        subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "crossdock"),
                "scenario",
                "generate",
                "--stores",
                str(stores),
                "--skus",
                str(skus),
                "--platforms",
                str(platforms),
                "--dcs",
                str(dcs),
                "--demand-generator",
                generator,
                "-o",
                str(path),
            ],
            check=True,
            capture_output=True,
        )
        print(
            f"wrote {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:.1f} MB) "
            f"in {time.perf_counter() - started:.1f} s"
        )
    return path


def run(path: Path, mode: str, days: int, routing_workers: int = 1, shards: int = 1) -> dict:
    """One run in its own process (so its peak memory is its own)."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            WORKER,
            str(path),
            mode,
            str(days),
            str(routing_workers),
            str(shards),
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["killed"])[-1]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> None:
    """Probe, predict, and run the national chain in each mode that fits."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=5000)
    parser.add_argument("--skus", type=int, default=20000)
    parser.add_argument("--platforms", type=int, default=25)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--modes", default="traditional,shared", help="comma-separated modes")
    parser.add_argument("--dcs", type=int, default=7, help="regional DCs (default 7)")
    parser.add_argument("--routing-workers", type=int, default=1)
    parser.add_argument(
        "--shards",
        type=int,
        default=1,
        help="run the national chain's stores in N shards (the probes run in one process)",
    )
    parser.add_argument(
        "--demand-generator",
        default="pcg64",
        choices=("pcg64", "philox"),
        help="the scenario's demand generator (default pcg64, the scenarios' default)",
    )
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    parser.add_argument("--memory-gb", type=float, default=0.8 * total / 1e9)
    args = parser.parse_args(argv)
    limit = args.memory_gb * 1e9
    cells = args.stores * args.skus
    print(
        f"national chain: {args.stores:,} stores x {args.skus:,} SKUs x {args.platforms} "
        f"platforms, {args.dcs} DCs = {cells / 1e6:,.0f} M cells, {args.demand_generator} "
        f"demand; {args.days} days; memory limit "
        f"{args.memory_gb:.1f} GB; load average {os.getloadavg()[0]:.2f}"
    )
    generator = args.demand_generator
    national = scenario(args.stores, args.skus, args.platforms, args.dcs, generator)
    small = [max(args.platforms, args.stores // d) for d in (50, 25)]
    # the probes keep the DCs too: a DC's stock is part of the fixed memory, not per store
    probes = [scenario(n, args.skus, args.platforms, args.dcs, generator) for n in small]
    for mode in args.modes.split(","):
        # a throwaway run of the small probe first: after an edit, Numba compiles the kernels
        # (and caches them) in whichever process first calls them, and a probe paying for it
        # made the two probes' difference meaningless (2026-12-07: 36 bytes a cell, and the
        # marginal rate printed as 60,000,000,000 M a CPU second)
        run(probes[0], mode, 2)
        a, b = (run(p, mode, args.days) for p in probes)
        if "error" in a or "error" in b:
            print(f"{mode}: probe failed: {a.get('error') or b.get('error')}")
            continue
        per_cell = (b["peak_bytes"] - a["peak_bytes"]) / ((b["stores"] - a["stores"]) * args.skus)
        fixed = a["peak_bytes"] - per_cell * a["stores"] * args.skus
        predicted = fixed + per_cell * cells
        # the marginal rate: what one more store costs, start-up and fixed parties aside
        rate = (b["stores"] - a["stores"]) * args.skus * args.days / max(b["cpu"] - a["cpu"], 1e-9)
        print(
            f"{mode}: probes at {a['stores']} and {b['stores']} stores: {per_cell:,.0f} bytes "
            f"per cell + {fixed / 1e9:.2f} GB; {rate / 1e6:.2f} M store-SKU-days per CPU s "
            f"at the margin; "
            f"national peak predicted {predicted / 1e9:,.1f} GB"
        )
        if predicted > limit:
            hours = cells * 365 / rate / 3600
            print(
                f"{mode}: NOT RUN: the prediction exceeds {args.memory_gb:.1f} GB "
                f"(a year would also take about {hours:,.1f} h of CPU at the probes' rate)"
            )
            continue
        r = run(national, mode, args.days, args.routing_workers, args.shards)
        if "error" in r:
            print(f"{mode}: national run failed: {r['error']}")
            continue
        if args.shards > 1:  # CPU and peak are the main process's; the actors' are apart
            print(
                f"{mode}: national, {args.days} days in {args.shards} shards MEASURED: "
                f"{r['wall']:,.0f} s wall (+{r['load_cpu']:,.0f} s to load the scenario); "
                f"the main process {r['cpu']:,.0f} s CPU, peak {r['peak_bytes'] / 1e9:,.1f} GB "
                f"({r['peak_bytes'] / cells:,.0f} bytes per cell; kept memory given back "
                f"{r['given_back']['fragmented']} times for fragments, "
                f"{r['given_back']['short']} times for a short machine; by the actors "
                f"{r['given_back_in_actors']['fragmented']} and "
                f"{r['given_back_in_actors']['short']} times); "
                f"memory in use on the machine at most {r['machine_peak_bytes'] / 1e9:,.1f} GB; "
                f"fill rate {r['fill_rate']:.2%}; {_year(r['wall'], args.days, 'wall time')}"
            )
            continue
        days_per_s = cells * args.days / r["cpu"]
        print(
            f"{mode}: national, {args.days} days MEASURED: {r['cpu']:,.0f} s CPU, "
            f"{r['wall']:,.0f} s wall (+{r['load_cpu']:,.0f} s to load the scenario), peak "
            f"{r['peak_bytes'] / 1e9:,.1f} GB ({r['peak_bytes'] / cells:,.0f} bytes per cell), "
            f"{days_per_s / 1e6:.2f} M store-SKU-days per CPU s, fill rate "
            f"{r['fill_rate']:.2%}; {_year(r['cpu'], args.days, 'CPU')}"
        )


def _year(seconds: float, days: int, what: str) -> str:
    """A year's hours of ``what``: measured if the run was a year or more, else extrapolated."""
    if days >= 365:
        return f"the {days} days MEASURED: {seconds / 3600:,.2f} h of {what}"
    return f"a year EXTRAPOLATED linearly: {seconds / days * 365 / 3600:,.2f} h of {what}"


if __name__ == "__main__":
    main()
