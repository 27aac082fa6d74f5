"""Engine throughput: store-SKU-days per second, run time of the default scenario, memory.

Each measurement runs in a fresh subprocess so that peak memory (max RSS) belongs to it alone.
The large runs are measured twice, with the fused Numba kernels (the default) and with
``CROSSDOCK_NUMBA=0`` (the NumPy path), in CPU time, beside a plain NumPy base-stock loop
over the same cells measured in the same run; with the kernels, with each demand generator
(``pcg64``, the scenarios' default, and the counter-based ``philox``). Run alone:
``.venv/bin/python benchmarks/bench_engine.py [--days N] [--large-only] [--repeat N]
[--generators pcg64,philox]``;
``--repeat`` runs each large run with the kernels N times, each beside its own reference run,
and prints the range and the best (for a machine whose speed drifts from run to run).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from _compiles import figures_of

WORKER = r"""
import json, sys, time
sys.path.insert(0, __BENCHMARKS__)
from _compiles import measured
from crossdock import load_scenario, simulate
from crossdock.demand import DemandModel
from crossdock.scenario import generate_scenario

kind, mode, days, generator = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
if kind == "default":
    sc = load_scenario()
else:
    sc = generate_scenario(n_stores=200, n_skus=2000, n_platforms=4, horizon_days=days)
if generator != sc.spec.demand.generator:
    demand = sc.spec.demand.model_copy(update={"generator": generator})
    sc = sc.replace(spec=sc.spec.model_copy(update={"demand": demand}))
days = days or sc.horizon_days
# the demand kernels loaded (or compiled, after an edit) before the demand is timed: what is
# subtracted from the run as its demand is then the drawing, not a compilation the run
# itself does not pay
DemandModel(sc, sc.seed).daily(0)


def draws():
    t0, c0 = time.perf_counter(), time.process_time()
    model = DemandModel(sc, sc.seed)
    for d in range(days):
        model.daily(d)
    return time.perf_counter() - t0, time.process_time() - c0


def run():
    t0, c0 = time.perf_counter(), time.process_time()
    result = simulate(sc, mode=mode, days=days)
    return result, time.perf_counter() - t0, time.process_time() - c0


# (loads from Numba's cache count, as a user's run pays them; a new cache's compiles do not)
demand_s, demand_cpu = measured(draws, "the draws")
result, total_s, total_cpu = measured(run, f"the {mode} run")
n = sc.n_stores * sc.n_skus * days
print(json.dumps({
    "kind": kind, "mode": mode, "stores": sc.n_stores, "skus": sc.n_skus, "days": days,
    "total_s": total_s, "total_cpu": total_cpu, "demand_s": demand_s,
    "demand_cpu": demand_cpu, "store_sku_days": n,
    # VmHWM: this process's own peak (ru_maxrss would include the parent's at fork)
    "max_rss_mb": next(
        int(line.split()[1]) / 1024 for line in open("/proc/self/status") if line.startswith("VmHWM")
    ),
    "fill_rate": result.kpis["fill_rate"],
}))
""".replace("__BENCHMARKS__", repr(str(Path(__file__).resolve().parent)))


BASE_STOCK = r"""
import json, sys, time
import numpy as np

