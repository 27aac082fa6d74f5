"""Freed memory kept for reuse within a run (glibc), and given back after it."""

from __future__ import annotations

import platform
import resource
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from crossdock import _allocator
from crossdock._allocator import (
    allocated_bytes,
    freed_memory_kept,
    give_back_if_fragmented,
    give_back_if_short,
    worth_keeping,
)

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
    reason="the allocator's options are glibc's",
)

CELLS = 16 * 1024 * 1024  # 64 MB of int32: far above glibc's largest mmap threshold (32 MB)
NATIONAL = 5_000 * 20_000  # a run's store × SKU cells: its freed memory is worth keeping


def _faults_of_a_second_array() -> int:
    """Page faults taken in filling an array made after one of the same size was freed."""
    first = np.ones(CELLS, np.int32)
    del first
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    second = np.ones(CELLS, np.int32)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    del second
    return faults


def _rss_bytes() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS"))


def test_within_a_run_freed_memory_is_reused_without_faults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_allocator, "AVAILABLE_SHARE", 0.0)  # never short
    outside = _faults_of_a_second_array()
    with freed_memory_kept(NATIONAL):
        _faults_of_a_second_array()  # (the heap grows once)
        inside = _faults_of_a_second_array()
    # outside, the array is mapped afresh: a fault at least every 2 MB (huge pages), 4 kB if not
    assert outside >= CELLS * 4 // (2 << 20)
    assert inside < outside / 4


def test_after_a_run_the_kept_memory_is_given_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_allocator, "AVAILABLE_SHARE", 0.0)  # never short
    with freed_memory_kept(NATIONAL):
        array = np.ones(CELLS, np.int32)
        held = _rss_bytes()
        del array
        kept = _rss_bytes()
    after = _rss_bytes()
    assert kept > held - CELLS  # kept while the run lasts
    assert after < held - CELLS * 4 // 2  # at least half the array's bytes given back


def test_the_kept_memory_is_given_back_only_when_the_machine_is_short(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_allocator, "WATCH_SECONDS", 0.01)
    with freed_memory_kept(NATIONAL):
        array = np.ones(CELLS, np.int32)
        held = _rss_bytes()
        del array
        time.sleep(0.2)  # twenty looks at a machine with room
        kept = _rss_bytes()
        monkeypatch.setattr(_allocator, "AVAILABLE_SHARE", 1.01)  # always short
        given = held
        for _ in range(200):  # until the watch gives it back (2 s at most)
            time.sleep(0.01)
            given = _rss_bytes()
            if given < held - CELLS * 4 // 2:
                break
    assert kept > held - CELLS
    assert given < held - CELLS * 4 // 2
    assert not give_back_if_short()  # outside a run nothing is kept
    assert "crossdock-memory" not in {t.name for t in threading.enumerate()}


def test_the_environment_can_turn_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSDOCK_KEEP_FREED_MEMORY", "0")
    outside = _faults_of_a_second_array()
    with freed_memory_kept(NATIONAL):
        _faults_of_a_second_array()
        inside = _faults_of_a_second_array()
        assert not give_back_if_short()
    assert inside >= outside / 2  # mapped afresh, as outside a run


def test_a_small_chain_keeps_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_allocator, "AVAILABLE_SHARE", 0.0)  # never short
    assert not worth_keeping(200 * 2_000) and worth_keeping(1_000 * 20_000)
    outside = _faults_of_a_second_array()
    with freed_memory_kept(200 * 2_000):
        _faults_of_a_second_array()
        inside = _faults_of_a_second_array()
        assert not give_back_if_short()
    assert inside >= outside / 2  # mapped afresh, as outside a run


needs_mallinfo2 = pytest.mark.skipif(
    allocated_bytes() is None, reason="glibc before 2.33 has no mallinfo2"
)


@needs_mallinfo2
def test_memory_held_beyond_the_largest_use_is_given_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_allocator, "AVAILABLE_SHARE", 0.0)  # never short
    monkeypatch.setattr(_allocator, "WATCH_SECONDS", 3600.0)  # the test looks, not the watch
    monkeypatch.setattr(_allocator, "KEPT_SLACK_BYTES", 16 * 1024 * 1024)
    with freed_memory_kept(NATIONAL):
        # seen in use at a look: the memory it leaves is the run's own largest use, kept
        seen, unseen = _allocator._Use(), _allocator._Use()
        array = np.ones(CELLS, np.int32)
        assert not give_back_if_fragmented(seen)
        del array
        held = _rss_bytes()
        assert not give_back_if_fragmented(seen)
        assert _rss_bytes() > held - CELLS
        # never seen in use (as a heap's holes): more than the use seen by the share and the
        # slack, given back
        assert give_back_if_fragmented(unseen)
        assert _rss_bytes() < held - CELLS * 4 // 2
    assert not give_back_if_fragmented(_allocator._Use())  # outside a run nothing is kept


