"""Checkpoints: a run stopped after a checkpoint and resumed ends with an unbroken run's tables.

Each test runs a small generated scenario with a fixed seed. "Bit-identical" is checked on
every table (``pyarrow.Table.equals``) and on every KPI (exact equality), so a resumed run that
re-drew a random number, lost a message in flight or a route kept for reuse would fail.
"""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from tests.demand.conftest import with_generator

import crossdock
from crossdock import ParameterError, generate_scenario, simulate
from crossdock.checkpoint import read_checkpoint_info
from crossdock.cli import EXIT_OK, EXIT_USER_ERROR, invoke
from crossdock.errors import CheckpointError
from crossdock.results import SimulationResult
from crossdock.routing import SweepRoutePlanner
from crossdock.scenario import Scenario, compile_scenario, generate_spec

DAYS = 45


class Crash(Exception):
    """Stands for whatever stops a run midway (the test's own, so nothing else is caught)."""


def crash_on(day: int) -> object:
    def on_day(done: int) -> None:
        if done == day:
            raise Crash(done)

    return on_day


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return generate_scenario(n_stores=4, n_skus=24, horizon_days=DAYS, warm_up_days=5, seed=3)


@pytest.fixture(scope="module")
def unbroken(scenario: Scenario) -> dict[str, SimulationResult]:
    return {mode: simulate(scenario, mode=mode, seed=7) for mode in ("traditional", "shared")}


def assert_same(a: SimulationResult, b: SimulationResult) -> None:
    assert a.tables.keys() == b.tables.keys()
    for name in a.tables:
        assert a.tables[name].equals(b.tables[name]), name
    assert a.kpis == b.kpis


@pytest.mark.parametrize(
    ("mode", "channel"), [("traditional", None), ("shared", None), ("shared", "edi")]
)
def test_a_resumed_run_ends_with_the_unbroken_runs_tables(
    scenario: Scenario,
    unbroken: dict[str, SimulationResult],
    mode: str,
    channel: str | None,
    tmp_path: Path,
) -> None:
    """Over the EDI channel too, with faults: lost, repeated and late interchanges in flight,
    sequence numbers and the fault stream carry over."""
    if channel is None:
        whole = unbroken[mode]
    else:
        spec = scenario.spec
        faults = {"loss_rate": 0.05, "duplication_rate": 0.05, "delay_rate": 0.05}
        edi = spec.edi.model_copy(update=faults)
        scenario = compile_scenario(spec.model_copy(update={"edi": edi}))
        whole = simulate(scenario, mode=mode, seed=7, channel=channel)
        assert whole.tables["edi_daily"]["retransmissions"].to_numpy().sum() > 0
    path = tmp_path / "run.pickle"
    options = {"mode": mode, "seed": 7, "channel": channel, "checkpoint": path}
    with pytest.raises(Crash):
        simulate(scenario, checkpoint_every=10, on_day=crash_on(27), **options)  # type: ignore[arg-type]
    assert read_checkpoint_info(path).day == 20  # the last one before the crash
    days: list[int] = []
    resumed = simulate(scenario, resume=True, on_day=days.append, **options)  # type: ignore[arg-type]
    assert days[0] == 20 and days[1] == 21  # it went on from the checkpoint, not from day 0
    assert_same(resumed, whole)
    assert read_checkpoint_info(path).day == DAYS  # the last day is saved too


def test_counter_based_demand_resumes_where_it_stopped(scenario: Scenario, tmp_path: Path) -> None:
    """The ``philox`` generator has no stream state: a resumed run draws the same days."""
    scenario = with_generator(scenario, "philox")
    whole = simulate(scenario, mode="shared", seed=7)
    options = {"mode": "shared", "seed": 7, "checkpoint": tmp_path / "run.pickle"}
    with pytest.raises(Crash):
        simulate(scenario, checkpoint_every=10, on_day=crash_on(24), **options)  # type: ignore[arg-type]
    resumed = simulate(scenario, resume=True, **options)  # type: ignore[arg-type]
    assert_same(resumed, whole)


def test_a_finished_runs_checkpoint_resumes_with_nothing_left_to_simulate(
    scenario: Scenario, unbroken: dict[str, SimulationResult], tmp_path: Path
) -> None:
    path = tmp_path / "run.pickle"
    simulate(scenario, mode="shared", seed=7, checkpoint=path, checkpoint_every=30)
    days: list[int] = []
    resumed = simulate(
        scenario, mode="shared", seed=7, checkpoint=path, resume=True, on_day=days.append
    )
    assert days == [DAYS]
    assert_same(resumed, unbroken["shared"])


