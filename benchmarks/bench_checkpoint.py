"""Checkpoints: what saving the whole state every N days costs, its size, and resuming.

Each scenario runs in a fresh subprocess (shared mode): once without checkpoints, once saving
every ``EVERY`` days (and after the last), then a resume from the last checkpoint (which
loads and checks it and simulates nothing). CPU time of the process, so that a loaded
machine's noise stays out; the file is written to a temporary folder and removed.

``--shards N`` checkpoints a sharded run instead (the main process's file and a part per
shard, written by each shard's process): a run of ``--days`` days saving every ``--every``
days is stopped after the day past its first checkpoint, resumed to the end, and compared
with an unbroken sharded run (every KPI). Wall time of each save (the shards write their
parts at once), the files' sizes, and the main process's peak memory. ``--scenario FILE``
runs a scenario file (the national chain: ``.bench/chain-5000x20000x25x7dc-philox.yaml``,
written by ``make bench-national``); by default a generated 200 × 2,000 chain. Run alone:
``.venv/bin/python benchmarks/bench_checkpoint.py --shards 2 [--scenario FILE] [--days 20]
[--every 10] [--compression lz4|zstd]``.

The 200 × 2,000 run is measured with each checkpoint compression (none, ``lz4``, ``zstd``):
the same state in fewer bytes, for the time to compress it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

EVERY = 30

WORKER = r"""
import json, sys, tempfile, time
from pathlib import Path
import crossdock.checkpoint as checkpoint
from crossdock import load_scenario, simulate
from crossdock.scenario import generate_scenario

saves = []  # CPU seconds of each checkpoint written, timed where it is written
after_day = checkpoint.Checkpoints.after_day

def timed(self, chain, day):
    started = time.process_time()
    saved = after_day(self, chain, day)
    if saved:
        saves.append(time.process_time() - started)
    return saved

checkpoint.Checkpoints.after_day = timed

kind, days, every, codec = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
if kind == "default":
    sc = load_scenario()
else:
    sc = generate_scenario(n_stores=200, n_skus=2000, n_platforms=4, horizon_days=days)
days = days or sc.horizon_days
options = {"mode": "shared", "days": days}
# what the first run of a process loads (kernels, modules) before anything is timed: else the
# plain run, timed first, pays it and a save looks cheaper than nothing
simulate(sc, mode="shared", days=2, warm_up=0)
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "run.pickle"
    t0 = time.process_time()
    simulate(sc, **options)
    plain = time.process_time() - t0
    t0 = time.process_time()
    simulate(
        sc, checkpoint=path, checkpoint_every=every, checkpoint_compression=codec, **options
    )
    saving = time.process_time() - t0
    size = path.stat().st_size
    t0 = time.process_time()
    simulate(sc, checkpoint=path, resume=True, **options)
    resumed = time.process_time() - t0
print(json.dumps({
    "stores": sc.n_stores, "skus": sc.n_skus, "days": days, "plain_s": plain,
    "saving_s": saving, "saves": saves, "bytes": size, "resume_s": resumed,
}))
"""


def measure(kind: str, days: int, codec: str = "none") -> dict:
    done = subprocess.run(
        [sys.executable, "-c", WORKER, kind, str(days), str(EVERY), codec],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


SHARDED = r"""
import json, resource, sys, tempfile, time, warnings
from pathlib import Path
warnings.simplefilter("ignore")
import crossdock.checkpoint as checkpoint
from crossdock import load_scenario, simulate
from crossdock.scenario import generate_scenario

source, days, every, shards = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
codec = sys.argv[5]
if source:
    sc = load_scenario(source)
else:
    sc = generate_scenario(n_stores=200, n_skus=2000, n_platforms=4, horizon_days=days)
saves = []
after_day = checkpoint.Checkpoints.after_day

def timed(self, chain, day):
    started = time.perf_counter()
    saved = after_day(self, chain, day)
    if saved:
        files = [p for p in self.path.parent.iterdir() if not p.name.endswith(".tmp")]
        saves.append((day, time.perf_counter() - started, sum(p.stat().st_size for p in files)))
    return saved

