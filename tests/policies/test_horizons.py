"""Policy horizons follow the documented lead-time convention, and one definition of bounds.

An order placed at the end of day t sells from day t + L; the next review is at the end of
day t + R, whose order sells from day t + R + L. So today's order must cover the demand of
days t + 1 … t + R + L − 1: a protection interval of R + L − 1 days.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtri

from crossdock import ParameterError
from crossdock._bounds import SERVICE_LEVEL_MAX, SERVICE_LEVEL_MIN
from crossdock.policies import MinMax, MovingAverage, Observation, OrderUpTo
from crossdock.scenario import EchelonSpec


def test_protection_interval_is_review_plus_lead_time_minus_one() -> None:
    from crossdock.policies._rules import protection_interval_days

    assert protection_interval_days(1, 1) == 1  # tonight's order sells tomorrow only
    assert protection_interval_days(1, 3) == 3
    assert protection_interval_days(7, 2) == 8
    lead = np.array([[1.0], [2.0], [4.0]])
    assert np.array_equal(protection_interval_days(2, lead), lead + 1)


def _observation(lead: int) -> Observation:
    return Observation(
        day=0,
        on_hand=np.array([5]),
        on_order=np.array([3]),
        backorders=np.array([0]),
        lead_time_days=lead,
    )


def _learnt(policy: OrderUpTo | MinMax) -> OrderUpTo | MinMax:
    policy.reset(np.array([10.0]))
    for value in (8.0, 12.0, 10.0, 10.0):
        policy.observe(np.array([value]))
    return policy


WINDOW_STD = float(np.std([8.0, 12.0, 10.0, 10.0], ddof=1))


@pytest.mark.parametrize(("review", "lead"), [(1, 1), (1, 2), (3, 2)])
def test_order_up_to_covers_the_protection_interval(review: int, lead: int) -> None:
    policy = _learnt(
        OrderUpTo(
            review_period_days=review,
            service_level=0.95,
            demand_distribution="normal",
            forecast=MovingAverage(window_days=4),
        )
    )
    days = review + lead - 1
    z = float(ndtri(0.95))
    # a moving average's P-day forecast error: P days of demand noise plus P² times the
    # variance of a mean of 4 days
    sigma = WINDOW_STD * np.sqrt(days + days**2 / 4)
    assert policy.plan(_observation(lead))[0] == pytest.approx(10 * days + z * sigma - 8)


def test_min_max_reorder_point_covers_the_protection_interval() -> None:
    policy = _learnt(
        MinMax(
            service_level=0.95,
            cover_days=5,
            demand_distribution="normal",
            forecast=MovingAverage(window_days=4),
        )
    )
    z = float(ndtri(0.95))
    s = 10 * 2 + z * WINDOW_STD * np.sqrt(2 + 4 / 4)
    low = Observation(
        day=0,
        on_hand=np.array([int(np.floor(s)) - 1]),
        on_order=np.array([0]),
        backorders=np.array([0]),
        lead_time_days=2,
    )
    high = Observation(
        day=0,
        on_hand=np.array([int(np.floor(s)) + 1]),
        on_order=np.array([0]),
        backorders=np.array([0]),
        lead_time_days=2,
    )
    assert policy.plan(high)[0] == 0
    assert policy.plan(low)[0] == pytest.approx(s + 50 - low.on_hand[0])


@pytest.mark.parametrize("level", [0.8, 0.95, 0.99])
def test_order_up_to_level_is_the_gamma_quantile_by_default(level: float) -> None:
    """The default level is the gamma quantile of the same mean and deviation as above."""
    from scipy.stats import gamma

    policy = _learnt(OrderUpTo(service_level=level, forecast=MovingAverage(window_days=4)))
    days = 2
    mean = 10.0 * days
    sigma = WINDOW_STD * np.sqrt(days + days**2 / 4)
    shape, scale = (mean / sigma) ** 2, sigma**2 / mean
    expected = gamma.ppf(level, shape, scale=scale)
    assert policy.plan(_observation(2))[0] + 8 == pytest.approx(expected, rel=1e-4)
    if level >= 0.95:  # skewed to the right: the high quantiles lie above the normal's
        assert expected > mean + float(ndtri(level)) * sigma


@pytest.mark.parametrize("level", [SERVICE_LEVEL_MIN, 0.8, 0.999])
def test_schema_and_policy_accept_the_same_service_levels(level: float) -> None:
    spec = EchelonSpec(service_level=level)
    OrderUpTo(service_level=spec.service_level).validate_params()
    MinMax(service_level=spec.service_level).validate_params()


@pytest.mark.parametrize("level", [0.49, SERVICE_LEVEL_MAX, 1.5])
def test_schema_and_policy_refuse_the_same_service_levels(level: float) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        EchelonSpec(service_level=level)
    with pytest.raises(ParameterError):
        OrderUpTo(service_level=level).validate_params()


def test_holt_winters_horizon_sums_the_weekday_forecasts() -> None:
    from crossdock.policies import HoltWinters

    rng = np.random.default_rng(3)
    profile = (0.9, 0.95, 1.0, 1.05, 1.3, 1.55, 0.35)
    forecaster = HoltWinters(alpha=0.1, gamma=0.2)
    forecaster.set_calendar(3, np.array(profile))  # day 0 is a Thursday
    forecaster.reset(np.full(4, 10.0))
    assert forecaster.weekday == 3
    for _ in range(10):
        forecaster.observe(rng.poisson(10.0, 4).astype(float))
    days = np.array([1.0, 3.0, 7.0, 12.0])
    expected = [
        sum(
            forecaster._level[i] + forecaster._season[(forecaster.weekday + j) % 7, i]
            for j in range(int(d))
        )
        for i, d in enumerate(days)
    ]
    assert np.allclose(forecaster.horizon_mean(days), expected)
    # one day ahead: the one-step error
    assert np.allclose(forecaster.horizon_std(np.ones(4)), forecaster.std)


def test_exponential_smoothing_horizon_error_matches_simulation() -> None:
    """σ_P² = σ_d² (P + P² α / (2 − α)) against the spread of simulated P-day errors."""
    from crossdock.policies import ExponentialSmoothing

    rng = np.random.default_rng(4)
    alpha, rate, days, n = 0.2, 30.0, 3, 4000
    forecaster = ExponentialSmoothing(alpha=alpha)
    forecaster.reset(np.full(n, rate))
    demand = rng.poisson(rate, (300, n)).astype(float)
    for row in demand[:-days]:
        forecaster.observe(row)
    error = demand[-days:].sum(axis=0) - forecaster.horizon_mean(days)
    theory = np.sqrt(rate * (days + days**2 * alpha / (2 - alpha)))
    spread = error.std(ddof=1)
    # the sample standard deviation of n normal errors has a standard error of σ / √(2n)
    assert abs(spread - theory) < 1.96 * theory / np.sqrt(2 * n)
    # the learnt variance (smoothed squared one-step errors) is unbiased across positions
    from crossdock.validation import interval

    assert interval(forecaster.horizon_std(days) ** 2).covers(theory**2)
