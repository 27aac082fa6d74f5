"""Road distances between the places the carrier drives between: stores, platforms, DCs."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from crossdock._kernels import haversine_km
from crossdock.errors import ScenarioError
from crossdock.scenario._schema import ScenarioSpec

__all__ = ["check_distance_matrix", "road_km"]


def places(spec: ScenarioSpec) -> tuple[list[str], np.ndarray, np.ndarray]:
    """GLNs and coordinates of stores, then platforms, then DCs (the matrix order)."""
    parties: list = [*spec.stores, *spec.platforms, *spec.distribution_centres]
    return (
        [p.gln for p in parties],
        np.array([p.lat for p in parties], dtype=np.float64),
        np.array([p.lon for p in parties], dtype=np.float64),
    )


def road_km(spec: ScenarioSpec, base_dir: Path | None = None) -> np.ndarray:
    """``[place, place]`` road km.

    The scenario's distance matrix file where it has a pair, great-circle distance × road
    factor elsewhere.
    """
    glns, lat, lon = places(spec)
    km = (
        haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
        * spec.carrier.road_factor
    )
    for i, j, value in _matrix_rows(spec, glns, base_dir):
        km[i, j] = value
    return km


def check_distance_matrix(spec: ScenarioSpec, base_dir: Path | None = None) -> None:
    """Read the scenario's distance matrix file, if any, and raise on its first bad row.

    The rows :func:`road_km` would take, without building the places × places matrix (about
    1 GB of temporaries for a national chain's 5,000 stores) only to check a file.
    """
    if spec.carrier.distance_matrix is not None:
        for _ in _matrix_rows(spec, places(spec)[0], base_dir):
            pass


def _matrix_rows(
    spec: ScenarioSpec, glns: list[str], base_dir: Path | None
) -> Iterator[tuple[int, int, float]]:
    """``(from, to, km)`` of each row of the distance matrix file (none without one), checked.

    A bad row raises a :class:`ScenarioError` naming the file, the row and the column.
    """
    if spec.carrier.distance_matrix is None:
        return
    path = Path(spec.carrier.distance_matrix)
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    index = {gln: i for i, gln in enumerate(glns)}
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise ScenarioError(f"cannot read distance matrix: {error.strerror}", file=path) from None
    with handle:
        reader = csv.DictReader(handle)
        missing = {"from_gln", "to_gln", "km"} - set(reader.fieldnames or [])
        if missing:
            raise ScenarioError(f"missing columns {sorted(missing)}", file=path, where="1")
        for row_number, row in enumerate(reader, start=2):
            for column in ("from_gln", "to_gln"):
                if row[column] not in index:
                    raise ScenarioError(
                        f"unknown GLN '{row[column]}' (not a store, platform or DC)",
                        file=path,
                        where=str(row_number),
                        field=column,
                    )
            try:
                value = float(row["km"])
            except (TypeError, ValueError):
                raise ScenarioError(
                    f"'{row['km']}' is not a number", file=path, where=str(row_number), field="km"
                ) from None
            if not 0 <= value < float("inf"):  # NaN fails both comparisons
                raise ScenarioError(
                    f"must be a finite number >= 0, got {row['km']!r}",
                    file=path,
                    where=str(row_number),
                    field="km",
                )
            yield index[row["from_gln"]], index[row["to_gln"]], value