def test_resume_without_a_checkpoint_starts_from_day_0(
    scenario: Scenario, unbroken: dict[str, SimulationResult], tmp_path: Path
) -> None:
    days: list[int] = []
    run = simulate(
        scenario,
        mode="traditional",
        seed=7,
        checkpoint=tmp_path / "none.pickle",
        resume=True,
        on_day=days.append,
    )
    assert days[0] == 1
    assert_same(run, unbroken["traditional"])


def test_a_resumed_comparison_ends_with_the_unbroken_comparison(tmp_path: Path) -> None:
    small = generate_scenario(n_stores=2, n_skus=12, horizon_days=30, warm_up_days=5, seed=4)
    whole = crossdock.compare(small, seed=2)
    seen: list[int] = []

    def crash_in_the_second_run(day: int) -> None:
        seen.append(day)
        if len(seen) == 30 + 17:  # day 17 of the shared run
            raise Crash(day)

    with pytest.raises(Crash):
        crossdock.compare(
            small,
            seed=2,
            checkpoint_dir=tmp_path,
            checkpoint_every=5,
            on_day=crash_in_the_second_run,
        )
    assert read_checkpoint_info(tmp_path / "traditional.pickle").day == 30
    assert read_checkpoint_info(tmp_path / "shared.pickle").day == 15
    resumed = crossdock.compare(small, seed=2, checkpoint_dir=tmp_path, resume=True)
    assert json.dumps(resumed.rows(), sort_keys=True) == json.dumps(whole.rows(), sort_keys=True)
    for a, b in [(resumed.traditional, whole.traditional), (resumed.shared, whole.shared)]:
        assert_same(a, b)


# --- refused checkpoints -------------------------------------------------------------------


def stopped(scenario: Scenario, path: Path, every: int, day: int, **options: object) -> None:
    """A shared run of seed 7 checkpointed to ``path`` every ``every`` days, stopped on ``day``."""
    with pytest.raises(Crash):
        simulate(
            scenario,
            mode="shared",
            seed=7,
            checkpoint=path,
            checkpoint_every=every,
            on_day=crash_on(day),  # type: ignore[arg-type]
            **options,  # type: ignore[arg-type]
        )


