"""Memory: peak bytes per store-SKU cell at three sizes, and memory as the days go by.

Each measurement runs in a fresh subprocess. The worker first runs a tiny simulation so that
every module is imported and every lazy table is built, then resets the kernel's peak-RSS
mark (``/proc/self/clear_refs``), so the figures count what the run itself needs:

- **peak bytes per cell**: (peak RSS of ``simulate()`` − RSS just before it) / (stores × SKUs),
  tables and KPIs included, over a short horizon, at three sizes, and the **marginal** bytes
  per cell between the two largest (what each extra cell costs, without the fixed part);
- **memory in days**: the RSS after the engine's day 30 and after its last day of a long run,
  and the whole run's peak, so growth per day shows (``MB/day``); then, after the run (tables
  and KPIs built), how much of the RSS is anonymous memory and how much is the ledger's spilled
  days mapped from their files (clean pages the kernel can drop), and the spilled bytes.

Run alone with ``.venv/bin/python benchmarks/run.py memory``. ``CROSSDOCK_BENCH_MEMORY_DAYS``
sets the long run's length (default 365); ``CROSSDOCK_BENCH_MEMORY_REPEAT`` how many runs of
each short size give the lowest peak (default 3).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

WORKER = r"""
import gc, json, os, sys
from crossdock import simulate
from crossdock.scenario import generate_scenario

stores, skus, days, mode = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def kib(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(key))


warm = generate_scenario(n_stores=2, n_skus=20, n_platforms=1, horizon_days=5)
# the warm-up loads Numba and the compiled kernels too (about 130 MB of RSS, most of it
# llvmlite's library), as it loads every other module: an import, not the run's memory
# (unless CROSSDOCK_NUMBA=0 asks for the NumPy path)
user = os.environ.get("CROSSDOCK_NUMBA")
if user is None:
    os.environ["CROSSDOCK_NUMBA"] = "1"
simulate(warm, mode=mode, days=5, warm_up=0)
if user is None:
    del os.environ["CROSSDOCK_NUMBA"]
sc = generate_scenario(
    n_stores=stores, n_skus=skus, n_platforms=max(1, stores // 50), horizon_days=days
)
del warm
gc.collect()
with open("/proc/self/clear_refs", "w") as f:  # reset VmHWM to the current RSS
    f.write("5")
base = kib("VmRSS")
at = {}


def on_day(day):
    if day in (30, days):
        at[day] = kib("VmRSS")


anon, mapped = kib("RssAnon"), kib("RssFile")
result = simulate(sc, mode=mode, days=days, warm_up=0, on_day=on_day)
print(json.dumps({
    "stores": stores, "skus": skus, "days": days, "mode": mode, "base": base,
    "peak": kib("VmHWM"), "at": at, "anon": kib("RssAnon") - anon, "file": kib("RssFile") - mapped,
    "spilled": getattr(result.ledger, "spilled_bytes", 0),
}))
"""

MODES = ("traditional", "shared")
SIZES = ((50, 1000), (100, 2000), (200, 2000))
SHORT_DAYS = 30


def measure(stores: int, skus: int, days: int, mode: str) -> dict:
    """One run's figures (bytes), from a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(stores), str(skus), str(days), mode],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    long_days = int(os.environ.get("CROSSDOCK_BENCH_MEMORY_DAYS", "365"))
    repeat = int(os.environ.get("CROSSDOCK_BENCH_MEMORY_REPEAT", "3"))
    mb = 2**20
    print(
        f"peak bytes per store-SKU cell ({SHORT_DAYS} days, tables and KPIs included; "
        f"lowest of {repeat} runs)"
    )
    print(f"{'stores x SKUs':<16}{'mode':<13}{'base MB':>9}{'peak MB':>9}{'B/cell':>9}")
    peaks: dict[tuple[int, int, str], int] = {}
    for stores, skus in SIZES:
        for mode in MODES:
            # the lowest of a few runs: one run's peak moves by a few MB with the allocator's
            # timing, which the marginal bytes per cell magnify (5 MB is 25 B a cell)
            r = min(
                (measure(stores, skus, SHORT_DAYS, mode) for _ in range(repeat)),
                key=lambda run: run["peak"] - run["base"],
            )
            peaks[stores, skus, mode] = r["peak"] - r["base"]
            per_cell = (r["peak"] - r["base"]) / (stores * skus)
            print(
                f"{f'{stores} x {skus}':<16}{mode:<13}{r['base'] / mb:>9.0f}"
                f"{r['peak'] / mb:>9.0f}{per_cell:>9.0f}"
            )
    (s1, k1), (s2, k2) = SIZES[1], SIZES[2]
    for mode in MODES:
        extra = peaks[s2, k2, mode] - peaks[s1, k1, mode]
        print(
            f"marginal, {mode}: {extra / (s2 * k2 - s1 * k1):.0f} B per extra cell "
            f"({s1} x {k1} -> {s2} x {k2}; what a bigger chain pays per cell)"
        )
    stores, skus = SIZES[1]
    print(f"\nmemory in days ({stores} x {skus}; RSS over the pre-run baseline, MB)")
    print(
        f"{'mode':<13}{'day 30':>9}{f'day {long_days}':>10}{'MB/day':>9}{'peak':>9}"
        f"{'B/cell':>9}{'anon':>9}{'mapped':>9}{'spilled':>9}"
    )
    for mode in MODES:
        r = measure(stores, skus, long_days, mode)
        early = (r["at"]["30"] - r["base"]) / mb
        late = (r["at"][str(long_days)] - r["base"]) / mb
        peak = (r["peak"] - r["base"]) / mb
        print(
            f"{mode:<13}{early:>9.0f}{late:>10.0f}{(late - early) / (long_days - 30):>9.2f}"
            f"{peak:>9.0f}{peak * mb / (stores * skus):>9.0f}{r['anon'] / mb:>9.0f}"
            f"{r['file'] / mb:>9.0f}{r['spilled'] / mb:>9.0f}"
        )
    print(
        "B/cell: (peak RSS of simulate() - RSS before it) / (stores x SKUs); day N: RSS after "
        "the engine's day N; peak: the whole run's, tables and KPIs included; anon: anonymous "
        "memory gained by the end of simulate() (tables, KPIs, state); mapped: file pages gained "
        "(mostly the spilled ledger, read back for the tables); "
        "spilled: the ledger's bytes in mapped files."
    )


if __name__ == "__main__":
    main()
