"""Run :class:`~crossdock.experiments._spec.RunSpec` s as Ray tasks, recording each in the store.

Ray is imported here only, when the first run that is not already done needs executing, so
``import crossdock`` (and an experiment whose runs are all done) never starts it.

- ``address=None`` starts a local Ray instance with ``workers`` CPUs (default: every core) and
  shuts it down at the end; an address connects to that cluster (``workers`` default: its
  CPUs). A Ray session already open in the process (a notebook's, a test's) is used as it is.
- At most ``workers`` tasks are in flight; the numbers do not depend on it (each run is a pure
  function of its RunSpec), only the time does.
- No dashboard, workers' logs not forwarded, a small object store (tasks return only KPIs),
  no usage statistics sent.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from crossdock.errors import CrossdockError, ParameterError
from crossdock.experiments._spec import RunSpec
from crossdock.experiments._store import RunStore

__all__ = ["OBJECT_STORE_BYTES", "RayRunner", "ray_session"]

OBJECT_STORE_BYTES = 100 * 1024 * 1024
"""Ray's object store: tasks pass RunSpecs and KPIs only, so a small one is enough."""


def _ray() -> ModuleType:
    import ray

    return ray


@contextmanager
def ray_session(
    workers: int | None = None,
    address: str | None = None,
    *,
    object_store_bytes: int = OBJECT_STORE_BYTES,
    inline_bytes: int | None = None,
) -> Iterator[ModuleType]:
    """A Ray session for the block: started here (and shut down after) unless one is open.

    ``object_store_bytes`` sizes a local instance's object store (a sharded run passes the
    day's store × SKU messages through it); ``inline_bytes``, if given, is the size up to
    which a local instance passes a call's arguments and results inline, with the call,
    rather than through the object store (Ray's ``max_direct_call_object_size``, 100 KB by
    default: a shard's day of orders is about half a megabyte, and inline it comes back in
    half the time).
    """
    # no usage report from a simulator's runs (and none to attempt in an offline CI)
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray = _ray()
    started = False
    if not ray.is_initialized():
        options: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "ignore_reinit_error": True,
            "configure_logging": False,
        }
        if address is None:
            options["address"] = "local"
            options["num_cpus"] = workers or os.cpu_count() or 1
            options["object_store_memory"] = object_store_bytes
            if inline_bytes is not None:
                options["_system_config"] = {"max_direct_call_object_size": inline_bytes}
        else:
            _check_reachable(address)
            options["address"] = address
        ray.init(**options)
        started = True
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()


def _check_reachable(address: str) -> None:
    """Fail at once, with the address, when nothing listens there (Ray would retry for minutes).

    ``auto`` and addresses without a port are left to Ray.
    """
    host, _, port = address.split("://", 1)[-1].rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as error:
        raise CrossdockError(
            f"--address {address}: no Ray cluster answers there ({error.strerror or error})"
        ) from None


def _import_simulator(slots: int) -> int:
    """A warm-up task: import what a run needs; wait briefly so each slot gets its own worker."""
    import importlib

    for module in ("crossdock.simulate", "crossdock.experiments._worker", "pyvrp"):
        importlib.import_module(module)

    if slots > 1:
        time.sleep(0.5)
    return os.getpid()


class RayRunner:
    """Runs what is not done yet, as Ray tasks, with a progress bar; records every result.

    ``workers``: tasks in flight at once (default: the Ray session's CPUs). The Ray session
    starts at the first :meth:`run` that has work and lasts until :meth:`close`.
    """

    def __init__(
        self,
        store: RunStore,
        *,
        workers: int | None = None,
        address: str | None = None,
        progress: bool | None = None,
        console: Console | None = None,
    ) -> None:
        if workers is not None and (isinstance(workers, bool) or workers < 1):
            raise ParameterError("experiment", "workers", "an int >= 1", workers)
        self.store = store
        self.workers = workers
        self.address = address
        self.console = console or Console(stderr=True)
        self.progress = self.console.is_terminal if progress is None else progress
        self._session: Any = None
        self._ray: ModuleType | None = None
        self.ray_start_seconds: float | None = None
        self.runs_done = 0

    def _start(self) -> ModuleType:
        if self._ray is None:
            started = time.perf_counter()
            self._session = ray_session(self.workers, self.address)
            if self.progress:
                with self.console.status("starting Ray"):
                    self._ray = self._session.__enter__()
                    self._warm_up(self._ray)
            else:
                self._ray = self._session.__enter__()
                self._warm_up(self._ray)
            self.ray_start_seconds = time.perf_counter() - started
        return self._ray

    def _warm_up(self, ray: ModuleType) -> None:
        """Start one worker per slot and import the simulator there, before the first run.

        A Ray worker imports crossdock (and PyVRP, pyarrow) at its first task; done here, that
        cost is counted in Ray's start-up (``ray_start_seconds``), not in the first runs.
        """
        slots = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        ray.get([ray.remote(num_cpus=1)(_import_simulator).remote(slots) for _ in range(slots)])

    def close(self) -> None:
        """Shut down the Ray session if this runner started it."""
        if self._session is not None:
            self._session.__exit__(None, None, None)
            self._session = None
            self._ray = None

    def __enter__(self) -> RayRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, runs: list[RunSpec], label: str = "runs") -> None:
        """Make sure every run is in the store: run those that are not, in parallel."""
        from crossdock.experiments._worker import finished, run_one

        done = self.store.done()
        todo = []
        for run in {r.key: r for r in runs if r.key not in done}.values():
            found = finished(run)  # written by a killed experiment before it was recorded
            if found is None:
                todo.append(run)
            else:
                self.store.add(run, found["kpis"], found["seconds"])
        if not todo:
            return
        ray = self._start()

        task = ray.remote(num_cpus=1, max_retries=0)(run_one)
        in_flight = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        pending: dict[Any, RunSpec] = {}
        queue = list(todo)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("runs"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
            disable=not self.progress,
        ) as bar:
            tick = bar.add_task(label, total=len(todo))
            try:
                while queue or pending:
                    while queue and len(pending) < in_flight:
                        run = queue.pop(0)
                        pending[task.remote(run)] = run
                    ready, _ = ray.wait(list(pending), num_returns=1)
                    for ref in ready:
                        run = pending.pop(ref)
                        try:
                            out = ray.get(ref)
                        except ray.exceptions.RayTaskError as error:
                            cause = getattr(error, "cause", None)
                            raise (cause if isinstance(cause, BaseException) else error) from None
                        self.store.add(run, out["kpis"], out["seconds"])
                        self.runs_done += 1
                        bar.advance(tick)
            finally:
                for ref in pending:
                    ray.cancel(ref, force=True)
