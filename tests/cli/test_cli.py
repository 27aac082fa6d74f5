"""The command line, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from crossdock import KPI_DOCS


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crossdock", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


@pytest.fixture(scope="module")
def small_file(tmp_path_factory) -> Path:
    import yaml

    from crossdock.scenario import generate_spec

    spec = generate_spec(n_stores=3, n_skus=18, horizon_days=40, warm_up_days=5, seed=2)
    path = tmp_path_factory.mktemp("scn") / "small.yaml"
    path.write_text(
        yaml.safe_dump(spec.model_dump(mode="json"), allow_unicode=True), encoding="utf-8"
    )
    return path


def test_run_writes_kpis_and_tables(small_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "res"
    done = run_cli(
        "run",
        str(small_file),
        "--mode",
        "traditional",
        "--days",
        "30",
        "--seed",
        "3",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "fill_rate" in done.stdout and "traditional" in done.stdout
    kpis = json.loads((out / "kpis.json").read_text())
    assert set(kpis) == set(KPI_DOCS)
    assert all(isinstance(v, int | float) for v in kpis.values())
    table = pq.read_table(out / "location_daily.parquet")
    assert table.column("day").to_pylist()[-1] == 29
    for name in ("sku_daily", "transport", "messages"):
        assert (out / f"{name}.parquet").exists()


def test_run_is_reproducible_from_the_cli(small_file: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert (
            run_cli(
                "run", str(small_file), "--days", "20", "--seed", "8", "--out", str(out)
            ).returncode
            == 0
        )
    assert (a / "kpis.json").read_text() == (b / "kpis.json").read_text()


def test_compare_writes_both_and_the_difference(small_file: Path, tmp_path: Path) -> None:
    done = run_cli("compare", str(small_file), "--days", "25", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "traditional" in done.stdout and "shared" in done.stdout and "difference" in done.stdout
    rows = json.loads((tmp_path / "comparison.json").read_text())
    assert set(rows) == set(KPI_DOCS)
    for row in rows.values():
        assert row["difference"] == pytest.approx(row["shared"] - row["traditional"])
    assert (tmp_path / "traditional" / "kpis.json").exists() and (
        tmp_path / "shared" / "kpis.json"
    ).exists()


def test_scenario_show_counts_the_parties() -> None:
    done = run_cli("scenario", "show")
    assert done.returncode == 0, done.stderr
    for word in ("stores", "SKUs", "categories", "suppliers", "platforms", "factories", "trucks"):
        assert word in done.stdout
    assert "240" in done.stdout and "12" in done.stdout
    assert "negative_binomial (pcg64 draws)" in done.stdout


def test_scenario_validate_accepts_a_good_file(small_file: Path) -> None:
    done = run_cli("scenario", "validate", str(small_file))
    assert done.returncode == 0 and "valid scenario" in done.stdout


def test_bad_option_is_a_usage_error() -> None:
    done = run_cli("run", "--mode", "vmi")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_every_command_has_help() -> None:
    for command in (["run"], ["compare"], ["scenario", "validate"], ["scenario", "show"]):
        done = run_cli(*command, "--help")
        assert done.returncode == 0 and "Usage" in done.stdout


def test_compare_adds_the_run_without_captain(small_file: Path, tmp_path: Path) -> None:
    done = run_cli("compare", str(small_file), "--days", "15", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "no captain" in done.stdout
    rows = json.loads((tmp_path / "comparison.json").read_text())
    assert all("shared_own_items" in row for row in rows.values())
    assert (tmp_path / "shared_own_items" / "kpis.json").exists()
    done = run_cli(
        "compare", str(small_file), "--days", "15", "--no-captain", "--out", str(tmp_path / "b")
    )
    rows = json.loads((tmp_path / "b" / "comparison.json").read_text())
    assert all("shared_own_items" not in row for row in rows.values())
