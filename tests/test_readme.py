"""The README's examples run, and it documents every KPI and command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import crossdock

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_kpi_is_documented() -> None:
    for key in crossdock.KPI_DOCS:
        assert f"`{key}`" in README, key


def test_every_command_is_documented() -> None:
    for command in (
        "crossdock run",
        "crossdock compare",
        "crossdock scenario validate",
        "crossdock scenario show",
        "crossdock experiment",
        "crossdock frontier",
        "make demo",
        "make test",
    ):
        assert command in README, command


def test_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert len(blocks) >= 2
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    assert (tmp_path / "out" / "run1" / "kpis.json").exists()
    assert 0 < namespace["result"].kpis["fill_rate"] <= 1


def test_parameter_error_text_matches_the_readme() -> None:
    from crossdock.policies import OrderUpTo

    with pytest.raises(crossdock.ParameterError) as caught:
        OrderUpTo(service_level=1.5).validate_params()
    assert str(caught.value) in README
