"""Start-up: CPU time of ``crossdock --help`` and of ``import crossdock``, each in a fresh process.

CPU time (user + system, of the child alone) rather than wall time, which a loaded machine
makes noisy. Each command runs ``REPEATS`` times after one warm-up run (so that the files are
in the page cache); the median and the minimum are printed, beside a bare interpreter's.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPEATS = 7
PYTHON = sys.executable
CLI = str(Path(PYTHON).with_name("crossdock"))

COMMANDS: list[tuple[str, list[str]]] = [
    ("python -c pass (the interpreter alone)", [PYTHON, "-c", "pass"]),
    ("crossdock --help", [CLI, "--help"]),
    ("crossdock run --help", [CLI, "run", "--help"]),
    ("import crossdock", [PYTHON, "-c", "import crossdock"]),
    ("import crossdock.cli", [PYTHON, "-c", "import crossdock.cli"]),
    (
        "from crossdock import simulate (a run's imports)",
        [PYTHON, "-c", "from crossdock import simulate"],
    ),
]


def cpu_seconds(command: list[str]) -> tuple[float, float]:
    """CPU time (user + system) and wall time of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> None:
    print(f"{'command':<52}{'CPU median':>11}{'CPU min':>9}{'wall median':>13}")
    for label, command in COMMANDS:
        cpu_seconds(command)  # warm the page cache
        runs = [cpu_seconds(command) for _ in range(REPEATS)]
        cpu = [c for c, _ in runs]
        wall = [w for _, w in runs]
        print(
            f"{label:<52}{statistics.median(cpu):>10.3f}s{min(cpu):>8.3f}s"
            f"{statistics.median(wall):>12.3f}s",
            flush=True,
        )
    print("target: crossdock --help under 0.5 s (issue 17)")


if __name__ == "__main__":
    main()
