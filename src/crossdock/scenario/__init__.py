"""Scenarios: the YAML format, its validation, the frozen arrays a run is built from.

``load_scenario(path)`` reads and validates a file (``None``: the built-in default) and
returns a frozen :class:`Scenario`. In Python, build a :class:`ScenarioSpec` (or call
:func:`generate_spec`) and pass it to :func:`compile_scenario`: both routes give the same object.
"""

from __future__ import annotations

from pathlib import Path

from crossdock.scenario._compiled import Scenario, compile_scenario
from crossdock.scenario._generate import generate_spec
from crossdock.scenario._load import default_scenario_path, read_spec, spec_from_data
from crossdock.scenario._schema import *  # noqa: F403
from crossdock.scenario._schema import ScenarioSpec
from crossdock.scenario._schema import __all__ as _schema_all
from crossdock.scenario._write import write_spec

__all__ = [
    "Scenario",
    "compile_scenario",
    "default_scenario_path",
    "generate_scenario",
    "generate_spec",
    "load_scenario",
    "read_spec",
    "spec_from_data",
    "write_spec",
    *_schema_all,
]


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Read, validate and compile a scenario file (``None``: the built-in default)."""
    spec = read_spec(path)
    base = Path(path).resolve().parent if path is not None else None
    return compile_scenario(spec, base_dir=base)


def generate_scenario(**options: object) -> Scenario:
    """Compile a generated scenario (see :func:`generate_spec` for the options)."""
    return compile_scenario(generate_spec(**options))  # type: ignore[arg-type]


assert isinstance(ScenarioSpec, type)
