"""Forecasters against references: statsmodels for Holt-Winters, textbook loops for Croston/TSB.

The vectorised forecasters run over a store × SKU grid of independent series; each series is
checked against a reference run on it alone. statsmodels is a test-only dependency (``dev``
extra); Croston and TSB are not in statsmodels, so their references are slow pure-Python
transcriptions of the published recursions (Croston 1972; Syntetos-Boylan 2005;
Teunter-Syntetos-Babai 2011).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.tsa.holtwinters import ExponentialSmoothing as StatsmodelsHoltWinters

from crossdock import ParameterError
from crossdock.policies import (
    TSB,
    AutoForecaster,
    Croston,
    ExponentialSmoothing,
    Forecaster,
    HoltWinters,
    MinMax,
    MovingAverage,
    OrderUpTo,
    check_policy,
    policy_from_spec,
)
from crossdock.scenario import EchelonSpec, ForecastSpec

SHAPE = (3, 4)
DAYS = 150
PROFILE = np.array([0.8, 0.9, 1.0, 1.0, 1.1, 1.5, 0.7])


def _weekly_series(seed: int, first_weekday: int = 0) -> np.ndarray:
    """[day, 3, 4] Poisson demand with a weekly profile, a slight trend, and rates 2..13."""
    rng = np.random.default_rng(seed)
    rates = np.arange(2.0, 14.0).reshape(SHAPE)
    weekday = (first_weekday + np.arange(DAYS)) % 7
    mean = rates[None] * PROFILE[weekday][:, None, None] + 0.01 * np.arange(DAYS)[:, None, None]
    return rng.poisson(mean).astype(np.float64)


def _intermittent_series(seed: int) -> np.ndarray:
    """[day, 3, 4] slow movers: a demand day with probability 0.05..0.6, sizes 1 + Poisson."""
    rng = np.random.default_rng(seed)
    probability = np.linspace(0.05, 0.6, 12).reshape(SHAPE)
    hit = rng.random((DAYS, *SHAPE)) < probability
    size = 1 + rng.poisson(np.linspace(0.5, 4, 12).reshape(SHAPE), (DAYS, *SHAPE))
    return (hit * size).astype(np.float64)


def _run(forecaster: Forecaster, prior: np.ndarray, series: np.ndarray) -> np.ndarray:
    """[day + 1, ...] forecasts: before each observed day, and after the last."""
    forecaster.reset(prior)
    out = []
    for day in series:
        out.append(np.array(forecaster.mean, copy=True))
        forecaster.observe(day)
    out.append(np.array(forecaster.mean, copy=True))
    return np.stack(out)


# -- Holt-Winters vs statsmodels ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("alpha", "beta", "gamma", "phi", "first_weekday", "profile"),
    [
        (0.2, 0.0, 0.15, 1.0, 0, None),  # level + weekday offsets
        (0.3, 0.1, 0.2, 0.9, 0, None),  # damped trend
        (0.1, 0.05, 0.1, 1.0, 3, PROFILE),  # undamped trend, seeded offsets, starts Thursday
    ],
)
def test_holt_winters_matches_statsmodels(
    alpha: float,
    beta: float,
    gamma: float,
    phi: float,
    first_weekday: int,
    profile: np.ndarray | None,
) -> None:
    series = _weekly_series(1, first_weekday)
    prior = np.arange(2.0, 14.0).reshape(SHAPE)
    ours = _run(
        HoltWinters(
            alpha=alpha,
            beta=beta,
            gamma=gamma,
            phi=phi,
            first_weekday=first_weekday,
            weekday_profile=None if profile is None else tuple(profile),
            precision="float64",
        ),
        prior,
        series,
    )
    offsets = np.zeros(7) if profile is None else profile / profile.mean() - 1
    worst = 0.0
    for i, j in np.ndindex(SHAPE):
        initial_seasonal = prior[i, j] * offsets[(first_weekday + np.arange(7)) % 7]
        trend = {} if beta == 0 else {"trend": "add", "damped_trend": phi < 1}
        model = StatsmodelsHoltWinters(
            series[:, i, j],
            seasonal="add",
            seasonal_periods=7,
            initialization_method="known",
            initial_level=prior[i, j],
            initial_seasonal=initial_seasonal,
            **({"initial_trend": 0.0} if beta else {}),
            **trend,
        )
        fitted = model.fit(
            smoothing_level=alpha,
            smoothing_seasonal=gamma,
            **({"smoothing_trend": beta} if beta else {}),
            **({"damping_trend": phi} if beta and phi < 1 else {}),
            optimized=False,
        )
        # our mean is clipped at zero (demand cannot be negative)
        reference = np.maximum(np.append(fitted.fittedvalues, fitted.forecast(1)), 0.0)
        worst = max(worst, float(np.abs(ours[:, i, j] - reference).max()))
    assert worst < 1e-9


def test_holt_winters_in_float32_stays_within_float32_rounding_of_float64() -> None:
    """The default float32 state drifts from float64 by no more than rounding can explain.

    Each day's update rounds the level, one offset and the variance once each (relative
    error eps = 2^-24 per operation, a handful of operations a day); the smoothing damps old
    errors, so after n days the drift is at most about 8 n eps times the largest forecast.
    """
    series = _weekly_series(1, 2)
    prior = np.arange(2.0, 14.0).reshape(SHAPE)
    options = {"alpha": 0.3, "beta": 0.1, "gamma": 0.2, "phi": 0.9, "first_weekday": 2}
    wide = _run(HoltWinters(**options, precision="float64"), prior, series)
    narrow = _run(HoltWinters(**options, season_precision="float32"), prior, series)
    assert narrow.dtype == np.float32
    bound = 8 * len(series) * float(np.finfo(np.float32).eps) * float(np.abs(wide).max())
    drift = float(np.abs(narrow - wide).max())
    assert 0 < drift < bound


@pytest.mark.parametrize(
    "options",
    [
        {"alpha": 0.3, "beta": 0.1, "gamma": 0.2, "phi": 0.9, "first_weekday": 2},
        {"alpha": 0.1, "gamma": 0.1, "first_weekday": 2, "weekday_profile": tuple(PROFILE)},
    ],
)
def test_holt_winters_half_precision_offsets_stay_far_below_the_demand_noise(
    options: dict,
) -> None:
    """The default offsets (float16 beside float32 state) move forecasts by < 1% of σ.

    The requirement behind the default: rounding each day's updated offset to 11
    significant bits must change no forecast by more than 1% of the demand's own standard
    deviation (√rate, Poisson), over 150 days. Held to float64 forecasts; ``0 <`` proves the
    offsets really are rounded.
    """
    series = _weekly_series(1, 2)
    prior = np.arange(2.0, 14.0).reshape(SHAPE)
    wide = _run(HoltWinters(**options, precision="float64"), prior, series)
    forecaster = HoltWinters(**options)
    half = _run(forecaster, prior, series)
    assert forecaster._season.dtype == np.float16
    drift = np.abs(half - wide).max(axis=0) / np.sqrt(prior)
    assert 0 < drift.max() < 0.01


@pytest.mark.parametrize("numba", ["0", "1"])
def test_holt_winters_widens_offsets_that_outgrow_half_precision(
    monkeypatch: pytest.MonkeyPatch, numba: str
) -> None:
    """No offset is lost to float16's range (±65,504): the offsets are widened instead."""
    from crossdock import _fused

    monkeypatch.setenv(_fused.ENV_VAR, numba)  # the NumPy path, then the fused kernel's
    big = HoltWinters(weekday_profile=tuple(PROFILE))
    big.reset(np.full(SHAPE, 200_000.0))  # seeded offsets of -60,000 .. +100,000 units
    assert big._season.dtype == np.float32
    assert np.isfinite(big._season).all() and big._season.max() > 65_504

    spike = HoltWinters(alpha=0.1, gamma=0.1)
    spike.reset(np.zeros(SHAPE))
    assert spike._season.dtype == np.float16
    demand = np.zeros(SHAPE)
    demand[1, 2] = 1_000_000.0  # one error of a million units: an offset of 100,000
    spike.observe(demand)
    season = spike._season
    assert season.dtype == np.float32 and np.isfinite(season).all()
    assert season[0, 1, 2] == np.float32(0.1) * np.float32(1_000_000.0)
    assert not season[0].sum() - season[0, 1, 2] and not season[1:].any()


