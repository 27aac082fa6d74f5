"""Every built-in product stays inside its type's master-data ranges."""

from __future__ import annotations

import pytest

from crossdock.scenario import load_scenario
from crossdock.scenario._generate import CATEGORIES
from crossdock.scenario._product_types import PRODUCT_TYPES, product_type_of


def test_every_base_product_has_a_type() -> None:
    assert {base for _, _, bases in CATEGORIES for base in bases} == set(PRODUCT_TYPES)


def test_every_type_has_ranges_that_can_be_met() -> None:
    for base, kind in PRODUCT_TYPES.items():
        assert kind.shelf_price[0] <= kind.shelf_price[1], base
        assert 0 < kind.margin[0] <= kind.margin[1] < 1, base
        for pack in kind.case_packs:  # a whole number of cases fits the pallet range
            assert -(-kind.units_per_pallet[0] // pack) <= kind.units_per_pallet[1] // pack, base


def test_every_builtin_product_stays_in_its_types_range() -> None:
    spec = load_scenario().spec
    seen = set()
    for p in spec.products:
        base, kind = product_type_of(p.name)
        seen.add(base)
        where = f"{p.gtin} {p.name}"
        assert kind.shelf_price[0] <= p.shelf_price <= kind.shelf_price[1], where
        margin = 1 - p.unit_cost / p.shelf_price
        # the unit cost is rounded to the cent: the margin may move by 0.005 / price
        slack = 0.005 / p.shelf_price + 1e-12
        assert kind.margin[0] - slack <= margin <= kind.margin[1] + slack, where
        assert p.case_pack in kind.case_packs, where
        assert kind.units_per_pallet[0] <= p.units_per_pallet <= kind.units_per_pallet[1], where
        assert p.units_per_pallet % p.case_pack == 0, where
        assert p.weight_kg is not None
        assert kind.weight_kg[0] <= p.weight_kg <= kind.weight_kg[1], where
        assert any(f" {f} " in p.name for f in kind.formats), where
    assert len(seen) == len(PRODUCT_TYPES)


@pytest.mark.parametrize("name", ["Spaghetti 250 g", "Eau minérale", "Limonade 250"])
def test_the_issues_examples_are_priced_like_their_type(name: str) -> None:
    spec = load_scenario().spec
    base = name.split(" 2")[0]
    prices = [p.shelf_price for p in spec.products if p.name.startswith(base + " ")]
    assert prices
    assert max(prices) <= PRODUCT_TYPES[base].shelf_price[1]
