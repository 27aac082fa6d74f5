"""Experiment files: what they plan, and located errors for broken ones (no run needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.experiments.conftest import write_experiment

from crossdock.cli import EXIT_USER_ERROR, invoke
from crossdock.errors import ExperimentError
from crossdock.experiments import load_experiment, replication_seed

GOOD = """\
name: carrier cost
scenario: tiny.yaml
days: 30
replications: 3
modes: [traditional, shared]
grid:
  carrier.cost_per_km: [1.2, 1.6]
variations:
  - name: captain
  - name: own items
    set:
      replenishment.captain_plans_category: false
      policies.planner.forecast__alpha: 0.2
"""


def test_a_grid_crossed_with_a_list_plans_every_run(tiny_folder: Path, tmp_path: Path) -> None:
    exp = load_experiment(write_experiment(tiny_folder, "good.yaml", GOOD))
    names = [v.name for v in exp.variations]
    assert names == [
        "captain, carrier.cost_per_km=1.2",
        "captain, carrier.cost_per_km=1.6",
        "own items, carrier.cost_per_km=1.2",
        "own items, carrier.cost_per_km=1.6",
    ]
    runs = exp.runs(range(3), tmp_path)
    assert len(runs) == 4 * 2 * 3
    assert len({r.key for r in runs}) == len(runs)
    # common random numbers: replication r has one seed in every variation and mode
    seeds = {(r.replication, r.seed) for r in runs}
    assert len(seeds) == 3
    assert dict(seeds)[0] == exp.base_spec.seed  # replication 0 is the scenario's own seed


def test_replication_seeds_do_not_depend_on_how_many_there_are() -> None:
    assert [replication_seed(7, r) for r in range(3)] == [replication_seed(7, r) for r in range(5)][
        :3
    ]
    assert len({replication_seed(7, r) for r in range(1000)}) == 1000
    assert all(0 <= replication_seed(7, r) < 2**31 for r in range(1, 100))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "scenario: tiny.yaml\nreplications: 3\ngrid:\n  carrier.cost_per_km: [-1.0, 1.6]\n",
            "bad.yaml:4 grid.carrier.cost_per_km: scenario field carrier.cost_per_km: "
            "must be >= 0, got -1.0",
        ),
        (
            "scenario: tiny.yaml\nreplications: zero\n",
            "bad.yaml:2 replications: must be a whole number, got 'zero'",
        ),
        (
            "scenario: tiny.yaml\nmodes: [traditional, sharred]\n",
            "bad.yaml:2 modes: unknown mode 'sharred'; one of",
        ),
        (
            "scenario: tiny.yaml\nvariations:\n  - name: a\n    set:\n      carier.cost_per_km: 2\n",
            "bad.yaml:5 variations[0].set.carier.cost_per_km: scenario field carier: unknown field",
        ),
        (
            "scenario: tiny.yaml\nvariations:\n  - set:\n      policies.planner.speed: 2\n",
            "bad.yaml:4 variations[0].set.policies.planner.speed: The 'speed' parameter",
        ),
        (
            "scenario: tiny.yaml\nvariations:\n  - set:\n      policies.truck.speed: 2\n",
            "bad.yaml:4 variations[0].set.policies.truck.speed: must be policies.ECHELON.PARAM",
        ),
        ("scenario: nowhere.yaml\n", "bad.yaml:1 scenario: no such scenario file"),
        ("scenario: tiny.yaml\nreplications: 3\nreplications: 4\n", "bad.yaml:3: duplicate key"),
        ("scenario: tiny.yaml\nwarp: 9\n", "bad.yaml:2 warp: unknown field"),
        ("- just\n- a list\n", "bad.yaml:1: an experiment must be a mapping"),
    ],
)
def test_a_broken_experiment_file_is_one_located_line(
    tiny_folder: Path, capsys: pytest.CaptureFixture[str], body: str, expected: str
) -> None:
    path = write_experiment(tiny_folder, "bad.yaml", body)
    with pytest.raises(ExperimentError) as caught:
        load_experiment(path)
    assert expected in str(caught.value)
    code = invoke(["experiment", str(path), "--out", str(tiny_folder / "never")])
    out, err = capsys.readouterr()
    assert code == EXIT_USER_ERROR
    assert "Traceback" not in err + out
    assert f"error: {expected}" in " ".join(err.split())
    assert not (tiny_folder / "never").exists()  # nothing ran


def test_a_missing_experiment_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert invoke(["experiment", str(tmp_path / "none.yaml")]) == EXIT_USER_ERROR
    assert "none.yaml: no such file" in capsys.readouterr().err


def test_import_crossdock_starts_no_ray() -> None:
    import subprocess
    import sys

    code = "import sys, crossdock; assert 'ray' not in sys.modules and 'crossdock.experiments' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_address_where_no_cluster_answers_is_a_user_error(
    tiny_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_experiment(tiny_folder, "address.yaml", "scenario: tiny.yaml\nreplications: 1\n")
    out = tiny_folder / "address-out"
    code = invoke(["experiment", str(path), "--out", str(out), "--address", "127.0.0.1:1"])
    assert code == EXIT_USER_ERROR
    assert "--address 127.0.0.1:1: no Ray cluster answers there" in capsys.readouterr().err