def test_holt_winters_counts_weekdays_and_learns_the_week() -> None:
    forecaster = HoltWinters(alpha=0.05, gamma=0.1, first_weekday=2)
    rates = np.full(SHAPE, 10.0)
    forecaster.reset(rates)
    assert forecaster.weekday == 2
    rng = np.random.default_rng(5)
    for day in range(7 * 60):
        assert forecaster.weekday == (2 + day) % 7
        forecaster.observe(rng.poisson(rates * PROFILE[(2 + day) % 7]).astype(np.float64))
    # after 60 weeks the next day (weekday 2 + 420: a Wednesday) is forecast near 10 × 1.0
    # on average over the grid, and a Saturday near 15: walk to it
    assert forecaster.mean.mean() == pytest.approx(10 * PROFILE[2], rel=0.06)
    for weekday in (2, 3, 4):
        forecaster.observe(rates * PROFILE[weekday])
    assert forecaster.weekday == 5
    assert forecaster.mean.mean() == pytest.approx(10 * PROFILE[5], rel=0.06)
    forecaster.reset(rates, first_weekday=6)
    assert forecaster.weekday == 6


# -- Croston and TSB vs textbook loops ---------------------------------------------------------
def _poisson_split(mean: float) -> tuple[float, float]:
    probability = 1 - math.exp(-mean)
    return (mean / probability if probability > 0 else 1.0), probability