@pytest.fixture(scope="module")
def saved(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A shared-mode checkpoint of seed 7 after 20 days."""
    path = tmp_path_factory.mktemp("saved") / "shared.pickle"
    stopped(scenario, path, 20, 21)
    return path


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"seed": 8}, "seed 7 (this run: 8)"),
        ({"mode": "traditional"}, "mode shared (this run: traditional)"),
        ({"days": DAYS - 1}, f"days {DAYS} (this run: {DAYS - 1})"),
        ({"channel": "edi"}, "channel None (this run: edi)"),
    ],
)
def test_a_checkpoint_of_another_run_is_refused(
    scenario: Scenario, saved: Path, change: dict[str, object], says: str
) -> None:
    options: dict[str, object] = {"mode": "shared", "seed": 7, "days": DAYS, **change}
    with pytest.raises(CheckpointError) as caught:
        simulate(scenario, checkpoint=saved, resume=True, **options)  # type: ignore[arg-type]
    assert str(caught.value).startswith(f"{saved}: checkpoint written for another run: ")
    assert says in str(caught.value)


def test_a_checkpoint_of_another_scenario_or_version_is_refused(
    scenario: Scenario, saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = generate_scenario(n_stores=5, n_skus=24, horizon_days=DAYS, warm_up_days=5, seed=3)
    with pytest.raises(CheckpointError, match="scenario digest"):
        simulate(other, mode="shared", seed=7, checkpoint=saved, resume=True)
    monkeypatch.setattr(crossdock, "__version__", "99.0")
    with pytest.raises(CheckpointError, match=r"crossdock \S+ \(this run: 99.0\)"):
        simulate(scenario, mode="shared", seed=7, checkpoint=saved, resume=True)


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda raw: raw[: len(raw) // 2], "truncated"),
        (lambda raw: raw[:-3], "truncated"),
        (lambda raw: raw[:3000] + bytes([raw[3000] ^ 0x10]) + raw[3001:], "SHA-256"),
        (lambda raw: b"PK\x03\x04 not a checkpoint", "does not start with"),
        (lambda raw: b"", "does not start with"),
        (
            lambda raw: raw.replace(b"crossdock-checkpoint 1", b"crossdock-checkpoint 7", 1),
            "format 7",
        ),
    ],
)
def test_a_damaged_checkpoint_is_refused_with_its_name(
    scenario: Scenario, saved: Path, tmp_path: Path, damage: object, says: str
) -> None:
    bad = tmp_path / "bad.pickle"
    bad.write_bytes(damage(saved.read_bytes()))  # type: ignore[operator]
    with pytest.raises(CheckpointError, match=says) as caught:
        simulate(scenario, mode="shared", seed=7, checkpoint=bad, resume=True)
    assert str(caught.value).startswith(f"{bad}: ")


class LambdaRouter(SweepRoutePlanner):
    """A router holding a lambda, which pickle cannot save."""

    def __init__(self) -> None:
        super().__init__()
        self.score = lambda route: 0


def test_state_that_cannot_pickle_is_refused_when_first_saved(
    scenario: Scenario, tmp_path: Path
) -> None:
    with pytest.raises(CheckpointError, match="must pickle"):
        simulate(
            scenario,
            mode="shared",
            seed=7,
            router=LambdaRouter(),
            checkpoint=tmp_path / "x.pickle",
            checkpoint_every=5,
        )
    assert not (tmp_path / "x.pickle").exists() and not (tmp_path / "x.pickle.tmp").exists()


def test_checkpoint_options_are_checked(scenario: Scenario, tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="'checkpoint'"):
        simulate(scenario, checkpoint_every=5)
    with pytest.raises(ParameterError, match="'checkpoint_every'"):
        simulate(scenario, checkpoint=tmp_path / "c.pickle", checkpoint_every=0)


class FullDisk(io.FileIO):
    """A file on a disk that fills up after ``room`` bytes: then each write fails (ENOSPC)."""

    room = 4096

    def write(self, data: object) -> int:
        size = memoryview(data).nbytes  # type: ignore[arg-type]
        if self.tell() + size > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(data)  # type: ignore[arg-type]


def fill_disk_for(monkeypatch: pytest.MonkeyPatch, full: Callable[[Path], bool]) -> None:
    """Checkpoint and result files whose temporary path satisfies ``full`` are written to a
    disk that fills up."""
    files_module = sys.modules["crossdock._files"]

    def opened(path: str | Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        if mode == "wb" and full(Path(path)):
            return FullDisk(path, "w")
        return open(path, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(files_module, "open", opened, raising=False)


def test_a_full_disk_keeps_the_previous_checkpoint_and_the_run_resumes_from_it(
    scenario: Scenario,
    unbroken: dict[str, SimulationResult],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second checkpoint finds the disk full: a CheckpointError that names the file and
    says the first is kept; no temporary file stays; resumed with room, the unbroken tables."""
    path = tmp_path / "run.pickle"
    room: list[bool] = []  # made when the run has failed
    fill_disk_for(
        monkeypatch, lambda temp: not room and temp.name == "run.pickle.tmp" and path.exists()
    )
    options = {"mode": "shared", "seed": 7, "checkpoint": path}
    with pytest.raises(CheckpointError) as caught:
        simulate(scenario, checkpoint_every=10, **options)  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"{path}: cannot write the checkpoint: No space left on device (the previous one is "
        "kept as it was: make room, then run again with --resume (resume= in Python) to go on "
        "from it)"
    )
    assert read_checkpoint_info(path).day == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.pickle"]
    room.append(True)
    days: list[int] = []
    resumed = simulate(scenario, resume=True, on_day=days.append, **options)  # type: ignore[arg-type]
    assert days[0] == 10
    assert_same(resumed, unbroken["shared"])


