"""docs/pos.md: its Python examples run, and it documents every setting and reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crossdock.pos._import import REASONS
from crossdock.scenario import DemandSpec, ScanSpec

DOC = (Path(__file__).resolve().parents[2] / "docs" / "pos.md").read_text(encoding="utf-8")


def test_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", DOC, flags=re.S)
    assert len(blocks) == 3
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "docs/pos.md", "exec"), namespace)
    report = namespace["report"]
    assert report.examples == ["shop.csv:row 2 gtin: bad GTIN check digit"]
    assert report.accepted == report.rows - 1
    assert (tmp_path / "rejected.csv").exists()
    replayed = namespace["replayed"]
    assert replayed.sku_daily["demand"].sum() == namespace["recorded"] > 0


def test_every_setting_and_reason_is_documented() -> None:
    for name in [*DemandSpec.model_fields, *ScanSpec.model_fields, *REASONS]:
        assert f"`{name}`" in DOC or f"`{name}[]`" in DOC, name
