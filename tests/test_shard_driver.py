"""Sharded runs with the driver's own shard: the same tables as the whole run.

``Sharding(driver_weight=w)`` runs the first shard in the driver (``w`` times an actor's
size) and the others in actors; ``simulate(shards=N)`` does so by default. The in-process Ray
of ``tests/test_shard.py`` runs the actors.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.pos.test_fit import daily_table
from tests.test_shard import DAYS, InProcessRay, assert_same_tables, run_tables

from crossdock import ParameterError, routing
from crossdock._shard_worker import DRAW_NICE, _DemandAhead
from crossdock.demand import DemandModel
from crossdock.engine import Engine
from crossdock.errors import ScenarioError
from crossdock.messages import DespatchAdvice, InventoryReport, StorePositions
from crossdock.parties.retailer import Retailer
from crossdock.pos import fit_demand, fitted_scenario
from crossdock.recipes import build_chain
from crossdock.scenario import Scenario, compile_scenario, generate_spec
from crossdock.shard import ALIGN_ROWS, Sharding, partition_stores
from crossdock.tables import build_tables


class WaitingRay(InProcessRay):
    """The in-process Ray, with ``wait``: calls look busy to every fourth look, so the driver
    draws some of its demand ahead while it "waits" (as much as it would on a slow day)."""

    def __init__(self) -> None:
        super().__init__()
        self.looks = 0

    def wait(self, refs: list[Any], *, num_returns: int, timeout: float) -> tuple[list, list]:
        self.looks += 1
        return (list(refs), []) if self.looks % 4 == 0 else ([], list(refs))


def run_with_driver_shard(
    scenario: Scenario, mode: str, shards: int, weight: float, days: int = DAYS
) -> tuple[dict[str, Any], Sharding]:
    ray = WaitingRay()
    sharding = Sharding(ray, shards, days=days, seed=5, detail=True, driver_weight=weight)
    chain = build_chain(scenario, mode, days=days, seed=5, detail=True, override=sharding)
    Engine(chain.parties).run(days)
    assert len(sharding.finish()) == shards - 1  # the driver's shard is no actor
    assert ray.killed == shards - 1
    ledger = chain.ledger
    assert ledger.violations() == []
    assert ledger.unmatched_transfers().size == 0
    tables = build_tables(
        ledger, scenario, chain.channel.sent_by_day, getattr(chain.channel, "daily", None)
    )
    return tables, sharding


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """24 stores (three blocks of 8) on two platforms, 60 SKUs."""
    spec = generate_spec(n_stores=24, n_skus=60, n_platforms=2, horizon_days=DAYS, seed=7)
    return compile_scenario(spec)


@pytest.mark.parametrize("mode", ["traditional", "shared", "shared_own_items"])
def test_a_shard_in_the_driver_gives_the_whole_runs_tables(scenario: Scenario, mode: str) -> None:
    whole = run_tables(scenario, mode, 1)
    for shards in (2, 3):
        tables, sharding = run_with_driver_shard(scenario, mode, shards, 0.5)
        assert sharding.proxies[0].ranges[0] == (0, 8)  # the driver's: the smallest
        assert_same_tables(tables, whole)


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_a_driver_shard_over_a_faulty_edi_channel_with_backorders(mode: str) -> None:
    spec = generate_spec(n_stores=20, n_skus=48, n_platforms=2, horizon_days=30, seed=11)
    edi = spec.edi.model_copy(
        update={"channel": "edi", "loss_rate": 0.05, "duplication_rate": 0.05, "delay_rate": 0.1}
    )
    replenishment = spec.replenishment.model_copy(update={"unmet_demand": "backorder"})
    faulty = compile_scenario(spec.model_copy(update={"edi": edi, "replenishment": replenishment}))
    whole = run_tables(faulty, mode, 1, days=30)
    assert_same_tables(run_with_driver_shard(faulty, mode, 2, 0.5, days=30)[0], whole)


def test_store_orders_of_the_driver_and_the_actors_merge_in_dc_order() -> None:
    """A driver's shard and two actors' cut across both DCs' stores."""
    spec = generate_spec(n_stores=21, n_skus=48, n_platforms=2, n_dcs=2, horizon_days=30, seed=3)
    two_dcs = compile_scenario(spec)
    whole = run_tables(two_dcs, "traditional", 1, days=30)
    tables, _ = run_with_driver_shard(two_dcs, "traditional", 3, 1.0, days=30)
    assert_same_tables(tables, whole)


