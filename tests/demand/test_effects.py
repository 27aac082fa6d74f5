"""Each demand effect moves the mean the way its setting says, and only there."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from crossdock import ScenarioError
from crossdock.demand import DemandModel
from crossdock.scenario import (
    HolidaySpec,
    IntermittentSpec,
    LifeCycleSpec,
    PriceChangeSpec,
    PromotionSpec,
    Scenario,
    SeasonSpec,
    compile_scenario,
    generate_spec,
)

START = dt.date(2026, 1, 5)  # a Monday


def flat(**demand: object) -> Scenario:
    """3 stores, 12 SKUs, flat weekdays, Poisson, with the given demand settings."""
    spec = generate_spec(n_stores=3, n_skus=12, horizon_days=400, seed=9, realistic_demand=False)
    settings = {"distribution": "poisson", "weekday_profile": [1.0] * 7, **demand}
    return compile_scenario(
        spec.model_copy(update={"demand": spec.demand.model_copy(update=settings)})
    )


def day_of(date: dt.date) -> int:
    return (date - START).days


def test_plain_mean_is_rate_times_size() -> None:
    sc = flat()
    model = DemandModel(sc, 1)
    assert np.allclose(model.mean(17), sc.expected_demand())


def test_french_holidays_close_or_slow_the_stores() -> None:
    sc = flat(holidays=HolidaySpec(holiday_factor=0.6, eve_factor=1.3))
    model = DemandModel(sc, 1)
    base = sc.expected_demand()
    assert np.allclose(model.mean(day_of(dt.date(2026, 5, 1))), 0.0)  # Fête du Travail: shut
    assert np.allclose(model.mean(day_of(dt.date(2026, 12, 25))), 0.0)
    assert np.allclose(model.mean(day_of(dt.date(2026, 7, 14))), 0.6 * base)  # open, quieter
    assert np.allclose(model.mean(day_of(dt.date(2026, 7, 13))), 1.3 * base)  # the eve
    assert np.allclose(model.mean(day_of(dt.date(2026, 3, 10))), base)  # an ordinary day
    # the drawn demand honours a closed day
    drawn = np.stack([model.daily(d) for d in range(day_of(dt.date(2026, 5, 2)))])
    assert drawn[day_of(dt.date(2026, 5, 1))].sum() == 0
    assert drawn[day_of(dt.date(2026, 4, 30))].sum() > 0


def test_season_peaks_where_configured() -> None:
    sc = flat(seasons=[SeasonSpec(category="boissons", amplitude=0.4, peak_day_of_year=196)])
    model = DemandModel(sc, 1)
    base = sc.expected_demand()
    drinks = sc.category_of == list(sc.category_id).index("boissons")
    july = model.mean(day_of(dt.date(2026, 7, 15)))
    assert np.allclose(july[:, drinks], 1.4 * base[:, drinks], rtol=1e-3)
    assert np.allclose(july[:, ~drinks], base[:, ~drinks])
    january = model.mean(day_of(dt.date(2027, 1, 13)))
    assert np.allclose(january[:, drinks], 0.6 * base[:, drinks], rtol=1e-3)


def test_promotion_uplift_then_dip_in_its_stores_only() -> None:
    sc = flat()
    gtin = str(sc.gtin[3])
    store_ids = [s.id for s in sc.spec.stores]
    promo = PromotionSpec(
        gtins=[gtin], stores=[store_ids[1]], start=dt.date(2026, 2, 2), days=7,
        uplift=2.5, dip=0.6, dip_days=5, price_cut=0.25,
    )  # fmt: skip
    sc = flat(promotions=[promo])
    model = DemandModel(sc, 1)
    base = sc.expected_demand()
    means = model.means(np.arange(day_of(dt.date(2026, 2, 20))))
    first = day_of(promo.start)
    assert np.allclose(means[first : first + 7, 1, 3], 2.5 * base[1, 3])
    assert np.allclose(means[first + 7 : first + 12, 1, 3], 0.6 * base[1, 3])
    assert np.allclose(means[first + 12 :, 1, 3], base[1, 3])
    assert np.allclose(means[first - 1, 1, 3], base[1, 3])
    assert np.allclose(means[:, 0, 3], base[0, 3])  # store 0 takes no part
    assert np.allclose(means[:, 1, 4], base[1, 4])  # nor another SKU


def test_overlapping_promotions_multiply_in_their_order() -> None:
    """A SKU in several promotions of the same stores gets each factor, in the spec's order.

    The factors of a day are one product per store × SKU, built entry by entry; three
    promotions overlapping on one SKU (runs and dips) must give the product of the
    reference loop bit for bit, which the product in another order does not.
    """
    sc = flat()
    gtin = str(sc.gtin[5])
    promos = [
        PromotionSpec(gtins=[gtin, str(sc.gtin[2])], start=dt.date(2026, 2, 2), days=9,
                      uplift=2.07, dip=0.73, dip_days=6, price_cut=0.31),
        PromotionSpec(gtins=[gtin], start=dt.date(2026, 2, 6), days=7,
                      uplift=1.5, dip=0.77, dip_days=8, price_cut=0.27),
        PromotionSpec(gtins=[gtin], start=dt.date(2026, 2, 9), days=10,
                      uplift=1.5, dip=0.71, dip_days=4, price_cut=0.13),
    ]  # fmt: skip
    effects = DemandModel(flat(promotions=promos), 1).effects
    days = np.arange(day_of(dt.date(2026, 1, 28)), day_of(dt.date(2026, 3, 10)))
    ((stores, demand, price),) = effects.promotion_factors(days)
    assert stores.all()
    group = effects.promotions[0]

    def reference(order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        want_demand = np.ones_like(demand)
        want_price = np.ones_like(price)
        for i in order:
            during = (days >= group.start[i]) & (days < group.end[i])
            after = (days >= group.end[i]) & (days < group.dip_end[i])
            want_demand[during, group.sku[i]] *= group.uplift[i]
            want_demand[after, group.sku[i]] *= group.dip[i]
            want_price[during, group.sku[i]] *= 1.0 - group.price_cut[i]
        return want_demand, want_price

    entries = np.arange(group.sku.size)
    want_demand, want_price = reference(entries)
    assert demand.tobytes() == want_demand.tobytes()
    assert price.tobytes() == want_price.tobytes()
    assert (demand[:, 5] != 1.0).sum() > 20  # the overlaps were there
    backwards, _ = reference(entries[::-1])
    assert backwards.tobytes() != want_demand.tobytes()  # and their order shows


def test_price_rise_lowers_demand_by_the_elasticity() -> None:
    sc0 = flat()
    k = 5
    old = float(sc0.shelf_price[k])
    sc = flat(
        price_elasticity=-2.0,
        price_changes=[
            PriceChangeSpec(
                gtin=str(sc0.gtin[k]), start=dt.date(2026, 3, 2), price=round(old * 1.1, 2)
            )
        ],
    )
    model = DemandModel(sc, 1)
    before, after = model.mean(day_of(dt.date(2026, 3, 1))), model.mean(day_of(dt.date(2026, 3, 2)))
    ratio = (round(old * 1.1, 2) / old) ** -2.0
    assert after[:, k] == pytest.approx(before[:, k] * ratio)
    assert np.allclose(np.delete(after, k, axis=1), np.delete(before, k, axis=1))


def test_life_cycle_launch_ramp_and_decline_to_a_tail() -> None:
    sc0 = flat()
    launch = LifeCycleSpec(gtin=str(sc0.gtin[0]), launch=dt.date(2026, 2, 2), ramp_days=10)
    decline = LifeCycleSpec(
        gtin=str(sc0.gtin[1]), decline_start=dt.date(2026, 2, 2), decline_days=20, tail=0.05
    )
    sc = flat(life_cycles=[launch, decline])
    model = DemandModel(sc, 1)
    base = sc.expected_demand()
    d0 = day_of(dt.date(2026, 2, 2))
    means = model.means(np.arange(d0 + 60))
    assert np.all(means[:d0, :, 0] == 0)  # not on sale yet
    assert np.allclose(means[d0 + 4, :, 0], 0.5 * base[:, 0])  # day 5 of a 10-day ramp
    assert np.allclose(means[d0 + 9 :, :, 0], base[:, 0])
    assert np.allclose(means[:d0, :, 1], base[:, 1])
    assert np.allclose(means[d0 + 10, :, 1], (1 - 0.5 * 0.95) * base[:, 1])
    assert np.allclose(means[d0 + 20 :, :, 1], 0.05 * base[:, 1])
    drawn = np.stack([model.daily(d) for d in range(d0)])
    assert drawn[:, :, 0].sum() == 0


def test_slow_movers_are_intermittent() -> None:
    """Same mean, far more zero days and lumpier sales than Poisson."""
    plain = flat()
    lumpy = flat(intermittent=IntermittentSpec(below_rate=1e9, dispersion=0.2))
    days = 365
    drawn_plain = DemandModel(plain, 4)
    pb = DemandModel(lumpy, 4)
    x = np.stack([drawn_plain.daily(d) for d in range(days)]).astype(float)
    y = np.stack([pb.daily(d) for d in range(days)]).astype(float)
    assert y.sum() == pytest.approx(x.sum(), rel=0.05)
    assert (y == 0).mean() > (x == 0).mean() + 0.1
    assert y.var(axis=0).mean() > 2 * x.var(axis=0).mean()


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (
            {"promotions": [PromotionSpec(gtins=["3012340000999"], start=START)]},
            "demand.promotions[0].gtins[0]",
        ),
        (
            {
                "promotions": [
                    PromotionSpec(gtins=["3012340000012"], stores=["nowhere"], start=START)
                ]
            },
            "demand.promotions[0].stores",
        ),
        ({"seasons": [SeasonSpec(category="wine")]}, "demand.seasons[0].category"),
        ({"holidays": HolidaySpec(country="ZZ")}, "demand.holidays.country"),
    ],
)
def test_bad_references_name_the_field(settings: dict, field: str) -> None:
    with pytest.raises(ScenarioError) as error:
        DemandModel(flat(**settings), 1)
    assert field in str(error.value)
