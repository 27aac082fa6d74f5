"""The retailer confirms or amends the planners' proposals (ORDRSP) by its rules."""

from __future__ import annotations

import numpy as np

from crossdock.chain import build_chain
from crossdock.engine import Engine
from crossdock.messages import LineStatus, Order, OrderResponse
from crossdock.parties.planners import Planners
from crossdock.parties.retailer import Retailer
from crossdock.parties.stores import Stores
from crossdock.scenario import compile_scenario, generate_spec


def scenario(**retailer):
    spec = generate_spec(n_stores=3, n_skus=24, horizon_days=40, warm_up_days=5, seed=12)
    return compile_scenario(
        spec.model_copy(update={"retailer": spec.retailer.model_copy(update=retailer)})
    )


class Tap:
    """Wraps a channel to keep a copy of every message sent."""

    def __init__(self, channel) -> None:
        self.channel = channel
        self.sent: list = []
        original = channel.send

        def send(message) -> None:
            self.sent.append(message)
            original(message)

        channel.send = send


def run(sc, days: int = 40):
    chain = build_chain(sc, "shared", days=days, seed=2)
    tap = Tap(chain.channel)
    Engine(chain.parties).run(days)
    return chain, tap.sent


def test_every_proposal_is_answered_and_only_confirmed_goods_are_ordered() -> None:
    sc = scenario()
    chain, sent = run(sc)
    proposals = [m for m in sent if isinstance(m, Order) and m.receiver == sc.spec.retailer.gln]
    answers = {
        m.order_number: m
        for m in sent
        if isinstance(m, OrderResponse) and m.sender == sc.spec.retailer.gln
    }
    assert proposals and set(answers) == {p.order_number for p in proposals}
    confirmed = sum(int(a.quantity.sum()) for a in answers.values())
    to_suppliers = sum(
        int(m.quantity.sum())
        for m in sent
        if isinstance(m, Order) and m.receiver in set(sc.supplier_gln)
    )
    assert to_suppliers == confirmed
    assert chain.ledger.violations() == []


def test_blocked_items_are_refused_and_never_delivered() -> None:
    base = scenario()
    blocked = [str(base.gtin[0]), str(base.gtin[5])]
    sc = scenario(blocked_gtins=blocked)
    chain, sent = run(sc)
    k = [int(np.flatnonzero(sc.gtin == g)[0]) for g in blocked]
    for answer in (
        m for m in sent if isinstance(m, OrderResponse) and m.sender == sc.spec.retailer.gln
    ):
        for item in k:
            where = np.flatnonzero(answer.items == item)
            if where.size:
                assert answer.quantity[:, where].sum() == 0
    assert chain.ledger.sku["store_orders"][:, k].sum() == 0
    # proposals for them were refused line by line whenever the planner asked
    refused = [
        a.status[np.isin(a.items, k)]
        for a in sent
        if isinstance(a, OrderResponse) and a.sender == sc.spec.retailer.gln
    ]
    asked = [
        p.quantity[:, np.isin(p.items, k)].sum(axis=0)
        for p in sent
        if isinstance(p, Order) and p.receiver == sc.spec.retailer.gln
    ]
    assert any((q > 0).any() for q in asked)
    for status, q in zip(refused, asked, strict=True):
        assert (status[q > 0] == LineStatus.REFUSED).all()


def test_a_store_never_receives_more_than_its_daily_budget() -> None:
    budget = 150.0
    sc = scenario(order_budget_per_store_day=budget)
    _, sent = run(sc)
    answers = [m for m in sent if isinstance(m, OrderResponse) and m.sender == sc.spec.retailer.gln]
    by_day_store: dict[tuple[int, int], float] = {}
    for a in answers:
        value = a.quantity @ sc.unit_cost[a.items]
        for row, store in enumerate(a.locations):
            by_day_store[(a.day, int(store))] = (
                by_day_store.get((a.day, int(store)), 0.0) + value[row]
            )
    assert max(by_day_store.values()) <= budget + 1e-9
    assert any(a.status.tolist().count(int(LineStatus.CHANGED)) for a in answers)


def test_confirmed_orders_never_overfill_a_shelf() -> None:
    sc = scenario()
    chain = build_chain(sc, "shared", days=30, seed=4)
    stores = next(p for p in chain.parties if isinstance(p, Stores))
    retailer = next(p for p in chain.parties if isinstance(p, Retailer))
    planners = next(p for p in chain.parties if isinstance(p, Planners))
    engine = Engine(chain.parties)
    for _ in range(30):
        engine.step()
        # what the head office confirmed and no despatch advice covers yet is the retailer's
        open_ = retailer.confirmed_open
        position = stores.on_hand + stores.on_order + open_ - stores.backorders
        over = position - sc.shelf_capacity
        # what is over the shelf is only what was there before the proposal (never added)
        assert (over <= np.maximum(stores.on_hand - sc.shelf_capacity, 0) + sc.case_pack).all()
    assert planners.planners


def _answers_and_book(sc, numba: str, monkeypatch) -> tuple[list, np.ndarray]:
    """The retailer's answers over a run whose shelves it holds at half the stores' (cuts)."""
    monkeypatch.setenv("CROSSDOCK_NUMBA", numba)
    chain = build_chain(sc, "shared", days=30, seed=4)
    tap = Tap(chain.channel)
    retailer = next(p for p in chain.parties if isinstance(p, Retailer))
    retailer.shelf = sc.shelf_capacity // 2  # the head office's room is tight: lines are cut
    Engine(chain.parties).run(30)
    answers = [
        (m.day, m.order_number, m.locations, m.items, m.quantity, m.status)
        for m in tap.sent
        if isinstance(m, OrderResponse) and m.sender == sc.spec.retailer.gln
    ]
    return answers, retailer.confirmed_open.copy()


def test_the_fused_answer_is_the_numpy_answer(monkeypatch) -> None:
    base = scenario()
    sc = scenario(blocked_gtins=[str(base.gtin[0]), str(base.gtin[5])])
    fused, fused_book = _answers_and_book(sc, "1", monkeypatch)
    numpy, numpy_book = _answers_and_book(sc, "0", monkeypatch)
    assert len(fused) == len(numpy) > 0
    for a, b in zip(fused, numpy, strict=True):
        assert a[:2] == b[:2]
        for x, y in zip(a[2:], b[2:], strict=True):
            np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(fused_book, numpy_book)
    # both rules were at work: lines cut to the shelf (changed, not refused) and refused
    statuses = np.concatenate([a[5] for a in fused])
    assert (statuses == LineStatus.CHANGED).any()
    assert (statuses == LineStatus.REFUSED).any()
