"""Chains as recipes: which parties take part, in which order, as data.

A :class:`Recipe` names its cast — party builders from the :data:`PARTIES` registry, with
their options — in the order they act within each phase, and the scenario settings its
parties read (``traditional`` or ``shared``). The engine (:mod:`crossdock.engine`) owns the
phases; each party says which phases it takes part in (``phases``), so a recipe's order of
events is the cast order within each phase (:meth:`Recipe.events`).

Three recipes are built in (:data:`RECIPES`): ``traditional`` (stores order from a DC, which
orders from make-to-stock suppliers), ``shared`` (the category captain plans from the stores'
reports; cross-dock platforms) and ``shared_own_items`` (shared, each supplier planning only its
own SKUs). A user adds a party with one class and one :meth:`Registry.register` call, and a
chain with one recipe::

    PARTIES.register("online_shop", build_online_shop)
    RECIPES.register("shared_online", SHARED.with_party(Cast("online_shop")))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from crossdock.channel import Channel
from crossdock.demand import Demand, DemandModel
from crossdock.economics._prices import PriceBook
from crossdock.engine import PHASES
from crossdock.goods import DirectGoodsChannel, GoodsChannel
from crossdock.ledger import Ledger
from crossdock.parties._common import Context
from crossdock.parties.carrier import Carrier
from crossdock.parties.dc import DistributionCentres
from crossdock.parties.factories import Factories
from crossdock.parties.planners import Planner, Planners
from crossdock.parties.platforms import Platforms
from crossdock.parties.retailer import Retailer
from crossdock.parties.stores import Stores
from crossdock.parties.suppliers import Suppliers
from crossdock.party import Party
from crossdock.policies import Policy, policy_from_spec
from crossdock.registry import Registry
from crossdock.routing import RoutePlanner
from crossdock.scenario import Scenario

__all__ = [
    "NETWORK",
    "PARTIES",
    "RECIPES",
    "SHARED",
    "SHARED_OWN_ITEMS",
    "TRADITIONAL",
    "Build",
    "Cast",
    "Chain",
    "PartyBuilder",
    "Recipe",
    "build_chain",
    "new_ledger",
]

_NO_OPTIONS: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Cast:
    """One party of a recipe: a builder's name in :data:`PARTIES` and its options."""

    party: str
    options: Mapping[str, Any] = field(default_factory=lambda: _NO_OPTIONS)


@dataclass(frozen=True)
class Recipe:
    """A chain: its cast in order and the scenario settings (``traditional``/``shared``) it reads."""

    name: str
    settings: str
    cast: tuple[Cast, ...]

    def with_party(self, cast: Cast, *, name: str | None = None) -> Recipe:
        """The recipe with one more party at the end of every phase it takes part in."""
        return Recipe(name or f"{self.name}+{cast.party}", self.settings, (*self.cast, cast))

    def events(self) -> list[tuple[str, str]]:
        """The order of events within a day: ``(phase, party)`` pairs."""
        builders = [PARTIES[c.party] for c in self.cast]
        return [
            (phase, c.party)
            for phase in PHASES
            for c, builder in zip(self.cast, builders, strict=True)
            if phase in builder.kind.phases
        ]


@dataclass(frozen=True, eq=False)
class Build:
    """What a party builder gets: the run's context and the choices made for the run.

    ``prices`` is the price book the stores value sales at (``None``: the scenario's; a
    shard's stores get their rows of the whole chain's, see :mod:`crossdock.shard`).
    ``planner_rows`` False builds planners without their per-store books, which a sharded
    run keeps in its shards.
    """

    ctx: Context
    settings: Any
    demand: Demand
    policies: Mapping[str, Policy]
    router: RoutePlanner | None
    prices: PriceBook | None = None
    #: the planners keep their per-store books (False: a sharded run's shards keep them)
    planner_rows: bool = True

    def policy(self, echelon: str, spec_echelon: str | None = None) -> Policy:
        """The policy of an echelon: a clone of one given for the run, or the scenario's."""
        given = self.policies.get(echelon)
        made = (
            given.clone()
            if given is not None
            else policy_from_spec(getattr(self.settings, spec_echelon or echelon))
        )
        return self.dated(made)

    def dated(self, policy: Policy) -> Policy:
        """``policy`` told the run's calendar (weekday-aware forecasters learn it)."""
        sc = self.ctx.scenario
        policy.set_calendar(sc.spec.start_date.weekday(), sc.weekday_profile)
        return policy