def test_weights_size_the_shards_in_whole_blocks() -> None:
    spec = generate_spec(n_stores=200, n_skus=6, n_platforms=1, horizon_days=30, seed=1)
    sc = compile_scenario(spec)
    assert partition_stores(sc, 2, weights=[0.5, 1.0]) == [(0, 64), (64, 200)]
    ranges = partition_stores(sc, 3, weights=[0.5, 1.0, 1.0])
    assert ranges == [(0, 40), (40, 120), (120, 200)]
    assert all(first % ALIGN_ROWS == 0 for first, _ in ranges)
    with pytest.raises(ParameterError, match="'weights' parameter"):
        partition_stores(sc, 2, weights=[1.0, 0.0])
    with pytest.raises(ParameterError, match="'driver_weight' parameter"):
        Sharding(InProcessRay(), 2, days=30, seed=5, detail=False, driver_weight=4.5)


def test_demand_drawn_ahead_in_any_order_is_the_whole_runs(scenario: Scenario) -> None:
    """Blocks of stores drawn ahead, days ahead or on the day: the whole model's numbers.

    Across a block of the shared day factors (28 days), which the shard's blocks of stores
    work out once between them.
    """
    rows = np.arange(0, 24)  # two blocks of stores
    whole = DemandModel(scenario, 5)
    ahead = _DemandAhead(scenario, 5, rows, DAYS, limit=3)
    assert len(ahead.models) == 2
    assert len({id(model.factors) for model in ahead.models}) == 1
    for day in range(32):
        for _ in range(day % 3 * 2):  # 0, 2 or 4 blocks ahead before the day is asked for
            ahead.draw_some()
        np.testing.assert_array_equal(ahead.daily(day), whole.daily(day))
    while ahead.draw_some():
        pass
    assert max(ahead._drawn) == 32 + 3 - 1  # no further than the limit


def test_an_error_drawing_demand_ahead_is_raised_by_the_actors_next_call(
    scenario: Scenario,
) -> None:
    sharding = Sharding(WaitingRay(), 2, days=DAYS, seed=5, detail=False, driver_weight=0.5)
    chain = build_chain(scenario, "traditional", days=DAYS, seed=5, override=sharding)
    worker = sharding.proxies[0].actors[0]._target  # the in-process actor's ShardWorker
    worker._wait_for_demand()  # the days it drew as it started

    def broken() -> bool:
        raise ScenarioError("a store's demand would overflow", file="<scenario>")

    worker.demand.draw_some = broken
    worker._start_drawing()
    # the drawing thread (at the lowest priority) has raised before the day's call: else the
    # call could stop it before its first block, and there would be nothing to raise
    worker._drawing.join()
    assert worker._failed is not None
    with pytest.raises(ScenarioError, match="would overflow"):
        Engine(chain.parties).run(1)


def test_shards_keep_no_delivery_once_their_stores_took_it_in(scenario: Scenario) -> None:
    """Nothing of a day's deliveries stays in a shard: its memory is flat in days.

    The carrier runs in the driver; a shard once also queued every consignment it was
    handed for the carrier, which no party there takes: each day's deliveries (a store ×
    SKU array each) stayed in the actor to the end of the run.
    """
    sharding = Sharding(WaitingRay(), 2, days=DAYS, seed=5, detail=False, driver_weight=0.5)
    chain = build_chain(scenario, "traditional", days=DAYS, seed=5, override=sharding)
    proxy = sharding.proxies[0]
    workers = [proxy.local, *(actor._target for actor in proxy.actors)]
    Engine(chain.parties).run(DAYS)
    carrier = scenario.spec.carrier.gln
    delivered = 0
    for worker in workers:
        goods = worker.goods
        assert all(load.arrival_day > DAYS - 1 for load in goods.in_transit())
        for day in range(DAYS):
            assert goods.loads(carrier, day) == []
        delivered += int(worker.ledger.flows[:, :, 1].sum())  # "received" at the stores
    assert delivered > 0  # the shards did take in deliveries
    sharding.finish()


