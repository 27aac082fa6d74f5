"""What two processes at once cost each other here: the machine's own ceiling for two shards.

Issue 17 asks two shards to run a year at least 1.8 times as fast as one process on this
2-core machine. That needs the two processes' CPU to be at most 2 / 1.8 = 1.11 times one
process's, with nothing else lost. Part of what they lose could be the machine's, not
crossdock's: two cores share the last-level cache and the memory's bandwidth, and on a
virtual machine a core may not be a whole core of the host. This benchmark runs the same work alone, then two
copies at once (separate processes, nothing shared), and prints each copy's CPU time against
the work alone: their ratio (the inflation) and the speed-up two cores could give such work
at best (2 / inflation).

- **compute**: a Python loop (the interpreter's work, in the core's first cache);
- **memory**: NumPy streaming over two 400 MB arrays (the memory's bandwidth);
- **chain**: a traditional chain of 200 stores × 2,000 SKUs × 60 days with ``philox``
  demand, the work a shard does (compiled store × SKU kernels, Python between them).

Each round is the work alone, two copies at once, and alone again (its inflation: the copies'
mean CPU over the two runs alone around them, so the machine's drift between rounds cancels);
the rounds' mean inflation is printed with its 95% confidence interval. Run alone:
``.venv/bin/python benchmarks/run.py cores`` or ``.venv/bin/python benchmarks/bench_cores.py
[--rounds 5] [--work compute,memory,chain]``.
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


def _interval(values: list[float]) -> tuple[float, float]:
    """The mean of ``values`` and the half-width of its 95% confidence interval (Student's t)."""
    from scipy import stats

    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, float("nan")
    spread = (sum((v - mean) ** 2 for v in values) / (n - 1)) ** 0.5
    return mean, float(stats.t.ppf(0.975, n - 1)) * spread / n**0.5


def main(rounds: int = 5, works: tuple[str, ...] = ("compute", "memory", "chain")) -> None:
    """Print, per kind of work, its CPU alone and with a twin beside it, and their ratio.

    Each round runs the work alone, then two copies at once, then alone again; the round's
    inflation is the two copies' mean CPU over the mean of the two runs alone around them, so
    that the machine's drift between rounds (up to a third here) cancels out.
    """
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()}")
    _cpu(WORK["chain"], 1)  # the kernels into Numba's cache, the files into the page cache
    for name in works:
        alone: list[float] = []
        beside: list[float] = []
        ratios: list[float] = []
        previous = _cpu(WORK[name], 1)[0]
        for _ in range(rounds):
            two = _cpu(WORK[name], 2)
            after = _cpu(WORK[name], 1)[0]
            ratios.append(sum(two) / 2 / ((previous + after) / 2))
            alone.append(previous)
            beside += two
            previous = after
        alone.append(previous)
        mean, half = _interval(ratios)
        print(
            f"{name:8s} alone {min(alone):.2f}–{max(alone):.2f} s of CPU; two at once "
            f"{min(beside):.2f}–{max(beside):.2f} s each; inflation by round "
            f"{min(ratios):.2f}–{max(ratios):.2f}, mean {mean:.2f} ± {half:.2f} (95%): two "
            f"cores give such work at most {2 / mean:.2f}× ({2 / (mean + half):.2f}–"
            f"{2 / max(mean - half, 1e-9):.2f}×)"
        )
    print(
        "(two shards need at most 2 / 1.8 = 1.11 for issue 17's 1.8×, before anything "
        "sharding adds)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of two, between alones")
    parser.add_argument("--work", default="compute,memory,chain", help="comma-separated works")
    args = parser.parse_args()
    main(args.rounds, tuple(args.work.split(",")))
