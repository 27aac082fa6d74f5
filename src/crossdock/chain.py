"""Assemble the parties of one run, for the traditional or the shared chain."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from crossdock.channel import DirectChannel
from crossdock.demand import Demand, DemandModel
from crossdock.ledger import Ledger
from crossdock.parties._common import Context
from crossdock.parties.carrier import Carrier
from crossdock.parties.dc import DistributionCentres
from crossdock.parties.factories import Factories
from crossdock.parties.planners import Planner, Planners
from crossdock.parties.platforms import Platforms
from crossdock.parties.stores import Stores
from crossdock.parties.suppliers import Suppliers
from crossdock.policies import Policy, policy_from_spec
from crossdock.routing import RoutePlanner
from crossdock.scenario import Scenario

__all__ = ["MODES", "Chain", "build_chain"]

MODES = ("traditional", "shared")


@dataclass
class Chain:
    """The parties of a run in phase order, with the channel and ledger they share."""

    parties: list[object]
    ledger: Ledger
    channel: DirectChannel
    context: Context


def build_chain(
    scenario: Scenario,
    mode: str,
    *,
    days: int,
    seed: int,
    demand: Demand | None = None,
    policies: dict[str, Policy] | None = None,
    router: RoutePlanner | None = None,
    detail: bool = False,
    channel: str | DirectChannel | None = None,
    edi_archive: str | Path | None = None,
) -> Chain:
    """Fresh parties for ``mode`` (``"traditional"`` or ``"shared"``).

    ``policies`` may override the scenario's policy per echelon (``"store"``, ``"dc"``,
    ``"supplier"``, ``"planner"``); each is cloned, so one object can serve several runs.
    ``channel`` and ``edi_archive`` choose how messages travel (see
    :func:`crossdock.edi_bridge.make_channel`; default: the scenario's ``edi.channel``).
    """
    from crossdock.edi_bridge import make_channel

    ledger = Ledger(scenario, days, detail=detail)
    link = make_channel(scenario, channel, seed=seed, edi_archive=edi_archive)
    settings = scenario.spec.replenishment
    ctx = Context(scenario, link, ledger, mode, settings.unmet_demand, seed)
    mode_spec = settings.traditional if mode == "traditional" else settings.shared
    chosen = policies or {}

    def policy(echelon: str, spec_echelon: str) -> Policy:
        given = chosen.get(echelon)
        spec = getattr(mode_spec, spec_echelon)
        made = given.clone() if given is not None else policy_from_spec(spec)
        return dated(made)

    def dated(made: Policy) -> Policy:  # weekday-aware forecasters learn the calendar
        made.set_calendar(scenario.spec.start_date.weekday(), scenario.weekday_profile)
        return made

    demand = demand if demand is not None else DemandModel(scenario, seed)
    carrier = Carrier(ctx, router=router)
    if mode == "traditional":
        stores = Stores(
            ctx,
            demand,
            policy=policy("store", "store"),
            initial_stock_days=mode_spec.store.initial_stock_days,
            report_to=[],
        )
        dcs = DistributionCentres(
            ctx,
            policy=policy("dc", "dc"),
            initial_stock_days=mode_spec.dc.initial_stock_days,
            carrier=carrier,
        )
        overrides = {
            u: (dated(policy_from_spec(spec.stock_policy)), spec.stock_policy.initial_stock_days)
            for u, spec in enumerate(scenario.spec.suppliers)
            if spec.stock_policy is not None and "supplier" not in chosen
        }
        suppliers = Suppliers(
            ctx,
            policy=policy("supplier", "supplier"),
            initial_stock_days=mode_spec.supplier.initial_stock_days,
            carrier=carrier,
            overrides=overrides,
        )
        factories = Factories(ctx, suppliers=suppliers, seed=seed)
        carrier.attach(stores=stores, platforms=None, dcs=dcs)
        parties: list[object] = [stores, dcs, suppliers, factories, carrier]
    elif mode == "shared":
        planners = []
        if settings.captain_plans_category:
            groups = [
                (
                    scenario.supplier_gln[scenario.captain_of_category[c]],
                    np.flatnonzero(scenario.category_of == c),
                )
                for c in range(scenario.n_categories)
            ]
        else:
            groups = [
                (scenario.supplier_gln[u], scenario.items_of_supplier[u])
                for u in range(scenario.n_suppliers)
            ]
        # One planner per GLN: a supplier captaining two categories plans both at once.
        merged: dict[str, np.ndarray] = {}
        for gln, items in groups:
            merged[gln] = np.union1d(merged.get(gln, np.zeros(0, np.int64)), items)
        groups = [(gln, items) for gln, items in merged.items() if items.size]
        for gln, items in groups:
            planners.append(Planner(ctx, gln, items, policy("planner", "store")))
        stores = Stores(
            ctx,
            demand,
            policy=None,
            initial_stock_days=mode_spec.store.initial_stock_days,
            report_to=groups,
        )
        suppliers = Suppliers(
            ctx,
            policy=None,
            initial_stock_days=mode_spec.supplier.initial_stock_days,
            carrier=carrier,
        )
        factories = Factories(ctx, suppliers=suppliers, seed=seed)
        platforms = Platforms(ctx, carrier=carrier)
        carrier.attach(stores=stores, platforms=platforms, dcs=None)
        parties = [stores, Planners(planners), suppliers, factories, platforms, carrier]
    else:
        from crossdock.errors import ParameterError

        raise ParameterError("simulate", "mode", f"one of {MODES}", mode)
    return Chain(parties, ledger, link, ctx)
