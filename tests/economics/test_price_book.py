"""The price book's revenue: the day's sales at the day's prices, without a store x SKU block."""

from __future__ import annotations

import numpy as np
import pytest

import crossdock.economics._prices as prices_module
from crossdock.economics import PriceBook
from crossdock.scenario import load_scenario


@pytest.mark.parametrize("kernels", ["0", "1"])
@pytest.mark.parametrize("block_days", [1, 28])
@pytest.mark.parametrize("block_bytes", [1, 8 * 240 * 5, 1 << 22])
def test_revenue_is_the_sales_at_the_days_prices_bit_for_bit(
    monkeypatch: pytest.MonkeyPatch, block_bytes: int, block_days: int, kernels: str
) -> None:
    """Built a store (or five) at a time or all at once, the sums are the same floats.

    With the SKU factors worked out a day or four weeks ahead (``block_days``), and with
    or without the compiled kernels (``CROSSDOCK_NUMBA``: the stores' rows of prices read in
    place, summed in einsum's order).
    """
    monkeypatch.setenv("CROSSDOCK_NUMBA", kernels)
    monkeypatch.setattr(prices_module, "_REVENUE_BLOCK_BYTES", block_bytes)
    sc = load_scenario()  # the built-in scenario has promotions for some stores only
    book = PriceBook(sc, block_days=block_days)
    whole = PriceBook(sc, block_days=1)
    rng = np.random.default_rng(3)
    promoted = 0
    for day in range(0, sc.horizon_days, 7):
        sold = rng.integers(0, 50, size=(sc.n_stores, sc.n_skus)).astype(np.int32)
        price = whole.price(day)
        promoted += int((price != np.round(price[0], 2)).any())
        expected = np.einsum("sk,sk->s", sold, price)
        assert book.revenue(day, sold).tobytes() == expected.tobytes()
    assert promoted > 0  # some days had store-specific prices


def test_a_shards_revenue_is_its_stores_rows_of_the_whole_books() -> None:
    """A book of some stores (a shard) values their sales as the whole book does."""
    sc = load_scenario()
    rows = np.array([1, 2, 5, 8, 11])
    whole, part = PriceBook(sc, block_days=1), PriceBook(sc, block_days=1, stores=rows)
    rng = np.random.default_rng(4)
    for day in range(0, sc.horizon_days, 5):
        sold = rng.integers(0, 50, size=(sc.n_stores, sc.n_skus)).astype(np.int32)
        expected = whole.revenue(day, sold)[rows]
        assert part.revenue(day, sold[rows]).tobytes() == expected.tobytes()


@pytest.mark.parametrize("kernels", ["0", "1"])
def test_one_price_per_sku_is_summed_as_einsum_sums_it(
    monkeypatch: pytest.MonkeyPatch, kernels: str
) -> None:
    """Without promotions or price changes every store pays the shelf price: einsum's sums."""
    monkeypatch.setenv("CROSSDOCK_NUMBA", kernels)
    sc = load_scenario()
    demand = sc.spec.demand.model_copy(update={"promotions": [], "price_changes": []})
    sc = sc.replace(spec=sc.spec.model_copy(update={"demand": demand}))
    book = PriceBook(sc)
    assert book._plain
    rng = np.random.default_rng(6)
    for day in range(0, 60, 9):
        sold = rng.integers(0, 50, size=(sc.n_stores, sc.n_skus)).astype(np.int32)
        expected = np.einsum("sk,sk->s", sold, np.broadcast_to(sc.shelf_price, sold.shape))
        assert book.revenue(day, sold).tobytes() == expected.tobytes()
