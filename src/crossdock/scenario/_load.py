"""Read a scenario YAML file into a validated spec, with errors located by line and field.

Problems that make a scenario invalid raise one :class:`ScenarioError` listing each, located;
settings that can have no effect are :class:`ScenarioWarning` warnings, located the same way
(``warnings.warn``; the CLI prints them and still exits 0).

Locating needs the YAML node graph and a map of every field path's line, which on a national
scenario cost most of the load's time and memory. So :func:`read_spec` first tries a fast
path that reads with libyaml and locates nothing; it answers only for a file with no problem
and no warning at all. Anything else is read again by the located path, the single source of
every message, so what a user sees never depends on which path ran.
"""

from __future__ import annotations

import warnings
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from crossdock.errors import ScenarioError, ScenarioWarning
from crossdock.scenario._distances import check_distance_matrix
from crossdock.scenario._references import check_files, check_references, scenario_warnings
from crossdock.scenario._schema import ScenarioSpec
from crossdock.scenario._yaml import (
    MAX_BYTES,
    LimitError,
    fits_c_composer,
    load_yaml,
    load_yaml_fast,
)

FieldPath = tuple[str | int, ...]

DEFAULT_SCENARIO = "default.yaml"


def default_scenario_path() -> Path:
    """The built-in scenario file shipped inside the package."""
    return Path(str(resources.files("crossdock.scenario") / "data" / DEFAULT_SCENARIO))


def format_path(path: FieldPath) -> str:
    """``('stores', 3, 'lat')`` → ``stores[3].lat``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line_map(
    node: yaml.Node, path: FieldPath, lines: dict[FieldPath, int], seen: set[int] | None = None
) -> None:
    """Line of every field path, from the YAML node graph.

    A node reached again through an alias is not walked again: its fields are located at the
    alias (the line of the path that holds it), and the walk stays linear in the file's size.
    """
    seen = set() if seen is None else seen
    lines[path] = node.start_mark.line + 1
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            _line_map(value, child, lines, seen)
            lines[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _line_map(value, (*path, index), lines, seen)


def _line_of(lines: dict[FieldPath, int], path: FieldPath) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), None)


def _describe(error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    got = error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    bounds = {
        "greater_than": ">",
        "greater_than_equal": ">=",
        "less_than": "<",
        "less_than_equal": "<=",
    }
    if kind in bounds:
        limit = next(iter(ctx.values()))
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        return f"must be {bounds[kind]} {limit}, got {got!r}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number, got {got!r}"
    if kind in ("float_parsing", "float_type"):
        return f"must be a number, got {got!r}"
    if kind == "finite_number":
        return f"must be a finite number, got {got!r}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    message = str(error["msg"])
    message = message.replace("Input should be", "must be")
    return (
        f"{message}, got {got!r}"
        if kind in ("literal_error", "string_type", "bool_parsing")
        else message
    )


def spec_from_data(
    data: Any, *, file: str = "<builder>", lines: dict[FieldPath, int] | None = None
) -> ScenarioSpec:
    """Validate plain data (as read from YAML) into a :class:`ScenarioSpec`.

    Raises :class:`ScenarioError` listing every problem, each located by line and field path.
    """
    lines = lines or {}
    if not isinstance(data, dict):
        raise ScenarioError("a scenario must be a mapping of fields", file=file, where="1")
    problems: list[tuple[FieldPath, str]] = []
    spec: ScenarioSpec | None = None
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as error:
        problems = [(tuple(e["loc"]), _describe(e)) for e in error.errors()]
    if spec is not None:
        problems = check_references(spec)
    if problems:
        raise _error(problems, file, lines)
    assert spec is not None
    for path, message in scenario_warnings(spec):
        line = _line_of(lines, path)
        warnings.warn(
            ScenarioWarning(
                message, file=file, where=str(line) if line else None, field=format_path(path)
            ),
            stacklevel=2,
        )
    return spec


def _error(
    problems: list[tuple[FieldPath, str]], file: str, lines: dict[FieldPath, int]
) -> ScenarioError:
    located = []
    for path, message in problems:
        line = _line_of(lines, path)
        where = str(line) if line else None
        located.append(ScenarioError(message, file=file, where=where, field=format_path(path)))
    first = located[0]
    return ScenarioError(
        first.message,
        file=file,
        where=first.where,
        field=first.field,
        problems=[e.located() for e in located],
    )


def _spec_if_clean(text: str, file: Path) -> ScenarioSpec | None:
    """The spec of a file with no problem and no warning, read fast; ``None`` for any other.

    Reads with libyaml (after :func:`fits_c_composer` has checked the limits) and builds no
    node graph or line map; then every check :func:`read_spec` makes. It raises nothing and
    warns nothing: where the located path would report something (a YAML error, a limit,
    a validation or reference problem, a missing file, a warning), it gives ``None`` and
    leaves the message to that path.
    """
    if not fits_c_composer(text):
        return None
    try:
        data = load_yaml_fast(text)
        if not isinstance(data, dict):
            return None
        spec = ScenarioSpec.model_validate(data)
        del data  # larger than the spec: freed before the checks
        if check_references(spec) or scenario_warnings(spec):
            return None
        base = file.resolve().parent
        if check_files(spec, base):
            return None
        check_distance_matrix(spec, base)  # the matrix's own rows, if it has one
    except (yaml.YAMLError, ValidationError, ScenarioError):
        return None
    return spec


def read_spec(path: str | Path | None = None) -> ScenarioSpec:
    """Load and validate a scenario file; ``None`` loads the built-in default scenario.

    Files it names (the carrier's distance matrix, fitted demand parameters) are checked
    too, relative to the scenario file's folder.
    """
    file = Path(path) if path is not None else default_scenario_path()
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise ScenarioError(
                f"file of {size:,} bytes is larger than {MAX_BYTES:,} (limit MAX_BYTES)",
                file=file,
            )
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("no such file", file=file) from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as error:
        raise ScenarioError(f"cannot read: {error}", file=file) from None
    except OSError as error:
        raise ScenarioError(f"cannot read: {error.strerror or error}", file=file) from None
    spec = _spec_if_clean(text, file)
    if spec is not None:
        return spec
    # Something to report: read again, locating every field, for the messages and warnings.
    try:
        node, data = load_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = str(mark.line + 1) if mark else None
        problem = error.problem or error.context or "malformed YAML"
        message = problem if isinstance(error, LimitError) else f"malformed YAML: {problem}"
        raise ScenarioError(message, file=file, where=line) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow
        line = str(text.count("\n", 0, max(error.position, 0)) + 1)
        raise ScenarioError(
            f"malformed YAML: character {error.character!r} is not allowed", file=file, where=line
        ) from None
    except yaml.YAMLError as error:
        raise ScenarioError(f"malformed YAML: {error}", file=file) from None
    lines: dict[FieldPath, int] = {}
    if node is not None:
        _line_map(node, (), lines)
    spec = spec_from_data(data, file=str(file), lines=lines)
    base = file.resolve().parent
    problems = check_files(spec, base)
    if problems:
        raise _error(problems, str(file), lines)
    check_distance_matrix(spec, base)  # the distance matrix's own rows, located in its file
    return spec
