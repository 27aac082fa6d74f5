"""Sharded runs: the same tables for 1, 2 or 3 shards, in both modes.

A stand-in for Ray that runs the shards' actors in this process checks the bookkeeping (cutting
the day's messages and goods by shard, merging what the shards send, the ledger) on several
scenarios quickly; one test runs the whole path on a local Ray, through ``simulate(shards=)``.
Tables are compared as the golden and checkpoint tests compare them: every table, bit for bit,
and the KPIs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import pairwise
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from tests.demand.conftest import with_generator

from crossdock import ParameterError, simulate
from crossdock._shard_worker import ShardWorker
from crossdock.cli import EXIT_USER_ERROR, invoke
from crossdock.demand import DemandModel
from crossdock.economics._prices import PriceBook
from crossdock.engine import Engine
from crossdock.errors import ScenarioError
from crossdock.recipes import build_chain
from crossdock.results import SimulationResult
from crossdock.routing import solve_pool
from crossdock.scenario import Scenario, compile_scenario, generate_spec
from crossdock.scenario._assortment_spec import AssortmentSpec
from crossdock.shard import (
    ALIGN_ROWS,
    DRIVER_WEIGHTS,
    Sharding,
    max_shards,
    partition_stores,
    shard_scenario,
)
from crossdock.tables import build_tables

DAYS = 40


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """24 stores (three blocks of 8) on two platforms, 60 SKUs."""
    spec = generate_spec(n_stores=24, n_skus=60, n_platforms=2, horizon_days=DAYS, seed=7)
    return compile_scenario(spec)


@pytest.fixture(scope="module")
def two_dcs() -> Scenario:
    """21 stores served by two DCs, so that a shard can hold stores of both (orders merge)."""
    spec = generate_spec(n_stores=21, n_skus=48, n_platforms=2, n_dcs=2, horizon_days=30, seed=3)
    return compile_scenario(spec)


class _Call:
    def __init__(self, method: Callable[..., Any]) -> None:
        self._method = method

    def remote(self, *args: Any, **kwargs: Any) -> Any:
        return self._method(*args, **kwargs)


class _Actor:
    def __init__(self, target: Any) -> None:
        self._target = target

    def __getattr__(self, name: str) -> _Call:
        return _Call(getattr(self._target, name))


class _ActorClass:
    def __init__(self, cls: type) -> None:
        self._cls = cls

    def options(self, **_: Any) -> _ActorClass:
        return self

    def remote(self) -> _Actor:
        return _Actor(self._cls())


class InProcessRay:
    """Just enough of Ray's API for :class:`Sharding`, with every actor in this process."""

    exceptions = SimpleNamespace(RayTaskError=type("RayTaskError", (Exception,), {}))

    def __init__(self) -> None:
        self.killed = 0

    def remote(self, cls: type) -> _ActorClass:
        return _ActorClass(cls)

    def put(self, value: Any) -> Any:
        return value

    def get(self, refs: list[Any]) -> list[Any]:
        return list(refs)

    def kill(self, actor: Any) -> None:
        self.killed += 1


def run_tables(scenario: Scenario, mode: str, shards: int, days: int = DAYS) -> dict[str, Any]:
    """Every output table of a run with ``shards`` in-process shards (1: the plain path)."""
    ray = InProcessRay()
    sharding = Sharding(ray, shards, days=days, seed=5, detail=True) if shards > 1 else None
    chain = build_chain(scenario, mode, days=days, seed=5, detail=True, override=sharding)
    with solve_pool(sharding.solve_pool() if sharding is not None else None):  # as simulate
        Engine(chain.parties).run(days)
    if sharding is not None:
        assert len(sharding.finish()) == shards
        assert ray.killed == shards
    ledger = chain.ledger
    assert ledger.violations() == []
    assert ledger.sku_violations().size == 0
    assert ledger.unmatched_transfers().size == 0
    return build_tables(
        ledger, scenario, chain.channel.sent_by_day, getattr(chain.channel, "daily", None)
    )


def assert_same_tables(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].equals(b[name]), name


@pytest.mark.parametrize("mode", ["traditional", "shared", "shared_own_items"])
def test_in_process_shards_give_the_whole_runs_tables(scenario: Scenario, mode: str) -> None:
    whole = run_tables(scenario, mode, 1)
    assert whole["location_daily"].num_rows > 0
    for shards in (2, 3):
        assert_same_tables(run_tables(scenario, mode, shards), whole)


