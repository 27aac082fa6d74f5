"""The lead-time convention and the policies, held against closed forms over several seeds.

One store, identical SKUs with Poisson(λ) demand, backorders, a DC that never runs out and
a delivery lead time of L days (an order placed at the end of day t sells from day t + L).
Each SKU of each seed is an independent replication; every figure must fall in the 95%
Student interval of its replications (5 seeds × 24 SKUs), and, for base stock, the figure a
lead time one day longer or shorter would give must not.

- ``BaseStock(S)``: net stock at the end of a day is S − D_L;
- ``OrderUpTo`` with the demand law known: S = ⌈λP + z√(λP)⌉ (the normal quantile) or the
  ceiling of the gamma quantile of that mean and deviation (the default), with
  P = R + L − 1, then the (R, S) closed forms;
- ``MinMax`` with the demand law known: s = λP + z√(λP), S = ⌈s + λ·cover⌉, against the
  stationary law of its inventory position (a Markov chain).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtri

from crossdock.policies import BaseStock, MinMax, OrderUpTo, Policy
from crossdock.validation import (
    KnownDemand,
    StockFigures,
    base_stock_backorders,
    clean_single_store,
    interval,
    min_max_backorders,
    order_up_to_backorders,
    run_single_store,
)

SEEDS = (11, 12, 13, 14, 15)
DAYS = 1260


def measure(rate: float, lead: int, policy: Policy) -> dict[str, np.ndarray]:
    scenario = clean_single_store(rate=rate, lead_time_days=lead, days=DAYS)
    runs = [run_single_store(scenario, policy, seed=seed) for seed in SEEDS]
    return {
        name: np.concatenate([getattr(r, name) for r in runs])
        for name in ("fill_rate", "backorders", "no_stockout_days")
    }


def assert_matches(measured: dict[str, np.ndarray], theory: StockFigures) -> None:
    for name, values in measured.items():
        ci = interval(values)
        expected = getattr(theory, name)
        assert ci.covers(expected), f"{name}: theory {expected:.4f}, measured {ci}"


@pytest.mark.parametrize(("rate", "lead", "level"), [(5.0, 1, 7), (5.0, 2, 12), (2.0, 3, 7)])
def test_base_stock_matches_closed_form(rate: float, lead: int, level: int) -> None:
    measured = measure(rate, lead, BaseStock(level=level))
    assert_matches(measured, base_stock_backorders(rate, lead, level))
    # The convention is what makes the figures match: one day more or less would not.
    fill = interval(measured["fill_rate"])
    for wrong in (lead - 1, lead + 1):
        if wrong >= 1:
            assert not fill.covers(base_stock_backorders(rate, wrong, level).fill_rate)


@pytest.mark.parametrize("distribution", ["normal", "gamma"])
@pytest.mark.parametrize(("review", "lead"), [(1, 2), (2, 2)])
def test_order_up_to_matches_closed_form(review: int, lead: int, distribution: str) -> None:
    from scipy.stats import gamma

    rate, service = 5.0, 0.9
    days = review + lead - 1
    mean, std = rate * days, np.sqrt(rate * days)
    quantile = (
        mean + ndtri(service) * std
        if distribution == "normal"
        else gamma.ppf(service, (mean / std) ** 2, scale=std**2 / mean)
    )
    level = int(np.ceil(quantile))
    policy = OrderUpTo(
        review_period_days=review,
        service_level=service,
        demand_distribution=distribution,
        forecast=KnownDemand(rate=rate),
    )
    assert_matches(measure(rate, lead, policy), order_up_to_backorders(rate, lead, review, level))


def test_min_max_matches_its_markov_chain() -> None:
    rate, service, lead, cover = 5.0, 0.9, 2, 3.0
    reorder = rate * lead + ndtri(service) * np.sqrt(rate * lead)
    top = int(np.ceil(reorder + rate * cover))
    policy = MinMax(
        service_level=service,
        cover_days=cover,
        demand_distribution="normal",
        forecast=KnownDemand(rate=rate),
    )
    assert_matches(measure(rate, lead, policy), min_max_backorders(rate, lead, reorder, top))
