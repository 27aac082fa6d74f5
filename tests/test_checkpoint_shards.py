"""Checkpoints of sharded runs: stopped after a checkpoint and resumed, the unbroken tables.

A sharded run's checkpoint is the driver's file and a part per shard, each written by the
shard's own process (:meth:`crossdock.shard.ShardedStores.save_shards`). Most tests run the
shards' actors in this process (the stand-in for Ray of ``tests/test_shard.py``) through
``simulate``, on a small generated scenario with fixed seeds; one kills a real sharded run
on a local Ray from the command line and resumes it. Tables are compared bit for bit, with
the KPIs, against the run in one process that was never stopped.
"""

from __future__ import annotations

import contextlib
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.test_checkpoint import (
    Crash,
    assert_same,
    crash_on,
    fill_disk_for,
    killed_and_resumed,
)
from tests.test_shard import InProcessRay

import crossdock
from crossdock import generate_scenario, load_scenario, simulate
from crossdock.checkpoint import read_checkpoint_info
from crossdock.cli import EXIT_USER_ERROR, invoke
from crossdock.errors import CheckpointError
from crossdock.results import SimulationResult
from crossdock.scenario import Scenario

DAYS = 36


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """24 stores (three blocks of 8) on two platforms: two or three shards."""
    return generate_scenario(
        n_stores=24, n_skus=40, n_platforms=2, horizon_days=DAYS, warm_up_days=4, seed=11
    )


@pytest.fixture(scope="module")
def unbroken(scenario: Scenario) -> dict[str, SimulationResult]:
    return {mode: simulate(scenario, mode=mode, seed=7) for mode in ("traditional", "shared")}


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """``simulate`` runs its shards' actors in this process."""
    simulate_module = importlib.import_module("crossdock.simulate")

    @contextlib.contextmanager
    def session(shards: int, *_: Any, **__: Any) -> Iterator[InProcessRay | None]:
        yield InProcessRay() if shards > 1 else None

    monkeypatch.setattr(simulate_module, "shard_session", session)


def parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".shard" in p.name)


@pytest.mark.parametrize("shards", [2, 3])
@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_a_sharded_run_resumed_ends_with_the_unbroken_tables(
    scenario: Scenario,
    unbroken: dict[str, SimulationResult],
    mode: str,
    shards: int,
    tmp_path: Path,
    in_process: None,
) -> None:
    """Stopped on day 17 after the checkpoint of day 10, resumed: the tables of one process.

    Each shard's part of the checkpoint holds its stores, their books and mail, the demand
    they drew ahead and (shared) the planners' rows of its stores; only the last
    checkpoint's parts stay.
    """
    saved = tmp_path / "run.pickle"
    options: dict[str, Any] = dict(mode=mode, seed=7, shards=shards, checkpoint=saved)
    with pytest.raises(Crash):
        simulate(scenario, checkpoint_every=5, on_day=crash_on(17), **options)
    assert read_checkpoint_info(saved).day == 15
    assert parts(tmp_path) == [f"run.pickle.day15.shard{i}" for i in range(shards)]
    resumed = simulate(scenario, resume=True, **options)
    assert_same(resumed, unbroken[mode])
    assert resumed.ledger.violations() == []
    # the last checkpoint (after day 36) replaced the earlier ones' parts
    assert parts(tmp_path) == [f"run.pickle.day{DAYS}.shard{i}" for i in range(shards)]


def test_a_sharded_checkpoint_resumes_only_with_as_many_shards(
    scenario: Scenario, tmp_path: Path, in_process: None
) -> None:
    saved = tmp_path / "run.pickle"
    with pytest.raises(Crash):
        simulate(
            scenario,
            mode="shared",
            seed=7,
            shards=2,
            checkpoint=saved,
            checkpoint_every=5,
            on_day=crash_on(6),
        )
    for shards in (1, 3):
        with pytest.raises(
            CheckpointError,
            match=f"in 2 shards \\(this run: {shards}\\); resume it with as many: --shards 2",
        ):
            simulate(scenario, mode="shared", seed=7, shards=shards, checkpoint=saved, resume=True)


@pytest.mark.parametrize("damage", ["missing", "changed"])
def test_a_missing_or_damaged_part_is_refused_with_its_name(
    scenario: Scenario, tmp_path: Path, damage: str, in_process: None
) -> None:
    saved = tmp_path / "run.pickle"
    options: dict[str, Any] = dict(mode="traditional", seed=7, shards=2, checkpoint=saved)
    with pytest.raises(Crash):
        simulate(scenario, checkpoint_every=5, on_day=crash_on(6), **options)
    part = tmp_path / "run.pickle.day5.shard1"
    if damage == "missing":
        part.unlink()
        match = "cannot be read"
    else:
        data = bytearray(part.read_bytes())
        data[-10] ^= 0xFF
        part.write_bytes(bytes(data))
        match = "SHA-256"
    with pytest.raises(CheckpointError, match=match) as caught:
        simulate(scenario, resume=True, **options)
    assert "run.pickle.day5.shard1" in str(caught.value)