def test_the_driver_does_not_join_the_receipts_the_shards_plan_from(scenario: Scenario) -> None:
    """Shared, shards planning: the merged INVRPT's receipts take no memory; same tables."""
    from crossdock.messages import InventoryReport

    ray = InProcessRay()
    sharding = Sharding(ray, 2, days=DAYS, seed=5, detail=True)
    chain = build_chain(scenario, "shared", days=DAYS, seed=5, detail=True, override=sharding)
    reports: list[InventoryReport] = []
    send = chain.channel.send

    def tapped(message: Any) -> None:
        if isinstance(message, InventoryReport):
            reports.append(message)
        send(message)

    chain.channel.send = tapped  # type: ignore[method-assign]
    assert sharding.proxies[0].planning  # the shards keep the planners' rows
    with solve_pool(sharding.solve_pool()):
        Engine(chain.parties).run(DAYS)
    sharding.finish()
    merged = [r for r in reports if r.locations.size == scenario.n_stores]
    assert merged
    for report in merged:  # every store's rows, with no bytes behind the receipts
        assert report.received.shape == report.on_hand.shape
        assert not any(report.received.strides)
    tables = build_tables(chain.ledger, scenario, chain.channel.sent_by_day, None)
    assert_same_tables(tables, run_tables(scenario, "shared", 1))


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_the_shards_actors_take_some_of_the_carriers_solves(
    two_dcs: Scenario, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two depots a day (DCs, platforms): the actors solve some, with the same routes."""
    solved: list[int] = []
    solve = ShardWorker.solve

    def counted(worker: ShardWorker, kwargs: dict[str, Any]) -> list[list[int]]:
        solved.append(len(kwargs["demand"]))
        return solve(worker, kwargs)

    monkeypatch.setattr(ShardWorker, "solve", counted)
    whole = run_tables(two_dcs, mode, 1, days=30)
    assert not solved
    assert_same_tables(run_tables(two_dcs, mode, 2, days=30), whole)
    assert solved  # the actor solved a depot-day or more


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_counter_based_demand_gives_the_whole_runs_tables_in_shards(
    scenario: Scenario, mode: str
) -> None:
    """The ``philox`` generator: each store's draws are a function of its key, SKU and day."""
    philox = with_generator(scenario, "philox")
    whole = run_tables(philox, mode, 1)
    assert_same_tables(run_tables(philox, mode, 3), whole)
    assert not whole["location_daily"].equals(run_tables(scenario, mode, 1)["location_daily"])


@pytest.mark.parametrize("mode", ["traditional", "shared"])
@pytest.mark.parametrize("generator", ["pcg64", "philox"])
def test_simulate_gives_the_driver_its_share_of_the_stores(
    scenario: Scenario, generator: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The driver's shard is ``DRIVER_WEIGHTS[generator, settings]`` times an actor's; same tables.

    (With ``pcg64`` the driver's thread cannot draw its shard's demand ahead beside the
    upstream parties over a year, so its shard is no larger than an actor's; see
    :data:`crossdock.shard.DRIVER_WEIGHTS`.) Ray is replaced by the in-process stand-in.
    """
    import contextlib
    import importlib

    # (the package's ``simulate`` is the function: the module is looked up by name)
    simulate_module = importlib.import_module("crossdock.simulate")
    weights: list[float] = []

    class Recorded(Sharding):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            weights.append(self.driver_weight)

    @contextlib.contextmanager
    def session(shards: int, *_: Any, **__: Any) -> Iterator[InProcessRay | None]:
        yield InProcessRay() if shards > 1 else None

    monkeypatch.setattr(simulate_module, "Sharding", Recorded)
    monkeypatch.setattr(simulate_module, "shard_session", session)
    chosen = with_generator(scenario, generator)
    whole = simulate(chosen, mode=mode, seed=5, days=DAYS)
    sharded = simulate(chosen, mode=mode, seed=5, days=DAYS, shards=2)
    assert weights == [DRIVER_WEIGHTS[generator, mode]]
    assert_same_result(sharded, whole)


@pytest.fixture(scope="module")
def faulty_backorders() -> Scenario:
    """Backorders, and an EDI channel that loses, duplicates and delays messages."""
    spec = generate_spec(n_stores=20, n_skus=48, n_platforms=2, horizon_days=30, seed=11)
    edi = spec.edi.model_copy(
        update={"channel": "edi", "loss_rate": 0.05, "duplication_rate": 0.05, "delay_rate": 0.1}
    )
    replenishment = spec.replenishment.model_copy(update={"unmet_demand": "backorder"})
    return compile_scenario(spec.model_copy(update={"edi": edi, "replenishment": replenishment}))


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_shards_over_a_faulty_edi_channel_with_backorders(
    faulty_backorders: Scenario, mode: str
) -> None:
    whole = run_tables(faulty_backorders, mode, 1, days=30)
    assert whole["edi_daily"]["retransmissions"].to_numpy().sum() > 0
    assert_same_tables(run_tables(faulty_backorders, mode, 3, days=30), whole)


def test_shards_apply_the_captains_delistings_and_substitutions() -> None:
    """A review every two weeks that delists every C item: clearance, scrap, substitution."""
    spec = generate_spec(n_stores=25, n_skus=48, n_platforms=2, horizon_days=40, seed=13)
    review = AssortmentSpec(
        review_every_weeks=2,
        clearance_days=3,
        max_delisted_share=0.5,
        delist_classes=["CX", "CY", "CZ"],
        max_units_per_store_week=1000.0,
    )
    scenario = compile_scenario(spec.model_copy(update={"assortment": review}))
    whole = run_tables(scenario, "shared", 1)
    sku = whole["sku_daily"]
    assert sum(sku[c].to_numpy().sum() for c in ("substituted_demand", "delisted_scrap")) > 0
    assert_same_tables(run_tables(scenario, "shared", 3), whole)


def test_store_orders_to_two_dcs_merge_in_dc_order(two_dcs: Scenario) -> None:
    """Shards cut across both DCs' stores: each DC still gets one order a day, rows in order."""
    assert len(set(two_dcs.dc_of_store.tolist())) == 2
    whole = run_tables(two_dcs, "traditional", 1, days=30)
    assert_same_tables(run_tables(two_dcs, "traditional", 3, days=30), whole)


def test_partition_cuts_whole_blocks_of_stores(scenario: Scenario) -> None:
    for shards in (1, 2, 3):
        ranges = partition_stores(scenario, shards)
        assert ranges[0][0] == 0 and ranges[-1][1] == scenario.n_stores
        for (_, stop), (first, _) in pairwise(ranges):
            assert stop == first and first % ALIGN_ROWS == 0
        assert all(stop > first for first, stop in ranges)
    with pytest.raises(ParameterError, match="at most 3 for 24 stores"):
        partition_stores(scenario, 4)


def test_no_shard_is_one_store_alone() -> None:
    """NumPy computes a one-row product another way: a last row joins the block before it."""
    for n in range(1, 60):
        spec = generate_spec(n_stores=n, n_skus=6, n_platforms=1, horizon_days=30, seed=1)
        sc = compile_scenario(spec)
        for shards in range(1, max_shards(n) + 1):
            ranges = partition_stores(sc, shards)
            assert all(stop - first >= min(n, 2) for first, stop in ranges), (n, ranges)
    assert max_shards(17) == 2 and max_shards(18) == 3


def test_a_cut_moves_to_a_region_boundary_nearby(scenario: Scenario) -> None:
    region = np.repeat([0, 1], [16, 8])  # 16 stores in one region: the cut at 16, not 8 or 12
    assert partition_stores(scenario, 2, region)[0] == (0, 16)


def test_a_shards_scenario_demand_and_prices_are_its_rows_of_the_whole(
    scenario: Scenario,
) -> None:
    shard = shard_scenario(scenario, 8, 16)
    assert list(shard.store_gln) == list(scenario.store_gln[8:16])
    np.testing.assert_array_equal(shard.shelf_capacity, scenario.shelf_capacity[8:16])
    rows = np.arange(8, 16)
    whole, part = DemandModel(scenario, 5), DemandModel(scenario, 5, stores=rows)
    whole_prices, part_prices = PriceBook(scenario), PriceBook(scenario, stores=rows)
    for day in range(3):
        np.testing.assert_array_equal(part.daily(day), whole.daily(day)[8:16])
        np.testing.assert_array_equal(part_prices.price(day), whole_prices.price(day)[8:16])


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"shards": 0}, "'shards' parameter of simulate must be an int >= 1"),
        ({"shards": True}, "'shards' parameter of simulate must be an int >= 1"),
        ({"shards": 4}, "at most 3 for 24 stores"),
        ({"shards": 1, "address": "head:6379"}, "'address' parameter"),
        ({"shards": 2, "demand": object()}, "'demand' parameter"),
    ],
)
def test_sharding_options_that_cannot_work_are_refused_before_ray_starts(
    scenario: Scenario, options: dict[str, Any], match: str
) -> None:
    with pytest.raises(ParameterError, match=match):
        simulate(scenario, mode="traditional", days=DAYS, **options)


