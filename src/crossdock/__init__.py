"""crossdock: retail replenishment from the till's barcode scan to the factory's line.

Simulate a retail chain in two modes on the same scenario and demand — ``"traditional"``
(stores order from a stock-holding DC, suppliers make to stock) and ``"shared"`` (category
captains plan every store from scan data, factories make to order, goods flow through
cross-dock platforms) — and measure the difference.

>>> import crossdock
>>> scenario = crossdock.load_scenario()          # the built-in scenario
>>> result = crossdock.simulate(scenario, mode="shared", days=60)
>>> result.kpis["fill_rate"] > 0.9
True
"""

from typing import Any

from crossdock.chain import MODES
from crossdock.engine import PHASES, Engine
from crossdock.errors import (
    CrossdockError,
    EdiError,
    ExperimentError,
    IdentifierError,
    InputError,
    ParameterError,
    PosError,
    ScenarioError,
)
from crossdock.kpis import KPI_DOCS
from crossdock.results import Comparison, SimulationResult
from crossdock.scenario import (
    Scenario,
    ScenarioSpec,
    compile_scenario,
    generate_scenario,
    load_scenario,
)
from crossdock.simulate import compare, simulate


def experiment(source: Any, **options: Any) -> Any:
    """Run an experiment file on Ray: see :func:`crossdock.experiments.experiment`.

    Imports the experiment machinery (DuckDB, SciPy's statistics, and Ray when a run has to be
    executed) on the first call, so that ``import crossdock`` stays light.
    """
    from crossdock.experiments import experiment as run_experiment

    return run_experiment(source, **options)


__all__ = [
    "KPI_DOCS",
    "MODES",
    "PHASES",
    "Comparison",
    "CrossdockError",
    "EdiError",
    "Engine",
    "ExperimentError",
    "IdentifierError",
    "InputError",
    "ParameterError",
    "PosError",
    "Scenario",
    "ScenarioError",
    "ScenarioSpec",
    "SimulationResult",
    "compare",
    "compile_scenario",
    "experiment",
    "generate_scenario",
    "load_scenario",
    "simulate",
]
__version__ = "0.1.0"
