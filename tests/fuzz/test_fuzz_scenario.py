"""Mutated scenario files: validate, then (when valid) a 3-day run; never a traceback."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossdock.scenario import generate_spec

from .fuzzing import Tally, run

_spec = generate_spec(n_stores=2, n_skus=6, horizon_days=20, warm_up_days=2, seed=2).model_dump(
    mode="json"
)
_spec["carrier"]["routing"]["solver"] = "sweep"
BASE = yaml.safe_dump(_spec, allow_unicode=True, sort_keys=False).splitlines()

NASTY = [
    "-1", "0", "1e300", "1.0e+300", ".inf", "-.inf", ".nan", "99999999999999999999",
    "20260105", "2026-02-30", "1900-01-01", "'x'", "''", "null", "[]", "{}", "[0, 0, 0]",
    "true", "*nope", "&a 1", "'3012340000019'", "\"\\u00ff\"", "2099-12-31", "-0.0", "1",
    "nope.csv", "[[[[[[[[[[]]]]]]]]]]", "{a: 1, a: 2}",
]  # fmt: skip
INSERTS = ["  colour: blue", "name: again", "- 1", "<<: *a", "  &b", "  - *b", "\t", ":", "'"]
LOCATED = re.compile(r"^error: (fuzz\.yaml:\d+[ :]|[\w.-]+\.csv:\d+ )")

mutation = st.tuples(
    st.sampled_from(["scale", "scale", "value", "delete", "duplicate", "insert", "char"]),
    st.integers(0, len(BASE) - 1),
    st.sampled_from(NASTY),
    st.sampled_from(INSERTS),
    st.characters(codec="utf-8", exclude_characters="\r"),
)


def mutate(lines: list[str], steps: list[tuple[str, int, str, str, str]]) -> str:
    lines = list(lines)
    for kind, index, nasty, insert, char in steps:
        index %= len(lines)
        line = lines[index]
        number = re.match(r"^(\s*-?\s*[\w]*:? ?)(-?\d+(\.\d+)?)$", line)
        if kind == "scale" and number:
            factor = [0, 0.5, 2, 10, 1000][len(char.encode()) % 5]
            lines[index] = f"{number.group(1)}{float(number.group(2)) * factor:g}"
        elif kind == "value" and ": " in line:
            lines[index] = line.split(": ", 1)[0] + ": " + nasty
        elif kind == "value" and line.lstrip().startswith("- "):
            lines[index] = line[: line.index("- ") + 2] + nasty
        elif kind == "delete" and len(lines) > 1:
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, line)
        elif kind == "insert":
            lines.insert(index, insert)
        elif line:
            at = index % len(line)
            lines[index] = line[:at] + char + line[at + 1 :]
    return "\n".join(lines) + "\n"


def test_mutated_scenarios_never_crash(tmp_path: Path) -> None:
    tally = Tally("scenario YAML: validate, then run --days 3")

    @settings(
        max_examples=60,
        deadline=timedelta(seconds=20),
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(steps=st.lists(mutation, min_size=1, max_size=3))
    def case(steps: list[tuple[str, int, str, str, str]]) -> None:
        path = tmp_path / "fuzz.yaml"
        path.write_text(mutate(BASE, steps), encoding="utf-8")
        checked = run("scenario", "validate", str(path))
        tally.check(checked, {0, 2}, LOCATED)
        if checked.code == 0:  # valid: the run must work as well (base_rate 1e300 did not)
            ran = run("run", str(path), "--days", "3", "--out", str(tmp_path / "out"))
            if ran.code != 0:
                tally.counts["accepted"] -= 1
                tally.counts["cases"] -= 1
                tally.check(ran, {0}, LOCATED)

    case()
    tally.report()
