"""Apply a variation's overrides to a scenario spec and to the policies of a run.

Three kinds of override key (see :mod:`crossdock.experiments._spec`):

- ``service_level``: the store-level policy's target of the run's mode
  (``replenishment.<mode's settings>.store.service_level``);
- ``policies.ECHELON.PARAM``: a ``set_params`` name of that echelon's policy;
- anything else: a scenario field path, dots between names, numbers for list positions.

The driver calls :func:`build_run` once per variation and mode to locate errors before any
run starts; workers call it to build what they simulate.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from crossdock.errors import ScenarioError
from crossdock.policies import Policy, policy_from_spec
from crossdock.scenario import Scenario, ScenarioSpec, compile_scenario, spec_from_data

__all__ = ["ECHELONS", "SERVICE_LEVEL", "build_run", "check_key", "service_level_path"]

SERVICE_LEVEL = "service_level"
#: Policy echelons a run's ``policies`` may replace, and the settings each is built from.
ECHELONS = {"store": "store", "planner": "store", "dc": "dc", "supplier": "supplier"}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_key(key: str) -> str | None:
    """What is wrong with an override key, or None."""
    if key == SERVICE_LEVEL:
        return None
    parts = key.split(".")
    if parts[0] == "policies":
        if len(parts) != 3 or parts[1] not in ECHELONS or not _NAME.match(parts[2]):
            return f"must be policies.ECHELON.PARAM with ECHELON one of {sorted(ECHELONS)}, got {key!r}"
        return None
    for part in parts:
        if not (_NAME.match(part) or part.isdigit()):
            return f"{key!r} is not a field path (names and list positions between dots)"
    return None


def service_level_path(mode: str) -> str:
    """The scenario field ``service_level`` stands for in ``mode``."""
    from crossdock.recipes import RECIPES

    return f"replenishment.{RECIPES[mode].settings}.store.service_level"


def _set(data: Any, parts: list[str], value: Any, key: str) -> None:
    """Set ``data[parts...] = value`` in plain nested data, creating mappings as needed."""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(data, list):
            if not part.isdigit() or int(part) >= len(data):
                raise ScenarioError(
                    f"no position {part} in a list of {len(data)}",
                    field=".".join(parts[: i + 1]),
                )
            if last:
                data[int(part)] = value
            else:
                data = data[int(part)]
        elif isinstance(data, dict):
            if last:
                data[part] = value
            else:
                if data.get(part) is None:
                    data[part] = {}
                data = data[part]
        else:
            raise ScenarioError(f"{'.'.join(parts[:i])} has no fields", field=key)


def build_run(
    base: ScenarioSpec,
    overrides: dict[str, Any],
    mode: str,
    *,
    compile: bool = True,
    base_dir: Path | None = None,
) -> tuple[Scenario | ScenarioSpec, dict[str, Policy]]:
    """The scenario (compiled unless ``compile`` is false) and policies of one run.

    Raises :class:`ScenarioError` (with the scenario field) for a bad scenario override and
    :class:`~crossdock.errors.ParameterError` for a bad policy parameter.
    """
    fields: dict[str, Any] = {}
    params: dict[str, dict[str, Any]] = {}
    for key, value in overrides.items():
        if key == SERVICE_LEVEL:
            fields[service_level_path(mode)] = value
        elif key.startswith("policies."):
            _, echelon, name = key.split(".")
            params.setdefault(echelon, {})[name] = value
        else:
            fields[key] = value
    spec = base
    if fields:
        data = base.model_dump(mode="python")
        for path, value in fields.items():
            _set(data, path.split("."), value, path)
        try:
            spec = spec_from_data(data, file="")
        except ScenarioError as error:
            raise ScenarioError(error.message, field=error.field) from None
    policies = _policies(spec, mode, params)
    if not compile:
        return spec, policies
    return compile_scenario(spec, base_dir=base_dir), policies


def _policies(
    spec: ScenarioSpec, mode: str, params: dict[str, dict[str, Any]]
) -> dict[str, Policy]:
    from crossdock.recipes import RECIPES

    settings = getattr(spec.replenishment, RECIPES[mode].settings)
    out: dict[str, Policy] = {}
    for echelon, values in params.items():
        policy = policy_from_spec(getattr(settings, ECHELONS[echelon]))
        policy.set_params(**values)
        policy.validate_params()
        out[echelon] = policy
    return out
