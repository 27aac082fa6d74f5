"""Targets met by default: censored demand, and achieved cycle service on a clean scenario.

The clean scenario is one store with identical Poisson SKUs, case packs of 1, no shelf limit,
lost sales and a DC that never runs out (:func:`crossdock.validation.clean_single_store`).
Each SKU of each of 5 seeds is one replication. Each check asks whether the theory lies in
the 99.9% interval of the replications (``LEVEL``): the suite holds dozens of such checks, and
at 95% one in twenty would fail by chance alone (seeds 21-25 of the GLN-keyed streams make two
of them do so; 20 other seeds put both back inside their 95% intervals).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import poisson

from crossdock.chain import build_chain
from crossdock.engine import Engine
from crossdock.policies import BaseStock, MinMax, OrderUpTo, policy_from_spec
from crossdock.policies._rules import (
    poisson_logsf,
    protection_interval_days,
    unconstrained_demand,
)
from crossdock.scenario import EchelonSpec
from crossdock.validation import (
    KnownDemand,
    base_stock_lost_sales,
    clean_single_store,
    interval,
    run_single_store,
)

SEEDS = (21, 22, 23, 24, 25)
LEVEL = 0.999
RATE, LEAD = 20.0, 2


def test_censored_days_get_the_expected_demand_given_the_sales() -> None:
    mean = 6.0
    sales = np.array([0.0, 3.0, 6.0, 12.0, 4.0])
    stockout = np.array([True, True, True, True, False])
    got = unconstrained_demand(sales, stockout, mean)
    k = np.arange(400)
    pmf = poisson.pmf(k, mean)
    for s, value in zip(sales[:4], got[:4], strict=True):
        tail = k >= s
        assert value == pytest.approx((k[tail] * pmf[tail]).sum() / pmf[tail].sum())
    assert got[4] == 4.0  # an in-stock day is not censored
    assert np.all(np.isfinite(unconstrained_demand(np.array([500.0]), np.array([True]), 0.01)))


def test_poisson_logsf_is_scipys_to_the_bit() -> None:
    rng = np.random.default_rng(11)
    mu = np.concatenate([rng.gamma(0.6, 4.0, 5_000), [1e-9, 0.01, 300.0, 1e-9]])
    k = np.concatenate([rng.integers(-2, 40, 5_000), [0, 5, -1, 60]]).astype(np.float64)
    k[:50] += 0.5  # fractional k: floor, as SciPy does
    got = poisson_logsf(k, mu)
    with np.errstate(divide="ignore"):
        want = poisson.logsf(k, mu)
    np.testing.assert_array_equal(got, want)
    assert np.isneginf(got).any() and (got == 0).any()  # underflowed tails and k < 0 kept


class Recording(KnownDemand):
    """Knows the rate and keeps what the policy makes it learn, day by day."""

    def reset(self, prior_mean: np.ndarray) -> None:
        super().reset(prior_mean)
        self.seen: list[np.ndarray] = []

    def observe(self, demand: np.ndarray) -> None:
        self.seen.append(np.array(demand, dtype=np.float64))


def _learnt(*, censored: bool) -> tuple[np.ndarray, float]:
    """Mean per SKU of what the store learnt, and the share of days it sold out."""
    # a low target: the shelf runs empty on a good share of days
    policy = OrderUpTo(service_level=0.6, forecast=Recording(rate=RATE))
    scenario = clean_single_store(rate=RATE, lead_time_days=LEAD, days=400, unmet_demand="lost")
    means, empty = [], []
    for seed in SEEDS:
        chain = build_chain(
            scenario, "traditional", days=400, seed=seed, policies={"store": policy}
        )
        learnt = chain.parties[0].policy  # type: ignore[attr-defined]
        if not censored:  # learn from sales as if they were demand (the old behaviour)
            learnt.observe_sales = lambda sales, stockout=None, p=learnt: p.observe(sales)
        Engine(chain.parties).run(400)
        seen = np.stack(learnt.forecast.seen)[:, 0]
        means.append(seen[50:].mean(axis=0))
        lost = chain.ledger.sku["lost_sales"][50:]
        empty.append(float((lost > 0).mean()))
    return np.concatenate(means), float(np.mean(empty))


def test_lost_sales_do_not_bias_what_the_store_learns() -> None:
    """With the forecast at the true rate, censored days are replaced by E[D | D >= sales],
    so what the store learns averages to the demand; the sales alone fall short."""
    unbiased, sold_out = _learnt(censored=True)
    naive, _ = _learnt(censored=False)
    assert sold_out > 0.2
    assert interval(unbiased, LEVEL).covers(RATE), interval(unbiased, LEVEL)
    assert interval(naive, LEVEL).high < RATE, interval(naive, LEVEL)


def _achieved(
    policy, unmet_demand: str = "lost", dispersion: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    scenario = clean_single_store(
        rate=RATE, lead_time_days=LEAD, days=460, unmet_demand=unmet_demand, dispersion=dispersion
    )
    runs = [run_single_store(scenario, policy, seed=seed) for seed in SEEDS]
    return (
        np.concatenate([r.no_stockout_days for r in runs]),
        np.concatenate([r.fill_rate for r in runs]),
    )


@pytest.mark.parametrize(
    ("target", "unmet_demand"), [(0.95, "lost"), (0.95, "backorder"), (0.8, "backorder")]
)
def test_order_up_to_meets_its_cycle_service_target(target: float, unmet_demand: str) -> None:
    """The scenario default (Holt-Winters, daily review) achieves its target.

    (Under lost sales a low target is overshot — 0.857 for 0.8 here — because the normal
    formula assumes stock-outs are backordered; at 0.95 the difference is within a unit.)

    Orders are whole units, rounded up, so the achieved service of a level can be no closer
    to the target than one unit's step, P(D_P = S) at the level S ≈ μ_P + z σ_P: the
    interval of the achieved service must reach within that step of the target.
    """
    policy = policy_from_spec(EchelonSpec(service_level=target))
    service, _ = _achieved(policy, unmet_demand)
    ci = interval(service, LEVEL)
    days = float(protection_interval_days(1, LEAD))
    mean = RATE * days
    step = float(poisson.pmf(np.round(poisson.ppf(target, mean)), mean))
    assert ci.low - step <= target <= ci.high + step, (ci, step)


def test_skewed_demand_needs_the_gamma_quantile() -> None:
    """Negative-binomial demand (k = 2: σ ≈ 14.8 a day for a mean of 20) is skewed to the
    right: the normal quantile μ_P + z σ_P falls short of a 0.95 target by more than a unit's
    step, and the gamma's (the default) serves significantly better.

    The gamma's own shortfall (about 0.75 point here) comes from σ, which the forecaster
    estimates from its smoothed squared errors over about 19 days (α = 0.1); with heavy-tailed
    errors that estimate is noisy and, through the square root, biased low.
    """
    from scipy.stats import nbinom

    dispersion, target = 2.0, 0.95
    days = float(protection_interval_days(1, LEAD))
    # the P-day total of independent NB(k, mean) days is NB(P k, P mean)
    k, mean = dispersion * days, RATE * days
    law = nbinom(k, k / (k + mean))
    step = float(law.pmf(law.ppf(target)))
    spec = EchelonSpec(service_level=target)
    gamma, _ = _achieved(policy_from_spec(spec), "backorder", dispersion)
    normal_spec = EchelonSpec(service_level=target, demand_distribution="normal")
    normal, _ = _achieved(policy_from_spec(normal_spec), "backorder", dispersion)
    by_gamma, by_normal = interval(gamma, LEVEL), interval(normal, LEVEL)
    assert by_normal.high + step < target, by_normal
    assert by_gamma.low > by_normal.high, (by_gamma, by_normal)


def test_min_max_covers_every_day_at_least_as_often_as_its_cycle_target() -> None:
    """(s, S) sets s for the target per replenishment cycle; per day it does better."""
    service, _ = _achieved(policy_from_spec(EchelonSpec(policy="min_max", service_level=0.9)))
    assert interval(service, LEVEL).low >= 0.9
    assert isinstance(policy_from_spec(EchelonSpec(policy="min_max")), MinMax)


def test_base_stock_achieves_its_exact_lost_sales_service() -> None:
    level = 50
    service, fill = _achieved(BaseStock(level=level))
    reference = base_stock_lost_sales(RATE, LEAD, level)
    assert interval(service, LEVEL).covers(reference.no_stockout_days)
    assert interval(fill, LEVEL).covers(reference.fill_rate)
