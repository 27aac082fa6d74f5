"""The experiment file: a base scenario, variations, modes and replications, validated and located.

An experiment file is YAML read by the same safe reader as scenarios (size, depth and alias
limits, duplicate keys refused). Every problem is an :class:`~crossdock.errors.ExperimentError`
naming the file, the line and the field, like a scenario error::

    name: carrier cost
    scenario: scenario.yaml          # relative to this file; omitted: the built-in scenario
    days: 120                        # default: the scenario's horizon
    replications: 5                  # common random numbers: replication r has the same seed
    modes: [traditional, shared]     # in every variation and mode
    grid:                            # every combination of these values...
      carrier.cost_per_km: [1.2, 1.6]
      service_level: [0.95, 0.98]
    variations:                      # ...crossed with each of these (optional)
      - name: pallets
      - name: case packs
        set: {replenishment.pallet_rounding_share: null}

Override keys are scenario field paths (``carrier.cost_per_km``, ``stores.3.size_factor``),
``service_level`` (the store-level policy's target of the run's mode: the stores' in
traditional, the planners' in shared), or ``policies.ECHELON.PARAM`` where ``ECHELON`` is
``store``, ``planner``, ``dc`` or ``supplier`` and ``PARAM`` a ``set_params`` name of that
echelon's policy (``service_level``, ``forecaster__alpha``).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crossdock.errors import CrossdockError, ExperimentError, ScenarioError
from crossdock.experiments._overrides import build_run, check_key
from crossdock.scenario import ScenarioSpec, default_scenario_path, read_spec
from crossdock.scenario._load import FieldPath, _describe, _line_map, _line_of, format_path
from crossdock.scenario._yaml import MAX_BYTES, LimitError, load_yaml

__all__ = [
    "Experiment",
    "ExperimentSpec",
    "RunSpec",
    "Variation",
    "VariationSpec",
    "load_experiment",
]

BUILT_IN = "builtin"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class VariationSpec(_Spec):
    """One named set of overrides (``set``: override key -> value)."""

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    set: dict[str, Any] = {}


class ExperimentSpec(_Spec):
    """What an experiment runs: see the module docstring for the file format."""

    name: str = "experiment"
    scenario: str | None = None
    """A scenario file, relative to the experiment file (None or ``builtin``: built-in)."""
    scenario_spec: ScenarioSpec | None = None
    """An inline scenario (Python builder, or a mapping in the file) instead of ``scenario``."""
    days: Annotated[int, Field(ge=1, le=36600)] | None = None
    warm_up: Annotated[int, Field(ge=0, le=36600)] | None = None
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None
    """Seed of replication 0 (default: the scenario's); later replications derive from it."""
    replications: Annotated[int, Field(ge=1, le=10_000)] = 5
    max_replications: Annotated[int, Field(ge=1, le=10_000)] = 100
    """Cap on the replications ``--until-halfwidth`` may add."""
    modes: Annotated[list[str], Field(min_length=1)] = ["traditional", "shared"]
    channel: str | None = None
    """``direct`` or ``edi`` (default: the scenario's ``edi.channel``)."""
    grid: dict[str, Annotated[list[Any], Field(min_length=1)]] = {}
    variations: list[VariationSpec] = []
    kpis: list[str] = []
    """KPIs printed in the summary (every KPI is stored); default a headline set."""

    @field_validator("modes")
    @classmethod
    def _modes(cls, modes: list[str]) -> list[str]:
        from crossdock.recipes import RECIPES

        for mode in modes:
            if mode not in RECIPES:
                raise ValueError(f"unknown mode {mode!r}; one of {RECIPES.names()}")
        if len(set(modes)) != len(modes):
            raise ValueError("a mode is listed twice")
        return modes

    @field_validator("channel")
    @classmethod
    def _channel(cls, channel: str | None) -> str | None:
        if channel not in (None, "direct", "edi"):
            raise ValueError(f"must be direct or edi, got {channel!r}")
        return channel


@dataclass(frozen=True)
class Variation:
    """A variation of the base scenario: its name and its overrides (key -> value)."""

    name: str
    overrides: dict[str, Any]
    places: dict[str, FieldPath]
    """Where each override key was written (for located errors)."""

    def overrides_json(self) -> str:
        """The overrides as canonical JSON (sorted keys): the variation's identity."""
        return json.dumps(self.overrides, sort_keys=True, default=str)


@dataclass(frozen=True)
class RunSpec:
    """Everything a worker needs to make one run: no scenario object, only how to build it."""

    key: str
    variation: str
    overrides: str
    mode: str
    replication: int
    seed: int
    days: int | None
    warm_up: int | None
    channel: str | None
    scenario_path: str | None
    scenario_spec: ScenarioSpec | None
    folder: str


@functools.cache
def code_id() -> str:
    """A digest of crossdock's own source: runs made by other code are not reused."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def replication_seed(base_seed: int, replication: int) -> int:
    """The seed of a replication.

    ``base_seed`` itself for replication 0 (so it matches ``crossdock compare``), else a 31-bit word of ``SeedSequence(base_seed, spawn_key=(r,))``,
    independent of how many replications there are and of which worker runs them. (31 bits:
    the routing solver's generator takes no larger seed.)
    """
    if replication == 0:
        return base_seed
    word = np.random.SeedSequence(base_seed, spawn_key=(replication,)).generate_state(1, np.uint32)
    return int(word[0]) & (2**31 - 1)


class Experiment:
    """A validated experiment: the base scenario, its variations, and the runs they make."""

    def __init__(
        self,
        spec: ExperimentSpec,
        *,
        file: str = "<builder>",
        base_dir: Path | None = None,
        lines: dict[FieldPath, int] | None = None,
    ) -> None:
        self.spec = spec
        self.file = file
        self.lines = lines or {}
        base = base_dir or Path.cwd()
        if spec.scenario_spec is not None and spec.scenario not in (None, BUILT_IN):
            raise self.error("give either scenario or scenario_spec, not both", ("scenario",))
        self.scenario_path: str | None = None
        if spec.scenario_spec is not None:
            self.base_spec = spec.scenario_spec
        elif spec.scenario in (None, BUILT_IN):
            self.base_spec = read_spec(None)
        else:
            path = (base / spec.scenario).resolve()
            try:
                self.base_spec = read_spec(path)
            except ScenarioError as error:
                if error.message == "no such file":
                    raise self.error(f"no such scenario file {path}", ("scenario",)) from None
                raise
            self.scenario_path = str(path)
        self.variations = self._variations()
        self.base_seed = spec.seed if spec.seed is not None else self.base_spec.seed
        self._check()

    def error(self, message: str, path: FieldPath) -> ExperimentError:
        """An :class:`ExperimentError` located at ``path`` of the experiment file."""
        line = _line_of(self.lines, path)
        return ExperimentError(
            message, file=self.file, where=str(line) if line else None, field=format_path(path)
        )

    def _variations(self) -> list[Variation]:
        spec = self.spec
        for key in spec.grid:
            self._check_key(key, ("grid", key))
        listed = spec.variations or [VariationSpec()]
        for i, v in enumerate(spec.variations):
            for key in v.set:
                self._check_key(key, ("variations", i, "set", key))
        keys = list(spec.grid)
        points = list(itertools.product(*(spec.grid[k] for k in keys))) if keys else [()]
        out: list[Variation] = []
        for i, listed_v in enumerate(listed):
            for point in points:
                overrides = dict(listed_v.set)
                places: dict[str, FieldPath] = {
                    k: ("variations", i, "set", k) for k in listed_v.set
                }
                for k, value in zip(keys, point, strict=True):
                    overrides[k] = value
                    places[k] = ("grid", k)
                label = ", ".join(
                    f"{k}={json.dumps(v, default=str)}" for k, v in zip(keys, point, strict=True)
                )
                name = ", ".join(p for p in (listed_v.name, label) if p) or (
                    f"variation {i}" if spec.variations else "base"
                )
                out.append(Variation(name, overrides, places))
        names = [v.name for v in out]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise self.error(f"two variations are named {name!r}", ("variations", i, "name"))
        return out

    def _check_key(self, key: str, place: FieldPath) -> None:
        problem = check_key(key)
        if problem:
            raise self.error(problem, place)

    def _check(self) -> None:
        """Build every variation's scenario and policies for every mode, on the driver.

        So a bad override is a located error before any run starts.
        """
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for variation in self.variations:
                for mode in self.spec.modes:
                    try:
                        build_run(self.base_spec, variation.overrides, mode, compile=False)
                    except CrossdockError as error:
                        key, message = _blame(error, variation)
                        raise self.error(message, variation.places.get(key, ())) from None

    def runs(self, replications: range, folder: Path) -> list[RunSpec]:
        """The runs of these replications, variation by variation, mode by mode."""
        scenario_id = self._scenario_id()
        out = []
        for variation in self.variations:
            overrides = variation.overrides_json()
            for mode in self.spec.modes:
                for r in replications:
                    seed = replication_seed(self.base_seed, r)
                    identity = json.dumps(
                        [
                            code_id(),
                            scenario_id,
                            overrides,
                            mode,
                            seed,
                            self.spec.days,
                            self.spec.warm_up,
                            self.spec.channel,
                        ],
                        default=str,
                    )
                    key = hashlib.sha256(identity.encode()).hexdigest()[:20]
                    out.append(
                        RunSpec(
                            key=key,
                            variation=variation.name,
                            overrides=overrides,
                            mode=mode,
                            replication=r,
                            seed=seed,
                            days=self.spec.days,
                            warm_up=self.spec.warm_up,
                            channel=self.spec.channel,
                            scenario_path=self.scenario_path,
                            scenario_spec=self.spec.scenario_spec,
                            folder=str(folder / "runs" / key),
                        )
                    )
        return out

    def _scenario_id(self) -> str:
        """A digest of the base scenario's content: a changed scenario makes new runs."""
        if self.spec.scenario_spec is not None:
            text = self.spec.scenario_spec.model_dump_json()
        else:
            text = Path(self.scenario_path or default_scenario_path()).read_text(encoding="utf-8")
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _blame(error: CrossdockError, variation: Variation) -> tuple[str, str]:
    """Which override key a scenario or policy error comes from, and the message to show."""
    field = getattr(error, "field", None) or ""
    message = getattr(error, "message", None) or str(error)
    keys = list(variation.overrides)
    for key in keys:
        if field and (field == key or field.startswith(key + ".") or key.startswith(field)):
            return key, f"scenario field {field}: {message}"
    for key in keys:
        if key.startswith("policies.") and key.rsplit(".", 1)[-1] in str(error):
            return key, str(error)
    if field:
        return (keys[0] if keys else ""), f"scenario field {field}: {message}"
    return (keys[0] if keys else ""), message


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file; every problem is a located ExperimentError."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise ExperimentError(f"file of {size:,} bytes is larger than {MAX_BYTES:,}", file=file)
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExperimentError("no such file", file=file) from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as error:
        raise ExperimentError(f"cannot read: {error}", file=file) from None
    try:
        node, data = load_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "malformed YAML"
        message = problem if isinstance(error, LimitError) else f"malformed YAML: {problem}"
        raise ExperimentError(
            message, file=file, where=str(mark.line + 1) if mark else None
        ) from None
    except yaml.YAMLError as error:
        raise ExperimentError(f"malformed YAML: {error}", file=file) from None
    lines: dict[FieldPath, int] = {}
    if node is not None:
        _line_map(node, (), lines)
    if not isinstance(data, dict):
        raise ExperimentError("an experiment must be a mapping of fields", file=file, where="1")
    try:
        spec = ExperimentSpec.model_validate(data)
    except ValidationError as error:
        problems = []
        for e in error.errors():
            loc = tuple(e["loc"])
            line = _line_of(lines, loc)
            problems.append(
                ExperimentError(
                    _describe(e),
                    file=file,
                    where=str(line) if line else None,
                    field=format_path(loc),
                )
            )
        first = problems[0]
        raise ExperimentError(
            first.message,
            file=file,
            where=first.where,
            field=first.field,
            problems=[p.located() for p in problems],
        ) from None
    return Experiment(spec, file=str(file), base_dir=file.resolve().parent, lines=lines)
