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

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from crossdock.chain import MODES
    from crossdock.engine import PHASES, Engine
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

#: Public names and the module each comes from, imported on first use (PEP 562) so that
#: ``import crossdock`` and the command line's ``--help`` do not load NumPy's consumers,
#: pydantic, SciPy, pandas, pyarrow or PyVRP before they are needed.
_LAZY = {
    "KPI_DOCS": "crossdock.kpis",
    "MODES": "crossdock.chain",
    "PHASES": "crossdock.engine",
    "Engine": "crossdock.engine",
    "Comparison": "crossdock.results",
    "SimulationResult": "crossdock.results",
    "Scenario": "crossdock.scenario",
    "ScenarioSpec": "crossdock.scenario",
    "compile_scenario": "crossdock.scenario",
    "generate_scenario": "crossdock.scenario",
    "load_scenario": "crossdock.scenario",
    "compare": "crossdock.simulate",
    "simulate": "crossdock.simulate",
}


def __getattr__(name: str) -> Any:
    """A public name of :data:`_LAZY`, imported from its module on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'crossdock' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


class _Package(types.ModuleType):
    """The ``crossdock`` module, which keeps ``crossdock.simulate`` the function.

    Importing the submodule ``crossdock.simulate`` sets the package's attribute of that name
    to the module; the function of the same name (the public API) is kept there instead.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "simulate" and isinstance(value, types.ModuleType):
            value = value.simulate
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