def _croston_reference(y: np.ndarray, prior: float, alpha: float, sba: bool) -> np.ndarray:
    size, probability = _poisson_split(prior)
    interval = 1 / probability
    since = 0
    out = []
    for value in y:
        out.append(size / interval * (1 - alpha / 2 if sba else 1))
        since += 1
        if value > 0:
            size = size + alpha * (value - size)
            interval = interval + alpha * (since - interval)
            since = 0
    out.append(size / interval * (1 - alpha / 2 if sba else 1))
    return np.array(out)


def _tsb_reference(y: np.ndarray, prior: float, alpha: float, beta: float) -> np.ndarray:
    size, probability = _poisson_split(prior)
    out = []
    for value in y:
        out.append(probability * size)
        probability = probability + beta * ((value > 0) - probability)
        if value > 0:
            size = size + alpha * (value - size)
    out.append(probability * size)
    return np.array(out)


@pytest.mark.parametrize(("alpha", "sba"), [(0.1, False), (0.3, True)])
def test_croston_matches_the_reference(alpha: float, sba: bool) -> None:
    series = _intermittent_series(2)
    prior = np.linspace(0.1, 2.0, 12).reshape(SHAPE)
    ours = _run(Croston(alpha=alpha, sba=sba), prior, series)
    worst = max(
        float(
            np.abs(
                ours[:, i, j] - _croston_reference(series[:, i, j], prior[i, j], alpha, sba)
            ).max()
        )
        for i, j in np.ndindex(SHAPE)
    )
    assert worst < 1e-12


@pytest.mark.parametrize(("alpha", "beta"), [(0.1, 0.1), (0.4, 0.05)])
def test_tsb_matches_the_reference(alpha: float, beta: float) -> None:
    series = _intermittent_series(3)
    prior = np.linspace(0.1, 2.0, 12).reshape(SHAPE)
    ours = _run(TSB(alpha=alpha, beta=beta), prior, series)
    worst = max(
        float(
            np.abs(ours[:, i, j] - _tsb_reference(series[:, i, j], prior[i, j], alpha, beta)).max()
        )
        for i, j in np.ndindex(SHAPE)
    )
    assert worst < 1e-12


def test_croston_converges_to_size_over_interval() -> None:
    forecaster = Croston(alpha=0.2)
    forecaster.reset(np.full(2, 1.0))
    for day in range(400):  # 6 units every 4th day: 1.5 a day
        forecaster.observe(np.full(2, 6.0 if day % 4 == 3 else 0.0))
    assert np.allclose(forecaster.mean, 1.5, rtol=1e-6)


def test_tsb_decays_after_an_item_stops_selling_and_croston_does_not() -> None:
    croston, tsb = Croston(alpha=0.1), TSB(alpha=0.1, beta=0.1)
    prior = np.full(1, 0.5)
    for forecaster in (croston, tsb):
        forecaster.reset(prior)
        for _ in range(60):
            forecaster.observe(np.zeros(1))
    assert np.allclose(croston.mean, 0.5)
    assert tsb.mean[0] < 0.5 * 0.9**60 + 1e-12


def test_zero_prior_means_no_demand_until_some_is_seen() -> None:
    for forecaster in (Croston(), TSB(), HoltWinters()):
        forecaster.reset(np.zeros(3))
        assert np.all(forecaster.mean == 0)
        assert np.all(np.isfinite(forecaster.std))
        forecaster.observe(np.array([0.0, 2.0, 0.0]))
        assert np.all(np.isfinite(forecaster.mean)) and forecaster.mean[1] > 0


# -- interface ---------------------------------------------------------------------------------
FORECASTERS = [
    HoltWinters(),
    HoltWinters(beta=0.1, phi=0.9, weekday_profile=tuple(PROFILE)),
    Croston(),
    Croston(alpha=0.2, sba=True),
    TSB(),
    AutoForecaster(),
    AutoForecaster(steady=HoltWinters(), intermittent=TSB(beta=0.05)),
]


@pytest.mark.parametrize("forecaster", FORECASTERS, ids=repr)
def test_order_up_to_and_min_max_pass_check_policy(forecaster: Forecaster) -> None:
    check_policy(OrderUpTo(forecast=forecaster))
    check_policy(OrderUpTo(review_period_days=3, forecast=forecaster))
    check_policy(MinMax(forecast=forecaster))


