"""Production lines: ramp curves, changeover batching, breakdowns, maintenance, capacity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossdock import simulate
from crossdock.channel import DirectChannel
from crossdock.goods import DirectGoodsChannel
from crossdock.ledger import KINDS
from crossdock.messages import Order, OrderResponse
from crossdock.parties._common import Context
from crossdock.parties.factories import Factories, RampCurve
from crossdock.parties.suppliers import Suppliers
from crossdock.recipes import new_ledger
from crossdock.scenario import (
    BreakdownSpec,
    LineSpec,
    MaintenanceSpec,
    RampSpec,
    compile_scenario,
    generate_spec,
)


# -- the ramp curve ------------------------------------------------------------------------
def test_linear_ramp_effective_hours() -> None:
    curve = RampCurve(hours=2.0, start=0.5, stepwise=False, steps=1, scrap=0.0)
    # E(h) = 0.5 h + 0.5 h² / 4 on the ramp, then one effective hour per hour
    assert curve.effective(1.0) == pytest.approx(0.5 + 0.125)
    assert curve.effective(2.0) == pytest.approx(1.5)
    assert curve.effective(5.0) == pytest.approx(4.5)


def test_stepwise_ramp_effective_hours() -> None:
    curve = RampCurve(hours=3.0, start=0.4, stepwise=True, steps=3, scrap=0.0)
    # steps at 0.4, 0.6, 0.8 of full rate, one hour each
    assert curve.effective(1.0) == pytest.approx(0.4)
    assert curve.effective(2.0) == pytest.approx(1.0)
    assert curve.effective(3.0) == pytest.approx(1.8)
    assert curve.effective(4.0) == pytest.approx(2.8)


def test_scrap_only_during_the_ramp() -> None:
    curve = RampCurve(hours=1.0, start=0.0, stepwise=False, steps=1, scrap=0.1)
    assert curve.good(1.0) == pytest.approx(0.9 * 0.5)
    assert curve.good(3.0) == pytest.approx(0.45 + 2.0)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(
    hours=st.floats(0.0, 8.0),
    start=st.floats(0.0, 1.0),
    stepwise=st.booleans(),
    steps=st.integers(1, 6),
    scrap=st.floats(0.0, 0.5),
    target=st.floats(0.0, 20.0),
)
def test_wall_hours_invert_good_hours(hours, start, stepwise, steps, scrap, target) -> None:
    curve = RampCurve(hours, start, stepwise, steps, scrap)
    wall = curve.wall_for_good(target)
    assert curve.good(wall) == pytest.approx(target, abs=1e-6)
    if wall > 1e-6:
        assert curve.good(wall - 1e-3) < target + 1e-9


# -- lines in a factory --------------------------------------------------------------------
def one_factory(**line_options) -> tuple:
    """Supplier 0's and 1's SKUs on one line of factory 0 (others keep simple capacity)."""
    spec = generate_spec(n_stores=1, n_skus=48, horizon_days=40, warm_up_days=1, seed=3)
    families = sorted({p.family for p in spec.products if p.supplier in ("riviere", "beauce")})
    line = LineSpec(id="l1", families=families, **line_options)
    factories = [spec.factories[0].model_copy(update={"lines": [line]}), *spec.factories[1:]]
    sc = compile_scenario(spec.model_copy(update={"factories": factories}))
    ledger = new_ledger(sc, None, 40)
    ctx = Context(sc, DirectChannel(), DirectGoodsChannel(), ledger, "shared", "lost")
    suppliers = Suppliers(ctx, policy=None, initial_stock_days=0.0)
    return sc, ctx, suppliers, Factories(ctx, seed=1)


def order(sc, day: int, sku: int, quantity: int) -> Order:
    u = int(sc.supplier_of[sku])
    return Order(
        sender=sc.supplier_gln[u],
        receiver=sc.factory_gln[sc.factory_of_supplier[u]],
        day=day,
        reference=f"{day}-{sku}",
        ship_to_kind="supplier",
        ship_to=u,
        locations=np.array([u]),
        items=np.array([sku]),
        quantity=np.array([[quantity]]),
    )


def line_skus(sc) -> np.ndarray:
    return np.flatnonzero(sc.line_of_sku == 0)


def test_families_are_batched_to_limit_changeovers() -> None:
    sc, ctx, _, factories = one_factory(
        rate_units_per_hour=100.0,
        hours_per_day=24.0,
        working_days=list(range(7)),
        changeover_hours=1.0,
        ramp=RampSpec(hours=0.0),
    )
    skus = line_skus(sc)
    by_family: dict[int, list[int]] = {}
    for k in skus:
        by_family.setdefault(int(sc.family_of[k]), []).append(int(k))
    (a1, a2), (b1, b2) = [v[:2] for v in list(by_family.values())[:2]]
    # due order alternates families: A, B, A, B
    for day_sku in (a1, b1, a2, b2):
        ctx.channel.send(order(sc, 0, day_sku, 100))
    factories.produce(0)
    ledger = ctx.ledger
    # one set-up for A and one changeover to B: 2 hours, not 4
    assert ledger["line_changeover_hours"][0, 0] == pytest.approx(2.0)
    assert ledger.sku["produced"][0][[a1, a2, b1, b2]].tolist() == [100, 100, 100, 100]
    # busy = changeovers + 400 units at 100/h
    assert ledger["line_busy_hours"][0, 0] == pytest.approx(2.0 + 4.0)


def test_the_current_family_runs_before_an_earlier_due_one() -> None:
    sc, ctx, _, factories = one_factory(
        rate_units_per_hour=10.0,
        hours_per_day=24.0,
        working_days=list(range(7)),
        changeover_hours=2.0,
        ramp=RampSpec(hours=0.0),
    )
    skus = line_skus(sc)
    fam = sc.family_of[skus]
    a = int(skus[fam == fam[0]][0])
    b = int(skus[fam != fam[0]][0])
    ctx.channel.send(order(sc, 0, a, 100))
    factories.produce(0)  # sets up for A, makes 10 × 22 = 220 > 100
    ctx.channel.send(order(sc, 1, b, 100))  # due day 1
    ctx.channel.send(order(sc, 1, a, 300))  # also due day 1, same family as the set-up
    factories.produce(1)
    made = ctx.ledger.sku["produced"][1]
    assert made[a] == 240 and made[b] == 0  # the whole day on A, no changeover
    assert ctx.ledger["line_changeover_hours"][1, 0] == 0


def test_ramp_scrap_is_recorded_and_conserved() -> None:
    sc, ctx, suppliers, factories = one_factory(
        rate_units_per_hour=100.0,
        hours_per_day=8.0,
        working_days=list(range(7)),
        changeover_hours=0.0,
        ramp=RampSpec(hours=2.0, start_rate=0.0, scrap_fraction=0.5),
    )
    k = int(line_skus(sc)[0])
    ctx.channel.send(order(sc, 0, k, 10_000))
    factories.produce(0)
    suppliers.ship(0)  # the warehouse takes the day's output in
    good = int(ctx.ledger.sku["produced"][0][k])
    scrap = int(ctx.ledger.sku["ramp_scrap"][0][k])
    # ramp: 2 h at mean 0.5 → 100 units, half scrapped; then 6 h at 100/h
    assert scrap == 50 and good == 50 + 600
    f = ctx.ledger.blocks["factory"].start
    flows = ctx.ledger.flows[0, f]
    assert flows[KINDS.index("produced")] == good + scrap
    assert flows[KINDS.index("scrapped")] == scrap
    assert flows[KINDS.index("shipped")] == good
    assert suppliers.on_hand[k] == good


def test_each_shift_starts_on_the_ramp() -> None:
    sc, ctx, _, factories = one_factory(
        rate_units_per_hour=100.0,
        hours_per_day=8.0,
        working_days=list(range(7)),
        changeover_hours=0.0,
        ramp=RampSpec(hours=2.0, start_rate=0.0),
    )
    k = int(line_skus(sc)[0])
    ctx.channel.send(order(sc, 0, k, 100_000))
    for day in range(3):
        factories.produce(day)
    assert ctx.ledger.sku["produced"][:3, k].tolist() == [700, 700, 700]


def test_idle_weekdays_and_maintenance_reduce_hours() -> None:
    sc, ctx, _, factories = one_factory(
        rate_units_per_hour=100.0,
        hours_per_day=10.0,
        working_days=[0, 1, 2, 3, 4],
        changeover_hours=0.0,
        ramp=RampSpec(hours=0.0),
        maintenance=MaintenanceSpec(every_days=3, hours=4.0, offset_days=1),
    )
    k = int(line_skus(sc)[0])
    ctx.channel.send(order(sc, 0, k, 100_000))
    weekday0 = sc.spec.start_date.weekday()
    for day in range(7):
        factories.produce(day)
    scheduled = ctx.ledger["line_scheduled_hours"][:7, 0]
    for day in range(7):
        working = (weekday0 + day) % 7 < 5
        expected = (10.0 - (4.0 if day in (1, 4) else 0.0)) if working else 0.0
        assert scheduled[day] == pytest.approx(expected), day
    assert ctx.ledger.sku["produced"][:7, k].sum() == pytest.approx(100 * scheduled.sum())


def test_breakdowns_take_hours_and_restart_the_ramp() -> None:
    options = dict(
        rate_units_per_hour=100.0,
        hours_per_day=24.0,
        working_days=list(range(7)),
        changeover_hours=0.0,
        ramp=RampSpec(hours=1.0, start_rate=0.0),
    )
    sc, ctx, _, factories = one_factory(
        **options, breakdowns=BreakdownSpec(mtbf_hours=20.0, mttr_hours=3.0)
    )
    k = int(line_skus(sc)[0])
    ctx.channel.send(order(sc, 0, k, 10**7))
    for day in range(30):
        factories.produce(day)
    down = ctx.ledger["line_down_hours"][:30, 0]
    made = ctx.ledger.sku["produced"][:30, k]
    assert (down > 0).sum() >= 10  # about one failure a day
    # days with a breakdown lose the repair time and a fresh ramp (half an hour of output)
    broken = down > 0
    assert np.allclose(made[broken], np.floor(100 * (24 - down[broken] - 0.5) + 1e-6), atol=1)
    steady = ~broken
    steady[0] = False  # the first day starts cold
    assert steady.sum() >= 3 and (made[steady] == 2400).all()


def test_breakdowns_are_the_same_in_both_modes() -> None:
    spec = generate_spec(n_stores=2, n_skus=12, horizon_days=30, warm_up_days=1, seed=5)
    lines = [
        line.model_copy(update={"breakdowns": BreakdownSpec(mtbf_hours=30.0, mttr_hours=2.0)})
        for line in spec.factories[0].lines
    ]
    factories = [spec.factories[0].model_copy(update={"lines": lines}), *spec.factories[1:]]
    sc = compile_scenario(spec.model_copy(update={"factories": factories}))
    a = simulate(sc, mode="traditional", seed=4).ledger["line_down_hours"]
    b = simulate(sc, mode="shared", seed=4).ledger["line_down_hours"]
    assert a.sum() > 0
    assert np.array_equal(a, b)


# -- capacity seen by the planners ----------------------------------------------------------
def overloaded(load: float, days: int = 120):
    """The default small chain with every line sized at 1/``load`` of its demand."""
    spec = generate_spec(n_stores=3, n_skus=24, horizon_days=days, warm_up_days=10, seed=8)
    sc0 = compile_scenario(spec)
    demand = np.bincount(
        sc0.line_of_sku, weights=sc0.expected_demand().sum(axis=0), minlength=sc0.n_lines
    )
    factories = []
    index = 0
    for factory in spec.factories:
        lines = []
        for line in factory.lines:
            weekly_hours = line.hours_per_day * len(line.working_days)
            rate = demand[index] * 7 / weekly_hours / load
            lines.append(line.model_copy(update={"rate_units_per_hour": rate, "breakdowns": None}))
            index += 1
        factories.append(factory.model_copy(update={"lines": lines}))
    return compile_scenario(spec.model_copy(update={"factories": factories}))


def test_a_factory_short_of_capacity_makes_lead_times_grow() -> None:
    short = simulate(overloaded(1.2), mode="shared", seed=2)
    fine = simulate(overloaded(0.7), mode="shared", seed=2)
    assert (
        short.kpis["order_to_ship_lead_time_mean"] > fine.kpis["order_to_ship_lead_time_mean"] + 2
    )
    assert short.kpis["orders_late"] > fine.kpis["orders_late"]
    assert short.kpis["line_utilisation"] > 0.95
    # downstream: the shelves run empty (lost sales then hold the orders down to capacity)
    assert short.kpis["fill_rate"] < fine.kpis["fill_rate"] - 0.1

    def owed(result) -> np.ndarray:
        sku = result.ledger.sku
        return np.cumsum(sku["production_orders"].sum(axis=1) - sku["produced"].sum(axis=1))

    assert owed(short)[20:].mean() > 3 * owed(fine)[20:].mean()


def test_planners_hear_of_the_delays() -> None:
    from crossdock.chain import build_chain
    from crossdock.engine import Engine
    from crossdock.parties.planners import Planners

    sc = overloaded(1.2, days=60)
    chain = build_chain(sc, "shared", days=60, seed=2)
    Engine(chain.parties).run(60)
    planners = next(p for p in chain.parties if isinstance(p, Planners)).planners
    assert max(p._delay.max() for p in planners) >= 2
    responses = [m for m in chain.channel.pending() if isinstance(m, OrderResponse)]
    assert chain.channel.sent["OrderResponse"] > 0
    assert all(m.day == 59 for m in responses)
