"""The lead-time convention, held against closed-form results for a base-stock policy.

One store, identical SKUs with Poisson(λ) demand, a fixed base-stock level S, backorders, a
DC that never runs out and a delivery lead time of L days. Under our convention (an order
placed at the end of day t is on the shelf for trading on day t + L), the net inventory at the
end of a day is S minus the demand of the last L days, so

- expected backorders at the end of a day = E[(D_L − S)+],  D_L ~ Poisson(λL);
- fill rate = 1 − (E[(D_L − S)+] − E[(D_{L−1} − S)+]) / λ.

An off-by-one in the phase order or the pipeline would shift L by a day, which changes these
figures far beyond the tolerance used here.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import poisson

from crossdock.chain import build_chain
from crossdock.engine import Engine
from crossdock.policies import BaseStock
from crossdock.scenario import compile_scenario, generate_spec


def expected_shortfall(mean: float, level: int) -> float:
    """E[(D − S)+] for D ~ Poisson(mean)."""
    if mean == 0:
        return 0.0
    k = np.arange(level + 1)
    return float(mean - level + np.sum((level - k) * poisson.pmf(k, mean)))


def single_store(rate: float, lead_time: int, days: int):
    spec = generate_spec(n_stores=1, n_skus=6, horizon_days=days, warm_up_days=0, seed=7)
    products = [
        p.model_copy(update={"base_rate": rate, "case_pack": 1, "units_per_pallet": 100})
        for p in spec.products
    ]
    stores = [spec.stores[0].model_copy(update={"size_factor": 1.0})]
    dcs = [spec.distribution_centres[0].model_copy(update={"delivery_days": lead_time})]
    replenishment = spec.replenishment.model_copy(
        update={
            "unmet_demand": "backorder",
            "traditional": spec.replenishment.traditional.model_copy(
                update={
                    "dc": spec.replenishment.traditional.dc.model_copy(
                        update={"initial_stock_days": 100_000.0}
                    )
                }
            ),
        }
    )
    spec = spec.model_copy(
        update={
            "products": products,
            "stores": stores,
            "distribution_centres": dcs,
            "replenishment": replenishment,
            "demand": spec.demand.model_copy(
                update={"distribution": "poisson", "weekday_profile": [1.0] * 7}
            ),
            "shelf_capacity": spec.shelf_capacity.model_copy(update={"days_of_demand": 1000.0}),
        }
    )
    return compile_scenario(spec)


@pytest.mark.parametrize(("rate", "lead_time", "level"), [(5.0, 1, 7), (5.0, 2, 12), (2.0, 3, 7)])
def test_base_stock_matches_closed_form(rate: float, lead_time: int, level: int) -> None:
    days, burn_in = 6000, 50
    scenario = single_store(rate, lead_time, days)
    chain = build_chain(
        scenario, "traditional", days=days, seed=11, policies={"store": BaseStock(level=level)}
    )
    stores = chain.parties[0]
    dcs = chain.parties[1]
    backorders = np.zeros((days, scenario.n_skus))
    dc_floor = []

    def watch(day: int) -> None:
        backorders[day - 1] = stores.backorders[0]  # type: ignore[attr-defined]
        dc_floor.append(int(dcs.on_hand.min()))  # type: ignore[attr-defined]

    Engine(chain.parties).run(days, watch)
    assert min(dc_floor) > 0, "the DC must never run out for the closed form to apply"

    ledger = chain.ledger
    demand = ledger.sku["demand"][burn_in:].sum()
    short = ledger.sku["lost_sales"][burn_in:].sum()
    fill_rate = 1 - short / demand
    expected_fill = (
        1
        - (
            expected_shortfall(rate * lead_time, level)
            - expected_shortfall(rate * (lead_time - 1), level)
        )
        / rate
    )
    mean_backorders = backorders[burn_in:].mean()
    expected_backorders = expected_shortfall(rate * lead_time, level)

    assert fill_rate == pytest.approx(expected_fill, abs=0.012)
    assert mean_backorders == pytest.approx(
        expected_backorders, abs=0.05 + 0.05 * expected_backorders
    )
    # The convention is what makes the figures match: one day more or less would not.
    for wrong in (lead_time - 1, lead_time + 1):
        if wrong >= 1:
            wrong_fill = (
                1
                - (
                    expected_shortfall(rate * wrong, level)
                    - expected_shortfall(rate * (wrong - 1), level)
                )
                / rate
            )
            assert abs(fill_rate - wrong_fill) > 0.03
