"""Experiments on Ray: the same numbers whatever the workers, resumption, --until-halfwidth."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from tests.experiments.conftest import write_experiment

from crossdock.cli import EXIT_OK, invoke
from crossdock.experiments import experiment, load_experiment
from crossdock.experiments._spec import code_id
from crossdock.experiments._store import kpi_columns
from crossdock.experiments._worker import RUN_RECORD

TWO_BY_TWO = """\
name: two by two
scenario: tiny.yaml
days: 30
warm_up: 7
replications: 2
modes: [traditional, shared]
grid:
  service_level: [0.9, 0.98]
"""


def _files(folder: Path) -> dict[str, bytes]:
    """Every run's Parquet and kpis.json, by path below ``runs/``."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted((folder / "runs").rglob("*"))
        if p.is_file() and p.name != RUN_RECORD  # the record holds the run's seconds
    }


def _kpis(folder: Path) -> pd.DataFrame:
    with duckdb.connect(str(folder / "experiment.duckdb"), read_only=True) as con:
        runs = con.execute("SELECT * FROM runs ORDER BY run_key").df()
    return runs[["run_key", "variation", "mode", "replication", "seed", *kpi_columns(runs)]]


def test_one_worker_and_two_give_the_same_tables_bit_for_bit(
    tiny_folder: Path, tmp_path: Path, ray_two_cpus: None
) -> None:
    path = write_experiment(tiny_folder, "two_by_two.yaml", TWO_BY_TWO)
    one = experiment(path, out=tmp_path / "one", workers=1, progress=False)
    two = experiment(path, out=tmp_path / "two", workers=2, progress=False)
    assert one.runs_executed == two.runs_executed == 2 * 2 * 2
    files_one, files_two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert len(files_one) >= 8 * 5
    assert files_one == files_two
    pd.testing.assert_frame_equal(_kpis(tmp_path / "one"), _kpis(tmp_path / "two"))
    pd.testing.assert_frame_equal(one.summary, two.summary)
    # the frontier table the report reads: one row per mode, level and KPI
    assert one.frontier is not None
    assert set(one.frontier.service_level) == {0.9, 0.98}
    assert {"fill_rate", "working_capital"} <= set(one.frontier.kpi)
    assert (one.frontier.n == 2).all()


def _session_processes(session: int) -> list[int]:
    """Processes of one session (the killed CLI's Ray processes, which it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == session and fields[0] != "Z":  # field 6: the session id
            found.append(int(entry.name))
    return found


def _kill_session(session: int) -> None:
    """SIGKILL every process of the session until none is left (Ray may start a worker
    between a look and the kill)."""
    deadline = time.monotonic() + 60
    while left := _session_processes(session):
        assert time.monotonic() < deadline, f"processes {left} of the killed session live on"
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)


# The CLI, with run keys made from this process's digest of crossdock's source: the killed
# experiment is to be resumed by the same code, and a colleague's edit of the source tree while
# the test runs would otherwise give the child other keys, and the resumed run nothing to skip.
_CLI_WITH_OUR_CODE_ID = """\
import os
from crossdock.experiments import _spec
code = os.environ["CROSSDOCK_TEST_CODE_ID"]
_spec.code_id = lambda: code
from crossdock.cli import main
main()
"""


def test_a_killed_experiment_resumes_with_the_same_results(
    tiny_folder: Path, tmp_path: Path, ray_two_cpus: None
) -> None:
    path = write_experiment(
        tiny_folder, "resume.yaml", TWO_BY_TWO.replace("replications: 2", "replications: 3")
    )
    total = 2 * 2 * 3
    folder = tmp_path / "killed"
    keys = {run.key for run in load_experiment(path).runs(range(3), folder)}
    assert len(keys) == total

    def finished() -> set[str]:
        """Runs whose folder is there: written whole, then renamed (scratch starts with '.')."""
        return {p.name for p in (folder / "runs").glob("*") if not p.name.startswith(".")}

    command = [
        sys.executable, "-c", _CLI_WITH_OUR_CODE_ID, "experiment", str(path), "--out",
        str(folder), "--workers", "1",
    ]  # fmt: skip
    child = subprocess.Popen(
        command,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "CROSSDOCK_TEST_CODE_ID": code_id()},
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and child.poll() is None and len(finished()) < 3:
            time.sleep(0.05)
        assert child.poll() is None, "the experiment ended before it could be killed"
    finally:
        _kill_session(child.pid)  # the CLI and its Ray: nothing of it writes on
        child.wait()
    done = finished()
    assert done <= keys  # the child made the runs this process plans, under the same keys
    assert 3 <= len(done) < total
    resumed = experiment(path, out=folder, workers=2, progress=False)
    assert resumed.runs_executed == total - len(done)  # the killed one's runs were skipped
    whole = experiment(path, out=tmp_path / "whole", workers=2, progress=False)
    assert whole.runs_executed == total
    assert _files(folder) == _files(tmp_path / "whole")
    pd.testing.assert_frame_equal(_kpis(folder), _kpis(tmp_path / "whole"))
    again = experiment(path, out=folder, progress=False)
    assert again.runs_executed == 0 and again.ray_start_seconds is None


def test_finished_runs_the_database_lost_are_taken_from_their_folders(
    tiny_folder: Path, tmp_path: Path, ray_two_cpus: None
) -> None:
    """A run killed between writing its folder and its row is not run again; a folder whose
    record names another run is, and the temporary folder a killed attempt left goes."""
    path = write_experiment(tiny_folder, "lost.yaml", TWO_BY_TWO)
    folder = tmp_path / "lost"
    first = experiment(path, out=folder, workers=1, progress=False)
    assert first.runs_executed == 8
    rows = _kpis(folder)
    (folder / "experiment.duckdb").unlink()
    records = sorted((folder / "runs").rglob(RUN_RECORD))
    assert len(records) == 8
    records[0].write_text('{"run_key": "another run", "seconds": 1.0}\n', encoding="utf-8")
    scratch = records[0].parent.with_name(f".{records[0].parent.name}.1.tmp")
    scratch.mkdir()
    (scratch / "kpis.json").write_text("{", encoding="utf-8")  # killed while writing
    again = experiment(path, out=folder, workers=1, progress=False)
    assert again.runs_executed == 1
    assert not scratch.exists()
    pd.testing.assert_frame_equal(_kpis(folder), rows)


def test_until_halfwidth_adds_replications_until_the_interval_is_narrow(
    tiny_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], ray_two_cpus: None
) -> None:
    path = write_experiment(
        tiny_folder,
        "halfwidth.yaml",
        "scenario: tiny.yaml\ndays: 30\nwarm_up: 7\nreplications: 2\nmax_replications: 12\n"
        "modes: [shared]\n",
    )
    start = experiment(path, out=tmp_path / "h", workers=2, progress=False)
    target = float(start.summary.set_index("kpi").loc["fill_rate", "half_width"]) / 4
    code = invoke(
        ["experiment", str(path), "--out", str(tmp_path / "h"), "--workers", "2",
         "--until-halfwidth", str(target), "--kpi", "fill_rate"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == EXIT_OK
    result = experiment(
        load_experiment(path),
        out=tmp_path / "h",
        until_halfwidth=target,
        kpi="fill_rate",
        progress=False,
    )
    assert result.runs_executed == 0  # the CLI run above did them all
    row = result.summary.set_index("kpi").loc["fill_rate"]
    assert result.replications > 2
    assert row["half_width"] <= target or result.replications == 12
    assert row["n"] == result.replications
    assert "fill_rate" in out and "±" in out
    assert np.isfinite(row["mean"])
