"""A run shorter than its warm-up is an error, unless the warm-up is given."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crossdock import ParameterError, simulate
from crossdock.scenario import compile_scenario, generate_spec


@pytest.fixture(scope="module")
def small():
    return compile_scenario(
        generate_spec(n_stores=2, n_skus=6, horizon_days=30, warm_up_days=10, seed=3)
    )


def test_a_run_no_longer_than_the_warm_up_is_refused(small) -> None:
    with pytest.raises(ParameterError, match="warm_up_days"):
        simulate(small, mode="traditional", days=10)


def test_the_warm_up_can_be_given(small) -> None:
    result = simulate(small, mode="traditional", days=8, warm_up=2)
    demand = result.tables["sku_daily"].to_pandas()
    measured = demand[demand.day >= 2]["demand"].sum()
    assert result.kpis["demand_units"] == measured
    assert result.kpis["demand_units"] > demand[demand.day == 7]["demand"].sum()


def test_a_bad_warm_up_is_refused(small) -> None:
    with pytest.raises(ParameterError, match="warm_up"):
        simulate(small, mode="traditional", days=8, warm_up=8)


def test_the_cli_names_the_problem_and_exits_2(tmp_path: Path) -> None:
    import yaml

    spec = generate_spec(n_stores=2, n_skus=6, horizon_days=30, warm_up_days=10, seed=3)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(spec.model_dump(mode="json")), encoding="utf-8")
    args = [sys.executable, "-m", "crossdock", "run", str(path), "--out", str(tmp_path / "o")]
    done = subprocess.run([*args, "--days", "5"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert (
        "--days 5" in done.stderr and "warm_up_days" in done.stderr and "--warm-up" in done.stderr
    )
    ok = subprocess.run(
        [*args, "--days", "5", "--warm-up", "1"], capture_output=True, text=True, timeout=120
    )
    assert ok.returncode == 0, ok.stderr
