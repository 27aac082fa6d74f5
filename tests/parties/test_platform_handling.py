"""Platform handling: receiving against despatch advices, doors and labour, dwell, Little's law."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock import simulate
from crossdock.chain import build_chain
from crossdock.engine import Engine
from crossdock.messages import DespatchAdvice, ReceivingAdvice
from crossdock.parties.platforms import Platforms, _as_received
from crossdock.scenario import compile_scenario, generate_spec


def squeezed(doors: int = 2, workers: int = 20, days: int = 90):
    """The small chain with platforms short of dock doors (so goods wait overnight)."""
    spec = generate_spec(n_stores=4, n_skus=36, horizon_days=days, warm_up_days=10, seed=4)
    platforms = [
        p.model_copy(update={"dock_doors": doors, "pallets_per_door_hour": 0.4, "workers": workers})
        for p in spec.platforms
    ]
    # daily orders: a delivery calendar's peaks would also meet the platforms' unit capacity
    settings = spec.replenishment.model_copy(update={"delivery_calendar": None})
    return compile_scenario(
        spec.model_copy(update={"platforms": platforms, "replenishment": settings})
    )


def small_shared_chain():  # type: ignore[no-untyped-def]
    """2 stores, 12 SKUs, one platform, shared mode: (scenario, chain, its platforms)."""
    sc = compile_scenario(
        generate_spec(n_stores=2, n_skus=12, horizon_days=10, seed=2, n_platforms=1)
    )
    chain = build_chain(sc, "shared", days=10, seed=1)
    return sc, chain, next(p for p in chain.parties if isinstance(p, Platforms))


def step_until_an_advice_is_due(engine: Engine, platforms: Platforms) -> None:
    """Run whole days until a despatch advice is announced for a later day."""
    for _ in range(10):
        engine.step()
        if platforms._expected:
            return
    raise AssertionError("no despatch advice in 10 days")


def test_receiving_advice_answers_every_despatch_advice() -> None:
    sc = compile_scenario(generate_spec(n_stores=3, n_skus=18, horizon_days=20, seed=2))
    chain = build_chain(sc, "shared", days=20, seed=1)
    Engine(chain.parties).run(20)
    sent = chain.channel.sent
    # every supplier DESADV to a platform that has arrived is answered by a RECADV
    platforms = next(p for p in chain.parties if isinstance(p, Platforms))
    still_due = sum(len(v) for v in platforms._expected.values())
    supplier_desadvs = sum(
        count
        for (day, kind), count in chain.channel.sent_by_day.items()
        if kind == "DespatchAdvice"
    ) - sum(1 for _ in [])
    assert sent["ReceivingAdvice"] > 0
    assert sent["ReceivingAdvice"] + still_due <= supplier_desadvs
    assert chain.ledger["recadv_lines_differing"].sum() == 0


def test_a_short_delivery_is_reported_line_by_line() -> None:
    sc, chain, platforms = small_shared_chain()
    engine = Engine(chain.parties)
    step_until_an_advice_is_due(engine, platforms)
    # take a despatch advice due on a later day and deliver one unit less of its first line
    # with goods (a supplier's advice lists all its SKUs, some with nothing on the truck)
    arrival = min(platforms._expected)
    due = platforms._expected[arrival]
    _, advice = due[0]
    goods = np.zeros((sc.n_stores, sc.n_skus), dtype=np.int64)
    for _, adv in due:
        goods[np.ix_(adv.locations, adv.items)] += adv.quantity
    line = int(np.flatnonzero(advice.quantity.sum(axis=0) > 0)[0])
    row = int(np.flatnonzero(advice.quantity[:, line] > 0)[0])
    goods[advice.locations[row], advice.items[line]] -= 1
    stores_of = sc.stores_of_platform
    checked = [
        ((p, adv), _as_received(goods[stores_of[p]].astype(np.int32), stores_of[p], adv))
        for p, adv in platforms._expected.pop(arrival)
    ]
    # what came as announced is the advice's own array; the short one a copy of what came
    assert [received is adv.quantity for (_, adv), received in checked].count(False) == 1
    platforms._acknowledge(arrival, checked)
    assert chain.ledger["recadv_lines_differing"][arrival, 0] == 1
    answers = chain.channel.receive(advice.sender, ReceivingAdvice, arrival)
    mine = next(a for a in answers if a.despatch_number == advice.despatch_number)
    assert mine.quantity[row, line] == advice.quantity[row, line] - 1


def test_short_doors_hold_goods_overnight_and_littles_law_holds() -> None:
    result = simulate(squeezed(), mode="shared", seed=3)
    kpis = result.kpis
    assert kpis["platform_stock_units"] > 0
    assert kpis["platform_dwell_days_mean"] > 0.2
    assert kpis["platform_dwell_days_p95"] >= 1
    assert kpis["dock_door_utilisation"] > 0.7
    # Little's law: stock on the platform = throughput × time in the platform
    little = kpis["platform_throughput_units_per_day"] * kpis["platform_dwell_days_mean"]
    assert kpis["platform_stock_units"] == pytest.approx(little, rel=0.1)
    assert result.ledger.violations() == []


def test_ample_platforms_hold_nothing_overnight() -> None:
    result = simulate(squeezed(doors=50, workers=500), mode="shared", seed=3)
    assert result.kpis["platform_stock_units"] == 0
    assert result.kpis["platform_dwell_days_mean"] == 0
    assert result.kpis["dock_door_utilisation"] < 0.2


def test_handling_labour_counts_pallets_and_picks() -> None:
    sc = compile_scenario(
        generate_spec(n_stores=3, n_skus=18, horizon_days=30, warm_up_days=0, seed=6)
    )
    traditional = simulate(sc, mode="traditional")
    shared = simulate(sc, mode="shared")
    depots = traditional.table("depot_daily")
    dc = depots[depots.depot_type == "dc"]
    spec = sc.spec.distribution_centres[0]
    expected = (
        dc.pallets_in + dc.pallets_out
    ) * spec.labour_hours_per_pallet + dc.cases_picked * spec.labour_hours_per_case
    assert traditional.kpis["dc_labour_hours"] == pytest.approx(expected.sum())
    assert traditional.kpis["platform_labour_hours"] == 0
    assert shared.kpis["dc_labour_hours"] == 0 and shared.kpis["platform_labour_hours"] > 0
    platform_rows = shared.table("depot_daily")
    platform_rows = platform_rows[platform_rows.depot_type == "platform"]
    # consolidation: fewer pallets leave (one per store) than arrive (one per supplier and store)
    assert platform_rows.pallets_out.sum() < platform_rows.pallets_in.sum()


def test_late_despatch_advices_are_acknowledged_and_not_kept() -> None:
    spec = generate_spec(n_stores=3, n_skus=18, horizon_days=25, warm_up_days=2, seed=9)
    edi = spec.edi.model_copy(update={"channel": "edi", "delay_rate": 0.3, "max_delay_days": 3})
    sc = compile_scenario(spec.model_copy(update={"edi": edi}))
    chain = build_chain(sc, "shared", days=25, seed=5)
    Engine(chain.parties).run(25)
    platforms = next(p for p in chain.parties if isinstance(p, Platforms))
    # nothing is kept for a day already past: late advices were answered on arrival
    assert all(day >= 24 for day in platforms._expected)
    assert chain.ledger.violations() == []


def test_advices_due_on_a_day_no_goods_came_are_answered_with_nothing_received(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A truck that never came: its despatch advices get a RECADV of zeros, and are let go.

    (Before, a day with no goods at any platform left that day's advices unanswered and kept.)
    """
    sc, chain, platforms = small_shared_chain()
    sent: list[DespatchAdvice | ReceivingAdvice] = []
    send = chain.channel.send

    def keep(message):  # type: ignore[no-untyped-def]
        if isinstance(message, DespatchAdvice | ReceivingAdvice):
            sent.append(message)
        send(message)

    monkeypatch.setattr(chain.channel, "send", keep)
    engine = Engine(chain.parties)
    step_until_an_advice_is_due(engine, platforms)
    arrival = min(platforms._expected)
    goods = platforms.ctx.goods
    real = goods.arrivals
    lost = set(sc.platform_gln)
    monkeypatch.setattr(
        goods,
        "arrivals",
        lambda gln, day: [] if (gln in lost and day == arrival) else real(gln, day),
    )
    while engine.day <= arrival:
        engine.step()
    assert arrival not in platforms._expected
    due = [
        m
        for m in sent
        if isinstance(m, DespatchAdvice)
        and m.ship_to_kind == "platform"
        and m.arrival_day == arrival
    ]
    answers = {m.despatch_number: m for m in sent if isinstance(m, ReceivingAdvice)}
    assert due
    for advice in due:  # each answered once, with nothing received
        assert not answers[advice.despatch_number].quantity.any()
    shipped_lines = sum(int(a.quantity.any(axis=0).sum()) for a in due)
    assert shipped_lines > 0
    assert chain.ledger["recadv_lines_differing"][arrival].sum() == shipped_lines


