"""Replenishment policies: order-up-to (R, S), min-max (s, S) and a fixed base stock.

A policy is a parameter object with one small interface, vectorised over any array shape:

- ``reset(prior_mean)``: start afresh (prior daily demand per position);
- ``observe(demand)``: learn one day of observed demand;
- ``plan(observation) -> quantities``: units to order now (non-negative floats; the caller
  rounds to case packs).

Write your own by subclassing :class:`Policy` and run :func:`crossdock.policies.check_policy`
on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.special import ndtri

from crossdock import _fused
from crossdock._bounds import SERVICE_LEVEL_MAX, SERVICE_LEVEL_MIN
from crossdock._kernels import (
    GAMMA_LOG_SHAPE,
    INT32_MAX,
    cap_to_room,
    gamma_quantile,
    gamma_quantile_factors,
    round_up_to_pack,
)
from crossdock.messages import quantities
from crossdock.policies._forecast import ExponentialSmoothing, Forecaster, HoltWinters
from crossdock.policies._params import Params, interval, whole

__all__ = [
    "BaseStock",
    "MinMax",
    "Observation",
    "OrderUpTo",
    "Policy",
    "protection_interval_days",
    "unconstrained_demand",
]

_SERVICE_LEVEL = interval(SERVICE_LEVEL_MIN, SERVICE_LEVEL_MAX, closed="left")
#: How demand over the protection interval is modelled to set the order-up-to level.
DEMAND_DISTRIBUTIONS = ("gamma", "normal")
_DISTRIBUTION = (
    lambda v: v in DEMAND_DISTRIBUTIONS,
    f"one of {', '.join(map(repr, DEMAND_DISTRIBUTIONS))}",
)


def protection_interval_days(
    review_period_days: int, lead_time_days: np.ndarray | float
) -> np.ndarray | float:
    """Days of demand an order placed tonight must cover: R + L − 1.

    Under crossdock's lead-time convention an order placed at the end of day t sells from
    day t + L, and the next review's order (end of day t + R) from day t + R + L, so tonight's
    order is the last one to serve days t + 1 … t + R + L − 1. With daily review (R = 1) that
    is the lead time itself: a base stock S is the closed form's S against D_L.
    """
    return review_period_days + np.asarray(lead_time_days, dtype=np.float64) - 1.0


@dataclass(frozen=True, eq=False)
class Observation:
    """What a planner knows when it plans, as arrays of one shape (e.g. store × SKU).

    ``on_order`` counts units ordered and not yet received; ``lead_time_days`` is the number
    of days from ordering (end of day t) to trading (the goods sell from day t + L).
    Quantities are integer arrays, int32 where the stores hold them (4 bytes a cell);
    ``inventory_position`` is int64 whatever they are, so it cannot wrap.
    """

    day: int
    on_hand: np.ndarray
    on_order: np.ndarray
    backorders: np.ndarray
    lead_time_days: np.ndarray | float

    @cached_property
    def inventory_position(self) -> np.ndarray:
        """On hand − backorders + on order (computed once per observation).

        In int64 for the stores' int32 books (no overflow in the sum); in float64 when an
        observation carries fractional units (a wrapper policy may shift a position).
        """
        kind = np.result_type(self.on_hand, self.on_order, self.backorders)
        wide = np.float64 if np.issubdtype(kind, np.floating) else np.int64
        position = np.add(self.on_hand, self.on_order, dtype=wide)
        position -= self.backorders
        return position


class Policy(Params):
    """Base class of replenishment policies (see the module docstring for the interface)."""

    def reset(self, prior_mean: np.ndarray) -> None:
        """Start afresh with ``prior_mean`` units/day."""
        self.validate_params()

    def observe(self, demand: np.ndarray) -> None:
        """Learn one day of demand (default: nothing to learn)."""

    def observe_sales(self, sales: np.ndarray, stockout: np.ndarray | None = None) -> None:
        """Learn one day from what a store sold; ``stockout`` marks shelves left empty.

        Under lost sales, a day that ended with an empty shelf only says demand was at least
        the sales (a censored observation). The default learns the sales as demand; policies
        that forecast replace censored days by their expected demand (see
        :func:`unconstrained_demand`).
        """
        self.observe(sales)

    def set_calendar(self, first_weekday: int, weekday_profile: np.ndarray | None) -> None:
        """Take the run's calendar before :meth:`reset` (default: not needed).

        ``first_weekday`` is the weekday of day 0 (0 = Monday); ``weekday_profile`` the
        weekday factors of demand known from history (7, Monday first), or ``None``.
        """

    def plan(self, observation: Observation) -> np.ndarray:
        """Units to order now, one per position of the observation."""
        raise NotImplementedError

    def plan_in_packs(
        self, observation: Observation, pack: np.ndarray, capacity: np.ndarray
    ) -> np.ndarray:
        """The order in whole packs, cut by packs so the position stays within ``capacity``.

        :meth:`plan` rounded up to ``pack`` (one per SKU, the last axis), then cut so that
        the inventory position plus the order never exceeds ``capacity``. Policies with a
        fused kernel (:class:`OrderUpTo` with Holt-Winters) do it all in one pass; the result
        is the same. int32, as the message quantities it becomes (an order past int32 is a
        located error: :func:`crossdock.messages.quantities`).
        """
        want = round_up_to_pack(self.plan(observation), pack)
        return quantities(cap_to_room(want, observation.inventory_position, capacity, pack))


def unconstrained_demand(
    sales: np.ndarray, stockout: np.ndarray, forecast_mean: np.ndarray | float
) -> np.ndarray:
    """Sales, with each stock-out day's replaced by the expected demand given the sales.

    A day whose shelf ran empty is censored: demand D was at least the sales s. Its expected
    demand is E[D | D ≥ s] under Poisson demand at the forecast mean μ, which is
    μ · P(D ≥ s − 1) / P(D ≥ s) (never below s); other days keep their sales.
    """
    sales = np.asarray(sales, dtype=np.float64)
    where = np.broadcast_to(np.asarray(stockout, dtype=bool), sales.shape)
    out = sales.copy()
    if not where.any():
        return out
    mu = np.broadcast_to(np.asarray(forecast_mean, dtype=np.float64), sales.shape)[where]
    out[where] = censored_demand(sales[where], mu)
    return out


def censored_demand(sales: np.ndarray, forecast_mean: np.ndarray) -> np.ndarray:
    """E[D | D ≥ s] under Poisson demand at the forecast mean, for 1-D censored days.

    What :func:`unconstrained_demand` puts in place of each censored day's sales ``s``
    (float64), given the forecast mean μ of that day.
    """
    s = sales
    mu = np.maximum(forecast_mean, 1e-9)
    # log P(D >= s - 1) - log P(D >= s), with P(D >= k) = sf(k - 1)
    with np.errstate(invalid="ignore", over="ignore"):
        ratio = np.exp(poisson_logsf(s - 2, mu) - poisson_logsf(s - 1, mu))
        expected = mu * ratio
    # far in the tail the ratio underflows; there E[D | D >= s] tends to s (and never exceeds
    # s + mu for Poisson demand)
    expected = np.where(np.isfinite(expected), expected, s)
    return np.clip(expected, s, s + mu)


def poisson_logsf(k: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """``scipy.stats.poisson.logsf(k, mu)`` for 1-D ``k`` and ``mu > 0``: the same numbers.

    SciPy computes it as ``log(pdtrc(floor(k), mu))``, and 0 below the support (k < 0);
    calling :func:`scipy.special.pdtrc` directly skips the distribution object's argument
    handling (about a millisecond a call, and 0.6 s to import ``scipy.stats``).
    """
    from scipy.special import pdtrc

    out = np.zeros(np.shape(mu))
    inside = k >= 0
    with np.errstate(divide="ignore"):
        out[inside] = np.log(pdtrc(np.floor(k[inside]), mu[inside]))
    return out


def _is_forecaster(value: object) -> bool:
    kind = type(value)
    return isinstance(value, Params) and all(
        hasattr(kind, name) for name in ("reset", "observe", "mean", "std")
    )


class _Forecasting(Policy):
    """A policy that learns demand through a forecaster and reviews every R days."""

    forecast: Forecaster
    review_period_days: int
    demand_distribution: str

    def reset(self, prior_mean: np.ndarray) -> None:
        super().reset(prior_mean)
        self.forecast.reset(prior_mean)

    def observe(self, demand: np.ndarray) -> None:
        self.forecast.observe(demand)

    def observe_sales(self, sales: np.ndarray, stockout: np.ndarray | None = None) -> None:
        """Learn the day's sales, with censored days replaced by their expected demand."""
        if stockout is None or not np.any(stockout):
            self.forecast.observe(sales)
            return
        forecast = self.forecast
        if type(forecast) is HoltWinters and forecast.observe_censored(sales, stockout):
            return
        forecast.observe(unconstrained_demand(sales, stockout, forecast.mean))

    def set_calendar(self, first_weekday: int, weekday_profile: np.ndarray | None) -> None:
        """Pass the calendar to a weekday-aware forecaster."""
        if hasattr(self.forecast, "set_calendar"):
            self.forecast.set_calendar(first_weekday, weekday_profile)

    def _reviews(self, day: int) -> bool:
        return day % self.review_period_days == 0

    def _protection_days(self, lead: np.ndarray | float) -> np.ndarray | float:
        """P = R + L − 1 for these lead times (kept while the lead-time array is the same)."""
        if getattr(self, "_cover_lead", None) is not lead:
            self._cover_days = protection_interval_days(self.review_period_days, lead)
            self._cover_lead = lead
        return self._cover_days

    def _gamma_factors(self, level: float) -> np.ndarray:
        """:func:`gamma_quantile_factors` at ``level`` (tabulated once per level)."""
        if getattr(self, "_factors_level", None) != level:
            self._factors = gamma_quantile_factors(level)
            self._factors_level = level
        return self._factors

    def _target(self, observation: Observation) -> np.ndarray:
        """The ``service_level`` quantile of demand over the protection interval P.

        P = :func:`protection_interval_days`; the forecaster gives the demand it expects over
        those P days (weekday by weekday where it knows them), μ_P, and the standard deviation
        of the error of that P-day total, σ_P (``horizon_mean`` and ``horizon_std``; a
        forecaster without them is taken as P times its daily mean and √P times its daily
        error). ``demand_distribution`` says which distribution of mean μ_P and deviation σ_P
        gives the quantile: ``"gamma"`` (the default) or ``"normal"``, μ_P + z·σ_P. Retail
        demand is skewed to the right (a day's demand cannot fall below zero but can run to
        several times its mean), and the normal quantile then sits below the true one: with
        negative-binomial demand of mean 6 and deviation 4.9, the 95% quantile is 16 units,
        the gamma's 15.6 and the normal's 14.1. As σ_P / μ_P falls the gamma tends to the
        normal.
        """
        days = self._protection_days(observation.lead_time_days)
        level = self.service_level  # type: ignore[attr-defined]
        z = float(ndtri(level))
        forecast = self.forecast
        if hasattr(forecast, "horizon_mean"):
            target = np.asarray(forecast.horizon_mean(days), dtype=np.float64)  # a new array
        else:
            target = forecast.mean * days
        if z:
            spread = (
                forecast.horizon_std(days)
                if hasattr(forecast, "horizon_std")
                else forecast.std * np.sqrt(days)
            )
            if self.demand_distribution == "gamma":
                target = gamma_quantile(target, spread, self._gamma_factors(level), z)
            else:
                target = target + z * spread
        shape = np.broadcast_shapes(np.shape(target), np.shape(observation.on_hand))
        if np.shape(target) != shape:
            target = np.broadcast_to(target, shape).copy()
        return target


