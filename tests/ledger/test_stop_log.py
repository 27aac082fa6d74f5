"""The outbound routes' stops kept as records, in a file past a spill (``Ledger.route_stops``)."""

from __future__ import annotations

import errno
import pickle

import numpy as np
import pytest

import crossdock.ledger as ledger_module
from crossdock import simulate
from crossdock.errors import CrossdockError
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


def depot_days(seed: int, n: int) -> list[tuple]:
    """``n`` random depot-days' arguments to :meth:`StopLog.add` (two depots)."""
    rng = np.random.default_rng(seed)
    days = []
    for i in range(n):
        per_route = rng.integers(1, 6, size=rng.integers(1, 5))
        stops = {name: rng.integers(0, 90, per_route.sum()) for name in STOP_COLUMNS}
        stops["arrival_min"] = rng.uniform(300, 900, per_route.sum())
        stops["on_time"] = rng.random(per_route.sum()) < 0.9
        times = rng.uniform(0, 600, (per_route.size, 3))  # each route's km, start, end
        depot = ("3010000000013", (48.8, 2.3)) if i % 3 else ("3010000000020", (45.7, 4.8))
        days.append((i // 2, depot[0], depot[1], stops, per_route, times))
    return days


def fill(log: StopLog, days: list[tuple]) -> StopLog:
    for args in days:
        log.add(*args)
    return log


def assert_same_columns(a: StopLog, b: StopLog) -> None:
    ca, cb = a.columns(), b.columns()
    assert len(a) == len(b) and ca.keys() == cb.keys()
    for name in ca:
        np.testing.assert_array_equal(ca[name], cb[name], err_msg=name)
        assert ca[name].dtype == cb[name].dtype, name


def test_the_log_keeps_in_memory_at_most_a_spill_of_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past ``SPILL_MIN_BYTES`` the records go to the file: memory stays flat in stops.

    And the columns read back are those of a log kept whole in memory, bit for bit.
    """
    days = depot_days(7, 200)
    monkeypatch.setattr(ledger_module, "SPILL_MIN_BYTES", 1 << 62)
    kept = fill(StopLog(), days)
    assert kept.kept_bytes == len(kept) * 65 > 0 and kept._file is None
    limit = 50 * 65
    monkeypatch.setattr(ledger_module, "SPILL_MIN_BYTES", limit)
    log = StopLog()
    most = 0
    for args in days:
        log.add(*args)
        most = max(most, log.kept_bytes)
    assert log._file is not None and log._written > 0
    assert most < limit  # spilled whenever the limit is reached
    assert_same_columns(log, kept)
    assert [r.pallets for r in log.rows()] == [r.pallets for r in kept.rows()]


@pytest.mark.parametrize("limit", [0, 1 << 62])
def test_a_pickled_log_carries_its_stops_and_goes_on(
    monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    """A checkpoint's log, spilled or not, has every stop and takes the next ones after them."""
    monkeypatch.setattr(ledger_module, "SPILL_MIN_BYTES", limit)
    days = depot_days(8, 40)
    whole = fill(StopLog(), days)
    half = fill(StopLog(), days[:25])
    back = pickle.loads(pickle.dumps(half, protocol=5))
    assert_same_columns(back, half)
    fill(back, days[25:])
    assert_same_columns(back, whole)
    fill(half, days[25:])  # the original goes on with its own file
    assert_same_columns(half, whole)


def test_no_room_for_the_stops_file_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    class Full:
        def seek(self, *args: object) -> int:
            return 0

        def write(self, data: object) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self) -> None:
            pass

    monkeypatch.setattr(ledger_module, "SPILL_MIN_BYTES", 0)
    monkeypatch.setattr(ledger_module.tempfile, "TemporaryFile", lambda **_: Full())
    with pytest.raises(CrossdockError, match=r"no room for the ledger's route stops.*TMPDIR"):
        fill(StopLog(), depot_days(9, 1))


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
        log.add(3, "3010000000013", (48.8, 2.3), stops, [2], [(10.0, 300.0, 420.0)])
    stops["pallets"] = [1, 2]
    with pytest.raises(ValueError, match="unequal length"):  # the routes count 3 stops
        log.add(3, "3010000000013", (48.8, 2.3), stops, [3], [(10.0, 300.0, 420.0)])
    log.add(3, "3010000000013", (48.8, 2.3), stops, [2], [(10.0, 300.0, 420.0)])
    assert [r.pallets for r in log.rows()] == [1, 2]
    assert log.columns()["route_end_min"].tolist() == [420.0, 420.0]
