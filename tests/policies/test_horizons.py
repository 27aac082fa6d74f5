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
        MinMax(service_level=0.95, cover_days=5, forecast=MovingAverage(window_days=4))
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
