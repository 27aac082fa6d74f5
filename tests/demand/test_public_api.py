"""crossdock.demand and crossdock.pos export exactly their public names."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("module", ["crossdock.demand", "crossdock.pos"])
def test_all_matches_the_public_names(module: str) -> None:
    mod = importlib.import_module(module)
    public = {
        name
        for name in vars(mod)
        if not name.startswith("_")
        and name != "annotations"  # from __future__ import annotations
        and not isinstance(getattr(mod, name), type(importlib))
    }
    assert set(mod.__all__) == public


def test_the_engine_contract_is_kept() -> None:
    """``DemandModel(scenario, seed)`` is a ``Demand``: ``daily(day)`` gives int32 [stores, skus]."""
    from crossdock.demand import Demand, DemandModel
    from crossdock.scenario import generate_scenario

    sc = generate_scenario(n_stores=2, n_skus=12, horizon_days=10)
    demand: Demand = DemandModel(sc, 1)
    day = demand.daily(0)
    assert day.shape == (2, 12) and day.dtype == "int32"  # the stores' books, 4 B a cell