def test_the_command_line_names_a_checkpoint_it_cannot_write(
    long_scenario_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Exit code 2, one line naming the file, no traceback; nothing left half-written."""
    out = tmp_path / "out"
    fill_disk_for(monkeypatch, lambda temp: True)
    args = ["run", str(long_scenario_file), "--days", "20", "--seed", "3", "--out", str(out)]
    assert invoke([*args, "--checkpoint-every", "5"]) == EXIT_USER_ERROR
    saved = out / "checkpoints" / "shared.pickle"
    assert capsys.readouterr().err.strip().splitlines() == [
        f"error: {saved}: cannot write the checkpoint: No space left on device (no earlier "
        "checkpoint: make room, or give --out a folder with space)"
    ]
    assert not saved.exists() and not saved.with_name("shared.pickle.tmp").exists()


# --- the command line ----------------------------------------------------------------------


def read_tables(folder: Path) -> dict[str, object]:
    return {p.stem: pq.read_table(p) for p in sorted(folder.glob("*.parquet"))}


def killed_and_resumed(
    long_scenario_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    options: tuple[str, ...] = (),
) -> None:
    """A ``crossdock run`` subprocess killed after a checkpoint, resumed: the unbroken tables.

    The run (shared, 120 days, ``--checkpoint-every 5`` and ``options``) gets SIGKILL as soon
    as its first checkpoint is in ``OUT/checkpoints/``; resumed with ``--resume`` and the same
    ``options``, it must write the tables and KPIs of a run that was never stopped, and
    remove its checkpoints.
    """
    args = [str(long_scenario_file), "--seed", "3", "--mode", "shared"]
    assert invoke(["run", *args, "--out", str(tmp_path / "whole")]) == EXIT_OK
    out = tmp_path / "killed"
    saved = out / "checkpoints" / "shared.pickle"
    command = [sys.executable, "-m", "crossdock", "run", *args, "--out", str(out), *options]
    process = subprocess.Popen(
        [*command, "--checkpoint-every", "5"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    deadline = time.monotonic() + 600
    while not saved.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    _, err = process.communicate()
    # Killed, not finished: a finished run writes kpis.json and removes its checkpoint.
    assert process.returncode == -signal.SIGKILL, err.decode()
    assert not (out / "kpis.json").exists()
    day = read_checkpoint_info(saved).day
    assert 0 < day < 120 and day % 5 == 0
    capsys.readouterr()
    assert invoke(["run", *args, "--out", str(out), "--resume", *options]) == EXIT_OK
    assert f"Resuming shared from day {day} of 120" in capsys.readouterr().err
    whole, resumed = read_tables(tmp_path / "whole"), read_tables(out)
    assert whole.keys() == resumed.keys() and len(whole) > 10
    for name, table in whole.items():
        assert table.equals(resumed[name]), name  # type: ignore[attr-defined]
    kpis = [json.loads((f / "kpis.json").read_text()) for f in (tmp_path / "whole", out)]
    assert kpis[0] == kpis[1]
    assert not (out / "checkpoints").exists()  # removed (a sharded run's parts too)


def test_a_killed_run_resumed_from_the_command_line_ends_with_the_unbroken_tables(
    long_scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    killed_and_resumed(long_scenario_file, tmp_path, capsys)


def test_the_command_line_refuses_a_bad_checkpoint_with_exit_code_2(
    long_scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["run", str(long_scenario_file), "--days", "20", "--seed", "3", "--out", str(out)]
    saved = out / "checkpoints" / "shared.pickle"
    saved.parent.mkdir(parents=True)
    saved.write_bytes(b"crossdock-checkpoint 1\n{not json")
    assert invoke([*args, "--resume"]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"error: {saved}: not a readable crossdock checkpoint (its header is damaged); "
        "delete it, or run without resuming"
    ]
    saved.unlink()
    with pytest.raises(Crash):  # a checkpoint of seed 4 where seed 3 is asked for
        simulate(
            crossdock.load_scenario(long_scenario_file),
            mode="shared",
            seed=4,
            days=20,
            checkpoint=saved,
            checkpoint_every=5,
            on_day=crash_on(6),
        )
    assert invoke([*args, "--resume"]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"error: {saved}: checkpoint written for another run: seed 4 (this run: 3)" in err
    assert invoke([*args, "--checkpoint-every", "0"]) == EXIT_USER_ERROR


def test_compare_checkpoints_every_run_and_resumes_the_finished_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = generate_spec(n_stores=2, n_skus=12, horizon_days=30, warm_up_days=5, seed=4)
    path = tmp_path / "tiny.yaml"
    text = yaml.safe_dump(spec.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    args = ["compare", str(path), "--seed", "2"]
    assert invoke([*args, "--out", str(tmp_path / "whole")]) == EXIT_OK
    out = tmp_path / "saved"
    # A finished traditional run's last checkpoint, as a killed comparison would leave it:
    simulate(
        crossdock.load_scenario(path),
        mode="traditional",
        seed=2,
        checkpoint=out / "checkpoints" / "traditional.pickle",
        checkpoint_every=10,
    )
    capsys.readouterr()
    assert invoke([*args, "--out", str(out), "--checkpoint-every", "10", "--resume"]) == EXIT_OK
    err = capsys.readouterr().err
    assert "Resuming traditional from day 30 of 30" in err
    assert "No checkpoint for shared at" in err
    whole = json.loads((tmp_path / "whole" / "comparison.json").read_text())
    assert json.loads((out / "comparison.json").read_text()) == whole
    assert not (out / "checkpoints").exists()
    assert invoke([*args, "--replications", "2", "--resume"]) == EXIT_USER_ERROR
