"""A run's result files are written whole or not at all, and a full disk is named, not fatal.

A disk that fills up is stood in for by :func:`tests.test_checkpoint.fill_disk_for` (writes
to the chosen files fail with ENOSPC after a few kilobytes). Nothing half-written stays; the
files written before stay whole; ``kpis.json`` (``comparison.json`` for a comparison) is
written last, so a folder that has it has every file; a checkpointed run whose results could
not be written resumes from its last checkpoint and writes the same results.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.test_checkpoint import fill_disk_for

from crossdock import simulate
from crossdock.cli import EXIT_OK, EXIT_USER_ERROR, invoke
from crossdock.errors import ResultsError
from crossdock.scenario import Scenario


def test_a_table_that_cannot_be_written_is_named_and_the_others_stay_whole(
    ok_small: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = simulate(ok_small, mode="shared", days=20, warm_up=2, seed=1)
    names = list(result.tables)
    full_at = names.index("sku_daily")
    assert 0 < full_at < len(names) - 1  # tables before it and after it
    room: list[bool] = []
    fill_disk_for(monkeypatch, lambda temp: not room and temp.name == "sku_daily.parquet.tmp")
    with pytest.raises(ResultsError) as caught:
        result.write(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'sku_daily.parquet'}: cannot write the run's results: No space left on "
        "device (the folder is incomplete: kpis.json is written last; make room and run again, "
        "with --resume if it was checkpointed: its last checkpoint is kept)"
    )
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(f"{name}.parquet" for name in names[:full_at])
    for name in names[:full_at]:
        assert pq.read_table(tmp_path / f"{name}.parquet").equals(result.tables[name])
    room.append(True)
    result.write(tmp_path)
    assert json.loads((tmp_path / "kpis.json").read_text()) == result.kpis
    assert not list(tmp_path.glob("*.tmp"))
    for name in names:
        assert pq.read_table(tmp_path / f"{name}.parquet").equals(result.tables[name])


def test_a_checkpointed_run_whose_results_cannot_be_written_resumes_to_the_same_results(
    long_scenario_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The disk fills when kpis.json is written: exit code 2, one line naming it, the last
    checkpoint kept; resumed with room, nothing is simulated again and the results are the
    unbroken run's."""
    args = [str(long_scenario_file), "--days", "20", "--seed", "3"]
    assert invoke(["run", *args, "--out", str(tmp_path / "whole")]) == EXIT_OK
    out = tmp_path / "out"
    room: list[bool] = []
    fill_disk_for(monkeypatch, lambda temp: not room and temp.name == "kpis.json.tmp")
    capsys.readouterr()
    assert invoke(["run", *args, "--out", str(out), "--checkpoint-every", "5"]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"error: {out / 'kpis.json'}: cannot write the run's results: No space left on device "
        "(the folder is incomplete: kpis.json is written last; make room and run again, with "
        "--resume if it was checkpointed: its last checkpoint is kept)"
    ]
    assert not (out / "kpis.json").exists() and (out / "checkpoints" / "shared.pickle").exists()
    room.append(True)
    assert invoke(["run", *args, "--out", str(out), "--resume"]) == EXIT_OK
    assert "Resuming shared from day 20 of 20" in capsys.readouterr().err
    whole = tmp_path / "whole"
    assert (out / "kpis.json").read_text() == (whole / "kpis.json").read_text()
    tables = sorted(p.name for p in whole.glob("*.parquet"))
    assert tables == sorted(p.name for p in out.glob("*.parquet")) and len(tables) > 10
    for name in tables:
        assert pq.read_table(out / name).equals(pq.read_table(whole / name)), name
    assert not (out / "checkpoints").exists()


def test_a_comparison_writes_its_summary_last(
    long_scenario_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fill_disk_for(monkeypatch, lambda temp: temp.name == "comparison.json.tmp")
    args = ["compare", str(long_scenario_file), "--days", "20", "--out", str(tmp_path)]
    assert invoke(args) == EXIT_USER_ERROR
    assert f"error: {tmp_path / 'comparison.json'}: cannot write" in capsys.readouterr().err
    assert not (tmp_path / "comparison.json").exists()
    assert (tmp_path / "traditional" / "kpis.json").exists()
    assert (tmp_path / "shared" / "kpis.json").exists()
