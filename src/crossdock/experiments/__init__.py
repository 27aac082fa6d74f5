"""Experiments: replications, variations and sweeps run as Ray tasks, with intervals.

``experiment(file)`` runs an experiment file (see :mod:`crossdock.experiments._spec` for its
format); ``calibrate`` finds each mode's service level for a target fill rate by bisection;
``equal_service`` compares the modes there; ``frontier`` sweeps service levels per mode. Ray is
imported only when a run has to be executed, never by ``import crossdock``.
"""

from __future__ import annotations

from crossdock.experiments._calibrate import (
    Calibration,
    EqualService,
    ModeComparison,
    calibrate,
    equal_service,
    frontier,
    replicated_compare,
)
from crossdock.experiments._experiment import (
    FRONTIER_KPIS,
    HEADLINE_KPIS,
    ExperimentResult,
    experiment,
    format_interval,
    frontier_table,
)
from crossdock.experiments._spec import (
    Experiment,
    ExperimentSpec,
    RunSpec,
    Variation,
    VariationSpec,
    load_experiment,
    replication_seed,
)
from crossdock.experiments._stats import differences, interval, summarise
from crossdock.experiments._store import DB_NAME, RunStore

__all__ = [
    "DB_NAME",
    "FRONTIER_KPIS",
    "HEADLINE_KPIS",
    "Calibration",
    "EqualService",
    "Experiment",
    "ExperimentResult",
    "ExperimentSpec",
    "ModeComparison",
    "RunSpec",
    "RunStore",
    "Variation",
    "VariationSpec",
    "calibrate",
    "differences",
    "equal_service",
    "experiment",
    "format_interval",
    "frontier",
    "frontier_table",
    "interval",
    "load_experiment",
    "replicated_compare",
    "replication_seed",
    "summarise",
]