# The simplest vectorised reference over the same cells: Poisson demand, sell from stock,
# order up to S in case packs, a pipeline of L days; one NumPy pass per day.
stores, skus, days = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(1)
mean = rng.gamma(0.6, 2.0, size=(stores, skus))
lead, pack = 2, 6
level = np.ceil(mean * (lead + 1) + 2.0 * np.sqrt(mean * (lead + 1))).astype(np.int64)
stock = level.copy()
pipeline = np.zeros((lead, stores, skus), dtype=np.int64)
sold = 0
c0 = time.process_time()
for day in range(days):
    stock += pipeline[day % lead]
    demand = rng.poisson(mean)
    sales = np.minimum(stock, demand)
    stock -= sales
    sold += int(sales.sum())
    position = stock + pipeline.sum(axis=0)
    order = np.maximum(level - position, 0)
    order = -(-order // pack) * pack
    pipeline[day % lead] = order
cpu = time.process_time() - c0
print(json.dumps({"cells_days_per_cpu_s": stores * skus * days / cpu, "sold": sold}))
"""


def base_stock(stores: int, skus: int, days: int) -> float:
    """Store-SKU-days per CPU second of the plain NumPy base-stock loop (the reference)."""
    done = subprocess.run(
        [sys.executable, "-c", BASE_STOCK, str(stores), str(skus), str(days)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1])["cells_days_per_cpu_s"])


def measure(kind: str, mode: str, days: int, numba: bool = True, generator: str = "pcg64") -> dict:
    """One run in a fresh process; ``numba=False`` sets ``CROSSDOCK_NUMBA=0`` (NumPy path).

    ``generator`` is the scenario's ``demand.generator`` (``pcg64``, the default, or
    ``philox``).

    Otherwise the setting is left unset, as a user has it: the kernels serve the large runs,
    and the built-in scenario (below ``crossdock._fused.MIN_CELLS`` cells) takes NumPy.
    """
    env = {k: v for k, v in os.environ.items() if k != "CROSSDOCK_NUMBA"}
    if not numba:
        env["CROSSDOCK_NUMBA"] = "0"
    done = subprocess.run(
        [sys.executable, "-c", WORKER, kind, mode, str(days), generator],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return figures_of(done.stdout)


def warm_kernels() -> None:
    """Compile the Numba kernels into their on-disk cache, so no run below pays for that."""
    code = (
        "from crossdock.scenario import generate_scenario\n"
        "from crossdock.simulate import simulate\n"
        "sc = generate_scenario(n_stores=3, n_skus=60, n_platforms=1, horizon_days=10)\n"
        "for mode in ('traditional', 'shared'):\n"
        "    simulate(sc, mode=mode, days=10, warm_up=0)\n"
    )
    env = {**os.environ, "CROSSDOCK_NUMBA": "1"}  # at any size: the warm-up run is tiny
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, env=env)


def reference() -> float | None:
    """stockpyl's node-periods per second, if its environment (.venv-ref) exists."""
    python = Path(__file__).resolve().parents[1] / ".venv-ref" / "bin" / "python"
    if not python.exists():
        return None
    script = Path(__file__).with_name("reference_stockpyl.py")
    done = subprocess.run([str(python), str(script)], capture_output=True, text=True, check=True)
    return float(json.loads(done.stdout.strip().splitlines()[-1])["node_periods_per_s"])


