"""Tiny named scenarios for the demand tests.

``hyper_small``: 4 stores, 60 SKUs, 120 days from Monday 5 January 2026, with the generated
hypermarket demand (seasons, French holidays, promotions, price rises, life cycles,
intermittent slow movers).
"""

from __future__ import annotations

import pytest

from crossdock.scenario import Scenario, generate_scenario


@pytest.fixture(scope="session")
def hyper_small() -> Scenario:
    return generate_scenario(n_stores=4, n_skus=60, horizon_days=120, seed=3, realistic_demand=True)


def with_generator(scenario: Scenario, generator: str) -> Scenario:
    """``scenario`` drawing its demand with ``generator`` (``pcg64`` or ``philox``)."""
    demand = scenario.spec.demand.model_copy(update={"generator": generator})
    return scenario.replace(spec=scenario.spec.model_copy(update={"demand": demand}))


@pytest.fixture(params=["pcg64", "philox"])
def generator(request: pytest.FixtureRequest) -> str:
    """Each demand generator in turn."""
    return str(request.param)