def test_a_shards_blocks_of_stores_read_fitted_demand_once(tmp_path: Path) -> None:
    """Fitted demand in a shard: one copy of the parameters for all its blocks of stores.

    (Each block's model read the whole scenario's store × SKU parameters again: at national
    size, hundreds of copies.) The numbers are the whole model's.
    """
    sc = compile_scenario(generate_spec(n_stores=20, n_skus=12, horizon_days=60, seed=5))
    history = DemandModel(sc, 2)
    params, centre, _ = fit_demand(
        daily_table(sc, np.stack([history.daily(d) for d in range(56)])), sc
    )
    fitted = compile_scenario(fitted_scenario(sc, params, centre, tmp_path / "fit.parquet"))
    assert fitted.spec.demand.fitted is not None
    ahead = _DemandAhead(fitted, 5, np.arange(20), 40, limit=2)
    assert len(ahead.models) == 2
    assert len({id(model.fitted) for model in ahead.models}) == 1
    assert all(model.fitted is not None for model in ahead.models)
    whole = DemandModel(fitted, 5)
    for day in range(35):
        np.testing.assert_array_equal(ahead.daily(day), whole.daily(day))


def test_the_drivers_own_shard_draws_its_demand_ahead(scenario: Scenario) -> None:
    """Between its days the driver's shard draws the days ahead in a thread, as an actor does.

    (It drew them only while waiting for an actor, and the driver, the busier, seldom waits:
    its shard's demand was then drawn in its day, while the actors waited for the driver.)
    """
    sharding = Sharding(WaitingRay(), 2, days=DAYS, seed=5, detail=False, driver_weight=0.5)
    chain = build_chain(scenario, "traditional", days=DAYS, seed=5, override=sharding)
    local = sharding.proxies[0].local
    assert local is not None
    Engine(chain.parties).run(3)
    drawing = local._drawing
    assert drawing is not None  # drawing after its third day, nobody waiting for it
    drawing.join(timeout=120)  # up to its limit: here every day of the run
    assert local.demand._day == DAYS
    sharding.finish()


