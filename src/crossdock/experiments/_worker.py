"""One run, as a Ray task executes it: build the scenario, simulate, write tables, return KPIs.

The task gets only a :class:`~crossdock.experiments._spec.RunSpec` (how to build its scenario,
not the scenario) and returns only KPIs; its tables go to disk as Parquet in the run's folder,
written to a temporary folder first and renamed, so a killed run leaves no half-written
folder that looks done (only a temporary one, removed when the run is made again); a whole
folder, with its record (``run.json``), is a finished run even if the experiment was killed
before its results database heard of it.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
import warnings
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from crossdock.experiments._overrides import build_run
from crossdock.experiments._spec import RunSpec
from crossdock.policies import Policy
from crossdock.scenario import Scenario, ScenarioSpec, read_spec

__all__ = ["RUN_RECORD", "finished", "run_one"]

#: A finished run's record in its folder: its key and its seconds.
RUN_RECORD = "run.json"

_BUILT: dict[tuple[str | None, str, str], tuple[Scenario, dict[str, Policy]]] = {}
_CACHE_SIZE = 8


def _build(run: RunSpec) -> tuple[Scenario, dict[str, Policy]]:
    """The run's scenario and policies; a worker keeps the last few (replications share them)."""
    from crossdock.experiments._spec import BUILT_IN

    cache_key = (run.scenario_path, run.overrides, run.mode)
    if run.scenario_spec is None and cache_key in _BUILT:
        return _BUILT[cache_key]
    base: ScenarioSpec
    if run.scenario_spec is not None:
        base = run.scenario_spec
    else:
        base = read_spec(run.scenario_path if run.scenario_path not in (None, BUILT_IN) else None)
    base_dir = Path(run.scenario_path).parent if run.scenario_path else None
    with warnings.catch_warnings():  # the driver has shown the scenario's warnings once
        warnings.simplefilter("ignore")
        scenario, policies = build_run(base, json.loads(run.overrides), run.mode, base_dir=base_dir)
    assert isinstance(scenario, Scenario)
    if run.scenario_spec is None:
        if len(_BUILT) >= _CACHE_SIZE:
            _BUILT.pop(next(iter(_BUILT)))
        _BUILT[cache_key] = (scenario, policies)
    return scenario, policies


def run_one(run: RunSpec) -> dict[str, Any]:
    """Simulate one run, write its tables to ``run.folder``; return its KPIs and its time."""
    from crossdock.simulate import simulate

    started = time.perf_counter()
    scenario, policies = _build(run)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = simulate(
            scenario,
            mode=run.mode,
            seed=run.seed,
            days=run.days,
            warm_up=run.warm_up,
            channel=run.channel,
            policies=policies or None,
        )
    folder = Path(run.folder)
    for stale in folder.parent.glob(f".{folder.name}.*.tmp"):  # a killed attempt's, if any
        shutil.rmtree(stale, ignore_errors=True)
    scratch = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    scratch.mkdir(parents=True)
    (scratch / "kpis.json").write_text(json.dumps(result.kpis, indent=2) + "\n", encoding="utf-8")
    for name, table in result.tables.items():
        pq.write_table(table, scratch / f"{name}.parquet")
    seconds = time.perf_counter() - started
    record = {"run_key": run.key, "seconds": seconds}
    (scratch / RUN_RECORD).write_text(json.dumps(record) + "\n", encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    scratch.rename(folder)
    return {"kpis": result.kpis, "seconds": seconds}


def finished(run: RunSpec) -> dict[str, Any] | None:
    """The KPIs and time of ``run`` if its folder holds its finished tables, else None.

    A run's folder appears, whole, only when its tables are written (the rename above), and
    its record names the run: so a run finished by an experiment killed before the results
    database heard of it is taken from its folder instead of being run again.
    """
    folder = Path(run.folder)
    try:
        record = json.loads((folder / RUN_RECORD).read_text(encoding="utf-8"))
        kpis = json.loads((folder / "kpis.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("run_key") != run.key:
        return None
    if not isinstance(kpis, dict):
        return None
    return {"kpis": kpis, "seconds": float(record.get("seconds", math.nan))}