def test_pallets_counted_once_are_the_pallets_counted_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The platforms' inbound pallets from the lots, the carrier's stops from the despatch.

    Where each supplier's lot is the whole of its columns, the platform takes the pallets the
    suppliers counted instead of counting the summed goods again; the carrier takes each
    store's pallets as the platform counted them. Both against a recount, every day; the
    shortcut is taken on the usual day, and refused for a supplier's goods in two lots.
    """
    import dataclasses

    from crossdock._kernels import pallets
    from crossdock.parties import _common
    from crossdock.parties.carrier import Carrier

    sc = compile_scenario(generate_spec(n_stores=6, n_skus=48, horizon_days=30, seed=3))
    taken: list[int] = []
    refused: list[bool] = []
    lots = Platforms._lots_pallets

    def checked(self: Platforms, loads: list, stores: np.ndarray) -> int | None:
        count = lots(self, loads, stores)
        if count is not None:
            taken.append(count)
            goods = _common.sum_loads(loads, (stores.size, sc.n_skus), locations=stores)
            assert count == self._supplier_pallets(goods)
            load = next((x for x in loads if x.items.size > 1), None)
            if load is not None:  # the same goods in two lots: counted again
                half = load.items.size // 2
                split = [
                    dataclasses.replace(
                        load, items=load.items[:half], quantity=load.quantity[:, :half]
                    ),
                    dataclasses.replace(
                        load, items=load.items[half:], quantity=load.quantity[:, half:]
                    ),
                ]
                refused.append(
                    lots(self, [*split, *(x for x in loads if x is not load)], stores) is None
                )
        return count

    routed: list[int] = []
    route = Carrier._route

    def routing(self: Carrier, day: int, load: _common.Consignment):  # type: ignore[no-untyped-def]
        if load.row_pallets is not None:
            routed.append(load.row_pallets.size)
            recount = pallets(load.quantity, sc.units_per_pallet)
            np.testing.assert_array_equal(load.row_pallets, recount)
            assert int(recount.sum()) == load.pallets
        return route(self, day, load)

    monkeypatch.setattr(Platforms, "_lots_pallets", checked)
    monkeypatch.setattr(Carrier, "_route", routing)
    simulate(sc, mode="shared", days=30)
    assert routed and sum(routed) > 0
    assert len(taken) > 0 and sum(taken) > 0
    assert refused and all(refused)
