"""Experiments on Ray: 8 replications of the built-in scenario with 2 workers against 1.

Prints Ray's start-up (``ray.init`` of a local instance, a first task's round trip, and
``ray.shutdown``) apart from the runs, then the wall time of the 8 runs (shared mode, the
built-in scenario's 365 days, replications on common random numbers) with 1 worker and with 2,
each in a fresh Ray session and a fresh folder, and the speed-up. The machine's load average
is printed beside them: on a shared machine a busy CPU, not Ray, sets the speed-up.

Run alone: ``.venv/bin/python benchmarks/run.py experiments``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

REPLICATIONS = 8


def _ray_start_up() -> dict[str, float]:
    from crossdock.experiments._ray import ray_session

    started = time.perf_counter()
    with ray_session(workers=2) as ray:
        init = time.perf_counter() - started
        first = time.perf_counter()
        ray.get(ray.remote(lambda: 1).remote())
        task = time.perf_counter() - first
        closing = time.perf_counter()
    shutdown = time.perf_counter() - closing
    return {"init": init, "first_task": task, "shutdown": shutdown}


def _runs(workers: int, folder: Path) -> tuple[float, float, float]:
    """Seconds for the 8 runs (Ray start excluded), Ray's start, and the runs' own seconds."""
    from crossdock.experiments import ExperimentSpec, experiment

    spec = ExperimentSpec(name="bench", modes=["shared"], replications=REPLICATIONS)
    started = time.perf_counter()
    result = experiment(spec, out=folder, workers=workers, progress=False)
    total = time.perf_counter() - started
    assert result.runs_executed == REPLICATIONS
    start_up = result.ray_start_seconds or 0.0
    return total - start_up, start_up, float(result.runs["seconds"].sum())


def main() -> None:
    """Print Ray's start-up cost, then 8 replications with 1 and 2 workers and the speed-up."""
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.2f}")
    costs = _ray_start_up()
    print(
        f"Ray start-up (local, 2 CPUs, no dashboard): init {costs['init']:.2f} s, first task "
        f"{costs['first_task']:.2f} s, shutdown {costs['shutdown']:.2f} s"
    )
    times = {}
    with tempfile.TemporaryDirectory() as scratch:
        for workers in (1, 2):
            load = os.getloadavg()[0]
            seconds, start_up, busy = _runs(workers, Path(scratch) / f"w{workers}")
            times[workers] = seconds
            print(
                f"{REPLICATIONS} replications, built-in scenario (shared, 365 days), "
                f"{workers} worker{'s' * (workers > 1)}: {seconds:.1f} s "
                f"({busy / REPLICATIONS:.1f} s per run inside its task, {busy / seconds:.2f} runs "
                f"at once on average; Ray start {start_up:.1f} s apart; load average {load:.2f})"
            )
    print(
        f"speed-up, 2 workers over 1: {times[1] / times[2]:.2f}x (target >= 1.8x on 2 idle cores)"
    )


if __name__ == "__main__":
    main()
