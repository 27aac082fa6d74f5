"""Golden outputs: fixed runs must give the recorded digests, bit for bit.

Re-record with ``make golden`` only on purpose, in a commit that says why the numbers moved.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crossdock._golden import GOLDEN_RUNS, GoldenRun, run_golden

RECORDED = json.loads((Path(__file__).parent / "digests.json").read_text(encoding="utf-8"))


def test_every_golden_run_is_recorded() -> None:
    assert sorted(RECORDED) == sorted(run.name for run in GOLDEN_RUNS)


@pytest.mark.parametrize("run", GOLDEN_RUNS, ids=lambda run: run.name)
def test_outputs_match_their_digests(run: GoldenRun) -> None:
    expected = RECORDED[run.name]
    got = run_golden(run)
    moved = {
        k: (v, got["kpis"].get(k)) for k, v in expected["kpis"].items() if got["kpis"].get(k) != v
    }
    assert moved == {}, f"KPIs moved: {moved}"
    assert got["tables"] == expected["tables"]
    assert got["kpis_digest"] == expected["kpis_digest"]