class OrderUpTo(_Forecasting):
    """Periodic review (R, S): every R days order up to S, a quantile of demand.

    S is the ``service_level`` quantile of demand over the protection interval. P = R + L − 1 is the protection interval (:func:`protection_interval_days`), μ_P the
    forecast of demand over it and σ_P the standard deviation of that forecast's error; S is
    the quantile at the target ``service_level`` (cycle service level) of a gamma of that
    mean and deviation, or μ_P + z·σ_P with ``demand_distribution="normal"``.
    """

    _constraints = {
        "review_period_days": whole(1),
        "service_level": _SERVICE_LEVEL,
        "demand_distribution": _DISTRIBUTION,
        "forecast": (_is_forecaster, "a forecaster (MovingAverage, ExponentialSmoothing, ...)"),
    }

    def __init__(
        self,
        *,
        review_period_days: int = 1,
        service_level: float = 0.95,
        demand_distribution: str = "gamma",
        forecast: Forecaster | None = None,
    ) -> None:
        self.review_period_days = review_period_days
        self.service_level = service_level
        self.demand_distribution = demand_distribution
        self.forecast = forecast if forecast is not None else ExponentialSmoothing()

    def plan(self, observation: Observation) -> np.ndarray:
        """Order the gap between S and the inventory position on review days."""
        position = observation.inventory_position
        if not self._reviews(observation.day):
            return np.zeros(np.shape(position))
        gap = self._target(observation)
        gap -= position
        return np.maximum(gap, 0.0, out=gap)

    def plan_in_packs(
        self, observation: Observation, pack: np.ndarray, capacity: np.ndarray
    ) -> np.ndarray:
        """:meth:`Policy.plan_in_packs`, in one fused pass where Numba and the forecaster allow.

        The fused kernel (:func:`crossdock._fused.order_up_to_packs`) covers a Holt-Winters
        forecaster without trend (the scenarios' default) over store × SKU arrays of whole
        units; anything else, or ``CROSSDOCK_NUMBA=0``, takes the NumPy path.
        """
        fused = self._fused_packs(observation, pack, capacity)
        if fused is not None:
            return fused
        return super().plan_in_packs(observation, pack, capacity)

    def _fused_packs(
        self, observation: Observation, pack: np.ndarray, capacity: np.ndarray
    ) -> np.ndarray | None:
        """The fused kernel's order, or ``None`` where it does not apply."""
        forecast = self.forecast
        if type(forecast) is not HoltWinters or forecast.beta > 0:
            return None
        level = forecast._level
        quantities = (observation.on_hand, observation.on_order, observation.backorders)
        shape = level.shape
        if len(shape) != 2 or not all(
            isinstance(q, np.ndarray) and q.shape == shape and q.dtype.kind in "iu"
            for q in quantities
        ):
            return None
        pack = np.asarray(pack)
        capacity = np.asarray(capacity)
        if (
            pack.shape != shape[1:]
            or pack.dtype.kind != "i"
            or capacity.dtype.kind not in "iu"
            or np.broadcast_shapes(capacity.shape, shape) != shape
        ):
            return None
        kernels = _fused.kernels(level.size)
        if kernels is None:
            return None
        # the kernel writes int32 orders, which are at most the room on the shelf
        # (capacity - position, position >= -backorders): the NumPy path, whose message
        # refuses what does not fit with a located error, takes any case that might not
        if capacity.dtype != np.int32 or (
            capacity.size
            and int(capacity.max()) + int(np.max(observation.backorders, initial=0)) > INT32_MAX
        ):
            return None
        if not self._reviews(observation.day):
            return np.zeros(shape, dtype=np.int32)
        lead = observation.lead_time_days  # the kernel works out R + L - 1 block by block
        if np.broadcast_shapes(np.shape(lead), shape) != shape:
            return None
        level_quantile = self.service_level
        z = float(ndtri(level_quantile))
        a = forecast.alpha / (2.0 - forecast.alpha)
        g = forecast.gamma / (2.0 - forecast.gamma)
        return _fused.order_up_to_packs(
            kernels,
            level,
            forecast._season,
            forecast.weekday,
            forecast._variance,
            self.review_period_days,
            np.broadcast_to(lead, shape),
            *quantities,
            pack,
            np.broadcast_to(capacity, shape),
            z,
            self.demand_distribution == "gamma",
            GAMMA_LOG_SHAPE,
            self._gamma_factors(level_quantile),
            a,
            g,
            level.dtype.type(1.0 + a + g),
        )


