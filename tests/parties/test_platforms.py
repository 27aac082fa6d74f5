"""Cross-dock platforms: same-day flow-through, overnight holding above capacity."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock.ledger import KINDS
from crossdock.messages import DespatchAdvice
from crossdock.parties.platforms import Platforms


def make_platforms(scenario, make_context, docked_carrier):
    ctx = make_context(scenario, mode="shared")
    carrier = docked_carrier(ctx)
    return ctx, carrier, Platforms(ctx)


def unload(platforms, hand_over, day: int, goods: np.ndarray) -> None:
    """Suppliers' pallets (``goods[s, k]``, by final store) arrive at the docks on ``day``."""
    hand_over(platforms.ctx, day, "platform", goods)
    platforms.receive(day)


def flows(ctx, day: int, kind: str) -> list[int]:
    return ctx.ledger.flows[day, ctx.ledger.blocks["platform"], KINDS.index(kind)].tolist()


def stock(ctx, day: int) -> list[int]:
    return ctx.ledger.stock_units[day, ctx.ledger.blocks["platform"]].tolist()


def delivered(carrier, day: int) -> np.ndarray:
    """Goods the carrier unloads at the stores on ``day`` (after routing the day before)."""
    carrier.deliver(day - 1)
    carrier.receive(day)
    arrivals = [goods for d, goods in carrier.stores.unloads if d == day]
    return sum(
        arrivals, np.zeros((carrier.ctx.scenario.n_stores, carrier.ctx.scenario.n_skus), np.int64)
    )


def test_everything_received_leaves_the_same_day(
    ok_small, make_context, docked_carrier, hand_over
) -> None:
    ctx, carrier, platforms = make_platforms(ok_small, make_context, docked_carrier)
    goods = np.array([[6, 0, 12, 0, 0, 6], [0, 24, 0, 0, 6, 0]])
    unload(platforms, hand_over, 0, goods)
    platforms.cross_dock(0)
    platforms.close(0)
    assert platforms.held.sum() == 0
    assert platforms.held_overnight.tolist() == [0]
    (advice,) = ctx.channel.receive(ok_small.spec.retailer.gln, DespatchAdvice, 0)
    assert advice.sender == ok_small.platform_gln[0]
    assert advice.locations.tolist() == [0, 1]
    assert advice.quantity.tolist() == goods.tolist()
    assert advice.arrival_day == 0 + int(ok_small.platform_delivery_days[0])
    assert advice.pallets == 2  # a mixed pallet per store
    assert flows(ctx, 0, "received") == [54]
    assert flows(ctx, 0, "shipped") == [54]
    assert stock(ctx, 0) == [0]
    assert delivered(carrier, 1).tolist() == goods.tolist()


def test_nothing_held_means_nothing_sent(ok_small, make_context, docked_carrier) -> None:
    ctx, carrier, platforms = make_platforms(ok_small, make_context, docked_carrier)
    platforms.cross_dock(0)
    assert ctx.channel.sent["DespatchAdvice"] == 0
    assert delivered(carrier, 1).sum() == 0
    assert carrier.stores.unloads == []


def test_above_capacity_the_rest_waits_overnight(
    make_scenario, make_context, docked_carrier, hand_over
) -> None:
    sc = make_scenario(platform_capacity=100)
    ctx, carrier, platforms = make_platforms(sc, make_context, docked_carrier)
    goods = np.array([[60, 0, 0, 0, 0, 0], [0, 90, 0, 0, 0, 0]])  # 150 for a capacity of 100
    unload(platforms, hand_over, 0, goods)
    platforms.cross_dock(0)
    platforms.close(0)
    # Shared pro rata: 40 and 60 leave, 20 and 30 wait.
    assert platforms.held.tolist() == [[20, 0, 0, 0, 0, 0], [0, 30, 0, 0, 0, 0]]
    assert platforms.held_overnight.tolist() == [50]
    assert stock(ctx, 0) == [50]
    assert flows(ctx, 0, "shipped") == [100]
    assert delivered(carrier, 1).tolist() == [[40, 0, 0, 0, 0, 0], [0, 60, 0, 0, 0, 0]]
    platforms.cross_dock(1)  # nothing new arrives: yesterday's goods leave
    platforms.close(1)
    assert platforms.held.sum() == 0
    assert flows(ctx, 1, "shipped") == [50]
    assert stock(ctx, 1) == [0]
    assert delivered(carrier, 2).tolist() == [[20, 0, 0, 0, 0, 0], [0, 30, 0, 0, 0, 0]]
    # The ledger balances at the platform over both days.
    platform = ctx.ledger.blocks["platform"].start
    assert [v for v in ctx.ledger.violations(2) if v.location == platform] == []


