"""Small scenarios built in code, and runs that record what the closed forms predict.

:func:`clean_single_store` is one store and a DC that never runs out, identical SKUs with
stationary Poisson demand, case packs of 1, no shelf limit and no weekday profile: the
setting of textbook single-stage inventory theory, with crossdock's own lead-time convention.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crossdock.chain import build_chain
from crossdock.engine import Engine
from crossdock.policies import Params, Policy
from crossdock.scenario import Scenario, compile_scenario, generate_spec

__all__ = ["KnownDemand", "SingleStoreRun", "clean_single_store", "run_single_store"]


class KnownDemand(Params):
    """A forecaster that knows the demand law: constant mean and daily standard deviation.

    Policies built on it are the textbook policies with known parameters, so the closed
    forms apply exactly (S = μ·P + z·σ·√P with P the protection interval).
    """

    def __init__(self, *, rate: float = 5.0, daily_std: float | None = None) -> None:
        self.rate = rate
        self.daily_std = daily_std

    def reset(self, prior_mean: np.ndarray) -> None:
        """Fill the constant forecast to the prior's shape."""
        shape = np.shape(prior_mean)
        self._mean = np.full(shape, float(self.rate))
        spread = np.sqrt(self.rate) if self.daily_std is None else self.daily_std
        self._std = np.full(shape, float(spread))

    def observe(self, demand: np.ndarray) -> None:
        """Nothing to learn."""

    @property
    def mean(self) -> np.ndarray:
        """The known daily rate."""
        return self._mean

    @property
    def std(self) -> np.ndarray:
        """The known daily standard deviation (√rate for Poisson)."""
        return self._std


def clean_single_store(
    *,
    rate: float,
    lead_time_days: int,
    days: int,
    n_skus: int = 24,
    unmet_demand: str = "backorder",
    dispersion: float | None = None,
    generator: str = "pcg64",
) -> Scenario:
    """One store, ``n_skus`` identical Poisson(``rate``) SKUs, a DC ``lead_time_days`` away.

    ``dispersion`` k makes demand negative binomial (variance = rate + rate² / k) instead;
    ``generator`` is the scenario's ``demand.generator``.
    """
    spec = generate_spec(
        n_stores=1,
        n_skus=n_skus,
        horizon_days=days,
        warm_up_days=0,
        seed=7,
        realistic_demand=False,
    )
    products = [
        p.model_copy(update={"base_rate": rate, "case_pack": 1, "units_per_pallet": 10_000})
        for p in spec.products
    ]
    stores = [spec.stores[0].model_copy(update={"size_factor": 1.0})]
    dcs = [spec.distribution_centres[0].model_copy(update={"delivery_days": lead_time_days})]
    traditional = spec.replenishment.traditional
    replenishment = spec.replenishment.model_copy(
        update={
            "unmet_demand": unmet_demand,
            "traditional": traditional.model_copy(
                update={"dc": traditional.dc.model_copy(update={"initial_stock_days": 1e6})}
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
                update={
                    "distribution": "poisson" if dispersion is None else "negative_binomial",
                    "dispersion": 2.0 if dispersion is None else dispersion,
                    "weekday_profile": [1.0] * 7,
                    "generator": generator,
                }
            ),
            "shelf_capacity": spec.shelf_capacity.model_copy(update={"days_of_demand": 1e5}),
        }
    )
    return compile_scenario(spec)


@dataclass(frozen=True)
class SingleStoreRun:
    """Per-SKU figures of one run (each SKU is an independent replication)."""

    fill_rate: np.ndarray
    backorders: np.ndarray
    no_stockout_days: np.ndarray
    store_orders: np.ndarray
    """``[day, sku]`` units the store ordered, measured days only."""
    demand: np.ndarray
    """``[day, sku]`` consumer demand, measured days only."""


def run_single_store(
    scenario: Scenario, policy: Policy, *, seed: int, burn_in: int = 60
) -> SingleStoreRun:
    """Run the traditional chain with ``policy`` at the store; figures after ``burn_in``."""
    days = scenario.horizon_days
    chain = build_chain(scenario, "traditional", days=days, seed=seed, policies={"store": policy})
    stores, dcs = chain.parties[0], chain.parties[1]
    backorders = np.zeros((days, scenario.n_skus))
    floor = [np.inf]

    def watch(day: int) -> None:
        backorders[day - 1] = stores.backorders[0]  # type: ignore[attr-defined]
        floor[0] = min(floor[0], float(dcs.on_hand.min()))  # type: ignore[attr-defined]

    Engine(chain.parties).run(days, watch)
    if floor[0] <= 0:
        raise RuntimeError("the DC ran out: the single-stage closed forms do not apply")
    sku = chain.ledger.sku
    demand = sku["demand"][burn_in:].astype(np.float64)
    short = sku["lost_sales"][burn_in:].astype(np.float64)
    return SingleStoreRun(
        fill_rate=1.0 - short.sum(axis=0) / demand.sum(axis=0),
        backorders=backorders[burn_in:].mean(axis=0),
        no_stockout_days=(short == 0).mean(axis=0),
        store_orders=sku["store_orders"][burn_in:].astype(np.float64),
        demand=demand,
    )