@needs_mallinfo2
def test_the_use_seen_grows_with_the_allocations() -> None:
    use = _allocator._Use()
    before = use.peak
    array = np.ones(CELLS, np.int32)
    use.fragmented()
    del array
    use.fragmented()
    assert use.peak >= before + CELLS * 4  # the largest use, not the last


def test_the_use_seen_is_that_of_late() -> None:
    now = [0.0]
    use = _allocator._Use(clock=lambda: now[0])
    window = _allocator.USE_WINDOW_SECONDS
    tb = 1 << 40  # far above this process's own use, which the watch saw as it began
    use.see(1 * tb)
    use.see(5 * tb)  # a spell of large use...
    now[0] = window * 0.9
    use.see(2 * tb)
    assert use.peak == 5 * tb  # ... is kept in mind through its window
    now[0] = window * 1.5  # a new window: the last one's largest is still remembered
    use.see(2 * tb)
    assert use.peak == 5 * tb
    now[0] = window * 2.6  # two windows on, it is forgotten: the largest of late counts
    use.see(3 * tb)
    assert use.peak == 3 * tb
    now[0] = window * 2.7
    use.see(1 * tb)
    assert use.peak == 3 * tb


def test_the_watch_looks_for_fragments_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_allocator, "AVAILABLE_SHARE", 0.0)  # never short
    monkeypatch.setattr(_allocator, "WATCH_SECONDS", 0.01)
    looks: list[object] = []
    monkeypatch.setattr(_allocator, "give_back_if_fragmented", looks.append)
    with freed_memory_kept(NATIONAL):
        for _ in range(200):  # (2 s at most)
            time.sleep(0.01)
            if looks:
                break
    assert looks and all(isinstance(use, _allocator._Use) for use in looks)


def test_a_shards_actor_reports_its_own_give_backs(monkeypatch: pytest.MonkeyPatch) -> None:
    from crossdock._shard_worker import ShardWorker

    worker = ShardWorker()
    monkeypatch.setitem(_allocator.given_back, "fragmented", 7)
    monkeypatch.setitem(_allocator.given_back, "short", 2)
    reported = worker.memory_given_back()
    assert reported == {"short": 2, "fragmented": 7}
    _allocator.given_back["short"] += 1  # a copy: later give-backs do not change what was sent
    assert reported["short"] == 2


_FREED_IN_THE_MIDDLE = """
import numpy as np
from crossdock import _allocator
_allocator.AVAILABLE_SHARE = 0.0  # never short

def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS"))

with _allocator.freed_memory_kept({national}):
    state = np.ones({cells}, np.int32)  # from the heap, not mapped apart
    above = np.ones(1 << 20, np.uint8)  # a block above it: the state is not the heap's top
print(above.__array_interface__["data"][0] > state.__array_interface__["data"][0])
held = rss()
del state
freed = rss()
print(held, freed, _allocator.give_back_freed(), rss())
"""


def test_memory_freed_after_a_run_in_the_heaps_middle_is_given_back_on_asking() -> None:
    """A run's state, allocated from the kept heap and freed once its days are done (below a
    later block), stays resident until :func:`give_back_freed`: glibc gives back only the
    heap's top by itself. (In a process of its own: a test process's heap has holes from
    the tests before, where the blocks could go anywhere.)"""
    import subprocess
    import sys

    script = _FREED_IN_THE_MIDDLE.format(national=NATIONAL, cells=CELLS)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    above, held, freed, asked, after = out[0], *map(int, out[1:3]), out[3], int(out[4])
    assert above == "True" and asked == "True"
    assert freed > held - CELLS * 4 // 2  # glibc kept it resident
    assert after < held - CELLS * 4 // 2  # at least half the state's bytes given back


