"""What two processes at once cost each other here: the machine's own ceiling for two shards.

Issue 17 asks two shards to run a year at least 1.8 times as fast as one process on this
2-core machine. That needs the two processes' CPU to be at most 2 / 1.8 = 1.11 times one
process's, with nothing else lost. Part of what they lose is the machine's, not crossdock's:
two cores share the last-level cache and the memory's bandwidth, and on a virtual machine a
core may not be a whole core of the host. This benchmark runs the same work alone, then two
copies at once (separate processes, nothing shared), and prints each copy's CPU time against
the work alone: their ratio (the inflation) and the speed-up two cores could give such work
at best (2 / inflation).

- **compute**: a Python loop (the interpreter's work, in the core's first cache);
- **memory**: NumPy streaming over two 400 MB arrays (the memory's bandwidth);
- **chain**: a traditional chain of 200 stores × 2,000 SKUs × 60 days with ``philox``
  demand, the work a shard does (compiled store × SKU kernels, Python between them).

Rounds alternate alone and two at once; the ranges over rounds are printed. Run alone:
``.venv/bin/python benchmarks/run.py cores`` or ``.venv/bin/python benchmarks/bench_cores.py
[--rounds 3] [--work compute,memory,chain]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

WORK = {
    "compute": (
        "import time\n"
        "started = time.process_time()\n"
        "total = 0\n"
        "for i in range(40_000_000):\n"
        "    total += i * i\n"
        "print(time.process_time() - started)\n"
    ),
    "memory": (
        "import time\n"
        "import numpy as np\n"
        "a = np.ones(50_000_000)\n"
        "b = np.empty_like(a)\n"
        "started = time.process_time()\n"
        "for _ in range(30):\n"
        "    np.multiply(a, 1.0000001, out=b)\n"
        "    a, b = b, a\n"
        "print(time.process_time() - started)\n"
    ),
    "chain": (
        "import time, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "from crossdock import simulate\n"
        "from crossdock.scenario import generate_scenario\n"
        "sc = generate_scenario(n_stores=200, n_skus=2000, n_platforms=4, horizon_days=60)\n"
        "demand = sc.spec.demand.model_copy(update={'generator': 'philox'})\n"
        "sc = sc.replace(spec=sc.spec.model_copy(update={'demand': demand}))\n"
        "simulate(sc, mode='traditional', days=3, warm_up=0)\n"
        "started = time.process_time()\n"
        "simulate(sc, mode='traditional', days=60)\n"
        "print(time.process_time() - started)\n"
    ),
}


def _cpu(code: str, copies: int) -> list[float]:
    """Each copy's CPU seconds of ``code``'s timed part, ``copies`` processes started at once."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    started = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(copies)
    ]
    return [float(p.communicate()[0].strip().splitlines()[-1]) for p in started]


def main(rounds: int = 3, works: tuple[str, ...] = ("compute", "memory", "chain")) -> None:
    """Print, per kind of work, its CPU alone and with a twin beside it, and their ratio."""
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()}")
    _cpu(WORK["chain"], 1)  # the kernels into Numba's cache, the files into the page cache
    for name in works:
        alone: list[float] = []
        beside: list[float] = []
        for _ in range(rounds):
            alone += _cpu(WORK[name], 1)
            beside += _cpu(WORK[name], 2)
        low, high = min(alone), max(alone)
        ratios = [b / (sum(alone) / len(alone)) for b in beside]
        print(
            f"{name:8s} alone {low:.2f}–{high:.2f} s of CPU; two at once {min(beside):.2f}–"
            f"{max(beside):.2f} s each; inflation {min(ratios):.2f}–{max(ratios):.2f} "
            f"(mean {sum(ratios) / len(ratios):.2f}): two cores give such work at most "
            f"{2 / max(ratios):.2f}–{2 / min(ratios):.2f}×"
        )
    print(
        "(two shards need at most 2 / 1.8 = 1.11 for issue 17's 1.8×, before anything "
        "sharding adds)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of alone, then two")
    parser.add_argument("--work", default="compute,memory,chain", help="comma-separated works")
    args = parser.parse_args()
    main(args.rounds, tuple(args.work.split(",")))
