"""Checkpoints: what saving the whole state every N days costs, its size, and resuming.

Each scenario runs in a fresh subprocess (shared mode): once without checkpoints, once saving
every ``EVERY`` days (and after the last), then a resume from the last checkpoint (which
loads and checks it and simulates nothing). CPU time of the process, so that a loaded
machine's noise stays out; the file is written to a temporary folder and removed.
"""

from __future__ import annotations

import json
import subprocess
import sys

EVERY = 30

WORKER = r"""
import json, sys, tempfile, time
from pathlib import Path
from crossdock import load_scenario, simulate
from crossdock.scenario import generate_scenario

kind, days, every = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if kind == "default":
    sc = load_scenario()
else:
    sc = generate_scenario(n_stores=200, n_skus=2000, n_platforms=4, horizon_days=days)
days = days or sc.horizon_days
options = {"mode": "shared", "days": days}
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "run.pickle"
    t0 = time.process_time()
    simulate(sc, **options)
    plain = time.process_time() - t0
    t0 = time.process_time()
    simulate(sc, checkpoint=path, checkpoint_every=every, **options)
    saving = time.process_time() - t0
    size = path.stat().st_size
    t0 = time.process_time()
    simulate(sc, checkpoint=path, resume=True, **options)
    resumed = time.process_time() - t0
print(json.dumps({
    "stores": sc.n_stores, "skus": sc.n_skus, "days": days, "plain_s": plain,
    "saving_s": saving, "saves": -(-days // every), "bytes": size, "resume_s": resumed,
}))
"""


def measure(kind: str, days: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", WORKER, kind, str(days), str(EVERY)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    print(
        f"{'scenario (shared)':<24}{'run s':>8}{f'every {EVERY} d':>12}{'per save':>10}"
        f"{'file MB':>9}{'B/cell':>8}{'resume s':>10}"
    )
    for kind, days in (("default", 0), ("large", 60)):
        r = measure(kind, days)
        per_save = (r["saving_s"] - r["plain_s"]) / r["saves"]
        cells = r["stores"] * r["skus"]
        label = f"{r['stores']}x{r['skus']}x{r['days']}d"
        print(
            f"{label:<24}{r['plain_s']:>8.2f}{r['saving_s']:>12.2f}{per_save:>9.3f}s"
            f"{r['bytes'] / 1e6:>9.1f}{r['bytes'] / cells:>8.0f}{r['resume_s']:>10.2f}",
            flush=True,
        )
    print("(CPU s; resume: load and check the last checkpoint, then build tables and KPIs)")


if __name__ == "__main__":
    main()