@dataclass(frozen=True)
class PartyBuilder:
    """A party class (for its declarations) and the function that builds it for a run."""

    kind: type[Party]
    build: Callable[..., Party]


#: Party builders by name, as recipes cast them.
PARTIES: Registry[PartyBuilder] = Registry("party")
#: Chains by name (``simulate(mode=...)``).
RECIPES: Registry[Recipe] = Registry("recipe")

#: The scenario's network, as ledger locations in this order whether or not a chain operates
#: each (so every chain's tables have the same rows); a party of another kind adds its own.
NETWORK: tuple[type[Party], ...] = (
    Stores,
    Platforms,
    DistributionCentres,
    Suppliers,
    Factories,
    Carrier,
)


def _stores(build: Build, *, orders: bool, reports: bool = False, captain: bool = True) -> Party:
    sc = build.ctx.scenario
    if reports:
        captain = captain and sc.spec.replenishment.captain_plans_category
    return Stores(
        build.ctx,
        build.demand,
        policy=build.policy("store") if orders else None,
        initial_stock_days=build.settings.store.initial_stock_days,
        report_to=Planners.groups(sc, captain) if reports else [],
        prices=build.prices,
    )


def _planners(build: Build, *, captain: bool = True, own_items_weight: float = 1.0) -> Party:
    """The shared planners (a captain per category, or each supplier for its own items).

    ``own_items_weight`` > 1 makes a captain favour its own items in its shelf plans: a
    what-if the retailer's fairness rule is there to catch.
    """
    sc = build.ctx.scenario
    captain = captain and sc.spec.replenishment.captain_plans_category
    review = captain and sc.spec.replenishment.captain_reviews_assortment
    return Planners(
        [
            Planner(
                build.ctx,
                gln,
                items,
                build.policy("planner", "store"),
                review_by_default=review,
                allocates_shelf=captain,
                own_items_weight=own_items_weight,
                keeps_rows=build.planner_rows,
            )
            for gln, items in Planners.groups(sc, captain)
        ]
    )


def _suppliers(build: Build, *, make_to_stock: bool) -> Party:
    sc = build.ctx.scenario
    overrides = {
        u: (build.dated(policy_from_spec(spec.stock_policy)), spec.stock_policy.initial_stock_days)
        for u, spec in enumerate(sc.spec.suppliers)
        if make_to_stock and spec.stock_policy is not None and "supplier" not in build.policies
    }
    return Suppliers(
        build.ctx,
        policy=build.policy("supplier") if make_to_stock else None,
        initial_stock_days=build.settings.supplier.initial_stock_days,
        overrides=overrides,
    )


PARTIES.register("stores", PartyBuilder(Stores, _stores))
PARTIES.register("retailer", PartyBuilder(Retailer, lambda build: Retailer(build.ctx)))
PARTIES.register("planners", PartyBuilder(Planners, _planners))
PARTIES.register(
    "dcs",
    PartyBuilder(
        DistributionCentres,
        lambda build: DistributionCentres(
            build.ctx,
            policy=build.policy("dc"),
            initial_stock_days=build.settings.dc.initial_stock_days,
        ),
    ),
)
PARTIES.register("suppliers", PartyBuilder(Suppliers, _suppliers))
PARTIES.register(
    "factories", PartyBuilder(Factories, lambda build: Factories(build.ctx, seed=build.ctx.seed))
)
PARTIES.register("platforms", PartyBuilder(Platforms, lambda build: Platforms(build.ctx)))
PARTIES.register(
    "carrier", PartyBuilder(Carrier, lambda build: Carrier(build.ctx, router=build.router))
)

