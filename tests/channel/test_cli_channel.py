"""``--channel`` and ``--edi-archive`` on the command line, and the ``edi:`` scenario section."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from crossdock import edi
from crossdock.scenario import generate_spec


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crossdock", *args], capture_output=True, text=True, timeout=300
    )


def write_spec(path: Path, **edi_section: object) -> Path:
    spec = generate_spec(n_stores=3, n_skus=12, horizon_days=20, warm_up_days=2, seed=4)
    data = spec.model_dump(mode="json")
    data["edi"] = edi_section
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_spec(tmp_path_factory.mktemp("scn") / "small.yaml")


def test_run_archives_every_interchange(small_file: Path, tmp_path: Path) -> None:
    archive, out = tmp_path / "edi", tmp_path / "out"
    done = run_cli(
        "run", str(small_file), "--days", "6", "--edi-archive", str(archive), "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    files = list(archive.rglob("*.edi"))
    assert files
    for path in files[:50]:
        interchange = edi.read(path)
        assert path.parent.name == interchange.recipient
        assert path.parent.parent.name == interchange.sender
    assert (out / "edi_daily.parquet").exists()
    kpis = json.loads((out / "kpis.json").read_text())
    assert kpis["edi_retransmissions"] == 0 and kpis["edi_rejected"] == 0


def test_compare_over_edi_gives_the_direct_figures(small_file: Path, tmp_path: Path) -> None:
    direct = run_cli("compare", str(small_file), "--days", "10", "--out", str(tmp_path / "d"))
    over_edi = run_cli(
        "compare",
        str(small_file),
        "--days",
        "10",
        "--channel",
        "edi",
        "--edi-archive",
        str(tmp_path / "edi"),
        "--out",
        str(tmp_path / "e"),
    )
    assert direct.returncode == 0 and over_edi.returncode == 0, over_edi.stderr
    first = json.loads((tmp_path / "d" / "comparison.json").read_text())
    second = json.loads((tmp_path / "e" / "comparison.json").read_text())
    assert first == second
    assert any((tmp_path / "edi" / "traditional").rglob("*.edi"))
    assert any((tmp_path / "edi" / "shared").rglob("*.edi"))


def test_faults_from_the_scenario_file(tmp_path: Path) -> None:
    path = write_spec(
        tmp_path / "faulty.yaml", channel="edi", loss_rate=0.1, duplication_rate=0.1, delay_rate=0.1
    )
    done = run_cli("run", str(path), "--days", "20", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    kpis = json.loads((tmp_path / "out" / "kpis.json").read_text())
    assert kpis["edi_retransmissions"] > 0 and kpis["edi_duplicates_dropped"] > 0


def test_bad_edi_settings_are_located(tmp_path: Path) -> None:
    path = write_spec(tmp_path / "bad.yaml", channel="edi", loss_rate=0.9)
    done = run_cli("scenario", "validate", str(path))
    assert done.returncode == 2
    assert "edi.loss_rate" in done.stderr + done.stdout
    done = run_cli("run", str(path), "--days", "2", "--channel", "pigeon")
    assert done.returncode == 2