class MinMax(_Forecasting):
    """(s, S): when the inventory position is at or below s, order up to S.

    s, the target quantile of demand over the protection interval P = R + L − 1, is set as
    :class:`OrderUpTo` sets its level;
    S = s + μ·``cover_days`` adds a batch of ``cover_days`` of demand, so orders are fewer and
    larger than order-up-to's.
    """

    _constraints = {
        "review_period_days": whole(1),
        "service_level": _SERVICE_LEVEL,
        "cover_days": interval(0, None),
        "demand_distribution": _DISTRIBUTION,
        "forecast": (_is_forecaster, "a forecaster (MovingAverage, ExponentialSmoothing, ...)"),
    }

    def __init__(
        self,
        *,
        review_period_days: int = 1,
        service_level: float = 0.95,
        cover_days: float = 3.0,
        demand_distribution: str = "gamma",
        forecast: Forecaster | None = None,
    ) -> None:
        self.review_period_days = review_period_days
        self.service_level = service_level
        self.cover_days = cover_days
        self.demand_distribution = demand_distribution
        self.forecast = forecast if forecast is not None else ExponentialSmoothing()

    def plan(self, observation: Observation) -> np.ndarray:
        """Order up to S where the position has fallen to s."""
        position = observation.inventory_position
        if not self._reviews(observation.day):
            return np.zeros(np.shape(position))
        reorder_point = self._target(observation)
        target = reorder_point + self.forecast.mean * self.cover_days
        return np.where(position <= reorder_point, np.maximum(target - position, 0.0), 0.0)


