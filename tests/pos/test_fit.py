"""Fitting demand from daily totals, and the replay and resample modes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

import crossdock
from crossdock.demand import DemandModel, FittedParameters, ReplayDemand
from crossdock.pos import fit_demand, fitted_scenario
from crossdock.scenario import Scenario, compile_scenario, generate_spec, read_spec

WEEKDAYS = [0.8, 0.9, 1.0, 1.0, 1.2, 1.5, 0.6]


def daily_table(scenario: Scenario, demand: np.ndarray) -> pa.Table:
    """A ``pos import``-shaped table of ``demand [day, store, sku]``."""
    day, s, k = np.nonzero(demand)
    start = scenario.spec.start_date
    return pa.table(
        {
            "date": pa.array([start + dt.timedelta(days=int(d)) for d in day], pa.date32()),
            "store_gln": scenario.store_gln[s].astype(str),
            "gtin": scenario.gtin[k].astype(str),
            "sales_units": demand[day, s, k],
        }
    )


@pytest.fixture(scope="module")
def known() -> tuple[Scenario, np.ndarray]:
    """2 stores × 12 SKUs, NB (k = 3) with a weekday profile, 364 days."""
    spec = generate_spec(n_stores=2, n_skus=12, horizon_days=364, seed=5, realistic_demand=False)
    demand = spec.demand.model_copy(
        update={"distribution": "negative_binomial", "dispersion": 3.0, "weekday_profile": WEEKDAYS}
    )
    sc = compile_scenario(spec.model_copy(update={"demand": demand}))
    model = DemandModel(sc, 2)
    return sc, np.stack([model.daily(d) for d in range(364)])


def test_fit_recovers_mean_weekdays_and_dispersion(known) -> None:
    sc, demand = known
    params, centre, days = fit_demand(daily_table(sc, demand), sc)
    assert days == 364 and centre == sc.spec.start_date + dt.timedelta(days=182)
    assert np.allclose(params.mean, sc.expected_demand(), rtol=0.08, atol=0.08)
    fast = sc.expected_demand() > 5
    profile = np.array(WEEKDAYS) / np.mean(WEEKDAYS)
    assert np.allclose(params.weekday[fast].mean(axis=0), profile, atol=0.08)
    assert np.allclose(params.weekday[fast], profile, atol=0.35)  # each series: noisy
    assert np.median(params.dispersion[fast]) == pytest.approx(3.0, rel=0.35)
    assert np.abs(params.trend[fast]).max() < 0.0015


def test_fit_finds_a_trend() -> None:
    spec = generate_spec(n_stores=1, n_skus=6, horizon_days=200, seed=5, realistic_demand=False)
    sc = compile_scenario(
        spec.model_copy(
            update={
                "demand": spec.demand.model_copy(
                    update={"distribution": "poisson", "weekday_profile": [1.0] * 7}
                )
            }
        )
    )
    rng = np.random.default_rng(0)
    t = np.arange(200)
    growing = 100.0 * (1 + 0.002 * (t - 100))
    demand = rng.poisson(np.broadcast_to(growing[:, None, None], (200, 1, 6)))
    params, _, _ = fit_demand(daily_table(sc, demand), sc)
    assert np.allclose(params.trend, 0.002, atol=0.0004)
    # Poisson data: the trend is not mistaken for over-dispersion
    assert params.dispersion.min() > 20


def test_resample_draws_like_the_history(known, tmp_path) -> None:
    sc, demand = known
    params, centre, _ = fit_demand(daily_table(sc, demand), sc)
    spec = fitted_scenario(sc, params, centre, tmp_path / "fit.demand.parquet")
    path = tmp_path / "fit.yaml"
    import yaml

    path.write_text(yaml.safe_dump(spec.model_dump(mode="json")), encoding="utf-8")
    fitted = compile_scenario(read_spec(path))
    assert fitted.spec.demand.fitted is not None
    read_back = FittedParameters.read(fitted.spec.demand.fitted.file, fitted, centre)
    assert np.allclose(read_back.mean, params.mean)
    model = DemandModel(fitted, 9)
    again = np.stack([model.daily(d) for d in range(364)])
    assert again.sum() == pytest.approx(demand.sum(), rel=0.05)
    per_weekday = [again[w::7].sum() for w in range(7)]
    assert np.argmax(per_weekday) == 5
    assert np.allclose(
        fitted.base_rate * fitted.size_factor.sum(), params.mean.sum(axis=0), rtol=1e-3
    )


def test_replay_gives_the_record_and_loses_what_stock_cannot_serve(known) -> None:
    sc, demand = known
    table = daily_table(sc, demand[:60])
    replay = ReplayDemand(sc, table)
    assert replay.days == 60 and replay.start == sc.spec.start_date
    assert all(np.array_equal(replay.daily(d), demand[d]) for d in range(60))
    assert replay.daily(60).sum() == 0
    # a tiny shelf: stock runs out, so the record is demand and part of it is lost
    small = sc.replace(shelf_capacity=np.ones_like(sc.shelf_capacity))
    result = crossdock.simulate(
        small, mode="traditional", days=60, demand=ReplayDemand(small, table)
    )
    assert result.sku_daily["demand"].sum() == demand[:60].sum()
    assert result.kpis["lost_sales_units"] > 0
    assert result.sku_daily["sales"].sum() < demand[:60].sum()
