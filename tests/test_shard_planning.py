"""The shared planners' store rows in the shards: the whole run's tables, in each case.

In a sharded shared run over the direct channel the shards keep each planner's per-store
books beside their stores (:mod:`crossdock._shard_planning`); elsewhere (an EDI channel, a
captain's shelf plans) the planners keep every row in the driver. Either way every table
and KPI is the one-process run's, bit for bit: these tests run both with in-process shards
(``tests/test_shard.py``'s stand-in for Ray) and check which way each run planned.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.test_shard import DAYS, InProcessRay, assert_same_tables

from crossdock._shard_planning import RowsRequest, ShardPlanning
from crossdock._shard_worker import ShardWorker
from crossdock.engine import Engine
from crossdock.parties.planners import Planners
from crossdock.recipes import Chain, build_chain
from crossdock.routing import solve_pool
from crossdock.scenario import Scenario, compile_scenario, generate_spec
from crossdock.scenario._captain_spec import ShelfSpaceSpec
from crossdock.shard import ShardedStores, Sharding
from crossdock.tables import build_tables


def run(scenario: Scenario, shards: int, days: int = DAYS) -> tuple[dict[str, Any], Chain]:
    """A shared run's tables, and its chain (its parties as they ended)."""
    sharding = Sharding(InProcessRay(), shards, days=days, seed=5, detail=True, driver_weight=1)
    override = sharding if shards > 1 else None
    chain = build_chain(scenario, "shared", days=days, seed=5, detail=True, override=override)
    with solve_pool(sharding.solve_pool() if override is not None else None):
        Engine(chain.parties).run(days)
    if override is not None:
        (stores,) = sharding.proxies
        # the shards' workers, in store order (the stand-in's actors wrap them)
        WORKERS[id(chain)] = [stores.local, *(actor._target for actor in stores.actors)]
        sharding.finish()
    tables = build_tables(chain.ledger, scenario, chain.channel.sent_by_day, None)
    return tables, chain


WORKERS: dict[int, list[Any]] = {}


def planners(chain: Chain) -> Planners:
    return next(p for p in chain.parties if isinstance(p, Planners))


def proxy(chain: Chain) -> ShardedStores:
    return next(p for p in chain.parties if isinstance(p, ShardedStores))


def with_updates(spec: Any, **replenishment: Any) -> Scenario:
    return compile_scenario(
        spec.model_copy(
            update={"replenishment": spec.replenishment.model_copy(update=replenishment)}
        )
    )


@pytest.fixture(scope="module")
def slow_factories() -> Scenario:
    """24 stores on two platforms whose factories run at a tenth of their rate: they announce
    later dates, which the planners add to their lead times. Delivery calendars that order
    some collections every few days (their cycles chosen again every two weeks) add the
    days between orders to them too."""
    spec = generate_spec(n_stores=24, n_skus=60, n_platforms=2, horizon_days=DAYS, seed=7)
    calendar = spec.replenishment.delivery_calendar
    assert calendar is not None
    calendar = calendar.model_copy(
        update={"shelf_fit_share": 0.5, "target_truck_fill": 0.95, "reoptimise_every_days": 14}
    )
    spec = spec.model_copy(
        update={
            "replenishment": spec.replenishment.model_copy(update={"delivery_calendar": calendar})
        }
    )
    factories = [
        factory.model_copy(
            update={
                "lines": [
                    line.model_copy(update={"rate_units_per_hour": line.rate_units_per_hour / 10})
                    for line in factory.lines
                ]
            }
        )
        for factory in spec.factories
    ]
    return compile_scenario(spec.model_copy(update={"factories": factories}))


def test_the_shards_keep_the_planners_rows_and_give_the_whole_runs_tables(
    slow_factories: Scenario,
) -> None:
    whole, one = run(slow_factories, 1)
    tables, chain = run(slow_factories, 3)
    assert_same_tables(tables, whole)
    sharded = planners(chain).planners
    assert all(planner.rows is None for planner in sharded)
    # each shard's rows: its stores × the planner's items, open orders and all
    shards = proxy(chain)
    assert shards.planning and shards.local is not None and shards.local.planning is not None
    first, stop = shards.ranges[0]
    for planner in sharded:
        rows = shards.local.planning.rows[planner.gln]
        assert rows.on_order.shape == (stop - first, planner.items.size)
    # what the shards had to hear of: the factories' later dates, and the calendar's cycles
    # chosen again (days 14 and 28 of 40), whose extra days each shard got again
    assert any(planner._delay.any() for planner in sharded)
    assert all(planner.calendar is not None and planner.calendar.version > 2 for planner in sharded)
    assert any(planner.calendar.extra_days.any() for planner in sharded if planner.calendar)
    for sent in shards._extra_sent:
        assert sent == {p.gln: p.calendar.version for p in sharded if p.calendar is not None}
    # the one-process planners' open orders are the shards' rows stacked (with the last
    # day's orders, which the shards would hear of with the next day's plan)
    workers = WORKERS.pop(id(chain))
    for alone, planner in zip(planners(one).planners, sharded, strict=True):
        stacked = np.vstack([w.planning.rows[planner.gln].on_order for w in workers])
        stacked += sum(order for _, order in planner.dispatched)
        assert alone.rows is not None and alone.on_order.any()
        np.testing.assert_array_equal(stacked, alone.on_order)


