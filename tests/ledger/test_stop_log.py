"""The outbound routes' stops kept as a depot-day's columns (``Ledger.route_stops``)."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock import simulate
from crossdock.ledger import STOP_COLUMNS, StopLog
from crossdock.results import SimulationResult
from crossdock.scenario import compile_scenario, generate_spec


@pytest.fixture(scope="module")
def run() -> SimulationResult:
    spec = generate_spec(n_stores=30, n_skus=40, n_platforms=2, horizon_days=12, seed=4)
    return simulate(compile_scenario(spec), mode="shared", days=12, warm_up=0)


def test_the_table_is_the_logs_stops_row_for_row(run: SimulationResult) -> None:
    log = run.ledger.route_stops
    table = run.tables["route_stops"]
    assert len(log) == table.num_rows > 0
    rows = log.rows()
    gln = run.scenario.store_gln.astype(str)
    for name, values in (
        ("day", [r.day for r in rows]),
        ("depot_gln", [r.depot_gln for r in rows]),
        ("route", [r.route for r in rows]),
        ("stop_order", [r.stop_order for r in rows]),
        ("store_gln", [gln[r.store] for r in rows]),
        ("pallets", [r.pallets for r in rows]),
        ("arrival_min", [r.arrival_min for r in rows]),
        ("on_time", [r.on_time for r in rows]),
        ("route_km", [r.route_km for r in rows]),
        ("route_start_min", [r.route_start_min for r in rows]),
        ("route_end_min", [r.route_end_min for r in rows]),
        ("depot_lat", [r.depot[0] for r in rows]),
        ("depot_lon", [r.depot[1] for r in rows]),
        ("floor_first", [r.floor_first for r in rows]),
        ("floor_last", [r.floor_last for r in rows]),
    ):
        assert table.column(name).to_pylist() == values, name
    # each route's stops in visiting order, numbered from 0, and late stops are late
    stops = log.columns()
    starts = np.flatnonzero(stops["stop_order"] == 0)
    assert (np.diff(np.r_[starts, stops["stop_order"].size]) > 0).all()
    close = run.scenario.window_close_min[stops["store"]]
    np.testing.assert_array_equal(stops["on_time"], stops["arrival_min"] <= close + 1e-6)


def test_a_stop_is_kept_in_a_few_dozen_bytes(run: SimulationResult) -> None:
    """33 bytes a stop and 28 a route (a route has a stop at least), not a tuple of objects."""
    log = run.ledger.route_stops
    kept = sum(a.nbytes for chunk in log._stops for a in chunk.values())
    kept += sum(stops.nbytes + times.nbytes for stops, times in log._routes)
    per_stop = sum(np.dtype(t).itemsize for t in STOP_COLUMNS.values())
    assert per_stop == 33
    assert kept <= len(log) * (per_stop + 4 + 3 * 8)


def test_an_empty_log_has_typed_empty_columns() -> None:
    columns = StopLog().columns()
    assert all(c.size == 0 for c in columns.values())
    for name, dtype in STOP_COLUMNS.items():
        assert columns[name].dtype == np.dtype(dtype)


def test_stop_columns_of_unequal_length_are_refused() -> None:
    log = StopLog()
    stops = {name: [0, 0] for name in STOP_COLUMNS}
    stops["pallets"] = [1]
    with pytest.raises(ValueError, match="unequal length"):
        log.add(3, "3010000000013", (48.8, 2.3), stops, [(2, 10.0, 300.0, 420.0)])
    stops["pallets"] = [1, 2]
    with pytest.raises(ValueError, match="unequal length"):  # the routes count 3 stops
        log.add(3, "3010000000013", (48.8, 2.3), stops, [(3, 10.0, 300.0, 420.0)])
    log.add(3, "3010000000013", (48.8, 2.3), stops, [(2, 10.0, 300.0, 420.0)])
    assert [r.pallets for r in log.rows()] == [1, 2]
    assert log.columns()["route_end_min"].tolist() == [420.0, 420.0]
