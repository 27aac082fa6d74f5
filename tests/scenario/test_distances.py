"""A user-supplied road distance matrix, read from CSV next to the scenario."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from crossdock import ScenarioError, load_scenario, simulate
from crossdock.scenario import generate_spec


def write_scenario(folder: Path, matrix_rows: list[str] | None) -> Path:
    spec = generate_spec(n_stores=2, n_skus=12, n_platforms=1, horizon_days=8, warm_up_days=1)
    data = spec.model_dump(mode="json", exclude_none=True)
    if matrix_rows is not None:
        (folder / "roads.csv").write_text("\n".join(["from_gln,to_gln,km", *matrix_rows]) + "\n")
        data["carrier"]["distance_matrix"] = "roads.csv"
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_listed_pairs_replace_great_circle_km(tmp_path: Path) -> None:
    plain = load_scenario(write_scenario(tmp_path, None))
    store, platform = plain.store_gln[0], plain.platform_gln[0]
    custom = load_scenario(
        write_scenario(tmp_path, [f"{platform},{store},500", f"{store},{platform},500"])
    )
    p = plain.n_stores  # platforms follow the stores in the matrix
    assert custom.road_km[p, 0] == 500 and custom.road_km[0, p] == 500
    assert np.array_equal(
        np.delete(custom.road_km, [0, p], axis=0), np.delete(plain.road_km, [0, p], axis=0)
    )

    # the carrier drives the longer road to store 0
    def outbound_km(scenario) -> float:
        transport = simulate(scenario, mode="shared").transport
        return float(transport[transport.leg == "outbound"].km.sum())

    assert outbound_km(custom) > outbound_km(plain) + 500


def test_unknown_gln_is_located(tmp_path: Path) -> None:
    path = write_scenario(
        tmp_path, ["3012345000017,3014567000011,12", "1234567890128,3014567000011,9"]
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.problems[0].startswith("roads.csv:3 from_gln: unknown GLN '1234567890128'")


def test_bad_km_is_located(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, ["3012345000017,3014567000011,far"])
    with pytest.raises(ScenarioError, match=r"roads.csv:2 km: 'far' is not a number"):
        load_scenario(path)


def test_reading_a_file_checks_the_matrix_without_building_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading (and checking) a scenario file reads the matrix's rows, but builds no matrix.

    The places × places matrix is about 1 GB of temporaries for 5,000 stores: it is built once,
    when the scenario is compiled, never only to check a file.
    """
    from crossdock.scenario import _distances, read_spec

    plain = load_scenario(write_scenario(tmp_path, None))
    store, platform = plain.store_gln[0], plain.platform_gln[0]
    good = write_scenario(tmp_path, [f"{platform},{store},500"])

    def no_matrix(*args: object) -> None:
        raise AssertionError("a places × places matrix was built to read a file")

    monkeypatch.setattr(_distances, "haversine_km", no_matrix)
    assert read_spec(good).carrier.distance_matrix == "roads.csv"
    bad = write_scenario(tmp_path, [f"{platform},{store},-3"])
    with pytest.raises(ScenarioError, match=r"roads.csv:2 km: must be a finite number >= 0"):
        read_spec(bad)
