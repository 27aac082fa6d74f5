"""Chains are recipes: their order of events, the registries, and a user's own party."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from tests.ledger.test_conservation import build as random_scenario
from tests.ledger.test_conservation import scenarios
from tests.recipes.online_shop import SHOP_GLN, OnlineShop, build_online_shop

from crossdock import simulate
from crossdock.engine import PHASES, Engine
from crossdock.errors import ParameterError
from crossdock.recipes import (
    PARTIES,
    RECIPES,
    SHARED,
    Cast,
    PartyBuilder,
    Recipe,
    build_chain,
)
from crossdock.scenario import Scenario

if "online_shop" not in PARTIES:
    PARTIES.register("online_shop", PartyBuilder(OnlineShop, build_online_shop))
WITH_SHOP = SHARED.with_party(Cast("online_shop", {"rate": 0.8}), name="shared_online")

EXPECTED = {
    "traditional": """\
receive: stores, dcs, carrier
trade: stores
report: stores
plan: stores, dcs
confirm: suppliers
produce: factories
ship: dcs, suppliers
cross_dock: -
deliver: carrier
close: stores, dcs, suppliers, factories, carrier""",
    "shared": """\
receive: stores, platforms, carrier
trade: stores
report: stores
plan: stores, planners
confirm: retailer, planners, suppliers
produce: factories
ship: suppliers
cross_dock: platforms
deliver: carrier
close: stores, suppliers, factories, platforms, carrier""",
}


def order_of_events(recipe: Recipe) -> str:
    events = recipe.events()
    return "\n".join(
        f"{phase}: {', '.join(p for ph, p in events if ph == phase) or '-'}" for phase in PHASES
    )


@pytest.mark.parametrize("name", ["traditional", "shared", "shared_own_items"])
def test_each_recipe_prints_its_order_of_events(name: str) -> None:
    printed = order_of_events(RECIPES[name])
    print(f"{name}\n{printed}")
    assert printed == EXPECTED.get(name, EXPECTED["shared"])


def test_the_engine_runs_a_recipe_in_its_order(ok_small: Scenario) -> None:
    chain = build_chain(ok_small, "shared", days=2, seed=1)
    calls: list[tuple[str, str]] = []
    for cast, party in zip(chain.recipe.cast, chain.parties, strict=True):
        for phase in type(party).phases:
            method = getattr(party, phase)

            def spy(day: int, method=method, phase=phase, name=cast.party) -> None:
                calls.append((phase, name))
                method(day)

            setattr(party, phase, spy)
    Engine(chain.parties).step()
    assert calls == chain.recipe.events()


def test_the_engine_stops_after_a_named_phase(ok_small: Scenario) -> None:
    chain = build_chain(ok_small, "shared", days=3, seed=1)
    engine = Engine(chain.parties)
    engine.step(until="plan")
    assert (engine.day, engine.phase) == (0, "plan")
    assert chain.ledger.sku["demand"][0].sum() > 0  # traded
    assert chain.ledger.stock_units[0].sum() == 0  # not closed yet
    engine.step()  # the rest of day 0
    assert (engine.day, engine.phase) == (1, None)
    assert chain.ledger.stock_units[0].sum() > 0
    with pytest.raises(ParameterError, match="until"):
        engine.step(until="lunch")


def test_stopping_and_going_on_gives_the_same_run(ok_small: Scenario) -> None:
    whole = build_chain(ok_small, "shared", days=6, seed=2)
    Engine(whole.parties).run(6)
    parts = build_chain(ok_small, "shared", days=6, seed=2)
    engine = Engine(parts.parties)
    for _ in range(6):
        for phase in ("trade", "confirm", "ship"):
            engine.step(until=phase)
        engine.step()
    assert np.array_equal(whole.ledger.flows, parts.ledger.flows)
    assert np.array_equal(whole.ledger.stock_units, parts.ledger.stock_units)


def test_unknown_names_list_the_registered_ones() -> None:
    with pytest.raises(ParameterError, match="shared_own_items"):
        RECIPES["sharde"]
    with pytest.raises(ParameterError, match="planners"):
        PARTIES["planer"]
    with pytest.raises(ParameterError, match="not registered yet"):
        PARTIES.register("stores", PARTIES["carrier"])


def test_a_users_party_needs_one_module_and_one_recipe_line(ok_small: Scenario) -> None:
    result = simulate(ok_small, mode=WITH_SHOP, days=30, seed=4, detail=True)
    ledger = result.ledger
    shop = ledger.blocks["online_shop"]
    assert ledger.location_gln[shop].tolist() == [SHOP_GLN]
    assert ledger.flow("sold", "online_shop").sum() > 0
    returned = ledger["online_returns"].sum()
    assert returned > 0
    # what the shop sent back reached the suppliers' warehouses, through the carrier
    received = ledger.flow("received", "supplier").sum()
    made = ledger.flow("shipped", "factory").sum()
    assert received - made == returned
    assert ledger.violations() == []
    assert ledger.sku_violations().size == 0
    assert ledger.unmatched_transfers().size == 0
    assert "Web shop" in set(result.location_daily["name"])
    # the stores' shoppers are the same with or without the shop (their own random streams);
    # the returns do reach the suppliers' stock, so what the stores get may differ
    plain = simulate(ok_small, mode="shared", days=30, seed=4)
    assert np.array_equal(ledger["demand"], plain.ledger["demand"])


@settings(max_examples=10, deadline=None, derandomize=True)
@given(params=scenarios)
def test_conservation_holds_with_a_users_party(params: dict) -> None:
    result = simulate(random_scenario(params), mode=WITH_SHOP, detail=True)
    ledger = result.ledger
    assert ledger.violations() == []
    assert ledger.sku_violations().size == 0
    assert ledger.unmatched_transfers().size == 0
    assert (ledger.stock_sku >= 0).all()
