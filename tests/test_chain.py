"""Assembling a run: per-mode parties and per-supplier settings."""

from __future__ import annotations

import numpy as np

from crossdock import simulate
from crossdock.chain import build_chain
from crossdock.parties.dc import DistributionCentres
from crossdock.parties.planners import Planners
from crossdock.parties.platforms import Platforms
from crossdock.scenario import EchelonSpec, compile_scenario, generate_spec


def small_spec():
    return generate_spec(n_stores=3, n_skus=12, horizon_days=60, warm_up_days=5, seed=4)


def test_each_mode_has_its_parties() -> None:
    sc = compile_scenario(small_spec())
    traditional = {type(p) for p in build_chain(sc, "traditional", days=5, seed=1).parties}
    shared = {type(p) for p in build_chain(sc, "shared", days=5, seed=1).parties}
    assert (
        DistributionCentres in traditional
        and Platforms not in traditional
        and Planners not in traditional
    )
    assert Platforms in shared and Planners in shared and DistributionCentres not in shared


def test_a_suppliers_own_stock_policy_changes_only_its_items() -> None:
    spec = small_spec()
    suppliers = list(spec.suppliers)
    suppliers[1] = suppliers[1].model_copy(
        update={"stock_policy": EchelonSpec(policy="min_max", cover_days=20, initial_stock_days=30)}
    )
    base = simulate(compile_scenario(spec), mode="traditional")
    changed_sc = compile_scenario(spec.model_copy(update={"suppliers": suppliers}))
    changed = simulate(changed_sc, mode="traditional")
    assert changed.ledger.violations() == []
    stock_base = base.ledger.sku_stock["supplier"].mean(axis=0)
    stock_changed = changed.ledger.sku_stock["supplier"].mean(axis=0)
    mine = changed_sc.supplier_of == 1
    assert stock_changed[mine].sum() > stock_base[mine].sum()
    # min_max keeps at least half its cover (20 days) of mean demand as cycle stock
    daily = changed_sc.expected_demand().sum(axis=0)[mine].sum()
    assert stock_changed[mine].sum() > 0.5 * 20 * daily
    # opening stock of the others is untouched
    others = ~mine
    assert np.array_equal(
        base.ledger.flows[0, base.ledger.blocks["supplier"], 0][[0, 2, 3, 4, 5]],
        changed.ledger.flows[0, changed.ledger.blocks["supplier"], 0][[0, 2, 3, 4, 5]],
    )
    assert others.any()


def test_captain_or_each_supplier_plans() -> None:
    spec = small_spec()
    captain = build_chain(compile_scenario(spec), "shared", days=5, seed=1)
    planners = next(p for p in captain.parties if isinstance(p, Planners)).planners
    assert len(planners) == 3  # one per category
    solo_spec = spec.model_copy(
        update={
            "replenishment": spec.replenishment.model_copy(update={"captain_plans_category": False})
        }
    )
    solo = build_chain(compile_scenario(solo_spec), "shared", days=5, seed=1)
    planners = next(p for p in solo.parties if isinstance(p, Planners)).planners
    assert len(planners) == 6  # one per supplier
    covered = np.sort(np.concatenate([p.items for p in planners]))
    assert np.array_equal(covered, np.arange(12))
