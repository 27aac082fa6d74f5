"""Delivery calendars: order cycles per collection trade truck fill against stock."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock import simulate
from crossdock.category.calendar import Collection, DeliveryCalendar, cycle_for
from crossdock.scenario import Scenario, compile_scenario, generate_spec
from crossdock.scenario._captain_spec import DeliveryCalendarSpec

ONE_STORE = Collection(np.array([0]), (np.array([0]), np.array([1])))


def due_mask(calendar: DeliveryCalendar, day: int) -> np.ndarray:
    """Store × item mask of the cells whose collection orders on ``day`` (due or overdue)."""
    mask = np.zeros(calendar.extra_days.shape, dtype=bool)
    for g, collection in enumerate(calendar.collections):
        if day >= calendar.next_day[g]:
            for cols in collection.suppliers:
                mask[np.ix_(collection.rows, cols)] = True
    return mask


def cycle(mean: list[float], shelf: float = 1e9, **spec: object) -> int:
    """Two suppliers' items at one store, 10 units a pallet, trucks of 10 pallets, lead 2."""
    return cycle_for(
        np.array([mean], dtype=float),
        ONE_STORE,
        per_pallet=np.array([10.0, 10.0]),
        capacity_pallets=10,
        lead_days=np.full((1, 2), 2.0),
        shelf=np.full((1, 2), shelf),
        z=1.64,
        spec=DeliveryCalendarSpec(**spec),  # type: ignore[arg-type]
    )


def test_the_first_cycle_that_fills_the_truck_wins() -> None:
    # 30 units a day of each item: 3 + 3 pallets a day fill 0.6 of a truck, two days 12 of
    # 20 pallets (0.6), three days 18 of 20 (0.9)
    assert cycle([30.0, 30.0]) == 3
    # 100 units a day each: a day's 20 pallets fill two trucks exactly
    assert cycle([100.0, 100.0]) == 1
    # 5 units a day each: half a pallet each, rounded up per supplier: 1 + 1 pallets for one or
    # two days, 2 + 2 for three or four, 3 + 3 for five or six, 4 + 4 (0.8) for seven
    assert cycle([5.0, 5.0]) == 7
    # below the target within the longest cycle, the best fill wins (the first of equals)
    assert cycle([5.0, 5.0], max_cycle_days=6) == 5


def test_the_shelf_caps_the_cycle() -> None:
    # 5 units a day, lead 2: a cycle of R covers R + 1 days, 5 (R + 1) + 1.64 sqrt(5 (R + 1))
    # units: 27.3 for R = 3, 33.2 for R = 4, so a shelf of 30 stops at 3 (fill 0.4)
    assert cycle([5.0, 5.0], shelf=30.0) == 3
    assert cycle([5.0, 5.0], shelf=1e9) == 7


def two_stores(collections: list[Collection], mean: float) -> DeliveryCalendar:
    """A calendar of two stores × two items, ``mean`` units a day each, in ``collections``."""
    return DeliveryCalendar(
        DeliveryCalendarSpec(reoptimise_every_days=7),
        collections,
        mean=np.full((2, 2), mean),
        per_pallet=np.array([10.0, 10.0]),
        capacity_pallets=10,
        lead_days=np.full((2, 2), 2.0),
        shelf=np.full((2, 2), 1e9),
        z=1.64,
    )


def test_collections_are_staggered_and_reviewed_from_observed_sales() -> None:
    two = [ONE_STORE, Collection(np.array([1]), (np.array([0]), np.array([1])))]
    calendar = two_stores(two, 30.0)
    assert calendar.cycles.tolist() == [3, 3]
    assert calendar.extra_days.tolist() == [[2.0, 2.0], [2.0, 2.0]]
    due = []
    for day in range(7):
        order = np.arange(1, 5, dtype=np.int32).reshape(2, 2)
        expected = order * due_mask(calendar, day)
        calendar.keep_due(day, order)  # in place: the same as the mask
        assert order.tolist() == expected.tolist()
        if day == 4:  # no stock report on day 4: collection 1's order day passes
            due.append(due_mask(calendar, day)[:, 0].tolist())
            continue
        due.append(due_mask(calendar, day)[:, 0].tolist())
        calendar.ordered(day)
    # collection 0 on days 0, 3, 6; collection 1 on day 1, due on day 4, made up on day 5
    assert due == [
        [True, False],
        [False, True],
        [False, False],
        [True, False],
        [False, True],
        [False, True],
        [True, False],
    ]
    for _ in range(7):
        calendar.observe(np.full((2, 2), 100.0))  # volumes grew: a truck a day fills
    calendar.review(7)
    assert calendar.cycles.tolist() == [1, 1]
    calendar.ordered(7)
    assert due_mask(calendar, 9).all()