def _repeated(
    first: dict, first_ref: float, mode: str, days: int, repeat: int, generator: str = "pcg64"
) -> tuple[dict, float]:
    """``repeat`` runs with the kernels, each beside a reference run; the best, and the range.

    On a machine whose speed drifts, each run's ratio to the reference measured just before it
    is steadier than either figure alone. Returns the run with the least CPU and its reference.
    """
    pairs = [(first, first_ref)]
    for _ in range(repeat - 1):
        ref = base_stock(first["stores"], first["skus"], first["days"])
        pairs.append((measure("large", mode, days, generator=generator), ref))
    cells = first["store_sku_days"]
    rates = [cells / run["total_cpu"] / 1e6 for run, _ in pairs]
    engine = [cells / max(run["total_cpu"] - run["demand_cpu"], 1e-9) / 1e6 for run, _ in pairs]
    ratios = [cells / run["total_cpu"] / ref for run, ref in pairs]
    engine_ratios = [
        cells / max(run["total_cpu"] - run["demand_cpu"], 1e-9) / ref for run, ref in pairs
    ]
    print(
        f"{'':<28}{'':<13}{repeat} runs with the kernels ({generator} demand): all included "
        f"{min(rates):.2f}–{max(rates):.2f} M, engine only {min(engine):.2f}–{max(engine):.2f} M "
        f"per CPU s; ratio to the reference run beside each: {min(ratios):.2f}–{max(ratios):.2f}"
        f" / {min(engine_ratios):.2f}–{max(engine_ratios):.2f}; the best run below"
    )
    return min(pairs, key=lambda pair: pair[0]["total_cpu"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365, help="days of the large runs")
    parser.add_argument("--large-only", action="store_true", help="skip the built-in scenario")
    parser.add_argument("--modes", default="traditional,shared", help="comma-separated modes")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each large run with the kernels, each beside its own reference run "
        "(for a noisy machine: the best and the range are printed)",
    )
    parser.add_argument(
        "--generators",
        default="pcg64,philox",
        help="demand generators of the large runs with the kernels (pcg64, the default's, "
        "and philox, the counter-based one); the NumPy path runs pcg64",
    )
    args = parser.parse_args(argv or [])
    modes = args.modes.split(",")
    generators = args.generators.split(",")
    warm_kernels()
    ref = None if args.large_only else reference()
    print(
        f"{'scenario':<28}{'mode':<13}{'run s':>8}{'M s-SKU-d/s':>13}{'engine only':>13}{'peak MB':>9}"
    )
    sizes = [("200 stores x 2000 SKUs", args.days)]
    if not args.large_only:
        sizes.insert(0, ("default", 0))
    for kind, days in sizes:
        for mode in modes:
            r = measure("default" if kind == "default" else "large", mode, days)
            rate = r["store_sku_days"] / r["total_s"] / 1e6
            engine = r["store_sku_days"] / max(r["total_s"] - r["demand_s"], 1e-9) / 1e6
            label = (
                f"{kind} ({r['stores']}x{r['skus']}x{r['days']}d)" if kind == "default" else kind
            )
            print(
                f"{label:<28}{mode:<13}{r['total_s']:>8.2f}{rate:>13.2f}{engine:>13.2f}{r['max_rss_mb']:>9.0f}"
            )
            if ref and kind != "default":
                print(
                    f"{'':<28}{'':<13}{'':>8}{r['store_sku_days'] / r['total_s'] / ref:>12,.0f}x stockpyl"
                )
            if kind != "default":
                numpy_ref = base_stock(r["stores"], r["skus"], r["days"])
                if args.repeat > 1:
                    r, numpy_ref = _repeated(r, numpy_ref, mode, days, args.repeat)
                runs = [("Numba kernels", r, numpy_ref)]
                if "philox" in generators:
                    counter = measure("large", mode, days, generator="philox")
                    counter_ref = base_stock(r["stores"], r["skus"], r["days"])
                    if args.repeat > 1:
                        counter, counter_ref = _repeated(
                            counter, counter_ref, mode, days, args.repeat, "philox"
                        )
                    runs.append(("Numba kernels, philox demand", counter, counter_ref))
                runs.append(("NumPy path", measure("large", mode, days, numba=False), numpy_ref))
                for name, run, numpy_ref in runs:
                    cells = run["store_sku_days"]
                    cpu_rate = cells / run["total_cpu"]
                    engine_cpu = cells / max(run["total_cpu"] - run["demand_cpu"], 1e-9)
                    print(
                        f"{'':<28}{'':<13}{name}: CPU {run['total_cpu']:.1f} s "
                        f"(demand {run['demand_cpu']:.1f} s): all included "
                        f"{cpu_rate / 1e6:.2f} M s-SKU-d per CPU s, engine only "
                        f"{engine_cpu / 1e6:.2f} M; ratio to the plain NumPy base-stock loop "
                        f"({numpy_ref / 1e6:.2f} M/s in the same run): "
                        f"{cpu_rate / numpy_ref:.2f} / {engine_cpu / numpy_ref:.2f}; "
                        f"fill rate {run['fill_rate']:.6f}"
                    )
    if ref:
        print(
            f"reference: stockpyl 1.0.2, 3-node serial base-stock system: {ref:,.0f} node-periods/s"
        )
    elif not args.large_only:
        print("reference: stockpyl not measured (run `make bench` to create .venv-ref)")
    print(
        "run s: wall time of simulate(); M s-SKU-d/s: million store-SKU-days per second, all "
        "included; engine only: the same without drawing demand (timed separately). CPU lines: "
        "the same per CPU second of the run's process, with the kernels and with "
        "CROSSDOCK_NUMBA=0 (the same numbers: same fill rate)."
    )


if __name__ == "__main__":
    main(sys.argv[1:])
