"""Issue 15's scenario reproducers: each broken file gives a located error or warning, fast."""

from __future__ import annotations

import re
import time
import tracemalloc
import warnings
from pathlib import Path

import pytest
import yaml

from crossdock import ScenarioError
from crossdock.errors import ScenarioWarning
from crossdock.scenario import generate_spec, load_scenario, read_spec

SMALL = yaml.safe_dump(
    generate_spec(n_stores=3, n_skus=12, horizon_days=40, warm_up_days=5, seed=2).model_dump(
        mode="json"
    ),
    allow_unicode=True,
    sort_keys=False,
)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def write(tmp_path: Path, text: str, name: str = "broken.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def edited(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    assert old in SMALL, old
    text = SMALL.replace(old, new, 1)
    return write(tmp_path, text), text


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        read_spec(path)
    return caught.value.problems


def scenario_warnings(path: Path) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_spec(path)
    return [str(w.message) for w in caught if issubclass(w.category, ScenarioWarning)]


def test_alias_bomb_is_a_located_error_in_bounded_time_and_memory(tmp_path: Path) -> None:
    rows = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    rows += [
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    path = write(tmp_path, "\n".join(rows) + "\n", "bomb.yaml")
    tracemalloc.start()
    started = time.perf_counter()
    found = problems(path)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert found == [
        "bomb.yaml:7: aliases expand to more than 1,000,000 nodes (limit MAX_ALIAS_NODES) at alias *f"
    ]
    assert peak < 50 * 2**20, peak  # 9^9 nodes expanded would be gigabytes
    assert seconds < 20  # generous: it takes well under a second; without the limit, forever


def test_aliases_within_the_limit_and_merge_keys_still_work(tmp_path: Path) -> None:
    windows = re.findall(
        r"  delivery_window:\n    open: '?[\d:]+'?\n    close: '?[\d:]+'?\n", SMALL
    )
    assert len(windows) >= 2
    text = SMALL.replace(
        windows[0], windows[0].replace("delivery_window:", "delivery_window: &w"), 1
    )
    head, tail = text.split("&w", 1)
    tail = tail.replace(windows[1], "  delivery_window: *w\n", 1)
    text = head + "&w" + tail
    text = text.replace("  name: Hyper", "  <<: {size_factor: 1.5}\n  name: Hyper", 1)
    spec = read_spec(write(tmp_path, text))
    assert spec.stores[1].delivery_window == spec.stores[0].delivery_window
    assert spec.stores[0].size_factor != 1.5  # the mapping's own key overrides the merged one


def test_deep_nesting_and_recursive_aliases_are_located(tmp_path: Path) -> None:
    deep = write(tmp_path, "name: " + "[" * 500 + "]" * 500 + "\n", "deep.yaml")
    assert problems(deep) == ["deep.yaml:1: nested more than 64 levels deep (limit MAX_DEPTH)"]
    loop = write(tmp_path, "name: x\nloop: &a [1, *a]\n", "loop.yaml")
    assert problems(loop) == ["loop.yaml:2: alias *a is used inside its own anchor"]


def test_duplicate_key_is_an_error_at_its_second_writing(tmp_path: Path) -> None:
    path, text = edited(tmp_path, "horizon_days: 40\n", "horizon_days: 40\nhorizon_days: 400\n")
    line = line_of(text, "horizon_days: 400")
    assert problems(path) == [
        f"broken.yaml:{line}: duplicate key 'horizon_days' (first written on line {line - 1})"
    ]


def test_base_rate_1e300_is_a_bound_error_at_validate_time(tmp_path: Path) -> None:
    path, text = edited(tmp_path, "base_rate: ", "base_rate: 1.0e+300 #")
    line = line_of(text, "1.0e+300")
    assert (
        problems(path)[0]
        == f"broken.yaml:{line} products[0].base_rate: must be <= 1000000, got 1e+300"
    )


def test_peak_mean_demand_is_bounded_with_the_bound_named(tmp_path: Path) -> None:
    path, _ = edited(tmp_path, "base_rate: ", "base_rate: 900000 #")
    text = path.read_text().replace("size_factor: ", "size_factor: 90 #", 1)
    found = problems(write(tmp_path, text))
    assert "products[0].base_rate: peak mean demand" in found[0]
    assert "MAX_MEAN_UNITS_PER_STORE_DAY" in found[0]


@pytest.mark.parametrize("written", ["20260105", "'20260105'", "2026-01-05", "'2026-01-05'"])
def test_start_date_in_yaml_and_iso_forms(tmp_path: Path, written: str) -> None:
    path, _ = edited(tmp_path, "start_date: '2026-01-05'", f"start_date: {written}")
    assert str(read_spec(path).start_date) == "2026-01-05"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2026010", "must be a date as YYYY-MM-DD (or YYYYMMDD), got 2026010"),
        ("20261305", "must be a date as YYYY-MM-DD (or YYYYMMDD), got 20261305"),
        ("1880-01-01", "must be between 1900-01-01 and 2199-12-31, got 1880-01-01"),
        ("2026-01-05 10:30:00", "without a time of day, got 2026-01-05T10:30:00"),
    ],
)
def test_a_bad_start_date_says_what_is_expected(tmp_path: Path, written: str, message: str) -> None:
    path, text = edited(tmp_path, "start_date: '2026-01-05'", f"start_date: {written}")
    (found,) = problems(path)
    assert found.startswith(f"broken.yaml:{line_of(text, 'start_date:')} start_date: ")
    assert found.endswith(message)


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan"])
def test_cost_per_km_must_be_finite(tmp_path: Path, value: str) -> None:
    path, text = edited(tmp_path, "cost_per_km: 1.6", f"cost_per_km: {value}")
    found = problems(path)
    assert found[0].startswith(f"broken.yaml:{line_of(text, 'cost_per_km')} carrier.cost_per_km: ")
    assert "finite" in found[0] or "must be >= 0" in found[0]


