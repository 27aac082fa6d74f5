"""Compressed checkpoints: stored in fewer bytes, resumed to the unbroken run's tables.

``checkpoint_compression`` (``--checkpoint-compression``) stores a checkpoint's pickle, and a
sharded run's parts, as an LZ4 or Zstandard stream (pyarrow's codecs). Each test runs a small
generated scenario with fixed seeds and compares every table and KPI bit for bit with a run
that was never stopped, as ``tests/test_checkpoint.py`` does for plain checkpoints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.test_checkpoint import (
    DAYS,
    Crash,
    assert_same,
    crash_on,
    killed_and_resumed,
    scenario,
    stopped,
    unbroken,
)
from tests.test_checkpoint_shards import in_process

from crossdock import ParameterError, generate_scenario, simulate
from crossdock.checkpoint import COMPRESSIONS, read_checkpoint_info
from crossdock.cli import EXIT_USER_ERROR, invoke
from crossdock.errors import CheckpointError
from crossdock.results import SimulationResult
from crossdock.scenario import Scenario

__all__ = ["in_process", "scenario", "unbroken"]  # the fixtures this module borrows


def stopped_at_day_20(scenario: Scenario, path: Path, **options: Any) -> None:
    """A shared run of seed 7 checkpointed every 10 days and stopped on day 27."""
    stopped(scenario, path, 10, 27, **options)
    assert read_checkpoint_info(path).day == 20


@pytest.mark.parametrize("codec", COMPRESSIONS)
def test_a_compressed_checkpoint_is_smaller_and_resumes_to_the_unbroken_tables(
    scenario: Scenario, unbroken: dict[str, SimulationResult], codec: str, tmp_path: Path
) -> None:
    plain, packed = tmp_path / "plain.pickle", tmp_path / "packed.pickle"
    stopped_at_day_20(scenario, plain)
    stopped_at_day_20(scenario, packed, checkpoint_compression=codec)
    assert read_checkpoint_info(plain).compression is None
    assert read_checkpoint_info(packed).compression == codec
    # the same state, in fewer bytes (a few store × SKU books and 20 days of ledger)
    assert packed.stat().st_size < 0.7 * plain.stat().st_size
    resumed = simulate(scenario, mode="shared", seed=7, checkpoint=packed, resume=True)
    assert_same(resumed, unbroken["shared"])


def test_a_resumed_run_keeps_its_checkpoints_compression_unless_told(
    scenario: Scenario, tmp_path: Path
) -> None:
    """Resumed without the option, later checkpoints are stored as the resumed one was;
    ``"none"`` stores them plain."""
    path = tmp_path / "run.pickle"
    stopped_at_day_20(scenario, path, checkpoint_compression="zstd")
    with pytest.raises(Crash):  # on to the checkpoint of day 30, and stopped again
        simulate(scenario, mode="shared", seed=7, checkpoint=path, resume=True, on_day=crash_on(33))
    info = read_checkpoint_info(path)
    assert (info.day, info.every, info.compression) == (30, 10, "zstd")
    simulate(
        scenario,
        mode="shared",
        seed=7,
        checkpoint=path,
        resume=True,
        checkpoint_compression="none",
    )
    info = read_checkpoint_info(path)
    assert (info.day, info.compression) == (DAYS, None)


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda raw: raw[: len(raw) // 2], "truncated"),
        # a byte of the compressed state: found by the digest, before decompressing
        (lambda raw: raw[:3000] + bytes([raw[3000] ^ 0x10]) + raw[3001:], "SHA-256"),
    ],
)
def test_a_damaged_compressed_checkpoint_is_refused_with_its_name(
    scenario: Scenario, tmp_path: Path, damage: Any, says: str
) -> None:
    saved = tmp_path / "saved.pickle"
    stopped_at_day_20(scenario, saved, checkpoint_compression="lz4")
    bad = tmp_path / "bad.pickle"
    bad.write_bytes(damage(saved.read_bytes()))
    with pytest.raises(CheckpointError, match=says) as caught:
        simulate(scenario, mode="shared", seed=7, checkpoint=bad, resume=True)
    assert str(caught.value).startswith(f"{bad}: ")


def test_the_compression_option_is_checked(scenario: Scenario, tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"'checkpoint_compression'.*'lz4', 'zstd', 'none'"):
        simulate(
            scenario,
            checkpoint=tmp_path / "c.pickle",
            checkpoint_every=5,
            checkpoint_compression="gzip",
        )
    with pytest.raises(ParameterError, match="'checkpoint'"):
        simulate(scenario, checkpoint_compression="lz4")


def test_a_sharded_runs_parts_are_compressed_too(tmp_path: Path, in_process: None) -> None:
    """Each shard's part starts with the codec it is stored with, and resumes."""
    scenario = generate_scenario(  # 24 stores: two shards of blocks of 8
        n_stores=24, n_skus=40, n_platforms=2, horizon_days=36, warm_up_days=4, seed=11
    )
    whole = simulate(scenario, mode="traditional", seed=7)
    saved = tmp_path / "run.pickle"
    options: dict[str, Any] = dict(mode="traditional", seed=7, shards=2, checkpoint=saved)
    with pytest.raises(Crash):
        simulate(
            scenario,
            checkpoint_every=10,
            checkpoint_compression="lz4",
            on_day=crash_on(23),
            **options,
        )
    parts = sorted(tmp_path.glob("run.pickle.day20.shard*"))
    assert len(parts) == 2
    for part in parts:
        assert part.read_bytes().startswith(b"crossdock-checkpoint-part 1 lz4\n")
    resumed = simulate(scenario, resume=True, **options)
    assert_same(resumed, whole)


def test_a_killed_run_with_compressed_checkpoints_resumes_from_the_command_line(
    long_scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    killed_and_resumed(long_scenario_file, tmp_path, capsys, ("--checkpoint-compression", "zstd"))


def test_the_command_line_refuses_compression_without_checkpoints(
    long_scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["run", str(long_scenario_file), "--days", "20", "--out", str(tmp_path / "out")]
    assert invoke([*args, "--checkpoint-compression", "lz4"]) == EXIT_USER_ERROR
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: --checkpoint-compression says how checkpoints are stored: give "
        "--checkpoint-every N (or --resume) too"
    ]
    assert invoke([*args, "--checkpoint-every", "5", "--checkpoint-compression", "gzip"]) == (
        EXIT_USER_ERROR
    )
    assert "gzip" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