def test_a_part_that_cannot_be_written_keeps_the_previous_checkpoint(
    scenario: Scenario,
    unbroken: dict[str, SimulationResult],
    tmp_path: Path,
    in_process: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An actor's part of the second checkpoint finds the disk full: the error names the part
    and reaches the caller as a CheckpointError; the first checkpoint and its parts stay whole
    and resume to the unbroken tables."""
    saved = tmp_path / "run.pickle"
    room: list[bool] = []  # made when the run has failed
    fill_disk_for(monkeypatch, lambda temp: not room and temp.name == "run.pickle.day10.shard1.tmp")
    options: dict[str, Any] = dict(mode="shared", seed=7, shards=2, checkpoint=saved)
    with pytest.raises(CheckpointError) as caught:
        simulate(scenario, checkpoint_every=5, **options)
    part = tmp_path / "run.pickle.day10.shard1"
    assert str(caught.value).startswith(
        f"{part}: cannot write a shard's part of the checkpoint: No space left on device (the "
        "checkpoint before it, if any, is kept with its parts"
    )
    assert read_checkpoint_info(saved).day == 5
    assert not part.exists() and not part.with_name(part.name + ".tmp").exists()
    room.append(True)
    assert_same(simulate(scenario, resume=True, **options), unbroken["shared"])


def test_a_finished_sharded_runs_checkpoint_resumes_with_nothing_left(
    scenario: Scenario, unbroken: dict[str, SimulationResult], tmp_path: Path, in_process: None
) -> None:
    """A finished run's last checkpoint: nothing to simulate, so no shard is started."""
    saved = tmp_path / "run.pickle"
    options: dict[str, Any] = dict(mode="shared", seed=7, shards=2, checkpoint=saved)
    simulate(scenario, checkpoint_every=10, **options)
    assert read_checkpoint_info(saved).day == DAYS
    (tmp_path / f"run.pickle.day{DAYS}.shard1").unlink()  # not needed: not read
    assert_same(simulate(scenario, resume=True, **options), unbroken["shared"])


def test_a_killed_sharded_run_resumed_from_the_command_line_ends_with_the_unbroken_tables(
    long_scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a local Ray: ``crossdock run --shards 2 --checkpoint-every 5``, killed, resumed."""
    killed_and_resumed(long_scenario_file, tmp_path, capsys, ("--shards", "2"))


def test_the_command_line_names_a_checkpoint_of_another_shard_count(
    long_scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], in_process: None
) -> None:
    args = [str(long_scenario_file), "--seed", "3", "--days", "40", "--mode", "traditional"]
    args += ["--out", str(tmp_path)]
    saved = tmp_path / "checkpoints" / "traditional.pickle"
    with pytest.raises(Crash):
        simulate(
            load_scenario(long_scenario_file),
            mode="traditional",
            seed=3,
            days=40,
            shards=2,
            checkpoint=saved,
            checkpoint_every=5,
            on_day=crash_on(6),
        )
    capsys.readouterr()
    assert invoke(["run", *args, "--resume"]) == EXIT_USER_ERROR
    lines = capsys.readouterr().err.strip().splitlines()
    assert (
        lines[-1].startswith("error: ")
        and "in 2 shards (this run: 1); resume it with as many: --shards 2" in lines[-1]
    )


def test_a_resumed_sharded_comparison_ends_with_the_unbroken_comparison(
    scenario: Scenario, tmp_path: Path, in_process: None
) -> None:
    """``compare(shards=2)`` stopped in its shared run and resumed: the unsharded comparison.

    Each run checkpoints to its own file with its own parts; the finished traditional run is
    not simulated again.
    """
    whole = crossdock.compare(scenario, seed=2)
    seen: list[int] = []

    def crash_in_the_second_run(day: int) -> None:
        seen.append(day)
        if len(seen) == DAYS + 12:  # day 12 of the shared run
            raise Crash(day)

    options: dict[str, Any] = dict(seed=2, shards=2, checkpoint_dir=tmp_path)
    with pytest.raises(Crash):
        crossdock.compare(scenario, checkpoint_every=5, on_day=crash_in_the_second_run, **options)
    assert read_checkpoint_info(tmp_path / "traditional.pickle").day == DAYS
    assert read_checkpoint_info(tmp_path / "shared.pickle").day == 10
    assert parts(tmp_path) == [
        *(f"shared.pickle.day10.shard{i}" for i in range(2)),
        *(f"traditional.pickle.day{DAYS}.shard{i}" for i in range(2)),
    ]
    resumed = crossdock.compare(scenario, resume=True, **options)
    assert json.dumps(resumed.rows(), sort_keys=True) == json.dumps(whole.rows(), sort_keys=True)
    for a, b in [(resumed.traditional, whole.traditional), (resumed.shared, whole.shared)]:
        assert_same(a, b)