def test_huge_integers_are_bound_errors(tmp_path: Path) -> None:
    path, _ = edited(tmp_path, "capacity_units_per_day: ", f"capacity_units_per_day: {10**30} #")
    assert "capacity_units_per_day: must be <= 1000000000" in problems(path)[0]


def test_blocked_gtin_must_be_a_product(tmp_path: Path) -> None:
    path, text = edited(tmp_path, "blocked_gtins: []", "blocked_gtins:\n  - '4006381333931'")
    assert problems(path) == [
        f"broken.yaml:{line_of(text, '4006381333931')} retailer.blocked_gtins[0]: "
        "unknown GTIN '4006381333931' (not in products)"
    ]


def test_missing_distance_matrix_is_found_at_validate(tmp_path: Path) -> None:
    path, text = edited(tmp_path, "distance_matrix: null", "distance_matrix: nope.csv")
    found = problems(path)
    assert found == [
        f"broken.yaml:{line_of(text, 'nope.csv')} carrier.distance_matrix: no such file "
        f"'nope.csv' (looked for {tmp_path / 'nope.csv'})"
    ]


def test_a_distance_matrix_with_a_non_finite_km_is_located(tmp_path: Path) -> None:
    spec = read_spec(write(tmp_path, SMALL, "ok.yaml"))
    a, b = spec.stores[0].gln, spec.stores[1].gln
    (tmp_path / "km.csv").write_text(f"from_gln,to_gln,km\n{a},{b},12\n{b},{a},inf\n")
    path, _ = edited(tmp_path, "distance_matrix: null", "distance_matrix: km.csv")
    assert problems(path) == ["km.csv:3 km: must be a finite number >= 0, got 'inf'"]


def test_zero_weekday_profile_is_a_warning(tmp_path: Path) -> None:
    assert "weekday_profile:" in SMALL
    text = SMALL.replace(
        "weekday_profile:\n", "weekday_profile: [0, 0, 0, 0, 0, 0, 0]\nold_profile:\n", 1
    )
    # drop the old block list under the renamed key
    lines = text.splitlines()
    start = lines.index("old_profile:")
    end = start + 1
    while lines[end].startswith("  - ") or lines[end].startswith("- "):
        end += 1
    text = "\n".join(lines[:start] + lines[end:]) + "\n"
    path = write(tmp_path, text)
    assert scenario_warnings(path) == [
        f"broken.yaml:{line_of(text, 'weekday_profile')} demand.weekday_profile: is all zero, "
        "so it is ignored: every weekday gets the same demand"
    ]


def test_duplicate_store_names_are_a_warning(tmp_path: Path) -> None:
    spec = read_spec(write(tmp_path, SMALL, "ok.yaml"))
    first, second = spec.stores[0].name, spec.stores[1].name
    path, text = edited(tmp_path, f"name: {second}", f"name: {first}")
    found = scenario_warnings(path)
    assert found == [
        f"broken.yaml:{line_of(text, 'id: store-002') + 2} stores[1].name: store name '{first}' "
        "is also the name of stores[0]: POS rows that name the store (not its GLN) are "
        "rejected as ambiguous"
    ]


def test_promotion_outside_the_horizon_is_a_warning(tmp_path: Path) -> None:
    text = SMALL.replace(
        "  promotions: []\n",
        "  promotions:\n  - gtins: ['3012340000012']\n    start: '2030-01-01'\n",
    )
    assert text != SMALL
    path = write(tmp_path, text)
    found = scenario_warnings(path)
    assert found == [
        f"broken.yaml:{line_of(text, '2030-01-01')} demand.promotions[0].start: promotion from "
        "2030-01-01 (with its dip, to 2030-01-15) is outside the horizon 2026-01-05 to "
        "2026-02-13: it has no effect"
    ]


def test_the_built_in_scenario_has_no_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_scenario()


def test_an_unquoted_impossible_date_is_located(tmp_path: Path) -> None:
    """Found by the fuzz test: PyYAML raised ValueError building the timestamp 2026-02-30."""
    path, text = edited(tmp_path, "start_date: '2026-01-05'", "start_date: 2026-02-30")
    assert problems(path) == [
        f"broken.yaml:{line_of(text, 'start_date')}: cannot read '2026-02-30': "
        "day is out of range for month"
    ]
