"""The memory warning: a run whose estimated peak exceeds the memory available is told so first.

The machine's available memory is stood in for (``MEMINFO`` pointed at a file written here),
so each test can be a machine too small, or large enough, for a tiny run.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import yaml

import crossdock
from crossdock import _allocator, generate_scenario
from crossdock._footprint import MemoryWarning, available_bytes, peak_bytes
from crossdock.cli import EXIT_OK, invoke
from crossdock.scenario import Scenario, generate_spec


@pytest.fixture(scope="module")
def tiny() -> Scenario:
    return generate_scenario(n_stores=2, n_skus=12, horizon_days=12, warm_up_days=2, seed=4)


def machine_with(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, available: int) -> None:
    """A machine whose /proc/meminfo says ``available`` bytes are available."""
    meminfo = tmp_path / "meminfo"
    meminfo.write_text(
        f"MemTotal:       {4 * available // 1024} kB\nMemAvailable:   {available // 1024} kB\n",
        encoding="ascii",
    )
    monkeypatch.setattr(_allocator, "MEMINFO", meminfo)


def test_the_estimate_grows_with_the_cells_and_is_larger_for_the_shared_chain() -> None:
    small, national = peak_bytes(200, 2000, "traditional"), peak_bytes(5000, 20000, "traditional")
    assert small < 1e9 < national
    assert peak_bytes(5000, 20000, "shared") > national
    # within the measured national years' whole machine (10.3 and 14.7 GB), not far above
    assert 10.3e9 <= national <= 12e9
    assert 14.7e9 <= peak_bytes(5000, 20000, "shared") <= 16e9


def test_the_available_memory_is_read_from_the_machine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    machine_with(monkeypatch, tmp_path, 3 * 1024**3)
    assert available_bytes() == 3 * 1024**3
    monkeypatch.setattr(_allocator, "MEMINFO", tmp_path / "missing")
    assert available_bytes() is None


def test_a_run_too_large_for_the_machine_is_warned_of_and_still_runs(
    tiny: Scenario, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    machine_with(monkeypatch, tmp_path, 100 * 1024**2)  # 100 MB: less than the fixed part
    with pytest.warns(MemoryWarning) as caught:
        result = crossdock.simulate(tiny, mode="shared", seed=1)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "a shared run of 2 stores × 12 SKUs needs about 0.5 GB" in message
    assert "this machine has 0.1 GB available" in message
    assert result.kpis["fill_rate"] > 0  # it ran to the end


def test_a_run_that_fits_is_not_warned_of(
    tiny: Scenario, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    machine_with(monkeypatch, tmp_path, 8 * 1024**3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails
        crossdock.simulate(tiny, mode="traditional", seed=1)
    monkeypatch.setattr(_allocator, "MEMINFO", tmp_path / "missing")  # a machine that says nothing
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        crossdock.simulate(tiny, mode="traditional", seed=1)


def test_a_comparison_warns_once(
    tiny: Scenario, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    machine_with(monkeypatch, tmp_path, 100 * 1024**2)
    with pytest.warns(MemoryWarning) as caught:
        crossdock.compare(tiny, seed=1)
    assert len(caught) == 1


def test_the_command_line_prints_the_warning_and_exits_0(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = generate_spec(n_stores=2, n_skus=12, horizon_days=12, warm_up_days=2, seed=4)
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(spec.model_dump(mode="json"), allow_unicode=True))
    machine_with(monkeypatch, tmp_path, 100 * 1024**2)
    out = tmp_path / "out"
    assert invoke(["run", str(path), "--mode", "traditional", "--out", str(out)]) == EXIT_OK
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(lines) == 1
    assert lines[0].startswith("warning: a traditional run of 2 stores × 12 SKUs needs about")
    assert "may stop it before it ends" in lines[0]
    assert (out / "kpis.json").exists()
