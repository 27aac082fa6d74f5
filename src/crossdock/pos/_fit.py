"""Fit demand parameters per store × SKU from daily POS totals (``crossdock pos fit``).

From the daily totals of a history of D days: the mean, a weekday profile (shrunk towards the
chain's profile for thin series), a linear trend (relative change per day, centred on the
middle of the history) and a negative binomial dispersion from the variance left within
weekdays (method of moments; Poisson when there is no over-dispersion). All sums come from
the sparse rows by ``bincount``, never from a dense days × stores × SKUs array.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from crossdock._files import written_atomically
from crossdock.demand import FittedParameters
from crossdock.errors import PosError
from crossdock.scenario import FittedDemandSpec, Scenario, ScenarioSpec

__all__ = ["fit_demand", "fitted_scenario"]

_SHRINK_UNITS = 50.0  # a series with this many units trusts its own weekday profile half-way
_MAX_SHAPE = 1_000.0  # a fitted k above this is Poisson


def fit_demand(daily: pa.Table, scenario: Scenario) -> tuple[FittedParameters, dt.date, int]:
    """Fit every store × SKU; return the parameters, the trend's centre date and the days."""
    if daily.num_rows == 0:
        raise PosError("no daily totals to fit", file="<daily>")
    dates = pc.cast(daily["date"].cast(pa.date32()), pa.int32()).to_numpy(zero_copy_only=False)
    first, last = int(dates.min()), int(dates.max())
    n_days = last - first + 1
    t = (dates - first).astype(np.float64)
    weekday = (dt.date(1970, 1, 1).weekday() + dates) % 7
    stores = pc.index_in(daily["store_gln"], value_set=pa.array(scenario.store_gln.astype(str)))
    skus = pc.index_in(daily["gtin"], value_set=pa.array(scenario.gtin.astype(str)))
    s = pc.fill_null(stores, -1).to_numpy(zero_copy_only=False)
    k = pc.fill_null(skus, -1).to_numpy(zero_copy_only=False)
    known = (s >= 0) & (k >= 0)
    x = daily["sales_units"].to_numpy(zero_copy_only=False).astype(np.float64)[known]
    cell = (s[known] * scenario.n_skus + k[known]).astype(np.int64)
    t, weekday = t[known], weekday[known]
    cells = scenario.n_stores * scenario.n_skus
    total = np.bincount(cell, x, minlength=cells)
    squares = np.bincount(cell, x * x, minlength=cells)
    timed = np.bincount(cell, x * t, minlength=cells)
    by_weekday = np.bincount(cell * 7 + weekday, x, minlength=cells * 7).reshape(cells, 7)
    all_days = first + np.arange(n_days)
    days_per_weekday = np.bincount((dt.date(1970, 1, 1).weekday() + all_days) % 7, minlength=7)

    mean = total / n_days
    weekday_mean = by_weekday / np.maximum(days_per_weekday, 1)
    chain = weekday_mean.sum(axis=0) / max(mean.sum(), 1e-12)
    chain = np.where(days_per_weekday > 0, chain, 0.0)
    chain = chain / chain[days_per_weekday > 0].mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(mean[:, None] > 0, weekday_mean / mean[:, None], chain[None, :])
    trust = (total / (total + _SHRINK_UNITS))[:, None]
    profile = trust * own + (1 - trust) * chain[None, :]
    open_days = days_per_weekday > 0
    profile = profile / np.maximum(profile[:, open_days].mean(axis=1, keepdims=True), 1e-12)
    t_mean = (n_days - 1) / 2
    t_var = ((np.arange(n_days) - t_mean) ** 2).sum()
    slope = (timed - t_mean * total) / max(t_var, 1e-12)
    # variance left within weekdays and around the trend, beyond Poisson's
    within = squares / n_days - (days_per_weekday * weekday_mean**2).sum(axis=1) / n_days
    excess = within - slope**2 * t_var / n_days - mean
    with np.errstate(divide="ignore", invalid="ignore"):
        shape = np.where(excess > 0.05 * mean, mean**2 / excess, np.inf)
    shape = np.where(shape > _MAX_SHAPE, np.inf, np.maximum(shape, 0.05))
    with np.errstate(divide="ignore", invalid="ignore"):
        trend = np.where(mean > 0, slope / mean, 0.0)
    limit = 1.8 / max(n_days, 1)
    trend = np.clip(trend, -limit, limit) if n_days >= 14 else np.zeros_like(trend)
    centre = dt.date(1970, 1, 1) + dt.timedelta(days=first + n_days // 2)
    shape2 = (scenario.n_stores, scenario.n_skus)
    params = FittedParameters(
        mean=mean.reshape(shape2),
        dispersion=shape.reshape(shape2),
        weekday=profile.reshape(*shape2, 7),
        trend=trend.reshape(shape2),
        centre_day=(centre - scenario.spec.start_date).days,
        first_weekday=scenario.spec.start_date.weekday(),
    )
    return params, centre, n_days


def fitted_scenario(
    scenario: Scenario, params: FittedParameters, centre: dt.date, parameters_file: str | Path
) -> ScenarioSpec:
    """The scenario with its demand replaced by the fitted model (resample mode).

    The per store × SKU parameters live in ``parameters_file`` (Parquet, written here); the
    scenario keeps its holidays, drops the generated calendar effects the history already
    contains, and gets product base rates and a weekday profile matching the fit (they size
    shelves and opening stocks).
    """
    path = Path(parameters_file)
    with written_atomically(path) as handle:
        pq.write_table(params.to_table(scenario), handle)
    spec = scenario.spec
    size = scenario.size_factor
    rate = params.mean.sum(axis=0) / size.sum()
    rate_of = dict(zip(scenario.gtin, rate, strict=True))
    products = [
        p.model_copy(update={"base_rate": round(float(rate_of[p.gtin]), 4)}) for p in spec.products
    ]
    weights = params.mean.ravel()
    profile = (params.weekday.reshape(-1, 7) * weights[:, None]).sum(axis=0) / max(
        weights.sum(), 1e-12
    )
    finite = np.isfinite(params.dispersion) & (params.mean > 0)
    dispersion = float(np.median(params.dispersion[finite])) if finite.any() else 2.0
    demand = spec.demand.model_copy(
        update={
            "distribution": "negative_binomial" if finite.any() else "poisson",
            "dispersion": round(dispersion, 3),
            "weekday_profile": [round(float(v), 4) for v in profile],
            "seasons": [],
            "promotions": [],
            "price_changes": [],
            "life_cycles": [],
            "intermittent": None,
            "fitted": FittedDemandSpec(file=str(path.resolve()), start_date=centre),
        }
    )
    return spec.model_copy(update={"products": products, "demand": demand})
