"""Result tables come from the ledger's named series, with one layout whatever the chain."""

from __future__ import annotations

import numpy as np

from crossdock import simulate
from crossdock.recipes import RECIPES, new_ledger
from crossdock.scenario import Scenario
from crossdock.tables import LOCATION_TYPES, SCHEMAS, build_tables


def test_every_chain_writes_the_same_tables_with_the_same_rows(ok_small: Scenario) -> None:
    runs = {name: simulate(ok_small, mode=name, days=8, seed=1) for name in RECIPES.names()}
    layouts = {
        name: (
            run.tables["location_daily"].column("gln").to_pylist(),
            run.tables["depot_daily"].column("gln").to_pylist(),
        )
        for name, run in runs.items()
    }
    assert len({repr(layout) for layout in layouts.values()}) == 1
    for run in runs.values():
        for name, table in run.tables.items():
            assert table.schema.equals(SCHEMAS[name]), name
    kinds = runs["traditional"].tables["location_daily"].column("location_type").to_pylist()
    assert list(dict.fromkeys(kinds)) == list(LOCATION_TYPES)


def test_a_series_no_party_writes_reads_as_zeros(ok_small: Scenario) -> None:
    ledger = new_ledger(ok_small, RECIPES["traditional"], 5)
    assert "platform_pallets_in" not in ledger  # no platform in the traditional chain
    tables = build_tables(ledger, ok_small, {})
    depots = tables["depot_daily"].to_pandas()
    assert (depots[depots.depot_type == "platform"][["pallets_in", "pallets_out"]] == 0).all().all()
    assert np.array_equal(ledger.get("platform_pallets_in", "platform"), np.zeros((5, 1)))
