"""The ledger's daily arrays in mapped files: same numbers, released pages, checkpoints.

Spilling is a matter of where the bytes live, never of what they are: a run whose every
daily array is spilled (``SPILL_MIN_BYTES = 0``) must give the tables and KPIs of a run kept
in memory, bit for bit, and so must one resumed from a checkpoint of it.
"""

from __future__ import annotations

import errno
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

import crossdock.ledger as ledger_module
from crossdock import generate_scenario, simulate
from crossdock.errors import CrossdockError
from crossdock.ledger import RELEASE_EVERY, Ledger, SeriesSpec
from crossdock.results import SimulationResult
from crossdock.scenario import Scenario

DAYS = 40


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return generate_scenario(n_stores=4, n_skus=24, horizon_days=DAYS, warm_up_days=5, seed=11)


def run(scenario: Scenario, spill_min_bytes: int, **options: object) -> SimulationResult:
    saved = ledger_module.SPILL_MIN_BYTES
    ledger_module.SPILL_MIN_BYTES = spill_min_bytes
    try:
        return simulate(scenario, mode="shared", seed=2, **options)  # type: ignore[arg-type]
    finally:
        ledger_module.SPILL_MIN_BYTES = saved


def assert_same(a: SimulationResult, b: SimulationResult) -> None:
    assert a.tables.keys() == b.tables.keys()
    for name in a.tables:
        assert a.tables[name].equals(b.tables[name]), name
    assert a.kpis == b.kpis


def test_a_spilled_run_gives_the_tables_of_a_run_in_memory(scenario: Scenario) -> None:
    kept = run(scenario, 1 << 62)
    spilled = run(scenario, 0)
    assert kept.ledger.spilled_bytes == 0
    assert spilled.ledger.spilled_bytes > 0
    assert_same(spilled, kept)
    assert spilled.ledger.violations() == []
    assert spilled.ledger.unmatched_transfers().size == 0


def test_released_days_read_back_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """Days dropped from resident memory come back from the file with their values."""
    rng = np.random.default_rng(5)
    days, skus = 6 * RELEASE_EVERY, 3000  # a day's row spans more than one 4 KiB page
    written = rng.integers(0, 1000, size=(days, 2, skus))
    books = {}
    for limit in (1 << 62, 0):
        monkeypatch.setattr(ledger_module, "SPILL_MIN_BYTES", limit)
        ledger = Ledger(days, skus)
        ledger.add_locations("store", ["1", "2"], ["a", "b"])
        demand = ledger.declare(SeriesSpec("demand", "sku"))
        for day in range(days):
            ledger.record(day, "sold", "store", written[day])
            demand[day] += written[day].sum(axis=0)
            ledger.close(day, "store", written[day], np.ones(skus))
        books[limit] = ledger
    kept, spilled = books[1 << 62], books[0]
    assert max(m.released for m in spilled._maps) > 0  # old days were released
    assert np.array_equal(spilled.flows, kept.flows)
    assert np.array_equal(spilled["demand"], kept["demand"])
    assert np.array_equal(spilled.sku_stock["store"], kept.sku_stock["store"])
    assert np.array_equal(spilled.stock_value, kept.stock_value)


def _mapped_kib() -> int:
    """This process's resident pages of mapped files and shared memory (KiB)."""
    with open("/proc/self/status") as status:
        return sum(
            int(line.split()[1]) for line in status if line.startswith(("RssFile", "RssShmem"))
        )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_released_days_leave_resident_memory_and_keep_their_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Released days go out of the process's resident memory, and read back as written.

    (On Linux they are dropped without writing them to the file first: the page cache keeps
    them, so reading them back must give the numbers written, not the file's zeros.)
    """
    monkeypatch.setattr(ledger_module, "SPILL_MIN_BYTES", 0)
    days, skus = 2 * RELEASE_EVERY, 256 * 1024  # 2 MiB a day of int64
    ledger = Ledger(days, skus)
    demand = ledger.declare(SeriesSpec("demand", "sku"))
    written = np.arange(skus, dtype=np.int64)
    for day in range(days):
        demand[day] += written + day
    before = _mapped_kib()
    ledger.release(days)
    dropped = before - _mapped_kib()
    assert dropped >= 0.9 * demand.nbytes / 1024  # (other mappings may come and go a little)
    assert all(np.array_equal(demand[day], written + day) for day in range(days))


def test_a_pickled_spilled_ledger_is_spilled_again_with_the_same_numbers(
    scenario: Scenario,
) -> None:
    spilled = run(scenario, 0).ledger
    saved = ledger_module.SPILL_MIN_BYTES
    ledger_module.SPILL_MIN_BYTES = 0
    try:
        back = pickle.loads(pickle.dumps(spilled, protocol=5))
    finally:
        ledger_module.SPILL_MIN_BYTES = saved
    assert back.spilled_bytes == spilled.spilled_bytes
    assert np.array_equal(back.flows, spilled.flows)
    assert all(np.array_equal(back[name], spilled[name]) for name in spilled.series)
    back.flows[0] += 1  # its own file: the original is untouched
    assert not np.array_equal(back.flows, spilled.flows)


def test_a_spilled_run_resumed_from_a_checkpoint_ends_with_the_unbroken_tables(
    scenario: Scenario, tmp_path: Path
) -> None:
    unbroken = run(scenario, 1 << 62)
    path = tmp_path / "shared.pickle"

    def crash(day: int) -> None:
        if day == 25:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(scenario, 0, checkpoint=path, checkpoint_every=10, on_day=crash)
    resumed = run(scenario, 0, checkpoint=path, resume=True)
    assert resumed.ledger.spilled_bytes > 0
    assert_same(resumed, unbroken)


def test_no_room_for_the_spill_files_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, scenario: Scenario
) -> None:
    def full(fd: int, offset: int, length: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ledger_module.os, "posix_fallocate", full)
    with pytest.raises(CrossdockError, match=r"no room for the ledger's daily arrays.*TMPDIR"):
        run(scenario, 0)


@pytest.mark.parametrize("spill_min_bytes", [0, 1 << 62])
def test_a_pickle_leaves_out_the_days_to_come_and_restores_them_as_zeros(
    monkeypatch: pytest.MonkeyPatch, scenario: Scenario, spill_min_bytes: int
) -> None:
    """A checkpoint after day 10 of 40 carries 10 days of rows; the other 30 come back as 0."""
    monkeypatch.setattr(ledger_module, "SPILL_MIN_BYTES", spill_min_bytes)
    done = run(scenario, spill_min_bytes, days=10, warm_up=0).ledger  # ledger of 10 days
    ledger = Ledger(DAYS, done.n_skus)
    ledger.add_locations("store", done.location_gln[done.blocks["store"]], ["x"] * 4)
    demand = ledger.declare(SeriesSpec("demand", "sku"))
    demand[:10] = done["demand"]
    ledger.flows[:10] = done.flows[:, done.blocks["store"]]
    whole = pickle.dumps(ledger, protocol=5)
    ledger.pickle_days = 10
    part = pickle.dumps(ledger, protocol=5)
    ledger.pickle_days = None
    assert len(part) < len(whole) / 2
    back = pickle.loads(part)
    assert back["demand"].shape == (DAYS, done.n_skus)
    assert np.array_equal(back["demand"], ledger["demand"])
    assert np.array_equal(back.flows, ledger.flows)
    assert not back["demand"][10:].any() and back["demand"][:10].any()
    assert back.pickle_days is None
