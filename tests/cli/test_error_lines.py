"""Error lines are printed as written: rich must not read ``:100:`` as an emoji code."""

from __future__ import annotations

from pathlib import Path

from tests.fuzz.fuzzing import run


def test_an_error_on_line_100_keeps_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\n" + "#\n" * 98 + "a: b: c\n", encoding="utf-8")  # line 100
    outcome = run("scenario", "validate", str(path))
    assert outcome.code == 2
    assert "bad.yaml:100" in outcome.err, outcome.err
