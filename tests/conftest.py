"""Small named fixtures shared by the tests (PyVRP style: tiny instances that are easy to read).

``ok_small`` is the scenario most party tests start from:

- 2 stores: store 0 (Évry, size factor 1) and store 1 (Lyon, size factor 2), both served by
  the one cross-dock platform (Chilly-Mazarin) and the one DC (Auxerre);
- 6 SKUs, SKU ``k`` made by supplier ``k`` (one SKU per supplier), categories {0, 1},
  {2, 3}, {4, 5} with captains 0, 2 and 4; factory 0 makes SKUs 0 and 1, factory 1 SKUs 2
  and 3, factory 2 SKUs 4 and 5;
- every SKU comes in cases of 6 and pallets of 60; SKU ``k`` sells ``k + 1`` units a day in
  a store of size 1 (so store 1 sells twice as much);
- every supplier ships in 1 day, the platform and the DC deliver overnight (1 day);
- factories make 90 units a day with a 2-day warm-up ramp; the platform handles 1,000 units
  a day; trucks carry 33 pallets.

``two_platforms`` is the same with 4 stores, two on each of two platforms (stores 0 and 2
on platform 0, stores 1 and 3 on platform 1).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from crossdock.channel import DirectChannel
from crossdock.ledger import Ledger
from crossdock.parties._common import Context
from crossdock.parties.carrier import Carrier
from crossdock.scenario import Scenario, ScenarioSpec, compile_scenario, generate_spec

CASE_PACK = 6
UNITS_PER_PALLET = 60


def small_spec(
    *,
    n_stores: int = 2,
    n_platforms: int = 1,
    lead_time_days: list[int] | None = None,
    factory_capacity: int = 90,
    ramp_days: int = 2,
    platform_capacity: int = 1_000,
    delivery_days: int = 1,
    confirms: bool = False,
    unmet_demand: str = "lost",
) -> ScenarioSpec:
    """The spec behind ``ok_small`` (see the module docstring), with a few knobs."""
    spec = generate_spec(
        n_stores=n_stores,
        n_skus=6,
        n_platforms=n_platforms,
        horizon_days=30,
        warm_up_days=0,
        seed=1,
    )
    leads = lead_time_days or [1] * len(spec.suppliers)
    products = [
        p.model_copy(
            update={
                "case_pack": CASE_PACK,
                "units_per_pallet": UNITS_PER_PALLET,
                "base_rate": float(k + 1),
            }
        )
        for k, p in enumerate(spec.products)
    ]
    stores = [
        s.model_copy(update={"size_factor": float(1 + s_index % 2)})
        for s_index, s in enumerate(spec.stores)
    ]
    suppliers = [
        u.model_copy(update={"lead_time_days": lead})
        for u, lead in zip(spec.suppliers, leads, strict=True)
    ]
    factories = [
        f.model_copy(
            update={
                "capacity_units_per_day": factory_capacity,
                "warm_up_ramp_days": ramp_days,
                "lines": [],
            }
        )
        for f in spec.factories
    ]
    platforms = [
        p.model_copy(
            update={
                "capacity_units_per_day": platform_capacity,
                "delivery_days": delivery_days,
                "dock_doors": 100,  # doors and labour never bind in these fixtures
                "workers": 1000,
            }
        )
        for p in spec.platforms
    ]
    dcs = [d.model_copy(update={"delivery_days": delivery_days}) for d in spec.distribution_centres]
    replenishment = spec.replenishment.model_copy(update={"unmet_demand": unmet_demand})
    return spec.model_copy(
        update={
            "products": products,
            "stores": stores,
            "suppliers": suppliers,
            "factories": factories,
            "platforms": platforms,
            "distribution_centres": dcs,
            "replenishment": replenishment,
            # planners order directly here; the retailer's confirmation has its own tests
            "retailer": spec.retailer.model_copy(update={"confirms_proposals": confirms}),
        }
    )


@pytest.fixture(scope="session")
def ok_small() -> Scenario:
    """2 stores × 6 SKUs, one platform, one DC (see the module docstring)."""
    return compile_scenario(small_spec())


@pytest.fixture(scope="session")
def two_platforms() -> Scenario:
    """4 stores × 6 SKUs; stores 0 and 2 on platform 0, stores 1 and 3 on platform 1."""
    return compile_scenario(small_spec(n_stores=4, n_platforms=2))


@pytest.fixture
def make_scenario() -> Callable[..., Scenario]:
    """Compile ``ok_small`` with other knobs (see :func:`small_spec`)."""

    def make(**options: object) -> Scenario:
        return compile_scenario(small_spec(**options))  # type: ignore[arg-type]

    return make


@pytest.fixture
def make_context() -> Callable[..., Context]:
    """A fresh context (channel and ledger) as :func:`crossdock.chain.build_chain` makes one."""

    def make(
        scenario: Scenario, *, mode: str = "shared", unmet_demand: str = "lost", days: int = 10
    ) -> Context:
        return Context(scenario, DirectChannel(), Ledger(scenario, days), mode, unmet_demand)

    return make


class ScriptedDemand:
    """Demand read from a script: ``days[day]`` is the ``[stores, skus]`` array (zeros after)."""

    def __init__(self, days: list[np.ndarray], shape: tuple[int, int]) -> None:
        self.days = [np.asarray(d, dtype=np.int64) for d in days]
        self.shape = shape

    def daily(self, day: int) -> np.ndarray:
        if day < len(self.days):
            return self.days[day]
        return np.zeros(self.shape, dtype=np.int64)


@pytest.fixture
def scripted_demand() -> Callable[..., ScriptedDemand]:
    """Build a :class:`ScriptedDemand` for a scenario from a list of daily arrays."""

    def make(scenario: Scenario, *days: np.ndarray) -> ScriptedDemand:
        return ScriptedDemand(list(days), (scenario.n_stores, scenario.n_skus))

    return make


class Dock:
    """A stand-in destination for the carrier: records every unload."""

    def __init__(self) -> None:
        self.unloads: list[tuple[int, np.ndarray]] = []

    def unload(self, day: int, goods: np.ndarray) -> None:
        self.unloads.append((day, goods.copy()))


@pytest.fixture
def docked_carrier() -> Callable[[Context], Carrier]:
    """A real carrier whose destinations are :class:`Dock` stand-ins.

    ``carrier.stores``, ``carrier.platforms`` and ``carrier.dcs`` record what it unloads.
    """

    def make(ctx: Context) -> Carrier:
        carrier = Carrier(ctx)
        carrier.attach(stores=Dock(), platforms=Dock(), dcs=Dock())
        return carrier

    return make
