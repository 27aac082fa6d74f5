"""Scenario files: the default loads; broken files give one located line each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from crossdock import ScenarioError, load_scenario
from crossdock.scenario import compile_scenario, default_scenario_path, read_spec

DEFAULT = default_scenario_path().read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def broken(tmp_path: Path, old: str, new: str, count: int = 1) -> tuple[Path, str]:
    assert old in DEFAULT, old
    text = DEFAULT.replace(old, new, count)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def test_default_scenario_is_whole() -> None:
    sc = load_scenario()
    assert sc.n_stores == 12 and sc.n_platforms == 2 and sc.n_dcs == 1
    assert sc.n_categories == 3 and sc.n_suppliers >= 6 and sc.n_factories == 3
    assert 200 <= sc.n_skus <= 300
    assert sc.horizon_days == 365
    # a long tail: the fastest fifth of SKUs makes roughly four fifths of demand
    rates = np.sort(sc.base_rate)[::-1]
    assert 0.7 < rates[: len(rates) // 5].sum() / rates.sum() < 0.9
    # frozen arrays
    with pytest.raises(ValueError):
        sc.base_rate[0] = 1.0


def test_yaml_and_builder_give_the_same_scenario() -> None:
    from crossdock.scenario import generate_spec

    from_file = load_scenario()
    built = compile_scenario(generate_spec())
    for name in (
        "gtin",
        "base_rate",
        "shelf_capacity",
        "store_gln",
        "platform_of_store",
        "captain_of_category",
    ):
        assert np.array_equal(getattr(from_file, name), getattr(built, name)), name


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("lat: 43.2965", "lat: 143.2965", "suppliers[0].lat", "must be <= 90, got 143.2965"),
        (
            "lead_time_days: 2",
            "lead_time_days: two",
            "suppliers[0].lead_time_days",
            "must be a whole number, got 'two'",
        ),
        (
            "capacity_units_per_day: ",
            "capacity_units_per_day: -",
            "capacity_units_per_day",
            "must be > 0",
        ),
        (
            "supplier: riviere",
            "supplier: riviera",
            "products[0].supplier",
            "unknown supplier 'riviera'",
        ),
        (
            "gtin: '3012340000012'",
            "gtin: '3012340000013'",
            "products[0].gtin",
            "check digit 3, expected 2",
        ),
        (
            "distribution: negative_binomial",
            "distribution: gaussian",
            "demand.distribution",
            "must be 'poisson' or 'negative_binomial'",
        ),
        (
            "  - boissons\n  lead_time_days: 1",
            "  - boissons\n  lead_time_days: 1\n  colour: blue",
            "suppliers[2].colour",
            "unknown field",
        ),
    ],
)
def test_broken_scenarios_are_located(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    path, text = broken(tmp_path, old, new)
    with pytest.raises(ScenarioError) as caught:
        read_spec(path)
    error = caught.value
    assert field in error.problems[0]
    assert message in error.problems[0]
    # the line number points at the changed line
    changed = new.splitlines()[-1].strip()
    assert error.problems[0].startswith(f"broken.yaml:{line_of(text, changed)} ")


def test_two_captains_for_a_category(tmp_path: Path) -> None:
    path, _text = broken(tmp_path, "  captain_of: []", "  captain_of:\n  - epicerie")
    with pytest.raises(ScenarioError) as caught:
        read_spec(path)
    assert any("exactly one captain" in p and "found 2" in p for p in caught.value.problems)


def test_duplicate_gln(tmp_path: Path) -> None:
    spec = read_spec()
    first, second = spec.stores[0].gln, spec.stores[1].gln
    path, _text = broken(tmp_path, f"gln: '{second}'", f"gln: '{first}'")
    with pytest.raises(ScenarioError) as caught:
        read_spec(path)
    assert f"stores[1].gln: GLN {first} is already used by stores[0]" in caught.value.problems[0]


def test_malformed_yaml(tmp_path: Path) -> None:
    path, _text = broken(tmp_path, "horizon_days: 365", "horizon_days: [365")
    with pytest.raises(ScenarioError, match=r"broken.yaml:\d+: malformed YAML"):
        read_spec(path)


def test_every_problem_is_reported(tmp_path: Path) -> None:
    text = DEFAULT.replace("lat: 43.2965", "lat: 143.2965").replace(
        "lead_time_days: 2", "lead_time_days: -2"
    )
    path = tmp_path / "two.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        read_spec(path)
    assert len(caught.value.problems) >= 2


def test_not_a_mapping_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="must be a mapping") as caught:
        read_spec(path)
    # located as every other message: a bare line number, as the experiment files' are
    assert str(caught.value).startswith("list.yaml:1: ")
    with pytest.raises(ScenarioError, match="no such file"):
        read_spec(tmp_path / "absent.yaml")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crossdock", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("lat: 43.2965", "lat: 'north'"),
        ("gtin: '3012340000012'", "gtin: '3012340000019'"),
        ("supplier: riviere", "supplier: nobody"),
        ("capacity_units_per_day: ", "capacity_units_per_day: -"),
        ("horizon_days: 365", "horizon_days: {365"),
    ],
)
def test_cli_prints_one_located_line_and_exits_2(tmp_path: Path, old: str, new: str) -> None:
    path, _ = broken(tmp_path, old, new)
    for command in (["scenario", "validate", str(path)], ["run", str(path), "--days", "5"]):
        done = run_cli(*command)
        assert done.returncode == 2, done.stderr
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith("error: broken.yaml:")
        assert "Traceback" not in done.stderr


def test_demand_settings_must_name_known_things(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path, "  - gtins:\n    - '3012350000101'", "  - gtins:\n    - '3099999000013'"
    )
    with pytest.raises(ScenarioError) as caught:
        read_spec(path)
    line = line_of(text, "'3099999000013'")
    assert caught.value.problems[0] == (
        f"broken.yaml:{line} demand.promotions[0].gtins[0]: unknown GTIN '3099999000013' (not in products)"
    )
