"""The scan stream adds up exactly to the daily demand, and looks like a till's."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

import crossdock
from crossdock.demand import DemandModel
from crossdock.pos import SCAN_SCHEMA, ScanGenerator
from crossdock.scenario import Scenario


def totals(table, scenario: Scenario, days: int) -> np.ndarray:
    """Scan quantities summed per day × store × SKU."""
    first = (scenario.spec.start_date - dt.date(1970, 1, 1)).days
    day = pc.cast(pc.cast(table["timestamp"], "date32"), "int32").to_numpy() - first
    store = table["store_gln"].combine_chunks().indices.to_numpy()
    sku = table["gtin"].combine_chunks().indices.to_numpy()
    out = np.zeros((days, scenario.n_stores, scenario.n_skus), dtype=np.int64)
    np.add.at(out, (day, store, sku), table["quantity"].to_numpy())
    return out


def test_scans_add_up_to_the_daily_demand(hyper_small, scans_28) -> None:
    path, demand = scans_28
    table = pq.read_table(path)
    assert table.schema.equals(SCAN_SCHEMA, check_metadata=False)
    assert np.array_equal(totals(table, hyper_small, 28), demand)
    assert pq.ParquetFile(path).num_row_groups == 6  # 28 days in chunks of 5: streamed


def test_engine_trades_on_the_same_totals(hyper_small) -> None:
    """The demand the engine's trading phase consumed equals the scans, day by day and SKU."""
    days = 21
    result = crossdock.simulate(hyper_small, mode="shared", seed=7, days=days, warm_up=0)
    generator = ScanGenerator(hyper_small, 7)
    batches = list(generator.batches(days))
    import pyarrow as pa

    scans = totals(pa.Table.from_batches(batches), hyper_small, days).sum(axis=1)  # [day, sku]
    sku_daily = result.sku_daily
    engine = np.zeros_like(scans)
    index = {g: k for k, g in enumerate(hyper_small.gtin)}
    for row in sku_daily.itertuples():
        engine[row.day, index[row.gtin]] = row.demand
    assert np.array_equal(engine, scans)
    assert scans.sum() > 0


def test_chunk_size_and_shards_do_not_change_the_stream(hyper_small) -> None:
    def stream(chunk: int, stores=None, max_rows: int = 1 << 20):
        gen = ScanGenerator(hyper_small, 3, chunk_days=chunk, stores=stores, max_rows=max_rows)
        import pyarrow as pa

        return pa.Table.from_batches(list(gen.batches(20)))

    a = stream(7)
    b = stream(3)
    keys = ["basket_id", "timestamp"]  # unique per scan line
    assert a.sort_by([(k, "ascending") for k in keys]).equals(
        b.sort_by([(k, "ascending") for k in keys])
    )
    small_batches = stream(7, max_rows=1000)
    assert small_batches.to_batches()[0].num_rows < a.to_batches()[0].num_rows  # cut by store
    assert small_batches.equals(a)
    shard = stream(7, stores=[1, 3])
    mask = pc.is_in(
        a["store_gln"].cast("string"), value_set=shard["store_gln"].cast("string").unique()
    )
    assert a.filter(mask).equals(shard)


def test_scans_look_like_a_till(hyper_small, scans_28) -> None:
    path, _ = scans_28
    t = pq.read_table(path).to_pandas()
    spec = hyper_small.spec.demand.scans
    minutes = t["timestamp"].dt.hour * 60 + t["timestamp"].dt.minute
    weekday = t["timestamp"].dt.day_of_week
    for w, hours in enumerate(spec.opening):
        on_day = minutes[weekday == w]
        if hours is None:
            assert on_day.empty
            continue
        lo, hi = (int(x[:2]) * 60 + int(x[3:]) for x in hours.split("-"))
        assert on_day.min() >= lo
        assert on_day.max() <= hi + 15  # the last basket still scanning at closing time
    baskets = t.groupby("basket_id").agg(
        lines=("gtin", "size"), tills=("till_id", "nunique"), self_=("self_checkout", "first"),
        stores=("store_gln", "nunique"), days=("timestamp", lambda x: x.dt.date.nunique()),
    )  # fmt: skip
    assert (baskets.tills == 1).all() and (baskets.stores == 1).all() and (baskets.days == 1).all()
    assert baskets.lines.mean() > 10  # trolleys, not single items
    assert baskets.lines.median() < baskets.lines.mean()  # a long tail of big baskets
    self_baskets = baskets[baskets.self_]
    assert not self_baskets.empty and (self_baskets.lines <= spec.self_checkout_max_lines).all()
    assert (t.loc[t.self_checkout, "till_id"] >= 101).all() and (
        t.loc[~t.self_checkout, "till_id"] < 101
    ).all()
    assert (t.quantity >= 1).all() and (t.quantity > 1).any()
    assert (t.price > 0).all()


def test_promotion_price_cut_shows_on_the_scans(hyper_small) -> None:
    promo = hyper_small.spec.demand.promotions[0]
    gtin = promo.gtins[0]
    k = list(hyper_small.gtin).index(gtin)
    start = (promo.start - hyper_small.spec.start_date).days
    generator = ScanGenerator(hyper_small, 1)
    import pyarrow as pa

    table = pa.Table.from_batches(list(generator.batches(start + promo.days))).to_pandas()
    rows = table[table.gtin == gtin]
    during = rows[rows.timestamp.dt.date >= promo.start]
    expected_cut = round(hyper_small.shelf_price[k] * (1 - promo.price_cut), 2)
    assert not during.empty
    assert np.isclose(during.price.min(), expected_cut) or promo.stores is not None
    assert (
        DemandModel(hyper_small, 1).mean(start)[:, k].max()
        > DemandModel(hyper_small, 1).mean(start - 1)[:, k].max()
    )
