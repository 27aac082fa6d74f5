"""Replay mode: recorded daily sales as demand (stockouts then lose what was sold in reality)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crossdock.errors import PosError
from crossdock.scenario import Scenario

__all__ = ["ReplayDemand"]


class ReplayDemand:
    """Recorded daily units per store × GTIN, day by day.

    ``table`` has columns ``date`` (date32), ``store_gln``, ``gtin`` and ``sales_units``
    (as written by ``crossdock pos import``). Run day 0 is ``start`` (default: the first
    recorded date); days without records have no demand. Rows of stores or GTINs the scenario
    does not know are counted in :attr:`ignored_units` (the importer has already rejected
    them when it was given the same scenario).
    """

    def __init__(
        self, scenario: Scenario, table: pa.Table, *, start: dt.date | None = None
    ) -> None:
        for name in ("date", "store_gln", "gtin", "sales_units"):
            if name not in table.column_names:
                raise PosError(f"missing column {name!r}", file="<replay>", field=name)
        self.scenario = scenario
        dates = table["date"].cast(pa.date32())
        first = pc.min(dates).as_py()
        self.start: dt.date = start or first or scenario.spec.start_date
        day = (
            pc.cast(dates, pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)
            - (self.start - dt.date(1970, 1, 1)).days
        )
        s = _index(table["store_gln"], scenario.store_gln)
        k = _index(table["gtin"], scenario.gtin)
        units = table["sales_units"].to_numpy(zero_copy_only=False).astype(np.int64)
        known = (s >= 0) & (k >= 0) & (day >= 0)
        self.ignored_units = int(units[~known].sum())
        self.days = int(day.max(initial=-1)) + 1
        order = np.argsort(day[known], kind="stable")
        self._day = day[known][order]
        self._cell = (s[known] * scenario.n_skus + k[known])[order]
        self._units = units[known][order]
        self._bounds = np.searchsorted(self._day, np.arange(self.days + 1))

    def daily(self, day: int) -> np.ndarray:
        """Recorded units on ``day`` (zeros past the record)."""
        out = np.zeros(self.scenario.n_stores * self.scenario.n_skus, dtype=np.int64)
        if 0 <= day < self.days:
            lo, hi = self._bounds[day], self._bounds[day + 1]
            np.add.at(out, self._cell[lo:hi], self._units[lo:hi])
        return out.reshape(self.scenario.n_stores, self.scenario.n_skus)


def _index(column: pa.ChunkedArray, values: np.ndarray) -> np.ndarray:
    found = pc.index_in(pc.cast(column, pa.string()), value_set=pa.array(values.astype(str)))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
