"""The scan stream: each day's demand expanded into timestamped till scans.

Each unit of a store × SKU × day of :class:`~crossdock.demand.DemandModel` demand becomes part
of a scan line (a further unit of the same item joins the line with ``repeat_scan``
probability, giving quantities above 1); lines are spread over baskets of skewed sizes (many
small baskets, a few full trolleys), each basket gets a checkout time from the store's
opening hours and hourly traffic, and a till: small baskets often go to a self-checkout.
Scan quantities add up exactly to the daily demand the engine trades on.

Randomness comes from per-store substreams, one per kind of draw, consumed in day order, so
the stream does not depend on the chunk size or on which other stores are generated.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from crossdock._files import replaced_whole
from crossdock.demand import DemandModel, store_streams
from crossdock.scenario import Scenario

__all__ = ["SCAN_SCHEMA", "ScanGenerator", "write_scans"]

_SCAN_KEY = 0x5CA45
_BASKET_SKEW = 2.0  # line -> basket index u**skew: basket j's share falls like j**(-1/2)
_SELF_CHECKOUT_TILL = 101

SCAN_SCHEMA = pa.schema(
    [
        pa.field("timestamp", pa.timestamp("ms"), nullable=False),
        pa.field("store_gln", pa.dictionary(pa.int32(), pa.string()), nullable=False),
        pa.field("till_id", pa.int16(), nullable=False),
        pa.field("self_checkout", pa.bool_(), nullable=False),
        pa.field("basket_id", pa.int64(), nullable=False),
        pa.field("gtin", pa.dictionary(pa.int32(), pa.string()), nullable=False),
        pa.field("quantity", pa.int32(), nullable=False),
        pa.field("price", pa.float64(), nullable=False),
    ],
    metadata={
        "timestamp": "local time of the store, no time zone",
        "price": "unit price paid (EUR), promotion cuts included",
        "basket_id": "(store index + 1) * 10^13 + day since 1970 * 10^7 + basket of the day",
    },
)


def _minute_cdf(opening: Sequence[str | None], hourly: Sequence[float]) -> np.ndarray:
    """Cumulative arrival share per minute, weekday w spanning (w, w + 1]: ``[7 * 1440]``."""
    cdf = np.empty(7 * 1440)
    traffic = np.repeat(np.asarray(hourly, dtype=np.float64), 60)
    minute = np.arange(1440)
    for w, hours in enumerate(opening):
        weights = np.zeros(1440)
        if hours is not None:
            lo, hi = (int(t[:2]) * 60 + int(t[3:]) for t in hours.split("-"))
            weights = np.where((minute >= lo) & (minute < hi), traffic, 0.0)
            if weights.sum() == 0:  # open only at hours with no traffic: spread evenly
                weights = ((minute >= lo) & (minute < hi)).astype(np.float64)
        if weights.sum() == 0:  # closed: demand there is zero, but keep the cdf defined
            weights = np.ones(1440)
        cdf[w * 1440 : (w + 1) * 1440] = w + np.cumsum(weights) / weights.sum()
    return cdf


class ScanGenerator:
    """Till scans of a scenario's stores, chunk by chunk (see the module docstring)."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        *,
        stores: Sequence[int] | np.ndarray | None = None,
        chunk_days: int = 7,
        max_rows: int = 1 << 20,
    ) -> None:
        self.scenario = scenario
        self.chunk_days = chunk_days
        self.max_rows = max_rows
        self.demand = DemandModel(scenario, seed, stores=stores, block_days=chunk_days)
        self.stores = self.demand.stores
        self.spec = scenario.spec.demand.scans
        self._streams = store_streams(seed, scenario.store_gln[self.stores], _SCAN_KEY, 3)
        self._cdf = _minute_cdf(self.spec.opening, self.spec.hourly_traffic)
        size = scenario.size_factor[self.stores]
        self._staffed = np.maximum(1, np.round(self.spec.staffed_tills_per_size * size)).astype(int)
        self._self = np.round(self.spec.self_checkouts_per_size * size).astype(int)
        self._store_dict = pa.array(scenario.store_gln.astype(str))
        self._gtin_dict = pa.array(scenario.gtin.astype(str))
        self._epoch_day = (scenario.spec.start_date - dt.date(1970, 1, 1)).days
        self.next_day = 0

    def batches(self, days: int) -> Iterator[pa.RecordBatch]:
        """Scans of run days ``[next_day, days)``, chunk by chunk, in batches of whole stores.

        A chunk's stores are cut into batches of about ``max_rows`` scans, so memory stays
        bounded however many stores there are; :attr:`next_day` tells how far it got.
        """
        while self.next_day < days:
            start = self.next_day
            span = min(self.chunk_days, days - start)
            run_days = start + np.arange(span)
            counts = np.stack([self.demand.daily(int(d)) for d in run_days])
            price = self.demand.effects.price(run_days)
            promotions = self.demand.effects.promotion_factors(run_days)
            parts: list[list[np.ndarray]] = []
            rows = 0
            for i, s in enumerate(self.stores):
                store_price = price.copy()
                for members, _, cut in promotions:
                    if members[s]:
                        store_price *= cut
                part = self._store_chunk(
                    i, int(s), run_days, counts[:, i, :], np.round(store_price, 2)
                )
                parts.append(part)
                rows += len(part[0])
                if rows >= self.max_rows and i < len(self.stores) - 1:
                    yield self._batch(parts)
                    parts, rows = [], 0
            self.next_day = start + span
            yield self._batch(parts)

    def _batch(self, parts: list[list[np.ndarray]]) -> pa.RecordBatch:
        columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
        timestamp, store, till, self_checkout, basket, gtin, quantity, price = columns
        return pa.RecordBatch.from_arrays(
            [
                pa.array(timestamp, type=pa.timestamp("ms")),
                pa.DictionaryArray.from_arrays(pa.array(store), self._store_dict),
                pa.array(till),
                pa.array(self_checkout),
                pa.array(basket),
                pa.DictionaryArray.from_arrays(pa.array(gtin), self._gtin_dict),
                pa.array(quantity),
                pa.array(price),
            ],
            schema=SCAN_SCHEMA,
        )

    def _store_chunk(
        self, i: int, s: int, days: np.ndarray, counts: np.ndarray, price: np.ndarray
    ) -> list[np.ndarray]:
        spec = self.spec
        repeat, basket_rng, till_rng = self._streams[i]
        n_skus = counts.shape[1]
        flat = counts.ravel()
        cells = np.flatnonzero(flat)
        units = flat[cells]
        total = int(units.sum())
        # units -> lines: a unit starts a new line unless it repeats the previous one
        new_line = repeat.random(total) >= spec.repeat_scan
        new_line[np.cumsum(units) - units] = True
        starts = np.flatnonzero(new_line)
        quantity = np.diff(starts, append=total).astype(np.int32)
        cell = np.repeat(cells, units)[starts]
        line_day, line_sku = np.divmod(cell, n_skus)
        # lines -> baskets of the day (skewed sizes)
        lines_per_day = np.bincount(line_day, minlength=len(days))
        baskets_per_day = np.ceil(lines_per_day / spec.lines_per_basket).astype(np.int64)
        day_offset = np.cumsum(baskets_per_day) - baskets_per_day
        per_day = baskets_per_day[line_day]
        pick = (per_day * basket_rng.random(len(cell)) ** _BASKET_SKEW).astype(np.int64)
        basket = day_offset[line_day] + np.minimum(pick, per_day - 1)
        # baskets -> checkout time, numbered in time order within the day
        n_baskets = int(baskets_per_day.sum())
        basket_day = np.repeat(np.arange(len(days)), baskets_per_day)
        draws = till_rng.random((n_baskets, 4))
        weekday = (self.demand.effects.start_date.weekday() + days[basket_day]) % 7
        minute = np.searchsorted(self._cdf, weekday + draws[:, 0]) - weekday * 1440
        millis = minute * 60_000 + (draws[:, 1] * 60_000).astype(np.int64)
        order = np.argsort(basket_day * 86_400_000 + millis, kind="stable")
        rank = np.empty(n_baskets, dtype=np.int64)
        rank[order] = np.arange(n_baskets)
        millis, basket_day = millis[order], basket_day[order]
        basket = rank[basket]
        lines_in_basket = np.bincount(basket, minlength=n_baskets)
        small = lines_in_basket <= spec.self_checkout_max_lines
        self_checkout = small & (draws[order, 2] < spec.self_checkout_share) & (self._self[i] > 0)
        tills = np.where(self_checkout, self._self[i], self._staffed[i])
        till_pick = draws[order, 3]
        till = np.minimum((till_pick * tills).astype(np.int64), tills - 1) + np.where(
            self_checkout, _SELF_CHECKOUT_TILL, 1
        )
        # lines in basket order; scan time = checkout start + position × seconds per line
        # (a stable sort of 16-bit keys is a radix sort: linear time)
        sort_key = basket.astype(np.uint16) if n_baskets <= 1 << 16 else basket
        line_order = np.argsort(sort_key, kind="stable")
        basket = basket[line_order]
        first_line = np.cumsum(lines_in_basket) - lines_in_basket
        position = np.arange(len(basket)) - first_line[basket]
        line_day, line_sku = line_day[line_order], line_sku[line_order]
        abs_day = self._epoch_day + days[basket_day]
        timestamp = (
            abs_day[basket] * 86_400_000
            + millis[basket]
            + (position * spec.seconds_per_line * 1000).astype(np.int64)
        )
        day_first = np.cumsum(baskets_per_day) - baskets_per_day
        basket_id = (
            (s + 1) * 10**13 + abs_day * 10**7 + (np.arange(n_baskets) - day_first[basket_day])
        )
        return [
            timestamp,
            np.full(len(basket), s, dtype=np.int32),
            till[basket].astype(np.int16),
            self_checkout[basket],
            basket_id[basket],
            line_sku.astype(np.int32),
            quantity[line_order],
            price[line_day, line_sku],
        ]


