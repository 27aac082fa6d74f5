"""Engine throughput: store-SKU-days per second, run time of the default scenario, memory.

Each measurement runs in a fresh subprocess so that peak memory (max RSS) belongs to it alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

WORKER = r"""
import json, sys, time
from crossdock import load_scenario, simulate
from crossdock.demand import DemandModel
from crossdock.scenario import generate_scenario

kind, mode, days = sys.argv[1], sys.argv[2], int(sys.argv[3])
if kind == "default":
    sc = load_scenario()
else:
    sc = generate_scenario(n_stores=200, n_skus=2000, n_platforms=4, horizon_days=days)
days = days or sc.horizon_days
t0 = time.perf_counter()
model = DemandModel(sc, sc.seed)
for d in range(days):
    model.daily(d)
demand_s = time.perf_counter() - t0

t0, c0 = time.perf_counter(), time.process_time()
result = simulate(sc, mode=mode, days=days)
total_s, total_cpu = time.perf_counter() - t0, time.process_time() - c0
n = sc.n_stores * sc.n_skus * days
print(json.dumps({
    "kind": kind, "mode": mode, "stores": sc.n_stores, "skus": sc.n_skus, "days": days,
    "total_s": total_s, "total_cpu": total_cpu, "demand_s": demand_s, "store_sku_days": n,
    # VmHWM: this process's own peak (ru_maxrss would include the parent's at fork)
    "max_rss_mb": next(
        int(line.split()[1]) / 1024 for line in open("/proc/self/status") if line.startswith("VmHWM")
    ),
    "fill_rate": result.kpis["fill_rate"],
}))
"""


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


def measure(kind: str, mode: str, days: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", WORKER, kind, mode, str(days)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def reference() -> float | None:
    """stockpyl's node-periods per second, if its environment (.venv-ref) exists."""
    python = Path(__file__).resolve().parents[1] / ".venv-ref" / "bin" / "python"
    if not python.exists():
        return None
    script = Path(__file__).with_name("reference_stockpyl.py")
    done = subprocess.run([str(python), str(script)], capture_output=True, text=True, check=True)
    return float(json.loads(done.stdout.strip().splitlines()[-1])["node_periods_per_s"])


def main() -> None:
    ref = reference()
    print(
        f"{'scenario':<28}{'mode':<13}{'run s':>8}{'M s-SKU-d/s':>13}{'engine only':>13}{'peak MB':>9}"
    )
    for kind, days in (("default", 0), ("200 stores x 2000 SKUs", 365)):
        for mode in ("traditional", "shared"):
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
                cpu_rate = r["store_sku_days"] / r["total_cpu"]
                print(
                    f"{'':<28}{'':<13}CPU time {r['total_cpu']:.1f} s: "
                    f"{cpu_rate / 1e6:.2f} M s-SKU-d per CPU s; plain NumPy base-stock loop "
                    f"in the same run {numpy_ref / 1e6:.2f} M/s: ratio {cpu_rate / numpy_ref:.2f}"
                )
    if ref:
        print(
            f"reference: stockpyl 1.0.2, 3-node serial base-stock system: {ref:,.0f} node-periods/s"
        )
    else:
        print("reference: stockpyl not measured (run `make bench` to create .venv-ref)")
    print(
        "run s: wall time of simulate(); M s-SKU-d/s: million store-SKU-days per second, all "
        "included; engine only: the same without drawing demand (timed separately)."
    )
