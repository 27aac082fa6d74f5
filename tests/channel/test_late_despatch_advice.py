"""A store's on-order stays right when a despatch advice arrives after its goods."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock import _fused
from crossdock.chain import build_chain
from crossdock.edi_bridge import EdiSpec
from crossdock.engine import Engine
from crossdock.messages import DespatchAdvice
from crossdock.parties.stores import Stores
from crossdock.scenario import Scenario

from .test_channel import RecordingChannel


def advice(scenario: Scenario, day: int, quantity: np.ndarray) -> DespatchAdvice:
    return DespatchAdvice(
        sender=scenario.dc_gln[0],
        receiver=scenario.spec.retailer.gln,
        day=day,
        reference=f"{day:08d}",
        despatch_number=f"DC0-{day:04d}",
        arrival_day=day + 1,
        ship_to_kind="store",
        ship_to=-1,
        locations=np.arange(scenario.n_stores),
        items=np.arange(scenario.n_skus),
        quantity=quantity,
        pallets=1,
        sscc_first=1,
    )


@pytest.fixture(params=["0", "1"], ids=["numpy", "kernels"])
def either_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test twice: on NumPy's path, and on the compiled kernels' (at any size)."""
    monkeypatch.setenv(_fused.ENV_VAR, request.param)
    return str(request.param)


def test_goods_before_their_advice(
    ok_small, make_context, scripted_demand, hand_over, either_path
) -> None:
    ctx = make_context(ok_small, mode="traditional")
    stores = Stores(
        ctx, scripted_demand(ok_small), policy=None, initial_stock_days=0.0, report_to=[]
    )
    first = np.zeros((2, 6), np.int64)
    first[0, 1] = 12
    second = np.zeros((2, 6), np.int64)
    second[0, 1], second[1, 4] = 6, 18
    # on time: advised, then unloaded
    ctx.channel.send(advice(ok_small, 0, first))
    stores.receive(0)
    assert stores.on_order[0, 1] == 12
    hand_over(ctx, 1, "store", first)
    stores.receive(1)
    assert stores.on_order.sum() == 0
    # late: unloaded first (nothing on order), advised the next day
    hand_over(ctx, 2, "store", second)
    stores.receive(2)
    assert stores.on_order.sum() == 0 and stores.unadvised.sum() == 24
    ctx.channel.send(advice(ok_small, 2, second))
    stores.receive(3)
    assert stores.on_order.sum() == 0 and stores.unadvised.sum() == 0
    assert stores.on_hand[0, 1] == 18 and stores.on_hand[1, 4] == 18


def test_on_order_never_negative_with_late_messages(
    two_platforms: Scenario, either_path: str
) -> None:
    days = 40
    channel = RecordingChannel(
        two_platforms,
        seed=3,
        settings=EdiSpec(channel="edi", delay_rate=0.5, max_delay_days=3, ack_timeout_days=4),
    )
    chain = build_chain(two_platforms, "traditional", days=days, seed=3, channel=channel)
    stores = next(p for p in chain.parties if isinstance(p, Stores))
    lowest: list[int] = []
    early: list[int] = []

    def check(day: int) -> None:
        lowest.append(int(min(stores.on_order.min(), stores.unadvised.min())))
        early.append(int(stores.unadvised.sum()))

    Engine(chain.parties).run(days, check)
    assert min(lowest) >= 0
    assert max(early) > 0  # some goods did come before their despatch advice
    assert chain.ledger.violations() == []
