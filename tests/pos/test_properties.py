"""Invariants over random inputs: scans add up to demand; no POS row is ever lost."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from crossdock.demand import DemandModel
from crossdock.pos import ScanGenerator, import_pos
from crossdock.scenario import Scenario, compile_scenario, generate_spec


@settings(max_examples=12, deadline=None, derandomize=True)
@given(
    n_stores=st.integers(1, 3),
    seed=st.integers(0, 10_000),
    days=st.integers(1, 15),
    chunk_days=st.integers(1, 9),
    lines_per_basket=st.floats(1, 40),
    repeat_scan=st.floats(0, 0.9),
    max_rows=st.sampled_from([1, 500, 1 << 20]),
)
def test_scans_always_add_up_to_the_demand(
    n_stores: int,
    seed: int,
    days: int,
    chunk_days: int,
    lines_per_basket: float,
    repeat_scan: float,
    max_rows: int,
) -> None:
    spec = generate_spec(n_stores=n_stores, n_skus=60, horizon_days=30, seed=seed)
    scans = spec.demand.scans.model_copy(
        update={"lines_per_basket": lines_per_basket, "repeat_scan": repeat_scan}
    )
    sc = compile_scenario(
        spec.model_copy(update={"demand": spec.demand.model_copy(update={"scans": scans})})
    )
    generator = ScanGenerator(sc, seed, chunk_days=chunk_days, max_rows=max_rows)
    table = pa.Table.from_batches(list(generator.batches(days)), schema=None)
    first = (sc.spec.start_date - dt.date(1970, 1, 1)).days
    day = pc.cast(pc.cast(table["timestamp"], "date32"), "int32").to_numpy() - first
    store = table["store_gln"].combine_chunks().indices.to_numpy()
    sku = table["gtin"].combine_chunks().indices.to_numpy()
    got = np.zeros((days, sc.n_stores, sc.n_skus), dtype=np.int64)
    np.add.at(got, (day, store, sku), table["quantity"].to_numpy())
    model = DemandModel(sc, seed)
    assert np.array_equal(got, np.stack([model.daily(d) for d in range(days)]))
    assert (table["quantity"].to_numpy() >= 1).all()


KINDS = ["ok", "date", "store", "malformed", "check", "unknown", "quantity", "price"]
REASON_OF = {
    "date": "unparseable date",
    "store": "unknown store",
    "malformed": "GTIN is not 8, 12, 13 or 14 digits",
    "check": "bad GTIN check digit",
    "unknown": "unknown GTIN",
    "quantity": "quantity is not a whole number",
    "price": "price is not a number",
}


def row(sc: Scenario, kind: str, rng: np.random.Generator) -> tuple[str, tuple[int, int, int, int]]:
    """A CSV line of the given kind, and (day, store, sku, quantity) when it is good."""
    d, s, k = int(rng.integers(0, 5)), int(rng.integers(sc.n_stores)), int(rng.integers(sc.n_skus))
    q = int(rng.integers(-2, 6))
    date = (sc.spec.start_date + dt.timedelta(days=d)).isoformat()
    store, gtin = str(sc.store_gln[s]), str(sc.gtin[k])
    quantity, price = str(q), f"{rng.uniform(0.5, 9):.2f}"
    if kind == "date":
        date = rng.choice(["2026-02-30", "soon", "", "2026/01/05"])
    elif kind == "store":
        store = "Hyper Nowhere"
    elif kind == "malformed":
        gtin = rng.choice(["12345", "30123400000x2", ""])
    elif kind == "check":
        gtin = gtin[:-1] + str((int(gtin[-1]) + 1 + int(rng.integers(0, 9))) % 10)
    elif kind == "unknown":
        gtin = "4006381333931"
    elif kind == "quantity":
        quantity = rng.choice(["two", "1.5", ""])
    elif kind == "price":
        price = "n/a"
    return f"{date},{store},{gtin},{quantity},{price}", (d, s, k, q)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 10_000), n=st.integers(1, 300), batch_rows=st.sampled_from([7, 64, 4096])
)
def test_every_row_is_kept_or_rejected_with_its_reason(
    tmp_path_factory, seed: int, n: int, batch_rows: int
) -> None:
    sc = compile_scenario(generate_spec(n_stores=3, n_skus=12, seed=1, realistic_demand=False))
    rng = np.random.default_rng(seed)
    kinds = rng.choice(KINDS, size=n, p=[0.6] + [0.4 / 7] * 7)
    lines, expected = ["date,store,gtin,quantity,price"], np.zeros((5, 3, 12), dtype=np.int64)
    for kind in kinds:
        text, (d, s, k, q) = row(sc, str(kind), rng)
        lines.append(text)
        if kind == "ok":
            expected[d, s, k] += q
    path = Path(tmp_path_factory.mktemp("prop")) / "pos.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_pos([path], sc, batch_rows=batch_rows)
    assert report.rows == n
    assert report.accepted == int((kinds == "ok").sum())
    for kind, reason in REASON_OF.items():
        assert report.rejected[reason] == int((kinds == kind).sum()), reason
    got = np.zeros_like(expected)
    stores = {g: i for i, g in enumerate(sc.store_gln)}
    skus = {g: i for i, g in enumerate(sc.gtin)}
    for r in report.daily.to_pylist():
        d = (r["date"] - sc.spec.start_date).days
        got[d, stores[r["store_gln"]], skus[r["gtin"]]] += r["sales_units"] + r["return_units"]
    assert np.array_equal(got, expected)