def test_capacity_is_per_platform(two_platforms, make_context, docked_carrier, hand_over) -> None:
    sc = two_platforms  # stores 0 and 2 on platform 0, stores 1 and 3 on platform 1
    ctx, carrier, platforms = make_platforms(sc, make_context, docked_carrier)
    goods = np.zeros((4, 6), np.int64)
    goods[0, 0] = 900
    goods[2, 0] = 300  # platform 0: 1,200 for a capacity of 1,000
    goods[1, 1] = 500  # platform 1: under capacity
    unload(platforms, hand_over, 0, goods)
    platforms.cross_dock(0)
    platforms.close(0)
    assert platforms.held_overnight.tolist() == [200, 0]
    assert flows(ctx, 0, "shipped") == [1_000, 500]
    advices = ctx.channel.receive(sc.spec.retailer.gln, DespatchAdvice, 0)
    by_sender = {a.sender: a for a in advices}
    assert sorted(by_sender) == sorted(sc.platform_gln.tolist())
    first, second = by_sender[sc.platform_gln[0]], by_sender[sc.platform_gln[1]]
    assert first.locations.tolist() == [0, 2]
    assert first.quantity.sum() == 1_000
    assert first.quantity[:, 1:].sum() == 0
    assert second.locations.tolist() == [1, 3]
    assert second.quantity.tolist() == [[0, 500, 0, 0, 0, 0], [0] * 6]
    arrived = delivered(carrier, 1)
    assert arrived[[0, 2], 0].sum() == 1_000
    assert arrived[1, 1] == 500
    assert arrived.sum() == 1_500


def test_goods_held_overnight_leave_first_the_next_day(
    make_scenario, make_context, docked_carrier, hand_over
) -> None:
    sc = make_scenario(platform_capacity=100)
    _, _, platforms = make_platforms(sc, make_context, docked_carrier)
    day0 = np.zeros((2, 6), np.int64)
    day0[0, 0] = 150
    unload(platforms, hand_over, 0, day0)
    platforms.cross_dock(0)  # 100 leave, 50 wait
    day1 = np.zeros((2, 6), np.int64)
    day1[1, 1] = 100
    unload(platforms, hand_over, 1, day1)
    platforms.cross_dock(1)
    assert platforms.held[0, 0] == 0  # yesterday's 50 left today ...
    assert platforms.held[1, 1] == 50  # ... and today's arrivals share the rest
    platforms.cross_dock(2)
    assert platforms.held.sum() == 0


@pytest.mark.parametrize("numba", ["0", "1"])
@pytest.mark.parametrize("block", [False, True])
def test_an_advice_that_came_in_full_is_answered_with_its_own_array(
    monkeypatch: pytest.MonkeyPatch, numba: str, block: bool
) -> None:
    """RECADV quantities: the DESADV's array when all came, else a copy of what came.

    Items scattered, or a block of columns (a supplier's, compared row by row when compiled);
    each cell of the advice in turn came short."""
    from types import SimpleNamespace

    from crossdock import _fused
    from crossdock.parties.platforms import _as_received

    monkeypatch.setenv(_fused.ENV_VAR, numba)
    rng = np.random.default_rng(8)
    stores = np.array([2, 3, 5, 8, 9])  # the platform's stores (the goods' rows)
    goods = rng.integers(0, 9, (5, 12)).astype(np.int32)
    locations, items = np.array([3, 8, 9]), np.array([1, 4, 5, 11])
    if block:
        items = np.array([4, 5, 6, 7])
    quantity = goods[np.ix_([1, 3, 4], items)].copy()
    advice = SimpleNamespace(locations=locations, items=items, quantity=quantity)
    assert _as_received(goods, stores, advice) is quantity
    for r, k in np.ndindex(quantity.shape):  # any cell short: a copy of what came
        goods[[1, 3, 4][r], items[k]] -= 1
        assert _as_received(goods, stores, advice) is not quantity
        goods[[1, 3, 4][r], items[k]] += 1
    goods[3, 5] += 1  # one cell of the advice came short or over
    came = _as_received(goods, stores, advice)
    assert came is not quantity
    np.testing.assert_array_equal(came, goods[np.ix_([1, 3, 4], items)])
    assert int((came != quantity).sum()) == 1