def test_backorders_are_learnt_in_the_shards() -> None:
    """With backorders the rows learn demand as sales plus new backorders (their own copy)."""
    spec = generate_spec(n_stores=20, n_skus=48, n_platforms=2, horizon_days=30, seed=11)
    scenario = with_updates(spec, unmet_demand="backorder")
    whole, _ = run(scenario, 1, days=30)
    tables, chain = run(scenario, 3, days=30)
    assert proxy(chain).planning
    assert_same_tables(tables, whole)


def test_a_captains_shelf_plans_keep_the_planners_rows_in_the_driver() -> None:
    """Shelf plans read every store's forecasts: the planners plan every row themselves."""
    spec = generate_spec(n_stores=24, n_skus=60, n_platforms=2, horizon_days=DAYS, seed=7)
    scenario = with_updates(spec, shelf_space=ShelfSpaceSpec(reallocate_every_days=14))
    whole, _ = run(scenario, 1)
    tables, chain = run(scenario, 3)
    assert not proxy(chain).planning
    assert all(planner.rows is not None for planner in planners(chain).planners)
    assert_same_tables(tables, whole)
    shelf_plans = [n for (_, kind), n in chain.channel.sent_by_day.items() if kind == "ShelfPlan"]
    assert sum(shelf_plans) > 0


def test_a_shard_refuses_to_plan_from_reports_it_does_not_keep() -> None:
    """Only the day's reports are kept: a planner reading an older one is an error, not a guess."""
    spec = generate_spec(n_stores=8, n_skus=12, n_platforms=1, horizon_days=30, seed=2)
    sc = compile_scenario(spec)
    from crossdock.policies import policy_from_spec

    planning = ShardPlanning(
        sc,
        [("4000000000001", np.arange(6))],
        lambda: policy_from_spec(spec.replenishment.shared.store),
    )
    request = RowsRequest("4000000000001", ((3, True),), (3,), True, (0, -1), None, None, ())
    with pytest.raises(RuntimeError, match="keeps only its stores' reports of the day"):
        planning.plan(3, [request], lambda value: value)
    with pytest.raises(RuntimeError, match="no shard rows for planner 4000000000002"):
        planning.plan(3, [RowsRequest("4000000000002", (), (), True, (0, -1), None, None, ())], id)


def test_the_shards_order_with_their_day_except_when_a_calendar_may_review(
    slow_factories: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One call a day, the rows' orders with the shards' day; the plan call on review days."""
    calls: list[int] = []
    plan = ShardWorker.plan

    def counted(worker: ShardWorker, day: int, requests: list[RowsRequest]) -> list[Any]:
        calls.append(day)
        return plan(worker, day, requests)

    monkeypatch.setattr(ShardWorker, "plan", counted)
    run(slow_factories, 2, days=30)
    # calendars choose again every 14 days: days 14 and 28, in each of the two shards
    assert calls == [14, 14, 28, 28]


def test_a_lead_time_the_shards_did_not_plan_with_stops_the_run(
    scenario_24: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The planners' reading of the day is checked against what the shards were asked."""
    early = Planners.early_work

    def stale(planners: Planners, day: int) -> Any:
        work = early(planners, day)
        if work is None or day < 3:
            return work
        return [
            (planner, (key[0] - 1, key[1]), delay, extra) for planner, key, delay, extra in work
        ]

    monkeypatch.setattr(Planners, "early_work", stale)
    with pytest.raises(RuntimeError, match="day 3: the planners read other reports or lead times"):
        run(scenario_24, 2, days=10)


@pytest.fixture(scope="module")
def scenario_24() -> Scenario:
    return compile_scenario(
        generate_spec(n_stores=24, n_skus=60, n_platforms=2, horizon_days=DAYS, seed=7)
    )