def test_collections_must_cover_every_cell_once() -> None:
    with pytest.raises(ValueError, match="cover each store × item cell once"):
        two_stores([ONE_STORE], 1.0)  # store 0 only, of two


def test_sales_volumes_widen_past_int16_and_choose_as_the_exact_sums() -> None:
    def calendar() -> DeliveryCalendar:
        return DeliveryCalendar(
            DeliveryCalendarSpec(reoptimise_every_days=7),
            [ONE_STORE],
            mean=np.full((1, 2), 1.0),
            per_pallet=np.array([10.0, 10.0]),
            capacity_pallets=10,
            lead_days=np.full((1, 2), 2, dtype=np.int16),
            shelf=np.full((1, 2), 1e9),
            z=1.64,
        )

    whole, exact = calendar(), calendar()
    assert whole._sold.dtype == np.int16  # 2 bytes a cell until the sums need more
    # 7 days of 20,000 units pass int16's 32,767 on the second day: int16 would wrap
    for _ in range(7):
        whole.observe(np.full((1, 2), 20_000, dtype=np.int32))
        exact.observe(np.full((1, 2), 20_000.0))
    assert whole._sold.dtype == np.int32 and whole._sold.tolist() == [[140_000, 140_000]]
    whole.review(7)
    exact.review(7)
    assert whole.cycles.tolist() == exact.cycles.tolist() == [1]
    assert whole._sold.dtype == np.int16 and not whole._sold.any()  # narrow again


def small(calendar: bool) -> Scenario:
    spec = generate_spec(
        n_stores=3, n_skus=36, n_platforms=1, horizon_days=56, warm_up_days=14, seed=18
    )
    settings = spec.replenishment.model_copy(
        update={"delivery_calendar": DeliveryCalendarSpec() if calendar else None}
    )
    return compile_scenario(spec.model_copy(update={"replenishment": settings}))


@pytest.fixture(scope="module")
def runs() -> dict[str, dict[str, float]]:
    on, off = small(True), small(False)
    return {
        "on": simulate(on, mode="shared", seed=4).kpis,
        "off": simulate(off, mode="shared", seed=4).kpis,
    }


def test_a_calendar_sends_fewer_fuller_trucks_for_more_stock(runs) -> None:
    on, off = runs["on"], runs["off"]
    assert on["trucks_inbound_per_week"] < off["trucks_inbound_per_week"]
    assert on["km_inbound"] < off["km_inbound"]
    assert on["store_stock_units"] > off["store_stock_units"]
    assert on["demand_units"] == off["demand_units"]


def real_cycle(mean: list[float], real: tuple[float, float], **spec: object) -> int:
    """As :func:`cycle`, on a lane whose real flow is ``real`` pallets a day per supplier."""
    return cycle_for(
        np.array([mean], dtype=float),
        Collection(ONE_STORE.rows, ONE_STORE.suppliers, real),
        per_pallet=np.array([10.0, 10.0]),
        capacity_pallets=10,
        lead_days=np.full((1, 2), 2.0),
        shelf=np.full((1, 2), 1e9),
        z=1.64,
        spec=DeliveryCalendarSpec(**spec),  # type: ignore[arg-type]
    )


def test_on_a_real_flow_the_real_pallets_choose_the_cycle() -> None:
    # the slice alone (0.5 + 0.5 pallets a day) would wait 7 days to fill 0.8 of a truck
    assert cycle([5.0, 5.0]) == 7
    # a real flow of 4 + 4 pallets a day fills 8 of 10 pallets every day: no reason to wait
    assert real_cycle([5.0, 5.0], (4.0, 4.0)) == 1
    # 1 + 1 pallets a day: 2, 4, 6, then 8 pallets on a four-day cycle
    assert real_cycle([5.0, 5.0], (1.0, 1.0)) == 4
    # a real flow smaller than the slice's own pallets: the slice's count
    assert real_cycle([5.0, 5.0], (0.1, 0.1)) == 7