def write_scans(
    path: str | Path,
    scenario: Scenario,
    seed: int,
    days: int,
    *,
    stores: Sequence[int] | np.ndarray | None = None,
    chunk_days: int = 7,
    on_chunk: Callable[[int, int], None] | None = None,
) -> int:
    """Stream ``days`` of scans to a Parquet file, one row group per batch; return the rows.

    A writer thread compresses and writes one batch while the next is generated (Arrow
    releases the GIL), so at most three batches (about a million scans each) are in memory,
    whatever the horizon and the number of stores.
    ``on_chunk(days_done, rows_so_far)`` is called after each chunk (progress bars).
    """
    generator = ScanGenerator(scenario, seed, stores=stores, chunk_days=chunk_days)
    pending: queue.Queue[pa.RecordBatch | None] = queue.Queue(maxsize=1)
    failure: list[BaseException] = []

    def write() -> None:
        try:
            with (
                replaced_whole(path) as temp,
                pq.ParquetWriter(
                    temp, SCAN_SCHEMA, compression="zstd", use_dictionary=["store_gln", "gtin"]
                ) as writer,
            ):
                while (batch := pending.get()) is not None:
                    writer.write_batch(batch, row_group_size=max(batch.num_rows, 1))
        except BaseException as error:  # reported in the caller's thread
            failure.append(error)
            while pending.get() is not None:  # drain so the producer never blocks
                pass

    writer_thread = threading.Thread(target=write, name="scan-writer", daemon=True)
    writer_thread.start()
    rows = 0
    try:
        for batch in generator.batches(days):
            pending.put(batch)
            rows += batch.num_rows
            if on_chunk is not None:
                on_chunk(generator.next_day, rows)
    finally:
        pending.put(None)
        writer_thread.join()
    if failure:
        raise failure[0]
    return rows