def test_a_run_gives_its_parties_memory_back_before_the_tables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``simulate`` gives freed memory back once the parties are gone, before the tables:
    those in reference cycles too (collected first; they went later, while the tables were
    built, and the national shared year's peak was after its days)."""
    import importlib
    import weakref

    from crossdock.scenario import compile_scenario, generate_spec

    simulate_module = importlib.import_module("crossdock.simulate")  # (the module)

    parties: list[weakref.ref[object]] = []
    alive_then: list[int] = []
    engine = simulate_module.Engine

    def watched_engine(chain_parties: list[object], **kwargs: object) -> object:
        for party in chain_parties:
            parties.append(weakref.ref(party))
            party.__dict__["_itself"] = party  # a reference cycle, as a sharded run's parties have
        return engine(chain_parties, **kwargs)

    def give_back() -> bool:  # (no collection here: the run must have collected its cycles)
        alive_then.append(sum(ref() is not None for ref in parties))
        return True

    monkeypatch.setattr(simulate_module, "Engine", watched_engine)
    monkeypatch.setattr(simulate_module, "worth_keeping", lambda cells: True)
    monkeypatch.setattr(simulate_module, "give_back_freed", give_back)
    scenario = compile_scenario(generate_spec(n_stores=4, n_skus=12, n_platforms=1, seed=3))
    simulate_module.simulate(scenario, mode="shared", days=3, warm_up=0)
    assert parties and alive_then == [0]


def _resident_of(path_part: str) -> int:
    """This process's resident bytes of the mappings whose path has ``path_part``."""
    total, inside = 0, False
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            if fields and "-" in fields[0] and ":" not in fields[0]:  # a mapping's first line
                inside = len(fields) >= 6 and path_part in fields[5]
            elif inside and fields[0] == "Rss:":
                total += int(fields[1]) * 1024
    return total


def test_shared_pages_leave_the_process_and_keep_their_values(tmp_path: Path) -> None:
    """A shared file mapping's pages go out of resident memory and read back as written.

    A private mapping of a file with the same name is left alone: the advice would throw away
    what was written to it (it would read as the file again).
    """
    import mmap

    size = 64 * mmap.PAGESIZE
    shared_file = tmp_path / "store-shared-x"
    private_file = tmp_path / "store-private-x"
    for path in (shared_file, private_file):
        path.write_bytes(b"\0" * size)
    with open(shared_file, "r+b") as a, open(private_file, "r+b") as b:
        shared = mmap.mmap(a.fileno(), size, flags=mmap.MAP_SHARED)
        private = mmap.mmap(b.fileno(), size, flags=mmap.MAP_PRIVATE)
    written = np.arange(size, dtype=np.int64).astype(np.uint8)
    for m in (shared, private):
        np.frombuffer(m, dtype=np.uint8)[:] = written
    assert _resident_of("store-shared-x") == size
    assert _allocator.drop_shared_pages("-x") == size  # the shared one only
    assert _resident_of("store-shared-x") == 0
    assert _resident_of("store-private-x") == size
    for m in (shared, private):
        assert np.array_equal(np.frombuffer(m, dtype=np.uint8), written)
        m.close()
    assert _allocator.drop_shared_pages("store-shared-x") == 0  # unmapped: nothing to drop


def test_the_dropper_scans_only_when_shared_pages_grew(tmp_path: Path) -> None:
    """:class:`SharedPagesDropper` skips the scan when no shared page was touched since its last.

    Pages touched again make the next call scan and drop them, as :func:`drop_shared_pages`.
    """
    import mmap

    size = 64 * mmap.PAGESIZE
    path = tmp_path / "store-dropper-x"
    path.write_bytes(b"\0" * size)
    with open(path, "r+b") as f:
        shared = mmap.mmap(f.fileno(), size, flags=mmap.MAP_SHARED)
    view = np.frombuffer(shared, dtype=np.uint8)
    view[:] = 7
    dropper = _allocator.SharedPagesDropper("store-dropper-x")
    assert dropper() == size  # the first call scans
    assert _resident_of("store-dropper-x") == 0
    assert (dropper(), dropper.scans, dropper.skipped) == (0, 1, 1)  # nothing touched: skipped
    assert int(view.sum()) == 7 * size  # read back: the pages are resident again
    assert _resident_of("store-dropper-x") == size
    assert dropper() == size  # grown: scanned, dropped
    assert (dropper.scans, dropper.skipped) == (2, 1)
    assert _resident_of("store-dropper-x") == 0
    del view
    shared.close()


def test_shared_resident_pages_count_a_mappings_pages(tmp_path: Path) -> None:
    """``statm``'s shared pages grow by the pages of a shared mapping read in."""
    import mmap

    pages = 256
    path = tmp_path / "store-statm-x"
    path.write_bytes(b"\1" * pages * mmap.PAGESIZE)
    with open(path, "r+b") as f:
        shared = mmap.mmap(f.fileno(), pages * mmap.PAGESIZE, flags=mmap.MAP_SHARED)
    before = _allocator.shared_resident_pages()
    assert before is not None
    total = int(np.frombuffer(shared, dtype=np.uint8).sum())
    after = _allocator.shared_resident_pages()
    assert after is not None
    assert total == pages * mmap.PAGESIZE
    assert after - before >= pages
    shared.close()