def test_cli_names_an_address_where_no_cluster_answers(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["run", "--days", "30", "--shards", "2", "--address", "127.0.0.1:1"]
    assert invoke([*args, "--out", str(tmp_path)]) == EXIT_USER_ERROR
    assert "--address 127.0.0.1:1: no Ray cluster answers there" in capsys.readouterr().err


class FailingRay(InProcessRay):
    """Ray whose actor calls fail, as Ray reports an exception raised in an actor."""

    def get(self, refs: list[Any]) -> list[Any]:
        error = self.exceptions.RayTaskError("an actor failed")
        error.cause = ScenarioError("a store's stock would overflow", file="<scenario>")
        raise error


def test_an_error_in_a_shard_is_raised_as_itself(scenario: Scenario) -> None:
    sharding = Sharding(FailingRay(), 2, days=DAYS, seed=5, detail=False)
    with pytest.raises(ScenarioError, match="would overflow"):
        build_chain(scenario, "traditional", days=DAYS, seed=5, override=sharding)


def test_shards_and_parallel_routing_together(scenario: Scenario) -> None:
    """Ray started by the run itself: a CPU per shard, and more for the routing tasks."""
    both = simulate(scenario, mode="shared", seed=5, days=DAYS, shards=2, routing_workers=2)
    assert_same_result(both, simulate(scenario, mode="shared", seed=5, days=DAYS))


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    from crossdock.experiments._ray import ray_session

    with ray_session(3):
        yield


def assert_same_result(a: SimulationResult, b: SimulationResult) -> None:
    assert_same_tables(a.tables, b.tables)
    assert a.kpis == b.kpis


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_ray_shards_give_the_whole_runs_tables(
    scenario: Scenario, mode: str, ray_session: None
) -> None:
    whole = simulate(scenario, mode=mode, seed=5, days=DAYS)
    for shards in (2, 3):
        sharded = simulate(scenario, mode=mode, seed=5, days=DAYS, shards=shards)
        assert sharded.ledger.violations() == []
        assert sharded.ledger.unmatched_transfers().size == 0
        assert_same_result(sharded, whole)


@pytest.mark.parametrize("shards", [1, 2])
def test_the_tables_are_built_without_the_runs_parties(
    scenario: Scenario, shards: int, ray_session: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run's store × SKU state goes before its tables are built, sharded or not.

    (A sharded run kept its driver's shard and the planners alive through the tables: the
    national year's peak was the state and the tables together.) So do the messages and goods
    still on their way, with their channels and the parties' context.
    """
    import gc
    import importlib

    from crossdock.channel import DirectChannel
    from crossdock.goods import Consignment, DirectGoodsChannel
    from crossdock.parties._common import Context
    from crossdock.parties.planners import Planners
    from crossdock.parties.stores import Stores

    run_module = importlib.import_module("crossdock.simulate")  # (the package's simulate is
    # the function)
    alive: list[list[str]] = []
    build = run_module.build_tables

    kinds = (
        Stores,
        ShardWorker,
        Planners,
        Sharding,
        DirectChannel,
        DirectGoodsChannel,
        Consignment,
        Context,
    )

    def census() -> list[Any]:
        # (by type: isinstance would look through a dead weak proxy and raise)
        return [o for o in gc.get_objects() if issubclass(type(o), kinds)]

    gc.collect()
    earlier = census()  # other tests' (a worker whose drawing thread is still alive, say):
    known = {id(o) for o in earlier}  # kept alive here, so no new object can take their ids

    def counting(*args: Any, **kwargs: Any) -> Any:
        gc.collect()
        alive.append([type(o).__name__ for o in census() if id(o) not in known])
        return build(*args, **kwargs)

    monkeypatch.setattr(run_module, "build_tables", counting)
    result = simulate(scenario, mode="shared", seed=5, days=DAYS, shards=shards)
    assert result.tables["sku_daily"].num_rows > 0
    assert alive == [[]]


def test_the_driver_lets_the_object_stores_pages_go_each_night(
    ray_session: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store's pages the driver read today leave its resident memory at the day's close.

    The actors' results (above Ray's 100 KB inline size here) are read in place from the
    object store's shared memory; kept mapped, each page once read stayed in the driver's
    resident memory. The tables are the same whether the pages go or stay.
    """
    from tests.test_allocator import _resident_of

    import crossdock.shard as shard_module
    from crossdock import _allocator

    spec = generate_spec(n_stores=40, n_skus=900, n_platforms=2, horizon_days=8, seed=5)
    scenario = compile_scenario(spec)

    def run() -> tuple[SimulationResult, list[int]]:
        resident: list[int] = []
        result = simulate(
            scenario,
            mode="shared",
            seed=5,
            days=8,
            warm_up=0,
            shards=2,
            on_day=lambda day: resident.append(_resident_of(shard_module.OBJECT_STORE_FILE)),
        )
        return result, resident

    dropped, after_close = run()
    monkeypatch.setattr(_allocator, "drop_shared_pages", lambda path_part: 0)
    kept, kept_resident = run()
    assert max(kept_resident) > 0  # (so the test can fail: the driver does read the store)
    assert after_close == [0] * 8
    assert_same_result(dropped, kept)