def test_no_demand_is_drawn_ahead_while_a_process_solves_routes(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The carrier's solves stop each process's drawing ahead, which goes on afterwards.

    (The two processes' four threads share two cores: a first day's solves, which the day
    waits for, took half again as long beside the threads drawing tomorrow's demand.)
    """
    sharding = Sharding(WaitingRay(), 2, days=DAYS, seed=5, detail=False, driver_weight=0.5)
    build_chain(scenario, "traditional", days=DAYS, seed=5, override=sharding)
    proxy = sharding.proxies[0]
    pool = sharding.solve_pool()
    assert pool is not None and proxy.local is not None
    workers = [proxy.local, proxy.actors[0]._target]
    draws: list[list[int]] = [[], []]

    def endless(mine: list[int]) -> Callable[[], bool]:
        def draw_some() -> bool:  # a block drawn every millisecond, for ever
            mine.append(1)
            time.sleep(0.001)
            return True

        return draw_some

    def drawing_after(mine: list[int], before: int) -> bool:
        deadline = time.monotonic() + 30
        while len(mine) <= before and time.monotonic() < deadline:
            time.sleep(0.005)
        return len(mine) > before

    quiet_in_solves: list[int] = []

    def solve(**kwargs: Any) -> list[list[int]]:  # which worker draws nothing meanwhile
        (quiet,) = [i for i, worker in enumerate(workers) if worker._drawing is None]
        counted = len(draws[quiet])
        time.sleep(0.05)
        assert len(draws[quiet]) == counted
        quiet_in_solves.append(quiet)
        return []

    monkeypatch.setattr(routing, "solve_vrp", solve)
    for worker, mine in zip(workers, draws, strict=True):
        worker.stop_drawing()
        worker.demand.draw_some = endless(mine)  # type: ignore[method-assign]
        worker._start_drawing()
        assert drawing_after(mine, len(mine))
    pool.map([{}, {}])  # the driver's solve here, the actor's in its solve()
    assert sorted(quiet_in_solves) == [0, 1]
    for worker, mine in zip(workers, draws, strict=True):  # both draw again
        assert worker._drawing is not None
        assert drawing_after(mine, len(mine))
        worker.stop_drawing()
    sharding.finish()


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own nice value is Linux's")
def test_the_thread_drawing_ahead_runs_at_a_low_priority(scenario: Scenario) -> None:
    """What a day waits for keeps the core: the drawing thread takes what is left of it."""
    sharding = Sharding(WaitingRay(), 2, days=DAYS, seed=5, detail=False, driver_weight=0.5)
    build_chain(scenario, "traditional", days=DAYS, seed=5, override=sharding)
    local = sharding.proxies[0].local
    assert local is not None
    seen: list[int] = []
    draw = local.demand.draw_some

    def noting() -> bool:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return draw()

    local.stop_drawing()
    local.demand.draw_some = noting  # type: ignore[method-assign]
    local._start_drawing()
    deadline = time.monotonic() + 30  # (stopped at once, it could stop before its first block)
    while not seen and time.monotonic() < deadline:
        time.sleep(0.005)
    local.stop_drawing()
    assert seen and set(seen) == {DRAW_NICE}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < DRAW_NICE
    sharding.finish()


def test_an_actors_store_positions_come_back_without_the_days_advices(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The driver gives the merged positions its own advices: the shards' copies stay put.

    (Each came back with every advice's store × SKU quantities: a third of an actor's bytes
    a day, for nothing.) The head office still reads every advice of the day.
    """
    sharding = Sharding(WaitingRay(), 2, days=DAYS, seed=5, detail=False, driver_weight=0.5)
    chain = build_chain(scenario, "shared", days=DAYS, seed=5, override=sharding)
    worker = sharding.proxies[0].actors[0]._target
    came_back: list[StorePositions] = []
    day_of = worker.day

    def day(*args: Any, **kwargs: Any) -> Any:
        rows, sent, orders = day_of(*args, **kwargs)
        came_back.extend(m for m in sent if isinstance(m, StorePositions))
        return rows, sent, orders

    monkeypatch.setattr(worker, "day", day)
    read: list[tuple[int, int]] = []  # per day: advices the stores and the head office read
    retailer = next(p for p in chain.parties if isinstance(p, Retailer))
    channel = chain.channel
    receive = channel.receive

    def receiving(mailbox: str, kind: type, day: int) -> list[Any]:
        got = receive(mailbox, kind, day)
        if mailbox == retailer.gln and kind is StorePositions:
            read.append((len(got[0].advices) if got else -1, len(advised[day])))
        elif mailbox == retailer.gln and kind is DespatchAdvice:  # the stores' mail
            advised.setdefault(day, []).extend(got)
        return got

    advised: dict[int, list[Any]] = {}
    monkeypatch.setattr(channel, "receive", receiving)
    Engine(chain.parties).run(DAYS)
    sharding.finish()
    assert len(came_back) == DAYS and all(m.advices == () for m in came_back)
    assert read and all(merged == advices for merged, advices in read)
    assert sum(advices for _, advices in read) > 0  # days with advices were seen


def test_merged_reports_carry_summed_positions_and_no_stock_figures(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The head office gets each day's positions summed, the planners no stock figures.

    The shards keep the planners' store rows, which learn from their own stores' stock
    reports, and the driver's planners read those reports' days only: so the merged reports'
    on hand, received and backorders are read-only zero broadcasts (nothing packed, nothing
    joined; they were a new store × SKU array a day each), and the head office's positions
    come as one joined array of the positions summed (the three books were joined before),
    equal to the positions the stores' books give in one process, day by day.
    """

    def recorded(override: Any) -> tuple[dict[int, np.ndarray], list[InventoryReport], Any]:
        chain = build_chain(scenario, "shared", days=DAYS, seed=5, override=override)
        channel = chain.channel
        receive = channel.receive
        positions: dict[int, np.ndarray] = {}
        reports: list[InventoryReport] = []
        got_positions: list[StorePositions] = []

        def receiving(mailbox: str, kind: type, day: int) -> list[Any]:
            got = receive(mailbox, kind, day)
            for message in got:
                if isinstance(message, StorePositions):
                    positions[message.day] = message.positions()
                    got_positions.append(message)
                elif isinstance(message, InventoryReport):
                    reports.append(message)
            return got

        monkeypatch.setattr(channel, "receive", receiving)
        Engine(chain.parties).run(DAYS)
        return positions, reports, got_positions

    alone, _, _ = recorded(None)
    sharding = Sharding(WaitingRay(), 2, days=DAYS, seed=5, detail=False, driver_weight=0.5)
    merged, reports, messages = recorded(sharding)
    sharding.finish()
    assert merged.keys() == alone.keys() and len(merged) >= DAYS - 1
    for day, position in merged.items():
        np.testing.assert_array_equal(position, alone[day])
    assert any(position.any() for position in merged.values())
    shape = (scenario.n_stores, scenario.n_skus)
    assert all(m.position.shape == shape and m.on_hand.size == 0 for m in messages)
    assert len(reports) >= DAYS  # each planner's, every day
    for report in reports:
        for figures in (report.on_hand, report.received, report.backorders):
            assert not any(figures.strides) and not figures.flags.writeable
            assert figures.shape[0] == scenario.n_stores and not figures.any()


def test_the_days_sales_reports_are_let_go_before_the_orders_are_joined(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The planners' merged sales reports (every store's) are gone when their orders are joined.

    The driver's planners read them as they prepare (the range's review, the calendar) and
    the shards' rows only need their days: alive beside the joined orders, they were the
    driver's peak of the day, 4 bytes a cell of every store more.
    """
    import gc
    import weakref

    from crossdock import shard as shard_module
    from crossdock.messages import SalesReport

    sharding = Sharding(WaitingRay(), 2, days=DAYS, seed=5, detail=False, driver_weight=0.5)
    chain = build_chain(scenario, "shared", days=DAYS, seed=5, override=sharding)
    channel = chain.channel
    receive = channel.receive
    sold: list[weakref.ref[np.ndarray]] = []
    alive: list[int] = []

    def receiving(mailbox: str, kind: type, day: int) -> list[Any]:
        got = receive(mailbox, kind, day)
        if kind is SalesReport:
            sold.extend(weakref.ref(message.quantity) for message in got)
        return got

    join = shard_module._join_rows

    def joining(parts: list[Any], *, payload: bool = False) -> np.ndarray:
        if not payload:  # the planners' orders
            gc.collect()
            alive.append(sum(ref() is not None for ref in sold))
        return join(parts, payload=payload)

    monkeypatch.setattr(channel, "receive", receiving)
    monkeypatch.setattr(shard_module, "_join_rows", joining)
    Engine(chain.parties).run(DAYS)
    sharding.finish()
    assert sold and alive  # reports came, orders were joined
    assert alive == [0] * len(alive)


def test_the_driver_keeps_no_days_orders_overnight_but_the_last(scenario: Scenario) -> None:
    """The planners' whole orders go to the shards with the next day's plan, then go.

    (The driver's shard's requests, views of yesterday's orders, were kept through the night:
    a store × SKU array of every store, beside tonight's.)
    """
    import gc
    import weakref

    sharding = Sharding(WaitingRay(), 2, days=DAYS, seed=5, detail=False, driver_weight=0.5)
    chain = build_chain(scenario, "shared", days=DAYS, seed=5, override=sharding)
    planners = sharding.proxies[0].planners
    assert planners is not None
    engine = Engine(chain.parties)
    watched: list[weakref.ref[np.ndarray]] = []
    for _ in range(8):
        engine.step()
        gc.collect()
        assert not [ref for ref in watched if ref() is not None]  # the day before tonight's
        watched = [weakref.ref(order) for p in planners.planners for _, order in p.dispatched]
        assert watched  # tonight's orders, kept for tomorrow's plan
    sharding.abandon()
