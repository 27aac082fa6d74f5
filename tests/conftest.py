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
from pathlib import Path

import numpy as np
import pytest
import yaml

from crossdock.channel import DirectChannel
from crossdock.goods import Consignment, DirectGoodsChannel
from crossdock.parties._common import Context
from crossdock.parties.carrier import Carrier
from crossdock.recipes import new_ledger
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
    """A fresh context (both channels and a ledger), as :func:`crossdock.recipes.build_chain` makes.

    The ledger has every network location and every registered party's series.
    """

    def make(
        scenario: Scenario, *, mode: str = "shared", unmet_demand: str = "lost", days: int = 10
    ) -> Context:
        ledger = new_ledger(scenario, None, days)
        return Context(scenario, DirectChannel(), DirectGoodsChannel(), ledger, mode, unmet_demand)

    return make


def hand_over(ctx: Context, day: int, kind: str, goods: np.ndarray) -> None:
    """Put ``goods`` on the goods channel for a party of ``kind``, arriving on ``day``.

    A stand-in for the party that would ship them: consignments with no carrier, shipped and
    due the same day, taken in by the receiver's next ``receive`` (the suppliers': ``ship``).
    ``goods`` is stores × SKUs for ``"store"`` (addressed to the retailer) and ``"platform"``
    (one consignment per platform, for its stores), DCs × SKUs for ``"dc"``, and per SKU for
    ``"supplier"`` (a factory's output: one consignment per supplier, for its SKUs).
    """
    sc = ctx.scenario
    goods = np.asarray(goods, dtype=np.int64)
    everything = np.arange(sc.n_skus)
    if kind == "store":
        parts = [(sc.spec.retailer.gln, np.arange(sc.n_stores), everything, goods)]
    elif kind == "platform":
        parts = [
            (sc.platform_gln[p], stores, everything, goods[stores])
            for p, stores in enumerate(sc.stores_of_platform)
        ]
    elif kind == "dc":
        parts = [
            (sc.dc_gln[d], np.array([d]), everything, goods[d : d + 1]) for d in range(sc.n_dcs)
        ]
    elif kind == "supplier":
        parts = [
            (sc.supplier_gln[u], np.array([u]), items, goods[items][None, :])
            for u, items in enumerate(sc.items_of_supplier)
        ]
    else:
        raise ValueError(f"no stand-in shipper for {kind!r}")
    for receiver, locations, items, quantity in parts:
        if not quantity.any():
            continue
        ctx.goods.ship(
            Consignment(
                sender="test",
                receiver=receiver,
                carrier=None,
                ship_day=day,
                arrival_day=day,
                receiver_kind=kind,
                locations=locations,
                items=items,
                quantity=quantity,
            )
        )


@pytest.fixture(name="hand_over")
def hand_over_fixture() -> Callable[[Context, int, str, np.ndarray], None]:
    """:func:`hand_over`: goods arriving at a party this morning, with no carrier."""
    return hand_over


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
    """A stand-in receiver: takes in what arrives for its GLNs on the goods channel.

    ``unloads`` records, per day with arrivals, the goods as one ``[locations, skus]`` array
    (stores × SKUs for the stores and the platforms, DCs × SKUs for the DCs).
    """

    def __init__(self, ctx: Context, glns: list[str], n_locations: int) -> None:
        self.ctx = ctx
        self.glns = glns
        self.shape = (n_locations, ctx.scenario.n_skus)
        self.unloads: list[tuple[int, np.ndarray]] = []
        self.consignments: list[Consignment] = []

    def receive(self, day: int) -> None:
        arrivals = [c for gln in self.glns for c in self.ctx.goods.arrivals(gln, day)]
        if not arrivals:
            return
        goods = np.zeros(self.shape, dtype=np.int64)
        for load in arrivals:
            goods[np.ix_(load.locations, load.items)] += load.quantity
        self.consignments.extend(arrivals)
        self.unloads.append((day, goods))


class DockedCarrier(Carrier):
    """A real carrier; in its receive phase :class:`Dock` stand-ins take in what arrives.

    ``stores`` takes what is addressed to the retailer, ``platforms`` and ``dcs`` what is
    addressed to the platforms and DCs. A test with a real party at one of those GLNs runs the
    party's ``receive`` before the carrier's, so the dock finds nothing left for it.
    """

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        sc = ctx.scenario
        self.stores = Dock(ctx, [sc.spec.retailer.gln], sc.n_stores)
        self.platforms = Dock(ctx, list(sc.platform_gln), sc.n_stores)
        self.dcs = Dock(ctx, list(sc.dc_gln), sc.n_dcs)

    def receive(self, day: int) -> None:
        super().receive(day)
        for dock in (self.stores, self.platforms, self.dcs):
            dock.receive(day)


@pytest.fixture
def docked_carrier() -> Callable[[Context], DockedCarrier]:
    """A real carrier whose destinations are :class:`Dock` stand-ins.

    ``carrier.stores``, ``carrier.platforms`` and ``carrier.dcs`` record what arrives for
    them on the goods channel.
    """

    def make(ctx: Context) -> DockedCarrier:
        return DockedCarrier(ctx)

    return make


@pytest.fixture(scope="module")
def long_scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scenario file long enough (120 days) for a run to be killed between two checkpoints.

    16 stores on two platforms (enough for two shards), 40 SKUs; the checkpoint tests kill
    ``crossdock run`` subprocesses on it.
    """
    spec = generate_spec(
        n_stores=16, n_skus=40, n_platforms=2, horizon_days=120, warm_up_days=10, seed=5
    )
    path = tmp_path_factory.mktemp("cli") / "long.yaml"
    text = yaml.safe_dump(spec.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path