def test_a_review_from_the_sums_chooses_as_from_their_mean() -> None:
    """A calendar's review divides only each collection's sums (no float64 mean of every cell
    at once): the cycles and extra days are those chosen from the whole mean, and the sums
    are int16, whose products with the cover would wrap if they were not divided."""
    rng = np.random.default_rng(19)
    stores, items = 12, 9
    collections = [
        Collection(rows, (np.array([0, 1, 2]), np.array([3, 4]), np.array([5, 6, 7, 8])))
        for rows in (np.arange(0, 5), np.arange(5, 12))
    ]

    per_pallet = rng.integers(20, 80, items).astype(float)
    lead = rng.integers(1, 4, (stores, items)).astype(np.int16)
    shelf = rng.integers(60, 400, (stores, items)).astype(np.int32)

    def calendar() -> DeliveryCalendar:
        return DeliveryCalendar(
            DeliveryCalendarSpec(reoptimise_every_days=7),  # type: ignore[call-arg]
            collections,
            mean=np.full((stores, items), 20.0),
            per_pallet=per_pallet,
            capacity_pallets=12,
            lead_days=lead,
            shelf=shelf,
            z=1.64,
        )

    chosen: set[int] = set()
    for level in (0.05, 0.3, 1.0, 3.0, 10.0, 40.0, 900.0):  # a day's units: several cycles
        by_sums, by_mean = calendar(), calendar()
        for _ in range(7):
            by_sums.observe(rng.poisson(level, (stores, items)).astype(np.int32))
        assert by_sums._sold.dtype == np.int16
        by_mean._choose(by_sums._sold / by_sums._days)  # (the review's choice until now)
        by_sums.review(7)
        np.testing.assert_array_equal(by_sums.cycles, by_mean.cycles)
        np.testing.assert_array_equal(by_sums.extra_days, by_mean.extra_days)
        chosen.update(int(c) for c in by_sums.cycles)
    assert len(chosen) >= 3


@pytest.mark.parametrize("numba", ["1", "0"])
def test_the_sales_sums_stay_int16_until_a_cell_passes_it(
    monkeypatch: pytest.MonkeyPatch, numba: str
) -> None:
    """Compiled, the sums stay int16 while every cell fits, though the days' largest sales
    added up pass it; a cell that would pass it widens them, nothing lost. Uncompiled, the
    bound widens them as before. The sums are the int64 sums every day, either way."""
    from crossdock import _fused

    monkeypatch.setenv(_fused.ENV_VAR, numba)
    rng = np.random.default_rng(29)
    stores, items = 40, 120  # above the kernels' smallest size when switched on
    collections = [Collection(np.arange(stores), (np.arange(items),))]
    calendar = DeliveryCalendar(
        DeliveryCalendarSpec(),
        collections,
        mean=np.full((stores, items), 5.0),
        per_pallet=np.full(items, 40.0),
        capacity_pallets=12,
        lead_days=np.full((stores, items), 2, np.int16),
        shelf=np.full((stores, items), 500, np.int32),
        z=1.64,
    )
    total = np.zeros((stores, items), np.int64)
    dtypes = []
    for day in range(12):
        sold = rng.poisson(5, (stores, items)).astype(np.int32)
        sold[day % stores, day % items] = 3_000  # a promotion: a different cell each day
        if day == 11:
            sold[3, 5] = 32_760  # this cell's sum passes int16
        calendar.observe(sold)
        total += sold
        np.testing.assert_array_equal(calendar._sold, total)
        dtypes.append(calendar._sold.dtype)
    if numba == "1":
        assert dtypes[:11] == [np.dtype(np.int16)] * 11  # 33,000 units of daily maxima
    else:
        assert np.dtype(np.int32) in dtypes[:11]  # the bound widened them early
    assert dtypes[11] == np.dtype(np.int32)


def test_a_failed_int16_add_takes_back_what_it_added() -> None:
    """The compiled add stops at the first cell that would pass int16, with the cells before
    it taken back: the sums as they came."""
    from crossdock import _fused

    kernels = _fused._compiled()
    if kernels is None:
        pytest.skip("Numba not installed")
    rng = np.random.default_rng(31)
    target = rng.integers(-100, 30_000, (9, 13)).astype(np.int16)
    added = rng.integers(0, 50, (9, 13)).astype(np.int32)
    target[4, 6], added[4, 6] = 32_760, 8
    kept = target.copy()
    assert kernels.add_within_int16(target, added) == 4 * 13 + 6
    np.testing.assert_array_equal(target, kept)
    target[4, 9], added[4, 9] = 32_767, 1  # a later cell of the row, and a later row
    target[7, 1], added[7, 1] = -32_768, -1
    kept = target.copy()
    assert kernels.add_within_int16(target, added) == 4 * 13 + 6
    np.testing.assert_array_equal(target, kept)
    added[4, 6], added[4, 9] = 7, 0  # at the limit: fits; the first left is in row 7
    assert kernels.add_within_int16(target, added) == 7 * 13 + 1
    np.testing.assert_array_equal(target, kept)
    added[7, 1] = 0
    assert kernels.add_within_int16(target, added) == -1
    np.testing.assert_array_equal(target, kept.astype(np.int64) + added)
