"""``--dcs``: regional distribution centres, each store served by the nearest."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from crossdock._kernels import haversine_km
from crossdock.cli import invoke
from crossdock.scenario import compile_scenario, generate_spec, load_scenario
from crossdock.scenario._generate import default_dcs
from crossdock.simulate import simulate


def test_small_chains_keep_one_national_dc_and_large_ones_get_regional_dcs() -> None:
    assert default_dcs(12) == default_dcs(499) == 1
    assert default_dcs(5000) == 7
    spec = generate_spec(n_stores=12, n_skus=12, horizon_days=20, warm_up_days=2)
    assert [d.id for d in spec.distribution_centres] == ["dc-1"]
    assert generate_spec(n_stores=12, n_skus=12, horizon_days=20, warm_up_days=2, n_dcs=1) == spec


def test_each_store_is_served_by_its_nearest_dc(tmp_path: Path) -> None:
    out = tmp_path / "regional.yaml"
    args = "scenario generate --stores 120 --skus 12 --platforms 4 --days 20 --warm-up 2 --dcs 4"
    assert invoke([*args.split(), "-o", str(out)]) == 0
    assert "--dcs 4" in out.read_text(encoding="utf-8").splitlines()[0]
    spec = load_scenario(out).spec
    dcs = spec.distribution_centres
    assert 2 <= len(dcs) <= 4 and len({d.gln for d in dcs}) == len(dcs)
    lat = np.array([d.lat for d in dcs])
    lon = np.array([d.lon for d in dcs])
    for store in spec.stores:
        km = haversine_km(store.lat, store.lon, lat, lon)
        assert store.dc == dcs[int(np.argmin(km))].id
    assert {s.dc for s in spec.stores} == {d.id for d in dcs}  # no DC without stores


def test_a_traditional_chain_with_regional_dcs_runs_and_delivers_from_each() -> None:
    spec = generate_spec(
        n_stores=40, n_skus=12, n_platforms=3, horizon_days=20, warm_up_days=2, n_dcs=3
    )
    result = simulate(compile_scenario(spec), mode="traditional")
    depots = set(result.tables["route_stops"]["depot_gln"].to_pylist())
    assert depots == {d.gln for d in spec.distribution_centres}
