"""``crossdock pos`` and ``--demand``, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crossdock", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A folder with a small scenario file, 21 days of its scans, imported and fitted."""
    import yaml

    from crossdock.scenario import generate_spec

    folder = tmp_path_factory.mktemp("pos_cli")
    spec = generate_spec(n_stores=3, n_skus=60, horizon_days=40, warm_up_days=3, seed=2)
    (folder / "small.yaml").write_text(
        yaml.safe_dump(spec.model_dump(mode="json"), allow_unicode=True), encoding="utf-8"
    )
    for args in (
        (
            "pos",
            "generate",
            "small.yaml",
            "--days",
            "21",
            "--out",
            "scans.parquet",
            "--chunk-days",
            "4",
        ),
        ("pos", "import", "scans.parquet", "--scenario", "small.yaml", "--out", "daily.parquet"),
        ("pos", "fit", "daily.parquet", "--scenario", "small.yaml", "--out", "fitted.yaml"),
    ):
        done = run_cli(*args, cwd=folder)
        assert done.returncode == 0, done.stderr
    return folder


def test_generate_import_fit_chain(workdir: Path) -> None:
    scans = pq.read_table(workdir / "scans.parquet")
    daily = pq.read_table(workdir / "daily.parquet")
    assert pq.ParquetFile(workdir / "scans.parquet").num_row_groups == 6
    assert daily["sales_units"].to_numpy().sum() == scans["quantity"].to_numpy().sum()
    assert (workdir / "fitted.demand.parquet").exists()
    done = run_cli("scenario", "validate", "fitted.yaml", cwd=workdir)
    assert done.returncode == 0, done.stderr


def test_import_reports_rejections(workdir: Path) -> None:
    (workdir / "bad.csv").write_text(
        "date,store,gtin,quantity\n2026-13-01,x,123,1\n", encoding="utf-8"
    )
    args = ("pos", "import", "bad.csv", "--scenario", "small.yaml", "--out", "bad.parquet")
    done = run_cli(*args, "--max-reject-share", "1", cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert "rejected                   1" in done.stdout
    assert "rejected: bad.csv:row 1 date: unparseable date" in done.stderr
    assert "warning: 1 of 1 rows rejected (100.00%; unparseable date: 1)" in done.stderr
    assert (workdir / "bad.rejected.csv").read_text().count("\n") == 2
    # by default more than 1% rejected is exit code 3, with the counts, outputs still written
    (workdir / "bad.parquet").unlink()
    done = run_cli(*args, cwd=workdir)
    assert done.returncode == 3, done.stderr
    assert "rejected                   1" in done.stdout
    assert done.stderr.splitlines()[-1] == (
        "error: 1 of 1 rows rejected (100.00%; unparseable date: 1), more than the 1.00% "
        "allowed (--max-reject-share 0.01)"
    )
    assert (workdir / "bad.parquet").exists()


def test_a_missing_column_is_one_line_exit_2(workdir: Path) -> None:
    (workdir / "nogtin.csv").write_text("date,store,quantity\n2026-01-05,x,1\n", encoding="utf-8")
    done = run_cli("pos", "import", "nogtin.csv", "--scenario", "small.yaml", cwd=workdir)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: nogtin.csv:row 0 gtin: no gtin column (have: date, store, quantity)"
    ]


@pytest.mark.parametrize("demand", ["replay:daily.parquet", "resample:daily.parquet"])
def test_run_with_recorded_demand(workdir: Path, demand: str) -> None:
    done = run_cli(
        "run", "small.yaml", "--demand", demand, "--days", "21", "--out", "out", cwd=workdir
    )
    assert done.returncode == 0, done.stderr
    kpis = json.loads((workdir / "out" / "kpis.json").read_text())
    recorded = pq.read_table(workdir / "daily.parquet")
    if demand.startswith("replay"):
        result = pq.read_table(workdir / "out" / "sku_daily.parquet")
        assert result["demand"].to_numpy().sum() == recorded["sales_units"].to_numpy().sum()
    assert kpis["demand_units"] > 0


def test_compare_with_replay_gives_both_modes_the_record(workdir: Path) -> None:
    done = run_cli(
        "compare", "small.yaml", "--demand", "replay:daily.parquet", "--out", "cmp", cwd=workdir
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads((workdir / "cmp" / "comparison.json").read_text())
    assert rows["demand_units"]["difference"] == 0


def test_bad_demand_choice(workdir: Path) -> None:
    done = run_cli("run", "small.yaml", "--demand", "replay", cwd=workdir)
    assert done.returncode == 2
    assert "--demand: must be model, replay:FILE or resample:FILE" in done.stderr


def test_shards_together_are_the_whole_run(workdir: Path) -> None:
    for shard in ("1/2", "2/2"):
        args = ("pos", "generate", "small.yaml", "--days", "21", "--chunk-days", "4")
        done = run_cli(*args, "--shard", shard, "--out", f"shard{shard[0]}.parquet", cwd=workdir)
        assert done.returncode == 0, done.stderr
    import pyarrow as pa

    keys = [("basket_id", "ascending"), ("timestamp", "ascending")]
    whole = pq.read_table(workdir / "scans.parquet").sort_by(keys)
    parts = [pq.read_table(workdir / f"shard{i}.parquet") for i in (1, 2)]
    assert parts[0].num_rows and parts[1].num_rows
    joined = pa.concat_tables(parts, promote_options="default").sort_by(keys)
    assert joined.equals(whole)


def test_a_bad_shard_is_one_line(workdir: Path) -> None:
    done = run_cli("pos", "generate", "small.yaml", "--shard", "3/2", cwd=workdir)
    assert done.returncode == 2
    assert done.stderr.strip() == "error: --shard: must be I/N with 1 <= I <= N, got '3/2'"