checkpoint.Checkpoints.after_day = timed

class Stop(Exception):
    pass

def stop_after(day):
    def on_day(done):
        if done == day:
            raise Stop
    return on_day

options = {"mode": "shared", "days": days, "warm_up": 0, "shards": shards}
started = time.perf_counter()
whole = simulate(sc, **options)
plain = time.perf_counter() - started
with tempfile.TemporaryDirectory() as folder:
    saved = {
        "checkpoint": Path(folder) / "run.pickle",
        "checkpoint_every": every,
        "checkpoint_compression": codec,
    }
    try:
        simulate(sc, on_day=stop_after(every + 1), **saved, **options)
    except Stop:
        pass
    started = time.perf_counter()
    resumed = simulate(sc, resume=True, **saved, **options)
    rest = time.perf_counter() - started
print(json.dumps({
    "stores": sc.n_stores, "skus": sc.n_skus, "days": days, "shards": shards, "plain_s": plain,
    "saves": saves, "resumed_s": rest, "same": resumed.kpis == whole.kpis,
    "kpis": len(whole.kpis), "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
}))
"""


def sharded(scenario: str, days: int, every: int, shards: int, codec: str) -> None:
    """Checkpoints of a sharded run: each save's wall time and size, a resume, the KPIs."""
    done = subprocess.run(
        [sys.executable, "-c", SHARDED, scenario, str(days), str(every), str(shards), codec],
        capture_output=True,
        text=True,
        check=True,
    )
    r = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"shared, {r['stores']} x {r['skus']} x {r['days']} days in {r['shards']} shards, "
        f"checkpoints compressed: {codec}: {r['plain_s']:.1f} s wall unbroken"
    )
    for day, seconds, size in r["saves"]:
        print(f"  checkpoint after day {day}: {seconds:.1f} s wall, {size / 1e9:.2f} GB on disk")
    print(
        f"  stopped after day {every + 1}, resumed from day {every} to the end in "
        f"{r['resumed_s']:.1f} s wall; {r['kpis']} KPIs "
        f"{'identical' if r['same'] else 'DIFFERENT'} to the unbroken run's; main process's "
        f"peak {r['peak_gb']:.1f} GB"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shards", type=int, default=1, help="checkpoint a sharded run")
    parser.add_argument("--scenario", default="", help="a scenario file (with --shards)")
    parser.add_argument("--days", type=int, default=20, help="with --shards (default 20)")
    parser.add_argument("--every", type=int, default=10, help="with --shards (default 10)")
    parser.add_argument(
        "--compression", default="none", choices=("none", "lz4", "zstd"), help="with --shards"
    )
    args = parser.parse_args(argv or [])  # (make bench calls main() with no arguments)
    if args.shards > 1:
        sharded(args.scenario, args.days, args.every, args.shards, args.compression)
        return
    print(
        f"{'scenario (shared)':<24}{'stored':>7}{'run s':>8}{f'every {EVERY} d':>12}"
        f"{'per save':>10}{'file MB':>9}{'B/cell':>8}{'resume s':>10}"
    )
    runs = [("default", 0, "none")] + [("large", 60, codec) for codec in ("none", "lz4", "zstd")]
    for kind, days, codec in runs:
        r = measure(kind, days, codec)
        per_save = sum(r["saves"]) / len(r["saves"])
        cells = r["stores"] * r["skus"]
        label = f"{r['stores']}x{r['skus']}x{r['days']}d"
        print(
            f"{label:<24}{codec:>7}{r['plain_s']:>8.2f}{r['saving_s']:>12.2f}{per_save:>9.3f}s"
            f"{r['bytes'] / 1e6:>9.1f}{r['bytes'] / cells:>8.0f}{r['resume_s']:>10.2f}",
            flush=True,
        )
    print(
        "(CPU s; per save: the mean of each checkpoint's own CPU, the last one the largest; "
        "resume: load and check the last checkpoint, then build tables and KPIs)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
