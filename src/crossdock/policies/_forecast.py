"""Demand forecasters, vectorised over any array shape (usually store × SKU).

A forecaster is a parameter object with learned state: ``reset(prior_mean)`` starts it,
``observe(demand)`` learns one day, ``mean`` and ``std`` give the one-day forecast and the
standard deviation of its error. Uses state arrays updated in place, so a day costs a few
array operations whatever the window.

Forecasters may also give ``horizon_mean(days)`` and ``horizon_std(days)``: the demand they
expect over the next ``days`` days (weekday by weekday where they know the weekdays) and the
standard deviation of that total's error, which sets safety stock over a protection
interval. The error of a P-day total is P days of demand noise plus P times the error of the
estimated level, which does not average out over the days: for simple exponential smoothing
``σ_P² = σ_d² (P + P² α / (2 − α))``, where σ_d² is the demand noise. Policies fall back to
``P · mean`` and ``√P · std`` for forecasters without them.

- :class:`ExponentialSmoothing` and :class:`MovingAverage` for steady sellers;
- :class:`HoltWinters`: additive weekly seasonality (7 weekday offsets), optional damped trend;
- :class:`Croston` and :class:`TSB` for intermittent slow movers (demand size and interval,
  or demand size and probability of a demand day);
- :class:`AutoForecaster`: TSB where demand is intermittent, another forecaster elsewhere.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from crossdock._fused import HALF_LIMIT
from crossdock._kernels import row_blocks
from crossdock.policies._params import Params, interval, whole

__all__ = [
    "TSB",
    "AutoForecaster",
    "Croston",
    "ExponentialSmoothing",
    "Forecaster",
    "HoltWinters",
    "MovingAverage",
]

WEEK_DAYS = 7
_PRECISIONS = ("float32", "float64")
_SEASON_PRECISIONS = ("auto", "float16", "float32", "float64")


@runtime_checkable
class Forecaster(Protocol):
    """What a policy needs from a forecaster."""

    def reset(self, prior_mean: np.ndarray) -> None:
        """Start afresh with ``prior_mean`` (units/day) as the first forecast."""
        ...

    def observe(self, demand: np.ndarray) -> None:
        """Learn one day of observed demand (same shape as the prior)."""
        ...

    @property
    def mean(self) -> np.ndarray:
        """Forecast of daily demand."""
        ...

    @property
    def std(self) -> np.ndarray:
        """Standard deviation of the one-day forecast error."""
        ...


class ExponentialSmoothing(Params):
    """Simple exponential smoothing: ``level += alpha * (demand - level)``.

    The error variance is smoothed the same way from one-step errors, starting from the
    Poisson guess (variance = mean).
    """

    _constraints = {"alpha": interval(0, 1, closed="right")}

    def __init__(self, *, alpha: float = 0.1) -> None:
        self.alpha = alpha

    def reset(self, prior_mean: np.ndarray) -> None:
        """Start from ``prior_mean``."""
        self.validate_params()
        self._level = np.array(prior_mean, dtype=np.float64)
        self._variance = np.maximum(self._level, 1e-9)
        self._error = np.empty_like(self._level)

    def observe(self, demand: np.ndarray) -> None:
        """One smoothing step (in place: no temporaries on the hot path)."""
        error = np.subtract(demand, self._level, out=self._error)
        error *= self.alpha
        self._level += error
        # squared one-step error: (alpha * e)² / alpha² = e²
        np.square(error, out=error)
        error *= 1.0 / self.alpha
        error -= self._variance * self.alpha
        self._variance += error

    @property
    def mean(self) -> np.ndarray:
        """The smoothed level."""
        return self._level

    @property
    def std(self) -> np.ndarray:
        """Root of the smoothed squared one-step error."""
        return np.sqrt(self._variance)

    def horizon_mean(self, days: np.ndarray | float) -> np.ndarray:
        """Demand expected over the next ``days`` days: ``days × level``."""
        return self._level * days

    def horizon_std(self, days: np.ndarray | float) -> np.ndarray:
        """Error of the ``days``-day total: ``σ_1² (P (2 − α) + P² α) / 2``.

        σ_1² (the smoothed one-step error) is the demand noise times ``2 / (2 − α)``, the
        noise plus the variance of the smoothed level.
        """
        a = self.alpha
        return np.sqrt(self._variance * ((2.0 - a) * days + a * days * days) / 2.0)


class MovingAverage(Params):
    """Mean of the last ``window_days`` days (the prior fills the window at the start)."""

    _constraints = {"window_days": whole(1)}

    def __init__(self, *, window_days: int = 28) -> None:
        self.window_days = window_days

    def reset(self, prior_mean: np.ndarray) -> None:
        """Fill the window with the prior (no spread until real days replace it)."""
        self.validate_params()
        prior = np.array(prior_mean, dtype=np.float64)
        self._window = np.repeat(prior[None], self.window_days, axis=0)
        self._sum = prior * self.window_days
        self._sum_sq = prior * prior * self.window_days
        self._slot = 0

    def observe(self, demand: np.ndarray) -> None:
        """Slide the window by one day (running sums: cost independent of the window)."""
        demand = np.asarray(demand, dtype=np.float64)  # squares of int32 counts could wrap
        old = self._window[self._slot]
        self._sum += demand - old
        self._sum_sq += demand * demand - old * old
        self._window[self._slot] = demand
        self._slot = (self._slot + 1) % self.window_days

    @property
    def mean(self) -> np.ndarray:
        """Window mean (clipped at zero against rounding drift)."""
        return np.maximum(self._sum / self.window_days, 0.0)

    @property
    def std(self) -> np.ndarray:
        """Window standard deviation."""
        n = self.window_days
        variance = (self._sum_sq - self._sum * self._sum / n) / max(n - 1, 1)
        return np.sqrt(np.maximum(variance, 0.0))

    def horizon_mean(self, days: np.ndarray | float) -> np.ndarray:
        """Demand expected over the next ``days`` days: ``days ×`` the window mean."""
        return self.mean * days

    def horizon_std(self, days: np.ndarray | float) -> np.ndarray:
        """Error of the ``days``-day total: ``σ √(P + P² / n)`` (noise plus the mean's error)."""
        return self.std * np.sqrt(days + days * days / self.window_days)


def _weekday_profile_ok(value: object) -> bool:
    if value is None:
        return True
    try:
        factors = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return factors.shape == (WEEK_DAYS,) and bool(np.all(factors > 0))


class HoltWinters(Params):
    """Holt-Winters with additive weekly seasonality and an optional damped trend.

    Error-correction form, with ``e`` the one-step error of the day observed on weekday ``w``::

        e      = demand - (level + phi * trend + season[w])
        level += phi * trend + alpha * e
        trend  = phi * trend + alpha * beta * e
        season[w] += gamma * e

    (the same recursions as statsmodels' ``ExponentialSmoothing(trend="add",
    damped_trend=True, seasonal="add")`` with ``smoothing_trend=beta``). ``beta=0`` (the
    default) keeps the trend at zero: level plus weekday offsets. Additive seasonality is
    chosen because slow movers have many zero days, where multiplicative factors collapse.

    The forecaster counts the days it has observed since ``reset``: the first observed day is
    weekday ``first_weekday`` (0 = Monday), so ``mean`` is the forecast for the weekday after
    the last observed day (clipped at zero). ``weekday_profile`` (7 positive factors, Monday
    first) seeds the offsets as ``prior_mean * (factor / mean(factors) - 1)``; without it they
    start at zero and are learnt. ``std`` smooths squared one-step errors with ``alpha``,
    starting from the Poisson guess (variance = mean).

    ``precision`` is the floating type the per-cell state is held in: ``"float32"`` (the
    default) takes half the memory of ``"float64"`` and its forecasts differ from float64's
    by a few units in the seventh significant digit, which the validation suite (``crossdock
    validate-model``) does not see; ``"float64"`` matches statsmodels to 1e-9.

    ``season_precision`` is the type the seven weekday offsets are held in, the largest state
    of a run (seven numbers per store × SKU): ``"auto"`` (the default) holds them in
    ``"float16"`` beside a float32 state and at ``precision`` beside a float64 one
    (``"float16"`` needs the float32 state). Each day's update is computed in float32 and
    only the result is rounded to half precision (11 significant bits: an offset of 10 units
    is kept to 0.004 of a unit), so 14 bytes a cell are saved for errors far below the demand
    noise (docs/planning.md measures them). An offset is never lost to float16's range (±65,504): the first time one
    would not fit, the offsets are widened to ``precision`` for the rest of the run.
    """

    _constraints = {
        "alpha": interval(0, 1, closed="right"),
        "beta": interval(0, 1),
        "gamma": interval(0, 1),
        "phi": interval(0, 1, closed="right"),
        "first_weekday": (
            lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v < WEEK_DAYS,
            "an int in [0, 6] (0 = Monday)",
        ),
        "weekday_profile": (_weekday_profile_ok, "None or 7 positive factors (Monday first)"),
        "precision": (lambda v: v in _PRECISIONS, f"one of {list(_PRECISIONS)}"),
        "season_precision": (
            lambda v: v in _SEASON_PRECISIONS,
            f"one of {list(_SEASON_PRECISIONS)}",
        ),
    }

    def __init__(
        self,
        *,
        alpha: float = 0.1,
        beta: float = 0.0,
        gamma: float = 0.1,
        phi: float = 1.0,
        first_weekday: int = 0,
        weekday_profile: tuple[float, ...] | None = None,
        precision: str = "float32",
        season_precision: str = "auto",
    ) -> None:
        self.alpha = alpha
        self.beta = beta
        self.gamma = gamma
        self.phi = phi
        self.first_weekday = first_weekday
        self.weekday_profile = weekday_profile
        self.precision = precision
        self.season_precision = season_precision

    def reset(self, prior_mean: np.ndarray, first_weekday: int | None = None) -> None:
        """Start from ``prior_mean``.

        The first day observed is weekday ``first_weekday`` (default: the parameter).
        """
        self.validate_params()
        prior = np.asarray(prior_mean, dtype=np.float64)
        # the trend and its scratch buffer only exist with a trend (beta > 0): without one
        # they would be two float64 arrays of zeros the size of the state
        self._trend_state: np.ndarray | None = None
        self._scratch_state: np.ndarray | None = None
        calendar_weekday, profile = self._start()
        # computed in float64, held at ``precision`` (the offsets at ``season_precision``),
        # in C order whatever the prior's layout (a planner's prior is a column selection,
        # which NumPy gives in Fortran order): the fused kernel walks the state and the day's
        # demand as flat arrays. Filled a few rows at a time (no float64 copy of the prior).
        self._variance = np.empty(prior.shape, dtype=self.precision)
        self._level = np.empty(prior.shape, dtype=self.precision)
        factors = None
        if profile is not None:
            factors = np.asarray(profile, dtype=np.float64)
            factors = factors / factors.mean() - 1.0
        self._season = self._seeded_offsets(prior, factors, self._season_type(prior, factors))
        for rows in row_blocks(prior.shape):
            level = prior[rows]
            self._variance[rows] = np.maximum(level, 1e-9)
            self._level[rows] = level
        self._error = np.empty_like(self._level)
        start = calendar_weekday if first_weekday is None else first_weekday
        if not (isinstance(start, int | np.integer) and 0 <= start < WEEK_DAYS):
            from crossdock.errors import ParameterError

            raise ParameterError(
                "HoltWinters.reset", "first_weekday", "an int in [0, 6] (0 = Monday)", start
            )
        self._weekday = int(start)

    def _season_type(self, prior: np.ndarray, factors: np.ndarray | None) -> np.dtype:
        """The type the weekday offsets start in (``season_precision``; see the class).

        Half precision only where every seeded offset ``prior × factor`` fits it: rounding is
        monotonic, so the largest is the largest prior times the largest factor (a NaN fails
        the test too, and is held as wider types hold it).
        """
        if self.season_precision == "auto":
            wanted = np.dtype(np.float16 if self.precision == "float32" else self.precision)
        else:
            wanted = np.dtype(self.season_precision)
        if wanted == np.float16 and self.precision != "float32":
            from crossdock.errors import ParameterError

            raise ParameterError(
                "HoltWinters",
                "season_precision",
                "'auto', 'float32' or 'float64' beside precision='float64' (half-precision "
                "offsets are updated in float32)",
                self.season_precision,
            )
        if wanted == np.float16 and factors is not None and prior.size:
            largest = max(-float(prior.min()), float(prior.max()))
            if not largest * float(np.abs(factors).max()) < HALF_LIMIT:
                return np.dtype(self.precision)
        return wanted

    @staticmethod
    def _seeded_offsets(
        prior: np.ndarray, factors: np.ndarray | None, dtype: np.dtype
    ) -> np.ndarray:
        """The 7 weekday offsets ``prior × factor`` in ``dtype`` (zeros without factors).

        Filled a few rows at a time, so no float64 copy of the prior and no [7, stores,
        skus] float64 product (8 and 56 bytes a cell) is ever made: each weekday's factor ×
        level is the same float64 product, rounded to ``dtype`` the same way.
        """
        season = np.zeros((WEEK_DAYS, *prior.shape), dtype=dtype)
        if factors is None:
            return season
        for rows in row_blocks(prior.shape):
            level = prior[rows]
            product = np.empty(level.shape)
            for weekday, factor in enumerate(factors):
                np.multiply(level, factor, out=product)
                product += 0.0  # as the float64 zeros once added to: -0.0 becomes 0.0
                season[weekday][rows] = product
        return season

    def _hold_offsets(self, values: np.ndarray) -> None:
        """Store today's updated offsets, computed in float32, in half precision.

        As the fused kernel does: each rounded once, up to the first that would not fit
        float16 (:data:`crossdock._fused.HALF_LIMIT`, or NaN); from that one on, every offset is widened to
        the state's precision (exactly: float16 values are float32 values) and the rest are
        stored unrounded, so no offset is ever lost to the range.
        """
        values = values.reshape(-1)
        target = self._season[self._weekday].reshape(-1)
        outside = ~(np.abs(values) < HALF_LIMIT)
        stop = int(np.argmax(outside)) if outside.any() else values.size
        target[:stop] = values[:stop]
        if stop < values.size:
            self._season = self._season.astype(self._level.dtype)
            self._season[self._weekday].reshape(-1)[stop:] = values[stop:]

    @property
    def _trend(self) -> np.ndarray:
        """The trend of each cell (made at first use: only ``beta > 0`` needs it)."""
        if self._trend_state is None:
            self._trend_state = np.zeros_like(self._level)
        return self._trend_state

    @property
    def _scratch(self) -> np.ndarray:
        if self._scratch_state is None:
            self._scratch_state = np.empty_like(self._level)
        return self._scratch_state

    @property
    def weekday(self) -> int:
        """Weekday (0 = Monday) of the next day to observe, the one ``mean`` forecasts."""
        return self._weekday

    def observe(self, demand: np.ndarray) -> None:
        """One day of updates, in place (one fused pass where Numba and the arrays allow)."""
        if self._fused_observe(demand):
            self._weekday = (self._weekday + 1) % WEEK_DAYS
            return
        season = self._season[self._weekday]
        error = np.subtract(demand, self._level, out=self._error)
        error -= season
        damped = None
        if self.beta > 0:
            damped = np.multiply(self._trend, self.phi, out=self._scratch)
            error -= damped
        # variance: var += alpha * (e² - var)
        self._variance *= 1.0 - self.alpha
        self._variance += self.alpha * error * error
        if damped is not None:
            self._level += damped
            trend = self._trend
            trend *= self.phi
            trend += (self.alpha * self.beta) * error
        self._level += self.alpha * error
        if self.gamma > 0:
            if season.dtype == error.dtype:
                season += self.gamma * error
            else:  # half-precision offsets: updated in float32, then rounded
                self._hold_offsets(season + self.gamma * error)
        self._weekday = (self._weekday + 1) % WEEK_DAYS

    def _fused_observe(
        self,
        demand: np.ndarray,
        censored: np.ndarray | None = None,
        expected: np.ndarray | None = None,
    ) -> bool:
        """The day's updates by :func:`crossdock._fused.holt_winters_observe`, if it applies.

        It applies without trend, to demand of the state's shape (whole or fractional units)
        and contiguous state; the numbers are NumPy's (same operations, same order, same
        types). ``censored`` (flat indices, ascending) and ``expected`` replace those cells'
        demand. ``False``: nothing done, take the NumPy path.
        """
        from crossdock import _fused

        demand = np.asarray(demand)
        level = self._level
        if (
            self.beta > 0
            or demand.shape != level.shape
            or demand.dtype.kind not in "iuf"
            or not (level.flags.c_contiguous and self._season.flags.c_contiguous)
            or not self._variance.flags.c_contiguous
        ):
            return False
        kernels = _fused.kernels(level.size)
        if kernels is None:
            return False
        kind = level.dtype.type
        flat = demand.reshape(-1)
        censored = np.zeros(0, dtype=np.int64) if censored is None else censored
        expected = np.zeros(0) if expected is None else expected
        scratch = np.empty(1, dtype=level.dtype)
        rates = (kind(self.alpha), kind(1.0 - self.alpha), kind(self.gamma))
        plane = self._season[self._weekday].reshape(-1)
        half = plane.dtype == np.float16  # passed as their bits: Numba has no float16
        stop = kernels.holt_winters_observe(
            flat,
            censored,
            expected,
            level.reshape(-1),
            plane.view(np.uint16) if half else plane,
            self._variance.reshape(-1),
            scratch,
            *rates,
            half,
            _fused.half_table(),
        )
        if stop >= 0:  # an offset outgrew float16: widened, the rest of the day unrounded
            self._season = self._season.astype(level.dtype)
            first = int(np.searchsorted(censored, stop))
            kernels.holt_winters_observe(
                flat[stop:],
                censored[first:] - stop,
                expected[first:],
                level.reshape(-1)[stop:],
                self._season[self._weekday].reshape(-1)[stop:],
                self._variance.reshape(-1)[stop:],
                scratch,
                *rates,
                False,
                _fused.half_table(),
            )
        return True

    def observe_censored(self, sales: np.ndarray, stockout: np.ndarray) -> bool:
        """Learn a day of sales whose ``stockout`` cells are censored, in one fused pass.

        The numbers of ``observe(unconstrained_demand(sales, stockout, self.mean))``
        (:func:`crossdock.policies.unconstrained_demand`), without its float64 copy of the
        whole day: the expected demand is worked out for the censored cells only. ``False``
        where the fused kernel does not apply (nothing done).
        """
        from crossdock import _fused
        from crossdock.policies._rules import censored_demand

        sales = np.asarray(sales)
        stockout = np.asarray(stockout)
        level = self._level
        if (
            self.beta > 0
            or stockout.shape != level.shape
            or sales.shape != level.shape
            or sales.dtype.kind not in "iuf"
            or _fused.kernels(level.size) is None
        ):
            return False
        censored = np.flatnonzero(stockout)
        # the forecast mean at those cells, as ``mean`` has it (float32, at least 0)
        mean = level.reshape(-1)[censored] + self._season[self._weekday].reshape(-1)[censored]
        np.maximum(mean, 0.0, out=mean)
        sold = sales.reshape(-1)[censored].astype(np.float64)
        expected = censored_demand(sold, mean.astype(np.float64))
        if not self._fused_observe(sales, censored, expected):
            return False
        self._weekday = (self._weekday + 1) % WEEK_DAYS
        return True

    @property
    def mean(self) -> np.ndarray:
        """Forecast of the next day: level + phi * trend + that weekday's offset, at least 0."""
        out = self._level + self._season[self._weekday]
        if self.beta > 0:
            out += self.phi * self._trend
        return np.maximum(out, 0.0, out=out)

    @property
    def std(self) -> np.ndarray:
        """Root of the smoothed squared one-step error."""
        return np.sqrt(self._variance)

    def set_calendar(self, first_weekday: int, weekday_profile: np.ndarray | None) -> None:
        """Take the run's calendar: weekday of day 0, and the known weekday profile.

        Used at the next :meth:`reset`; ``weekday_profile`` seeds the offsets only where the
        forecaster has none of its own.
        """
        self._calendar = (int(first_weekday), weekday_profile)

    def _start(self) -> tuple[int, tuple[float, ...] | np.ndarray | None]:
        calendar = getattr(self, "_calendar", None)
        if calendar is None:
            return self.first_weekday, self.weekday_profile
        profile = self.weekday_profile if self.weekday_profile is not None else calendar[1]
        return calendar[0], profile

    def horizon_mean(self, days: np.ndarray | float) -> np.ndarray:
        """Demand expected over the next ``days`` days, weekday by weekday (at least 0)."""
        whole_days = np.asarray(days)
        shape = np.broadcast_shapes(whole_days.shape, self._level.shape)
        # counts, weeks and remainders at the horizons' own shape (often [stores, 1]),
        # broadcast only where they meet the per-cell state: no [stores, skus] int arrays
        count = np.rint(whole_days).astype(np.int64)
        weeks, rest = (np.broadcast_to(a, shape) for a in np.divmod(count, WEEK_DAYS))
        count = np.broadcast_to(count, shape)
        # Offsets summed from today's weekday on, one weekday at a time (the running sums a
        # cumulative sum would give), only as far as the horizons need: for the usual
        # horizons of a few days this is a few additions per cell instead of seven.
        upto = WEEK_DAYS if weeks.any() else int(rest.max(initial=0))
        seasonal = np.zeros(shape)
        running = np.zeros(self._level.shape)
        for i in range(upto):
            running = running + self._season[(self._weekday + i) % WEEK_DAYS]
            if i + 1 < WEEK_DAYS:
                np.copyto(seasonal, running, where=rest == i + 1)
        if upto == WEEK_DAYS:
            seasonal = weeks * running + seasonal
        total = np.multiply(self._level, count, dtype=np.float64)
        total += seasonal
        if self.beta > 0:
            phi = self.phi
            steps = count * (count + 1) / 2.0 if phi == 1 else phi * (1 - phi**count) / (1 - phi)
            total += self._trend * steps
        return np.maximum(total, 0.0, out=total)

    def horizon_std(self, days: np.ndarray | float) -> np.ndarray:
        """Error of the ``days``-day total: noise, level error and weekday-offset errors.

        With a = α / (2 − α) and g = γ / (2 − γ) (the variances of the smoothed level and of
        an offset, in units of the demand noise σ_d², itself σ_1² / (1 + a + g)), the total
        over P days, m_w of them on weekday w, has ``σ_d² (P + P² a + g Σ m_w²)``.
        """
        a = self.alpha / (2.0 - self.alpha)
        g = self.gamma / (2.0 - self.gamma)
        count = np.rint(np.asarray(days, dtype=np.float64))
        weeks, rest = np.divmod(count, WEEK_DAYS)
        repeats = WEEK_DAYS * weeks * weeks + 2.0 * rest * weeks + rest
        noise = self._variance / (1.0 + a + g)
        return np.sqrt(noise * (count + count * count * a + g * repeats))


def _intermittent_prior(prior_mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Poisson split of a prior mean: (size of a demand day, probability of a demand day)."""
    mean = np.maximum(np.array(prior_mean, dtype=np.float64), 0.0)
    probability = -np.expm1(-mean)  # P(demand > 0) for Poisson(mean)
    size = np.where(probability > 0, mean / np.where(probability > 0, probability, 1.0), 1.0)
    return size, probability


class Croston(Params):
    """Croston's method for intermittent demand: smoothed demand size over smoothed interval.

    On each day with demand ``y > 0``, after ``q`` days since the previous demand day::

        size     += alpha * (y - size)
        interval += alpha * (q - interval)

    and nothing changes on zero days, so ``mean = size / interval``. With ``sba=True`` the
    Syntetos-Boylan approximation multiplies it by ``1 - alpha / 2`` (Croston's forecast is
    biased upwards). The prior is split as Poisson: interval ``1 / P(y > 0)``, size
    ``prior / P(y > 0)``. ``std`` smooths squared one-step errors of ``mean`` every day with
    ``alpha``, from the Poisson guess.
    """

    _constraints = {
        "alpha": interval(0, 1, closed="right"),
        "sba": ((lambda v: isinstance(v, bool)), "a bool"),
    }

    def __init__(self, *, alpha: float = 0.1, sba: bool = False) -> None:
        self.alpha = alpha
        self.sba = sba

    def reset(self, prior_mean: np.ndarray) -> None:
        """Start from ``prior_mean`` (a demand day every ``1 / P(y > 0)`` days)."""
        self.validate_params()
        size, probability = _intermittent_prior(prior_mean)
        self._size = size
        # no demand expected: an infinite interval (mean 0) until the first demand day sets it
        with np.errstate(divide="ignore"):
            self._interval = 1.0 / probability
        unknown = np.isinf(self._interval)
        self._unknown: np.ndarray | None = unknown if unknown.any() else None
        self._since = np.zeros_like(size)
        self._variance = np.maximum(size * probability, 1e-9)
        self._error = np.empty_like(size)

    def observe(self, demand: np.ndarray) -> None:
        """Count the day; where there was demand, smooth size and interval (in place)."""
        error = np.subtract(demand, self.mean, out=self._error)
        self._variance *= 1.0 - self.alpha
        self._variance += self.alpha * error * error
        self._since += 1.0
        hit = np.greater(demand, 0)
        # size += alpha * (y - size) where hit; written as a masked in-place update
        step = np.subtract(demand, self._size, out=self._error)
        step *= self.alpha
        np.add(self._size, step, out=self._size, where=hit)
        if self._unknown is not None:  # first demand day of a zero prior: take it as it is
            first = hit & self._unknown
            np.copyto(self._interval, self._since, where=first)
            np.copyto(self._size, demand, where=first)
            hit &= ~first
            self._unknown &= ~first
            if not self._unknown.any():
                self._unknown = None
        np.subtract(self._since, self._interval, out=step)
        step *= self.alpha
        np.add(self._interval, step, out=self._interval, where=hit)
        np.copyto(self._since, 0.0, where=np.greater(demand, 0))

    @property
    def mean(self) -> np.ndarray:
        """Size over interval (times ``1 - alpha / 2`` with ``sba``)."""
        out = self._size / self._interval
        if self.sba:
            out *= 1.0 - self.alpha / 2.0
        return out

    @property
    def std(self) -> np.ndarray:
        """Root of the smoothed squared one-step error."""
        return np.sqrt(self._variance)


class TSB(Params):
    """Teunter-Syntetos-Babai: demand size and the probability of a demand day.

    Every day the probability learns whether there was demand, so the forecast of an item
    that stops selling decays (Croston's would stay put until the next sale)::

        probability += beta * (1[y > 0] - probability)
        size        += alpha * (y - size)           (only on days with y > 0)
        mean         = probability * size

    The prior is split as Poisson (``P(y > 0)`` and the mean size of a demand day); ``std``
    smooths squared one-step errors of ``mean`` with ``beta``, from the Poisson guess.
    """

    _constraints = {
        "alpha": interval(0, 1, closed="right"),
        "beta": interval(0, 1, closed="right"),
    }

    def __init__(self, *, alpha: float = 0.1, beta: float = 0.1) -> None:
        self.alpha = alpha
        self.beta = beta

    def reset(self, prior_mean: np.ndarray) -> None:
        """Start from ``prior_mean``, split as Poisson."""
        self.validate_params()
        self._size, self._probability = _intermittent_prior(prior_mean)
        self._variance = np.maximum(self._size * self._probability, 1e-9)
        self._error = np.empty_like(self._size)

    def observe(self, demand: np.ndarray) -> None:
        """One day of updates, in place."""
        error = np.subtract(demand, self.mean, out=self._error)
        self._variance *= 1.0 - self.beta
        self._variance += self.beta * error * error
        hit = np.greater(demand, 0)
        self._probability *= 1.0 - self.beta
        self._probability += self.beta * hit
        step = np.subtract(demand, self._size, out=self._error)
        step *= self.alpha
        np.add(self._size, step, out=self._size, where=hit)

    @property
    def probability(self) -> np.ndarray:
        """Smoothed probability of a demand day."""
        return self._probability

    @property
    def mean(self) -> np.ndarray:
        """Probability of a demand day times its smoothed size."""
        return self._probability * self._size

    @property
    def std(self) -> np.ndarray:
        """Root of the smoothed squared one-step error."""
        return np.sqrt(self._variance)


def _is_forecaster(value: object) -> bool:
    return isinstance(value, Params) and all(
        hasattr(type(value), name) for name in ("reset", "observe", "mean", "std")
    )


class AutoForecaster(Params):
    """TSB for intermittent positions, ``steady`` (e.g. SES or Holt-Winters) for the others.

    Both run on every position; a position counts as intermittent while its average interval
    between demand days, ``1 / intermittent.probability`` (TSB's smoothed probability of a
    demand day), exceeds ``max_interval_days`` (1.32 is Syntetos and Boylan's cut-off), so a
    SKU moves between the two as its demand changes.
    """

    _constraints = {
        "steady": (_is_forecaster, "a forecaster (ExponentialSmoothing, HoltWinters, ...)"),
        "intermittent": ((lambda v: isinstance(v, TSB)), "a TSB forecaster"),
        "max_interval_days": interval(1, None),
    }

    def __init__(
        self,
        *,
        steady: Forecaster | None = None,
        intermittent: TSB | None = None,
        max_interval_days: float = 1.32,
    ) -> None:
        self.steady = steady if steady is not None else ExponentialSmoothing()
        self.intermittent = intermittent if intermittent is not None else TSB()
        self.max_interval_days = max_interval_days

    def reset(self, prior_mean: np.ndarray) -> None:
        """Start both forecasters from ``prior_mean``."""
        self.validate_params()
        self.steady.reset(prior_mean)
        self.intermittent.reset(prior_mean)

    def observe(self, demand: np.ndarray) -> None:
        """Both forecasters learn the day."""
        self.steady.observe(demand)
        self.intermittent.observe(demand)

    @property
    def is_intermittent(self) -> np.ndarray:
        """Where TSB is used: average interval between demand days above the cut-off."""
        return self.intermittent.probability * self.max_interval_days < 1.0

    @property
    def mean(self) -> np.ndarray:
        """TSB's mean where intermittent, the steady forecaster's elsewhere."""
        return np.where(self.is_intermittent, self.intermittent.mean, self.steady.mean)

    @property
    def std(self) -> np.ndarray:
        """The error of the forecaster in use at each position."""
        return np.where(self.is_intermittent, self.intermittent.std, self.steady.std)

    def set_calendar(self, first_weekday: int, weekday_profile: np.ndarray | None) -> None:
        """Pass the run's calendar on to the steady forecaster, if it uses weekdays."""
        if hasattr(self.steady, "set_calendar"):
            self.steady.set_calendar(first_weekday, weekday_profile)

    def horizon_mean(self, days: np.ndarray | float) -> np.ndarray:
        """Each position's forecaster's demand over the next ``days`` days."""
        steady = (
            self.steady.horizon_mean(days)
            if hasattr(self.steady, "horizon_mean")
            else self.steady.mean * days
        )
        return np.where(self.is_intermittent, self.intermittent.mean * days, steady)

    def horizon_std(self, days: np.ndarray | float) -> np.ndarray:
        """Each position's forecaster's error over the next ``days`` days."""
        steady = (
            self.steady.horizon_std(days)
            if hasattr(self.steady, "horizon_std")
            else self.steady.std * np.sqrt(days)
        )
        return np.where(self.is_intermittent, self.intermittent.std * np.sqrt(days), steady)
