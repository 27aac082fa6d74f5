"""Per store × SKU demand parameters fitted from POS history (resample mode)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from crossdock.errors import ScenarioError
from crossdock.scenario import Scenario

__all__ = ["FITTED_COLUMNS", "FittedParameters"]

FITTED_COLUMNS = ["store_gln", "gtin", "mean", "dispersion", "trend"] + [
    f"weekday_{w}" for w in range(7)
]


@dataclass(frozen=True)
class FittedParameters:
    """Fitted demand of each store × SKU.

    ``mean`` units/day at ``centre_day``; ``dispersion`` negative binomial shape k (``inf``:
    Poisson); ``weekday`` ``[s, k, 7]`` factors of mean 1; ``trend`` relative change of the
    mean per day, so the mean on day d is ``mean × weekday × max(0, 1 + trend·(d − centre))``.
    """

    mean: np.ndarray  # [s, k]
    dispersion: np.ndarray  # [s, k]
    weekday: np.ndarray  # [s, k, 7]
    trend: np.ndarray  # [s, k]
    centre_day: int
    first_weekday: int  # weekday of run day 0

    def factor(self, store: int, days: np.ndarray) -> np.ndarray:
        """``[b, k]`` weekday × trend factor of one store."""
        weekdays = (self.first_weekday + days) % 7
        profile = self.weekday[store][:, weekdays].T  # [b, k]
        trend = 1.0 + self.trend[store][None, :] * (days[:, None] - self.centre_day)
        return profile * np.maximum(trend, 0.0)

    def to_table(self, scenario: Scenario) -> pa.Table:
        """The parameters as a table (one row per store × SKU with a positive mean)."""
        s, k = np.nonzero(self.mean > 0)
        columns: dict[str, object] = {
            "store_gln": pa.array(scenario.store_gln[s].astype(str)),
            "gtin": pa.array(scenario.gtin[k].astype(str)),
            "mean": self.mean[s, k],
            "dispersion": self.dispersion[s, k],
            "trend": self.trend[s, k],
        }
        for w in range(7):
            columns[f"weekday_{w}"] = self.weekday[s, k, w]
        return pa.table(columns)

    @classmethod
    def from_table(
        cls, table: pa.Table, scenario: Scenario, start_date: dt.date, *, source: str = "<table>"
    ) -> FittedParameters:
        """Read parameters back; store × SKU pairs not in the table get no demand."""
        missing = [c for c in FITTED_COLUMNS if c not in table.column_names]
        if missing:
            raise ScenarioError(
                f"missing column {missing[0]!r}", file=source, field="demand.fitted"
            )
        stores = {g: i for i, g in enumerate(scenario.store_gln)}
        skus = {g: i for i, g in enumerate(scenario.gtin)}
        s = np.array([stores.get(g, -1) for g in table["store_gln"].to_pylist()], dtype=np.int64)
        k = np.array([skus.get(g, -1) for g in table["gtin"].to_pylist()], dtype=np.int64)
        keep = (s >= 0) & (k >= 0)
        s, k = s[keep], k[keep]
        shape = (scenario.n_stores, scenario.n_skus)
        mean = np.zeros(shape)
        dispersion = np.full(shape, np.inf)
        trend = np.zeros(shape)
        weekday = np.ones((*shape, 7))

        def col(name: str) -> np.ndarray:
            return table[name].to_numpy().astype(np.float64)[keep]

        mean[s, k] = col("mean")
        dispersion[s, k] = np.where(np.isnan(col("dispersion")), np.inf, col("dispersion"))
        trend[s, k] = col("trend")
        for w in range(7):
            weekday[s, k, w] = col(f"weekday_{w}")
        return cls(
            mean=mean,
            dispersion=dispersion,
            weekday=weekday,
            trend=trend,
            centre_day=(start_date - scenario.spec.start_date).days,
            first_weekday=scenario.spec.start_date.weekday(),
        )

    @classmethod
    def of_scenario(cls, scenario: Scenario) -> FittedParameters | None:
        """The parameters the scenario's ``demand.fitted`` names (``None`` if it names none)."""
        fitted = scenario.spec.demand.fitted
        return None if fitted is None else cls.read(fitted.file, scenario, fitted.start_date)

    @classmethod
    def read(cls, path: str | Path, scenario: Scenario, start_date: dt.date) -> FittedParameters:
        """Read a Parquet file written by ``crossdock pos fit``."""
        try:
            table = pq.read_table(path)
        except (OSError, pa.ArrowInvalid) as error:
            raise ScenarioError(
                f"cannot read fitted parameters: {error}",
                file=str(path),
                field="demand.fitted.file",
            ) from None
        return cls.from_table(table, scenario, start_date, source=str(path))