TRADITIONAL = RECIPES.register(
    "traditional",
    Recipe(
        "traditional",
        "traditional",
        (
            Cast("stores", {"orders": True}),
            Cast("dcs"),
            Cast("suppliers", {"make_to_stock": True}),
            Cast("factories"),
            Cast("carrier"),
        ),
    ),
)
SHARED = RECIPES.register(
    "shared",
    Recipe(
        "shared",
        "shared",
        (
            Cast("stores", {"orders": False, "reports": True}),
            Cast("retailer"),
            Cast("planners"),
            Cast("suppliers", {"make_to_stock": False}),
            Cast("factories"),
            Cast("platforms"),
            Cast("carrier"),
        ),
    ),
)
SHARED_OWN_ITEMS = RECIPES.register(
    "shared_own_items",
    Recipe(
        "shared_own_items",
        "shared",
        (
            Cast("stores", {"orders": False, "reports": True, "captain": False}),
            Cast("retailer"),
            Cast("planners", {"captain": False}),
            Cast("suppliers", {"make_to_stock": False}),
            Cast("factories"),
            Cast("platforms"),
            Cast("carrier"),
        ),
    ),
)


@dataclass
class Chain:
    """The parties of a run in cast order, with the channels and ledger they share."""

    recipe: Recipe
    parties: list[Party]
    ledger: Ledger
    channel: Channel
    context: Context

    @property
    def goods(self) -> GoodsChannel:
        """The run's goods channel."""
        return self.context.goods


def new_ledger(
    scenario: Scenario, recipe: Recipe | None, days: int, *, detail: bool = False
) -> Ledger:
    """A ledger with the network's locations, the cast's own kinds, and their series.

    Without a recipe, every registered party's (for tests that build parties one by one).
    """
    sizes = {"line": scenario.n_lines}
    ledger = Ledger(days, scenario.n_skus, detail=detail, sizes=sizes)
    if recipe is None:
        cast = [PARTIES[name].kind for name in PARTIES]
    else:
        cast = [PARTIES[c.party].kind for c in recipe.cast]
    for kind in [*NETWORK, *cast]:
        location_type = kind.location_type
        if location_type is not None and location_type not in ledger.blocks:
            glns, names = kind.locations(scenario)
            ledger.add_locations(location_type, glns, names)
    for kind in cast:
        for spec in kind.series:
            ledger.declare(spec)
    return ledger


def build_chain(
    scenario: Scenario,
    mode: str | Recipe,
    *,
    days: int,
    seed: int,
    demand: Demand | None = None,
    policies: dict[str, Policy] | None = None,
    router: RoutePlanner | None = None,
    detail: bool = False,
    channel: str | Channel | None = None,
    edi_archive: str | Path | None = None,
    goods: GoodsChannel | None = None,
    override: Callable[[Cast, Build], Party | None] | None = None,
) -> Chain:
    """Fresh parties for a recipe (a name in :data:`RECIPES`, or a :class:`Recipe`).

    ``policies`` may override the scenario's policy per echelon (``"store"``, ``"dc"``,
    ``"supplier"``, ``"planner"``); each is cloned, so one object can serve several runs.
    ``channel`` and ``edi_archive`` choose how messages travel (see
    :func:`crossdock.edi_bridge.make_channel`; default: the scenario's ``edi.channel``);
    ``goods`` how consignments do (default: :class:`~crossdock.goods.DirectGoodsChannel`).
    ``override`` may build a member of the cast itself (it returns ``None`` for the others,
    built as usual): a sharded run builds its stores' proxy so (see :mod:`crossdock.shard`).
    """
    from crossdock.edi_bridge import make_channel

    recipe = mode if isinstance(mode, Recipe) else RECIPES[mode]
    ledger = new_ledger(scenario, recipe, days, detail=detail)
    link = make_channel(scenario, channel, seed=seed, edi_archive=edi_archive)
    settings = scenario.spec.replenishment
    goods = goods if goods is not None else DirectGoodsChannel()
    ctx = Context(scenario, link, goods, ledger, recipe.settings, settings.unmet_demand, seed)
    build = Build(
        ctx,
        getattr(settings, recipe.settings),
        demand if demand is not None else DemandModel(scenario, seed),
        dict(policies or {}),
        router,
    )
    parties = []
    for cast in recipe.cast:
        made = override(cast, build) if override is not None else None
        parties.append(
            made if made is not None else PARTIES[cast.party].build(build, **cast.options)
        )
    return Chain(recipe, parties, ledger, link, ctx)
