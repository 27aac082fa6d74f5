"""Assortment review: ABC-XYZ classes, delisting rules, substitution, and a run with delistings.

``one_category`` is the scenario of the run tests: 3 stores, 8 SKUs all in one category (its
captain plans them all), Poisson demand at 6, 5, 4, 3, 2, 1, 0.02 and 0 units per store-day
for SKUs 0..7, reviews every 2 weeks, 3 days of clearance.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from pydantic import ValidationError

from crossdock import assortment
from crossdock.ledger import KINDS
from crossdock.scenario import Scenario, ScenarioSpec, compile_scenario, generate_spec
from crossdock.scenario._assortment_spec import AssortmentSpec, SubstituteSpec
from crossdock.simulate import simulate

RATES = [6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.02, 0.0]


# -- pure functions ----------------------------------------------------------------------------
def test_abc_ranks_by_value_within_each_group() -> None:
    value = np.array([50.0, 30.0, 15.0, 5.0, 10.0, 0.0, 90.0])
    group = np.array([0, 0, 0, 0, 1, 1, 1])
    # group 0: 50 (A: nothing above), 30 (50% above: A), 15 (80% above: B), 5 (95%: C)
    # group 1: 90 (A), 10 (90% above: B), 0 (C)
    assert assortment.abc_classes(value, group).tolist() == [0, 0, 1, 2, 1, 2, 0]
    eligible = np.array([False, True, True, True, True, True, True])
    # without SKU 0, group 0 is 30 / 15 / 5: 0% and 60% above are A, 90% above is B
    assert assortment.abc_classes(value, group, eligible=eligible).tolist() == [
        -1,
        0,
        0,
        1,
        1,
        2,
        0,
    ]
    assert assortment.abc_classes(np.zeros(3), np.zeros(3, int)).tolist() == [2, 2, 2]


def test_xyz_by_coefficient_of_variation_of_weekly_sales() -> None:
    weekly = np.array([[10, 10, 0, 1], [10, 14, 0, 0], [10, 6, 0, 0], [10, 10, 0, 3]], float)
    cv = assortment.coefficient_of_variation(weekly)
    assert cv[0] == 0 and cv[2] == np.inf
    assert cv[1] == pytest.approx(np.std([10, 14, 6, 10]) / 10)
    assert assortment.xyz_classes(weekly).tolist() == [0, 0, 2, 2]
    assert assortment.class_names(np.array([0, 2]), np.array([1, 2])).tolist() == ["AY", "CZ"]


def test_choose_delistings_applies_rules_caps_and_floors() -> None:
    group = np.array([0] * 6 + [1] * 3)
    common = {
        "group": group,
        "abc": np.array([0, 1, 2, 2, 2, 2, 0, 2, 2]),
        "xyz": np.array([0, 0, 2, 2, 1, 2, 0, 2, 2]),
        "units_per_store_week": np.array([9, 5, 0.5, 0.2, 0.1, 3, 9, 0.1, 0.1]),
        "days_without_sales": np.array([0, 0, 1, 2, 90, 0, 0, 0, 0]),
        "value": np.array([90, 50, 5, 2, 1, 30, 90, 1, 2], float),
        "delist_classes": ["CZ"],
        "max_units_per_store_week": 1.0,
        "no_sales_days": 56,
    }
    listed = np.ones(9, bool)
    # group 0: SKUs 2, 3 (CZ and slow) and 4 (dead) qualify, 5 is CZ but sells; group 1: 7, 8
    free = assortment.choose_delistings(
        listed=listed, min_skus_per_category=1, max_delisted_share=1.0, **common
    )
    assert np.flatnonzero(free).tolist() == [2, 3, 4, 7, 8]
    # at most 20% of 6 → 1 in group 0 (the lowest value: SKU 4), none of 3 in group 1 (0.6 → 0)
    capped = assortment.choose_delistings(
        listed=listed, min_skus_per_category=1, max_delisted_share=0.2, **common
    )
    assert np.flatnonzero(capped).tolist() == [4]
    # keep at least 2 per group: group 1 (3 listed) loses only its lowest value, SKU 7
    floor = assortment.choose_delistings(
        listed=listed, min_skus_per_category=2, max_delisted_share=1.0, **common
    )
    assert np.flatnonzero(floor).tolist() == [2, 3, 4, 7]
    gone = listed.copy()
    gone[[3, 7]] = False
    protected = np.ones(9, bool)
    protected[4] = False
    again = assortment.choose_delistings(
        listed=gone, eligible=protected, min_skus_per_category=1, max_delisted_share=1.0, **common
    )
    assert np.flatnonzero(again).tolist() == [2, 8]


def test_substitution_shares_follow_sales_and_named_substitutes() -> None:
    group = np.array([0, 0, 0, 0, 1, 1])
    listed = np.array([True, True, False, True, False, True])
    weight = np.array([30.0, 10.0, 1.0, 0.0, 5.0, 0.0])
    shares = assortment.substitution_shares(
        np.array([2, 4]), listed, group, weight, named={4: np.array([3])}
    )
    assert shares[0].tolist() == pytest.approx([0.75, 0.25, 0, 0, 0, 0])
    assert shares[1].tolist() == [0, 0, 0, 1, 0, 0]  # named, even with no sales of its own
    # named substitute delisted too: back to the category; no sales there: equal shares
    listed[3] = False
    shares = assortment.substitution_shares(
        np.array([4]), listed, group, np.zeros(6), named={4: np.array([3])}
    )
    assert shares[0].tolist() == [0, 0, 0, 0, 0, 1]
    alone = assortment.substitution_shares(np.array([0]), np.zeros(6, bool), group, weight)
    assert alone.sum() == 0


def test_split_transfers_keeps_every_unit_and_the_expected_split() -> None:
    rng = np.random.default_rng(0)
    shares = np.array([[0.5, 0.3, 0.2], [0.0, 0.1, 0.9]])
    transfer = rng.integers(0, 7, (4000, 2))
    moved = assortment.split_transfers(transfer, shares, rng.random(4000))
    assert moved.dtype == np.int64 and moved.min() >= 0
    assert np.array_equal(moved.sum(axis=1), transfer.sum(axis=1))
    expected = transfer @ shares
    assert np.all(np.abs(moved - expected) < 1)
    assert moved.sum(axis=0) == pytest.approx(expected.sum(axis=0), rel=0.02)


def test_split_transfers_added_in_place_are_the_whole_split() -> None:
    rng = np.random.default_rng(3)
    stores, subs, gone = 300, 1500, 4  # 1,500 columns: blocks of a few rows (rows_per_block)
    shares = rng.random((gone, subs)) * (rng.random((gone, subs)) < 0.5)
    shares[2] = 0.0  # a delisted SKU with no substitute: its shoppers are lost
    shares /= np.maximum(shares.sum(axis=1, keepdims=True), 1e-300)
    transfer = rng.binomial(2, 0.05, (stores, gone))  # most stores move nothing
    assert 0 < np.count_nonzero(transfer.any(axis=1)) < stores
    uniform = rng.random(stores)
    columns = np.sort(rng.choice(subs + 50, subs, replace=False))
    target = rng.integers(0, 9, (stores, subs + 50)).astype(np.int32)
    expected = target.copy()
    whole = assortment.split_transfers(transfer, shares, uniform)
    expected[:, columns] += whole
    added = assortment.add_split_transfers(target, columns, transfer, shares, uniform)
    assert target.dtype == np.int32 and np.array_equal(target, expected)
    assert np.array_equal(added, whole.sum(axis=0))


def test_split_transfers_added_in_place_take_no_store_by_substitute_temporaries() -> None:
    rng = np.random.default_rng(4)
    stores, subs = 2000, 3000
    shares = np.full((2, subs), 1.0 / subs)
    transfer = np.zeros((stores, 2), np.int64)
    transfer[rng.choice(stores, 40, replace=False)] = 3
    target = np.zeros((stores, subs), np.int32)
    tracemalloc.start()
    assortment.add_split_transfers(target, np.arange(subs), transfer, shares, rng.random(stores))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert target.sum() == transfer.sum()
    # the whole split would hold [stores, subs] float64 arrays: 48 MB each
    assert peak < stores * subs * 8 / 8, peak


def test_settings_are_validated() -> None:
    with pytest.raises(ValidationError, match="ABC-XYZ class"):
        AssortmentSpec(delist_classes=["CW"])
    with pytest.raises(ValidationError, match="increasing order"):
        AssortmentSpec(abc_shares=(0.9, 0.8))
    with pytest.raises(ValidationError, match="check digit"):
        SubstituteSpec(gtin="3012340000013", substitutes=["3012340000020"])


# -- a run with delistings ---------------------------------------------------------------------
def one_category(unmet_demand: str = "lost", **settings: object) -> Scenario:
    spec = generate_spec(n_stores=3, n_skus=8, n_platforms=1, horizon_days=70, warm_up_days=0)
    category = spec.products[0].category
    products = [
        p.model_copy(update={"category": category, "base_rate": rate})
        # compiled SKUs are in GTIN order: SKU k gets RATES[k]
        for p, rate in zip(sorted(spec.products, key=lambda p: p.gtin), RATES, strict=True)
    ]
    review = AssortmentSpec(
        **{"review_every_weeks": 2, "clearance_days": 3, "max_delisted_share": 0.5, **settings}  # type: ignore[arg-type]
    )
    data = spec.model_dump()
    data.update(products=[p.model_dump() for p in products], assortment=review.model_dump())
    data["replenishment"]["unmet_demand"] = unmet_demand
    return compile_scenario(ScenarioSpec.model_validate(data))


@pytest.fixture(scope="module")
def delisting_run():  # type: ignore[no-untyped-def]
    return simulate(one_category(), mode="shared", seed=3, detail=True)


def test_slow_movers_and_dead_stock_are_delisted_at_the_review(delisting_run) -> None:  # type: ignore[no-untyped-def]
    sku = delisting_run.ledger.sku
    scenario = delisting_run.scenario
    # first review at the end of day 13, on the two weeks of chain sales the captain saw:
    # the CZ items go (SKU 7, which never sells, always; SKU 6, which sells 0.02 a store-day,
    # when its sales were too lumpy), never the A and B items
    window = sku["sales"][:14].astype(float)
    value = window.sum(axis=0) * scenario.shelf_price
    group = scenario.category_of
    abc = assortment.abc_classes(value, group, (0.8, 0.95), eligible=np.ones(8, dtype=bool))
    xyz = assortment.xyz_classes(window.reshape(2, 7, -1).sum(axis=1), (0.5, 1.0))
    cz = np.flatnonzero((abc == 2) & (xyz == 2))
    assert 7 in cz and not set(cz) & {0, 1, 2, 3, 4}
    assert (sku["listed_stores"][:14] == 3).all()
    assert (sku["listed_stores"][14:, cz] == 0).all()
    kept = np.setdiff1d(np.arange(8), cz)
    assert (sku["listed_stores"][14:, kept] == 3).all()
    # the captain orders none of them after the review
    assert sku["store_orders"][13:, cz].sum() == 0
    kpis = delisting_run.kpis
    assert kpis["demand_units"] > 0
    table = delisting_run.tables["assortment"].to_pandas()
    ours = table[table["category"] == delisting_run.scenario.spec.products[0].category]
    assert ours["day"].tolist() == [0, 14, 69]
    assert ours["skus_listed"].tolist() == [8, 8 - cz.size, 8 - cz.size]
    assert ours["skus_delisted"].tolist() == [0, cz.size, cz.size]


def test_conservation_holds_with_clearance_and_scrap(delisting_run) -> None:  # type: ignore[no-untyped-def]
    ledger = delisting_run.ledger
    assert ledger.violations() == []
    assert ledger.unmatched_transfers().size == 0
    assert ledger.sku_violations().size == 0
    store = ledger.blocks["store"]
    scrapped = ledger.flows[:, store, KINDS.index("scrapped")].sum()
    assert scrapped == ledger.sku["delisted_scrap"].sum() > 0  # SKU 7's unsold stock
    # after the clearance nothing of the delisted SKUs is left on the shelves
    assert ledger.stock_sku[17:, store][:, :, 7].sum() == 0


def test_dead_stock_is_counted_until_it_is_scrapped(delisting_run) -> None:  # type: ignore[no-untyped-def]
    # no review within the run: SKU 7 (no demand) keeps its opening stock, dead from day 27
    ledger = simulate(
        one_category(review_every_weeks=52), mode="shared", seed=3, detail=True
    ).ledger
    dead = ledger.sku["dead_stock"]
    assert dead[:27].sum() == 0  # nothing can be dead before 28 days
    assert (dead[27:, 7] > 0).all()
    # brute force from the per-SKU ledger: closing store stock where nothing sold for 28 days
    store = ledger.blocks["store"]
    sold = ledger.flows_sku[:, store, KINDS.index("sold"), :]
    for day in range(27, ledger.days):
        idle = sold[day - 27 : day + 1].sum(axis=0) == 0
        assert np.array_equal(
            dead[day], np.where(idle, ledger.stock_sku[day, store], 0).sum(axis=0)
        )
    from crossdock.kpis import assortment_kpis

    kpis = assortment_kpis(delisting_run.tables, warm_up_days=0)
    delisted = int((delisting_run.ledger.sku["listed_stores"][-1] == 0).sum())
    assert delisted >= 1  # SKU 7 at least (see the review test)
    assert kpis["skus_listed"] == 8 - delisted and kpis["skus_delisted"] == delisted
    assert kpis["delisted_scrap_units"] > 0


@pytest.mark.parametrize("rate", [0.0, 1.0])
def test_unserved_demand_of_delisted_skus_moves_at_the_rate(rate: float) -> None:
    scenario = one_category(
        delist_classes=["CX", "CY", "CZ", "BX", "BY", "BZ"],
        max_units_per_store_week=1000.0,
        substitution_rate=rate,
        substitutes=[],
    )
    run = simulate(scenario, mode="shared", seed=4, detail=True)
    sku = run.ledger.sku
    gone = np.flatnonzero(sku["listed_stores"][-1] == 0)
    assert gone.size  # B and C sellers with real demand were delisted
    moved = sku["substituted_demand"].sum()
    lost = sku["delisted_demand_lost"].sum()
    if rate == 0:
        assert moved == 0 and lost > 0
    else:
        assert moved > 0 and lost == 0
        # substitutes are listed SKUs (one delisted later may have been a substitute before)
        assert sku["substituted_demand"][sku["listed_stores"] == 0].sum() == 0
    assert run.ledger.violations() == []
    assert run.ledger.sku_violations().size == 0


def test_named_substitutes_take_the_demand() -> None:
    scenario = one_category(review_every_weeks=1, delist_classes=["CX", "CY", "CZ"])
    gtin = scenario.gtin
    spec = scenario.spec
    named = [SubstituteSpec(gtin=str(gtin[k]), substitutes=[str(gtin[1])]) for k in range(8)]
    assert spec.assortment is not None
    changed = spec.model_copy(
        update={
            "assortment": spec.assortment.model_copy(
                update={
                    "substitutes": named,
                    "substitution_rate": 1.0,
                    "max_units_per_store_week": 1000.0,
                }
            )
        }
    )
    run = simulate(compile_scenario(changed), mode="shared", seed=5)
    moved = run.ledger.sku["substituted_demand"].sum(axis=0)
    assert moved.sum() > 0 and moved.sum() == moved[1]


def test_same_seed_same_result_and_traditional_mode_keeps_the_range() -> None:
    scenario = one_category(substitution_rate=0.5)
    first = simulate(scenario, mode="shared", seed=7)
    second = simulate(scenario, mode="shared", seed=7)
    for name in ("substituted_demand", "delisted_demand_lost", "sales", "dead_stock"):
        assert np.array_equal(first.ledger.sku[name], second.ledger.sku[name])
    traditional = simulate(scenario, mode="traditional", seed=7)
    assert (traditional.ledger.sku["listed_stores"] == 3).all()
    assert traditional.ledger.violations() == []


def test_without_the_section_every_sku_stays_listed(ok_small: Scenario) -> None:
    run = simulate(ok_small, mode="shared", seed=1, days=20)
    sku = run.tables["sku_daily"].to_pandas()
    assert (sku["listed_stores"] == ok_small.n_stores).all()
    assert (sku["substituted_demand"] == 0).all()
    listed = run.tables["location_daily"].to_pandas().query("location_type == 'store'")
    assert (listed["skus_listed"] == ok_small.n_skus).all()


def test_backorders_of_a_delisted_sku_are_cancelled_and_stock_still_adds_up() -> None:
    scenario = one_category(
        unmet_demand="backorder",
        delist_classes=["CX", "CY", "CZ", "BX", "BY", "BZ"],
        max_units_per_store_week=1000.0,
    )
    run = simulate(scenario, mode="shared", seed=6, detail=True)
    ledger = run.ledger
    gone = np.flatnonzero(ledger.sku["listed_stores"][-1] == 0)
    assert gone.size
    assert ledger.violations() == []
    assert ledger.sku_violations().size == 0
    assert ledger.unmatched_transfers().size == 0


def test_edi_channel_gives_the_same_delistings_as_direct() -> None:
    # Delisting has no EANCOM codec yet (PRICAT): the EDI channel hands it over unencoded
    scenario = one_category()
    direct = simulate(scenario, mode="shared", seed=3, channel="direct")
    edi = simulate(scenario, mode="shared", seed=3, channel="edi")
    for name in ("listed_stores", "substituted_demand", "delisted_demand_lost", "sales"):
        assert np.array_equal(direct.ledger.sku[name], edi.ledger.sku[name])
