"""The shelf price each store charges for each SKU on each day, promotions included.

Prices are a function of the scenario alone (its shelf prices, lasting price changes and
promotion cuts, the same figures that drive demand through the price elasticity), so the
stores can value what they sell at the price paid without any party telling them.
"""

from __future__ import annotations

import numpy as np

from crossdock.scenario import Scenario

__all__ = ["PriceBook"]

#: Bytes of prices :meth:`PriceBook.revenue` builds at a time (a few stores' rows), in one
#: buffer kept for the run: a core's cache holds it between its passes, and no allocation of
#: this size is made (and its pages faulted in) each day.
_REVENUE_BLOCK_BYTES = 1 << 20
#: Days of per-SKU factors (``[days, skus]``, small) :meth:`PriceBook.revenue` works out ahead.
_FACTOR_DAYS = 28


class PriceBook:
    """``price(day)``: the ``[stores, skus]`` price paid on ``day`` (EUR per unit).

    Computed in blocks of ``block_days`` days ahead (days asked in order are cheap).
    ``stores`` (indices) prices only those stores' rows, each exactly as in the whole book
    (a shard of a run, see :mod:`crossdock.shard`).
    """

    def __init__(
        self, scenario: Scenario, block_days: int = 28, *, stores: np.ndarray | None = None
    ) -> None:
        from crossdock.demand._effects import compile_effects

        self.scenario = scenario
        self.block_days = block_days
        self._effects = compile_effects(scenario)
        self._rows = None if stores is None else np.asarray(stores, dtype=np.int64)
        self._n_stores = scenario.n_stores if self._rows is None else len(self._rows)
        self._start = -1
        self._block = np.zeros((0, self._n_stores, scenario.n_skus))
        self._plain = not len(self._effects.price_sku) and not any(
            len(g.sku) for g in self._effects.promotions
        )
        # revenue's per-SKU factors (base prices [b, k], each store set's price cuts [b, k]),
        # worked out a block of days ahead, as the demand model does: the same numbers, each
        # element the same product, without a call per day
        self._factors_start = -1
        self._factors: tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]] = (
            np.zeros((0, scenario.n_skus)),
            [],
        )
        self._buffer = np.empty(0)  # revenue's block of prices, made at its first use
        # the distinct sets of promotion groups stores belong to, and each store's
        self._kinds = np.zeros((1, 0), dtype=bool)
        self._kind_of_store = np.zeros(self._n_stores, dtype=np.int64)

    def price(self, day: int) -> np.ndarray:
        """Price per store × SKU on ``day`` (a view; do not write to it)."""
        sc = self.scenario
        if self._plain:
            return np.broadcast_to(sc.shelf_price, (self._n_stores, sc.n_skus))
        offset = day - self._start
        if not 0 <= offset < len(self._block):
            self._fill(day)
            offset = 0
        return self._block[offset]

    def revenue(self, day: int, sold: np.ndarray) -> np.ndarray:
        """Per store, ``sold[s, k]`` valued at ``price(day)[s, k]``, summed over SKUs.

        The prices are built a few stores at a time (about :data:`_REVENUE_BLOCK_BYTES`), so
        no ``[stores, skus]`` float64 array is held: 8 bytes per store-SKU cell fewer than
        :meth:`price`. Each store's sum is the same, bit for bit (``einsum`` sums each row on
        its own; the prices are the same products rounded to cents). With the compiled
        kernels, :func:`crossdock._fused.row_dot_chosen` gives ``einsum``'s sums with no
        block of prices at all.
        """
        n_stores, n_skus = sold.shape
        step = max(1, _REVENUE_BLOCK_BYTES // (8 * max(n_skus, 1)))
        from crossdock import _fused

        kernels = _fused.einsum_kernels(sold)
        if self._plain and kernels is not None:  # one price row for every store
            out = np.empty(n_stores)
            chosen = np.zeros(n_stores, dtype=np.int64)
            row = np.asarray(self.scenario.shelf_price, dtype=np.float64)[None, :]
            kernels.row_dot_chosen(sold, row, chosen, np.getbufsize(), out)
            return out
        if self._plain:  # one price per SKU: a few stores' rows at a time all the same
            prices = self.price(day)
            out = np.empty(n_stores)
            for start in range(0, n_stores, step):
                part = slice(start, min(start + step, n_stores))
                out[part] = np.einsum("sk,sk->s", sold[part], prices[part])
            return out
        offset = day - self._factors_start
        if not 0 <= offset < len(self._factors[0]):  # the SKU factors of the next block of days
            days = day + np.arange(_FACTOR_DAYS)
            groups = [
                (stores if self._rows is None else stores[self._rows], cut)
                for stores, _, cut in self._effects.promotion_factors(days)
            ]
            self._factors = (self._effects.price(days), groups)
            self._factors_start, offset = day, 0
            # the stores that share the same promotion groups share a row of prices
            if groups:
                member = np.array([stores for stores, _ in groups], dtype=bool)
                self._kinds, inverse = np.unique(member.T, axis=0, return_inverse=True)
                self._kind_of_store = inverse.reshape(-1)  # (its shape varies with NumPy)
            else:  # lasting price changes only: one row for every store
                self._kinds = np.zeros((1, 0), dtype=bool)
                self._kind_of_store = np.zeros(n_stores, dtype=np.int64)
        base = self._factors[0][offset]
        # each kind of store's prices, as each of its stores' row was made: the base, times
        # each of its groups' cut in turn, rounded to cents (the same products)
        prices = np.empty((len(self._kinds), n_skus))
        for kind, groups_in in enumerate(self._kinds):
            row = prices[kind]
            row[:] = base
            for (_, cut), member in zip(self._factors[1], groups_in, strict=True):
                if member:
                    row *= cut[offset]
        np.round(prices, 2, out=prices)
        kind_of_store = self._kind_of_store
        out = np.empty(n_stores)
        if kernels is not None:  # each store's row of prices read in place, not gathered
            kernels.row_dot_chosen(sold, prices, kind_of_store, np.getbufsize(), out)
            return out
        cells = min(step, n_stores) * n_skus
        if self._buffer.size < cells:
            self._buffer = np.empty(cells)
        block = self._buffer[:cells].reshape(-1, n_skus)
        for start in range(0, n_stores, step):
            stop = min(start + step, n_stores)
            rows = block[: stop - start]
            np.take(prices, kind_of_store[start:stop], axis=0, out=rows)
            out[start:stop] = np.einsum("sk,sk->s", sold[start:stop], rows)
        return out

    def _fill(self, start: int) -> None:
        days = start + np.arange(self.block_days)
        base = self._effects.price(days)  # [b, k]
        block = np.repeat(base[:, None, :], self._n_stores, axis=1)
        for stores, _, cut in self._effects.promotion_factors(days):
            members = stores if self._rows is None else stores[self._rows]
            block[:, members, :] *= cut[:, None, :]
        self._block = np.round(block, 2, out=block)  # whole cents; in place, no second block
        self._start = start