@pytest.mark.parametrize("forecaster", FORECASTERS, ids=repr)
def test_state_is_per_clone_and_observe_does_not_keep_the_input(forecaster: Forecaster) -> None:
    first, second = forecaster.clone(), forecaster.clone()
    first.reset(np.full(SHAPE, 3.0))
    second.reset(np.full(SHAPE, 3.0))
    demand = np.full(SHAPE, 9.0)
    first.observe(demand)
    demand[:] = 0
    assert not np.array_equal(first.mean, second.mean)
    again = forecaster.clone()
    again.reset(np.full(SHAPE, 3.0))
    again.observe(np.full(SHAPE, 9.0))
    assert np.array_equal(again.mean, first.mean)


def test_auto_uses_tsb_for_intermittent_positions_only() -> None:
    series = _intermittent_series(4)  # demand-day probabilities 0.05 .. 0.6 across the grid
    steady = np.random.default_rng(4).poisson(5.0, (DAYS, *SHAPE)).astype(np.float64)
    mixed = np.concatenate([series, steady], axis=2)  # [day, 3, 8]: left intermittent
    prior = np.full((3, 8), 1.0)
    auto = AutoForecaster(steady=HoltWinters(), intermittent=TSB(beta=0.1))
    ours = _run(auto, prior, mixed)
    tsb = _run(TSB(beta=0.1), prior, mixed)
    holt = _run(HoltWinters(), prior, mixed)
    assert auto.is_intermittent[:, :4].all() and not auto.is_intermittent[:, 4:].any()
    assert np.array_equal(ours[-1], np.where(auto.is_intermittent, tsb[-1], holt[-1]))
    assert auto.get_params()["steady__gamma"] == 0.1


@pytest.mark.parametrize(
    ("forecaster", "name"),
    [
        (AutoForecaster(intermittent=Croston()), "intermittent"),  # type: ignore[arg-type]
        (AutoForecaster(max_interval_days=0.5), "max_interval_days"),
        (HoltWinters(alpha=0), "alpha"),
        (HoltWinters(gamma=1.5), "gamma"),
        (HoltWinters(phi=0), "phi"),
        (HoltWinters(first_weekday=7), "first_weekday"),
        (HoltWinters(weekday_profile=(1.0, 2.0)), "weekday_profile"),
        (HoltWinters(season_precision="half"), "season_precision"),
        (HoltWinters(precision="float64", season_precision="float16"), "season_precision"),
        (Croston(alpha=2), "alpha"),
        (Croston(sba=1), "sba"),
        (TSB(beta=0), "beta"),
    ],
)
def test_bad_parameters_are_named(forecaster: Forecaster, name: str) -> None:
    with pytest.raises(ParameterError, match=f"'{name}' parameter of {type(forecaster).__name__}"):
        forecaster.reset(np.ones(2))


@pytest.mark.parametrize(
    ("forecast", "kind", "params"),
    [
        (ForecastSpec(method="moving_average", window_days=14), MovingAverage, {"window_days": 14}),
        (
            ForecastSpec(method="exponential_smoothing", alpha=0.3),
            ExponentialSmoothing,
            {"alpha": 0.3},
        ),
        (ForecastSpec(alpha=0.3), HoltWinters, {"alpha": 0.3}),  # the default: weekday-aware
        (
            ForecastSpec(
                method="holt_winters",
                alpha=0.2,
                trend_smoothing=0.05,
                seasonal_smoothing=0.3,
                damping=0.9,
                season_precision="float32",
            ),
            HoltWinters,
            {"alpha": 0.2, "beta": 0.05, "gamma": 0.3, "phi": 0.9, "season_precision": "float32"},
        ),
        (ForecastSpec(method="croston", alpha=0.2, sba=True), Croston, {"alpha": 0.2, "sba": True}),
        (
            ForecastSpec(method="tsb", alpha=0.2, probability_smoothing=0.05),
            TSB,
            {"alpha": 0.2, "beta": 0.05},
        ),
        (
            ForecastSpec(method="auto", steady_method="holt_winters", max_interval_days=2.0),
            AutoForecaster,
            {"steady__gamma": 0.1, "intermittent__beta": 0.1, "max_interval_days": 2.0},
        ),
    ],
)
def test_policy_from_spec_builds_each_forecaster(
    forecast: ForecastSpec, kind: type, params: dict
) -> None:
    policy = policy_from_spec(EchelonSpec(forecast=forecast))
    assert isinstance(policy, OrderUpTo) and type(policy.forecast) is kind
    got = policy.forecast.get_params()
    assert {k: got[k] for k in params} == params
    check_policy(policy)