class BaseStock(Policy):
    """A fixed base-stock level: every day, order back up to ``level``.

    ``level`` is a number or an array of the observation's shape; left as ``None`` it is set
    at ``reset`` to ``days_of_demand`` days of the prior mean.
    """

    _constraints = {
        "days_of_demand": interval(0, None),
        "level": (
            lambda v: bool(
                v is None or (np.all(np.asarray(v) >= 0) and np.asarray(v).dtype.kind in "iuf")
            ),
            "None or non-negative numbers",
        ),
    }

    def __init__(
        self, *, level: float | np.ndarray | None = None, days_of_demand: float = 7.0
    ) -> None:
        self.level = level
        self.days_of_demand = days_of_demand

    def reset(self, prior_mean: np.ndarray) -> None:
        """Fix the level (from the prior where no level was given)."""
        super().reset(prior_mean)
        if self.level is None:
            self._level = np.ceil(np.asarray(prior_mean, dtype=np.float64) * self.days_of_demand)
        else:
            self._level = np.broadcast_to(
                np.asarray(self.level, dtype=np.float64), np.shape(prior_mean)
            )

    def plan(self, observation: Observation) -> np.ndarray:
        """Order the gap to the level."""
        return np.maximum(self._level - observation.inventory_position, 0.0)


# Keep the names used in scenario files next to the classes they build.
POLICY_CLASSES: dict[str, type[Policy]] = {
    "order_up_to": OrderUpTo,
    "min_max": MinMax,
    "base_stock": BaseStock,
}
