"""Category shelf space: the captain's allocation, the retailer's caps and fairness rule."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock import simulate
from crossdock.category.shelf import allocate_shelf, confirm_shelf, own_share_gap
from crossdock.recipes import SHARED, Cast, Recipe
from crossdock.scenario import Scenario, compile_scenario, generate_spec
from crossdock.scenario._captain_spec import ShelfSpaceSpec

PACK = np.array([1, 1, 1])


def test_one_safety_factor_per_store_uses_the_space() -> None:
    cycle = np.array([[100.0, 10.0, 10.0]])
    spread = np.array([[10.0, 5.0, 5.0]])
    shelf = allocate_shelf(np.array([160.0]), cycle, spread, PACK, min_cases=1)
    # z = (160 - 120) / 20 = 2: 120, 20, 20
    assert shelf.tolist() == [[120, 20, 20]]
    # less space than the cycle stock: z < 0 shrinks every item alike, never below a case:
    # z = -4.2 leaves the small items at their one case and 58 for the big one
    tight = allocate_shelf(np.array([60.0]), cycle, spread, PACK, min_cases=1)
    assert tight.tolist() == [[57, 1, 1]] or tight.tolist() == [[58, 1, 1]]


def test_the_retailer_caps_a_plan_to_the_space_and_the_minimum() -> None:
    proposed = np.array([[300, 0, 50]])
    current = np.array([[100, 50, 50]])
    shelf, refused = confirm_shelf(
        proposed,
        current,
        np.array([200.0]),
        np.array([10, 10, 10]),
        2,
        reference=np.ones((1, 3)),
        own=np.array([False, False, False]),
        max_gap=0.02,
    )
    assert not refused.any()
    assert shelf.sum() <= 200 and (shelf >= 20).all()


def test_the_fairness_rule_refuses_a_plan_favouring_the_captain() -> None:
    own = np.array([True, False, False])
    standard = np.array([[100, 50, 50]])  # the retailer's rule: half the shelf to the captain
    fair = np.array([[102, 49, 49]])  # 51%: within the 2-point gap
    greedy = np.array([[160, 20, 20]])  # 80% of the shelf
    assert own_share_gap(greedy, standard, own)[0] == pytest.approx(0.3)
    for plan, refused_expected in ((fair, False), (greedy, True)):
        shelf, refused = confirm_shelf(
            plan, standard, np.array([200.0]), PACK, 1, reference=standard, own=own, max_gap=0.02
        )
        assert refused[0] == refused_expected
        assert shelf.tolist() == (standard if refused_expected else plan).tolist()
    shelf, refused = confirm_shelf(
        greedy, standard, np.array([200.0]), PACK, 1, reference=standard, own=own, max_gap=None
    )
    assert not refused.any() and shelf.tolist() == greedy.tolist()


def small(shelf: bool) -> Scenario:
    spec = generate_spec(
        n_stores=4, n_skus=24, n_platforms=1, horizon_days=70, warm_up_days=7, seed=12
    )
    settings = spec.replenishment.model_copy(
        update={"shelf_space": ShelfSpaceSpec() if shelf else None}
    )
    return compile_scenario(spec.model_copy(update={"replenishment": settings}))


def biased(weight: float) -> Recipe:
    cast = tuple(
        Cast("planners", {"own_items_weight": weight}) if c.party == "planners" else c
        for c in SHARED.cast
    )
    return Recipe(f"shared_biased_{weight}", "shared", cast)


@pytest.fixture(scope="module")
def runs():
    on, off = small(True), small(False)
    return {
        "on": simulate(on, mode="shared", seed=6),
        "off": simulate(off, mode="shared", seed=6),
        "biased": simulate(on, mode=biased(3.0), seed=6),
    }


def test_the_captain_reallocates_the_shelf_within_the_space(runs) -> None:
    on, off = runs["on"], runs["off"]
    sc = on.scenario
    shelf = on.ledger["shelf_units"]
    assert (shelf[-1] != sc.shelf_capacity.sum(axis=0)).any()  # the allocation moved
    assert shelf[-1].sum() <= sc.shelf_capacity.sum() + sc.n_skus * sc.n_stores  # rounding
    assert off.ledger["shelf_units"][-1].tolist() == sc.shelf_capacity.sum(axis=0).tolist()
    assert off.kpis["shelf_share_captain_items"] == pytest.approx(
        sc.shelf_capacity.sum(axis=0)[_own(sc)].sum() / sc.shelf_capacity.sum()
    )
    assert on.ledger.violations() == []


def test_a_captain_favouring_its_items_is_refused(runs) -> None:
    greedy = runs["biased"]
    # an even-handed plan can still shift space to the captain's items (where they are the
    # more variable ones) and be refused; a captain weighting its own items 3× is refused more
    refusals = {name: run.ledger["shelf_plans_refused"].sum() for name, run in runs.items()}
    assert refusals["biased"] > refusals["on"]
    assert refusals["off"] == 0
    # what it could not refuse stays within the gap of the standard rule's share, chain-wide
    sc = greedy.scenario
    standard = sc.shelf_capacity.sum(axis=0)[_own(sc)].sum() / sc.shelf_capacity.sum()
    assert greedy.kpis["shelf_share_captain_items"] <= standard + 0.02 + 1e-9


def _own(sc: Scenario) -> np.ndarray:
    return sc.supplier_of == sc.captain_of_category[sc.category_of]
