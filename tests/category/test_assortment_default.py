"""A category captain reviews its range by default; a supplier planning alone does not."""

from __future__ import annotations

import pytest

from crossdock import simulate
from crossdock.scenario import Scenario, compile_scenario, generate_spec


def small(review: bool) -> Scenario:
    """4 stores, 60 mostly slow SKUs with a hypermarket's calendar (intermittent ones), 100 days."""
    spec = generate_spec(
        n_stores=4,
        n_skus=60,
        n_platforms=1,
        horizon_days=100,
        warm_up_days=14,
        seed=5,
        rate_median=0.2,
    )
    assert spec.assortment is None  # no assortment section: only the default can review
    settings = spec.replenishment.model_copy(
        update={"captain_reviews_assortment": review, "delivery_calendar": None}
    )
    return compile_scenario(spec.model_copy(update={"replenishment": settings}))


@pytest.fixture(scope="module")
def runs() -> dict[str, dict[str, float]]:
    on, off = small(True), small(False)
    return {
        "captain": simulate(on, mode="shared", seed=2).kpis,
        "own_items": simulate(on, mode="shared_own_items", seed=2).kpis,
        "captain_off": simulate(off, mode="shared", seed=2).kpis,
    }


def test_the_captain_delists_slow_movers_by_default(runs) -> None:
    captain = runs["captain"]
    assert captain["skus_delisted"] > 0
    assert captain["skus_listed"] == 60 - captain["skus_delisted"]
    assert captain["assortment_depth"] < runs["captain_off"]["assortment_depth"]
    assert 0 < captain["sales_kept_after_delisting"] <= 1


def test_switched_off_or_without_a_captain_the_range_stays(runs) -> None:
    for name in ("own_items", "captain_off"):
        assert runs[name]["skus_delisted"] == 0, name
        assert runs[name]["sales_kept_after_delisting"] == 1.0, name
