"""Every command keeps the README's exit codes: 0 ok, 2 user input, 3 data quality, 1 a bug."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from crossdock.cli import EXIT_BUG, EXIT_DATA_QUALITY, EXIT_OK, EXIT_USER_ERROR, invoke
from crossdock.scenario import generate_spec


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """``small.yaml`` (3 stores, 12 SKUs, 40 days), ``broken.yaml`` and ``twins.yaml``."""
    folder = tmp_path_factory.mktemp("exit_codes")
    spec = generate_spec(n_stores=3, n_skus=12, horizon_days=40, warm_up_days=5, seed=2)
    text = yaml.safe_dump(spec.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    (folder / "small.yaml").write_text(text, encoding="utf-8")
    (folder / "broken.yaml").write_text(text.replace("cost_per_km: 1.6", "cost_per_km: .inf"))
    twins = text.replace(f"name: {spec.stores[1].name}", f"name: {spec.stores[0].name}", 1)
    (folder / "twins.yaml").write_text(twins, encoding="utf-8")
    gtin, store = spec.products[0].gtin, spec.stores[0].gln
    good = [f"2026-01-0{d},{store},{gtin},{d}" for d in range(5, 10)]
    (folder / "good.csv").write_text("date,store,gtin,quantity\n" + "\n".join(good) + "\n")
    bad = [*good, f"1900-01-01,{store},{gtin},1"]
    (folder / "bad.csv").write_text("date,store,gtin,quantity\n" + "\n".join(bad) + "\n")
    return folder


def cli(capsys, *args: str | Path) -> tuple[int, str, str]:
    code = invoke([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


BROKEN_LINE = "error: broken.yaml:323 carrier.cost_per_km: must be a finite number, got inf"


@pytest.mark.parametrize(
    "command",
    [
        ["scenario", "validate", "{f}/broken.yaml"],
        ["scenario", "show", "{f}/broken.yaml"],
        ["run", "{f}/broken.yaml", "--days", "2", "--out", "{f}/o"],
        ["compare", "{f}/broken.yaml", "--days", "2", "--out", "{f}/o"],
        ["pos", "generate", "{f}/broken.yaml", "--days", "1", "--out", "{f}/s.parquet"],
        [
            "pos",
            "import",
            "{f}/good.csv",
            "--scenario",
            "{f}/broken.yaml",
            "--out",
            "{f}/d.parquet",
        ],
        ["pos", "fit", "{f}/good.csv", "--scenario", "{f}/broken.yaml", "--out", "{f}/fit.yaml"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_a_broken_scenario_is_exit_2_with_one_located_line(capsys, folder, command) -> None:
    code, _out, err = cli(capsys, *(part.format(f=folder) for part in command))
    assert code == EXIT_USER_ERROR
    assert err.strip().splitlines() == [BROKEN_LINE]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["run", "{f}/absent.yaml"], "error: {f}/absent.yaml: no such file"),
        (["pos", "import", "{f}/absent.csv", "--scenario", "{f}/small.yaml"], "error: {f}/absent.csv: no such file"),
        (["pos", "fit", "{f}/absent.csv", "--scenario", "{f}/small.yaml"], "error: {f}/absent.csv: no such file"),
        (["run", "{f}/small.yaml", "--demand", "replay:{f}/absent.csv"], "error: {f}/absent.csv: no such file"),
        (["pos", "generate", "{f}/small.yaml", "--shard", "3/2"], "error: --shard: must be I/N with 1 <= I <= N, got '3/2'"),
    ],
)  # fmt: skip
def test_user_errors_are_exit_2(capsys, folder, command, expected) -> None:
    code, _out, err = cli(capsys, *(part.format(f=folder) for part in command))
    assert code == EXIT_USER_ERROR
    assert err.strip().splitlines()[-1] == expected.format(f=folder)


def test_a_bad_option_is_exit_2(capsys, folder) -> None:
    code, _out, _err = cli(capsys, "run", "--mode", "sideways")
    assert code == EXIT_USER_ERROR


def test_an_output_that_cannot_be_written_is_exit_2(capsys, folder) -> None:
    blocker = folder / "a_file"
    blocker.write_text("x")
    code, _out, err = cli(
        capsys,
        "pos",
        "generate",
        folder / "small.yaml",
        "--days",
        "1",
        "--out",
        blocker / "s.parquet",
    )
    assert code == EXIT_USER_ERROR
    assert err.startswith("error: ") and "a_file" in err


def test_success_is_exit_0_and_warnings_are_located_lines(capsys, folder) -> None:
    assert cli(capsys, "scenario", "validate", folder / "small.yaml")[0] == EXIT_OK
    code, out, err = cli(capsys, "scenario", "validate", folder / "twins.yaml")
    assert code == EXIT_OK and "valid scenario" in out
    (line,) = err.strip().splitlines()
    assert line.startswith("warning: twins.yaml:") and "stores[1].name: store name" in line


def test_pos_import_over_the_reject_share_is_exit_3_with_counts(capsys, folder) -> None:
    args = ["pos", "import", folder / "bad.csv", "--scenario", folder / "small.yaml"]
    code, out, err = cli(capsys, *args, "--out", folder / "bad.parquet")
    assert code == EXIT_DATA_QUALITY
    assert re.search(r"^  date outside the scenario's calendar +1$", out, flags=re.M)
    assert err.strip().splitlines()[-1] == (
        "error: 1 of 6 rows rejected (16.67%; date outside the scenario's calendar: 1), more "
        "than the 1.00% allowed (--max-reject-share 0.01)"
    )
    assert (folder / "bad.parquet").exists() and (folder / "bad.rejected.csv").exists()
    code, _out, err = cli(
        capsys, *args, "--out", folder / "bad2.parquet", "--max-reject-share", "0.2"
    )
    assert code == EXIT_OK and "warning: 1 of 6 rows rejected" in err
    assert cli(capsys, "pos", "import", folder / "good.csv", "--scenario", folder / "small.yaml",
               "--out", folder / "good.parquet")[0] == EXIT_OK  # fmt: skip


def test_replay_of_a_bad_pos_file_is_exit_3(capsys, folder) -> None:
    code, _out, err = cli(
        capsys, "run", folder / "small.yaml", "--demand", f"replay:{folder / 'bad.csv'}",
        "--out", folder / "replay",
    )  # fmt: skip
    assert code == EXIT_DATA_QUALITY
    assert "more than the 1.00% allowed" in err


def test_a_bug_is_exit_1_asking_for_a_report(capsys, folder, monkeypatch) -> None:
    import crossdock.scenario

    def broken(_path: object) -> None:
        raise RuntimeError("the unexpected")

    # the command imports read_spec when it runs (start-up stays light), so patch its home
    monkeypatch.setattr(crossdock.scenario, "read_spec", broken)
    code, _out, err = cli(capsys, "scenario", "validate", folder / "small.yaml")
    assert code == EXIT_BUG
    (line,) = err.strip().splitlines()
    assert line.startswith(
        "internal error: RuntimeError: the unexpected. This is a bug in crossdock"
    )
    assert "please report it" in line
    crash = Path(line.rsplit(" and ", 1)[1].split(" (the traceback)")[0])
    assert "RuntimeError: the unexpected" in crash.read_text()
    crash.unlink()


def test_python_m_crossdock_exits_with_the_code(folder) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "crossdock", "scenario", "validate", str(folder / "broken.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == EXIT_USER_ERROR
    assert done.stderr.strip() == BROKEN_LINE
