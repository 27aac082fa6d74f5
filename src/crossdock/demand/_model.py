"""Consumer demand per store × SKU × day: the ``Demand`` protocol and the drawn model.

Each store draws from its own random substreams, keyed by the run's seed and the store's GLN
(``SeedSequence([seed, key, gln])``), one day at a time, so a day's demand depends only on
the seed, the store and the day — not on which other stores the scenario has or in what order:
both modes of a comparison see the same demand (common random numbers), and a run split over
processes by store (``stores=``) gives exactly the demand of one process.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from crossdock._kernels import INT32_MAX
from crossdock.demand import _counter, _pcg64
from crossdock.demand._effects import Effects, compile_effects
from crossdock.demand._fitted import FittedParameters
from crossdock.errors import ScenarioError
from crossdock.scenario import Scenario

__all__ = ["DayFactors", "Demand", "DemandModel"]

_STREAM_KEY = 0xDE3A2D


class Demand(Protocol):
    """Anything that gives the day's demand as a ``[stores, skus]`` integer array."""

    def daily(self, day: int) -> np.ndarray:
        """Units wanted at each store × SKU on ``day``: a new array, the caller's to change."""
        ...


def store_streams(
    seed: int, glns: Sequence[str] | np.ndarray, key: int, n: int
) -> list[list[np.random.Generator]]:
    """``n`` independent generators for each store of ``glns``.

    A store's generators depend only on ``seed``, ``key`` and its GLN: not on how many
    stores there are, their order, or which others are drawn.
    """
    return [
        [np.random.default_rng(c) for c in np.random.SeedSequence([seed, key, int(g)]).spawn(n)]
        for g in glns
    ]


class DayFactors:
    """The demand factors every store shares, worked out a block of days at a time.

    The weekday, season, holiday, price and life-cycle factors (``[days, skus]``) and the
    promotions' (per set of stores), as :class:`DemandModel` uses them. Several models may
    share one: a shard's demand drawn ahead by blocks of stores (one model a block) then
    holds one block of factors, not one per block of stores (at 20,000 SKUs, 4.5 MB per
    ``[28, skus]`` array, for each of hundreds of blocks of 16 stores), and works them out once.
    The factors of a day do not depend on the block it falls in: any sharing and any order of
    the days gives the same numbers.
    """

    def __init__(self, scenario: Scenario, *, block_days: int = 28, weekday: bool = True) -> None:
        self.effects: Effects = compile_effects(scenario)
        self.block_days = block_days
        self.weekday = weekday
        self._start = -1
        self._shared = np.zeros((0, scenario.n_skus))
        self._promotions: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def on(self, day: int) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
        """``day``'s shared factors ``[1, skus]`` and its promotions (members, factors, prices)."""
        offset = day - self._start
        if not 0 <= offset < len(self._shared):
            days = day + np.arange(self.block_days)
            self._shared = self.effects.sku_factor(days, weekday=self.weekday)
            self._promotions = self.effects.promotion_factors(days)
            self._start = day
            offset = 0
        shared = self._shared[offset : offset + 1]
        return shared, [(m, f[offset : offset + 1], p) for m, f, p in self._promotions]


class DemandModel:
    """Demand drawn around a mean built from the scenario's ``demand`` settings.

    The mean of store ``s``, SKU ``k``, day ``d`` is ``base_rate[k] × size_factor[s]`` times
    the weekday, season, holiday, price, life-cycle and promotion factors (or, with fitted
    parameters, the fitted mean × weekday × trend times the same calendar factors). Counts are
    Poisson or negative binomial (gamma-mixed Poisson); slow movers use the intermittent shape.

    ``stores`` (indices) draws only those stores, each exactly as in a full run.
    ``block_days`` is how many days of the factors shared by all stores are compiled at once
    (``[block_days, skus]``); it does not change the numbers drawn.
    ``fitted`` overrides the scenario's ``demand.fitted`` parameters (resample mode).
    ``factors`` shares the day-block factors with other models of the same scenario (see
    :class:`DayFactors`); each model works out its own otherwise.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        *,
        block_days: int = 28,
        stores: Sequence[int] | np.ndarray | None = None,
        fitted: FittedParameters | None = None,
        factors: DayFactors | None = None,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.stores = (
            np.arange(scenario.n_stores) if stores is None else np.asarray(stores, dtype=np.int64)
        )
        spec = scenario.spec.demand
        if fitted is None:
            fitted = FittedParameters.of_scenario(scenario)
        self.fitted = fitted
        if factors is None:
            factors = DayFactors(scenario, block_days=block_days, weekday=fitted is None)
        elif factors.weekday != (fitted is None):
            raise ValueError("shared day factors must follow the weekday rule of the model")
        self.factors = factors
        self.effects: Effects = factors.effects
        # Per store × SKU only what the scenario or the fitted parameters already hold: each
        # store's mean and gamma shapes are made, row by row, when its demand is drawn.
        self._rate = scenario.base_rate.astype(np.float64)
        self._size = scenario.size_factor[self.stores].astype(np.float64)
        self._dispersion = (
            spec.dispersion if spec.distribution == "negative_binomial" else float(np.inf)
        )
        self._intermittent = spec.intermittent
        glns = scenario.store_gln[self.stores]
        self.generator = spec.generator
        if self.generator == "philox":  # counter-based: a key per store, no stream state
            self._keys = _counter.store_keys(seed, glns)
            self._streams: list[list[np.random.Generator]] = []
        else:
            self._streams = store_streams(seed, glns, _STREAM_KEY, 2)
        self._next_day = 0

    def means(self, days: np.ndarray) -> np.ndarray:
        """Expected demand ``[b, s, k]`` on run ``days`` (for the model's stores)."""
        days = np.asarray(days, dtype=np.int64)
        shared = self.effects.sku_factor(days, weekday=self.fitted is None)
        out = np.empty((len(days), len(self.stores), self.scenario.n_skus))
        promotions = self.effects.promotion_factors(days)
        for i, s in enumerate(self.stores):
            out[:, i, :] = self._store_mean(i, s, days, shared, promotions)
        return out

    def mean(self, day: int) -> np.ndarray:
        """Expected demand ``[s, k]`` on ``day``."""
        return self.means(np.array([day]))[0]

    def _base(self, i: int) -> np.ndarray:
        """``[k]`` mean of the model's store ``i`` before the day's factors."""
        if self.fitted is not None:
            return self.fitted.mean[self.stores[i]]
        return self._size[i] * self._rate

    def _shape_of(self, i: int, base: np.ndarray) -> np.ndarray | float:
        """``[k]`` gamma shapes of store ``i`` (``inf``: Poisson), slow movers intermittent.

        A single number when every SKU of the store has the same shape.
        """
        slow_spec = self._intermittent
        if self.fitted is not None:
            shape = self.fitted.dispersion[self.stores[i]].copy()
            if slow_spec is not None:
                slow = (base < slow_spec.below_rate) & (base > 0)
                shape[slow] = np.minimum(shape[slow], slow_spec.dispersion)
            return shape
        k = float(self._dispersion)
        if slow_spec is None or min(k, slow_spec.dispersion) == k:
            return k
        slow = base < slow_spec.below_rate
        slow &= base > 0
        if not slow.any():
            return k
        return np.where(slow, slow_spec.dispersion, k)

    @property
    def shapes(self) -> np.ndarray:
        """``[s, k]`` gamma shapes of the model's stores (``inf``: Poisson)."""
        n = self.scenario.n_skus
        rows = [self._shape_of(i, self._base(i)) for i in range(len(self.stores))]
        return np.array([np.broadcast_to(row, (n,)) for row in rows], dtype=np.float64)

    def _store_mean(
        self,
        i: int,
        s: int,
        days: np.ndarray,
        shared: np.ndarray,
        promotions: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
        base: np.ndarray | None = None,
    ) -> np.ndarray:
        mean = shared * (self._base(i) if base is None else base)
        if self.fitted is not None:
            mean *= self.fitted.factor(s, days)
        for members, factor, _ in promotions:
            if members[s]:
                mean *= factor
        return mean

    def daily(self, day: int, out: np.ndarray | None = None) -> np.ndarray:
        """Demand on ``day``; days must be asked for in order.

        Only the day's ``[stores, skus]`` counts are drawn: the factors every store shares
        (``[block_days, skus]``, small) are compiled a block ahead, but each store's gamma
        and Poisson draws are made day by day from its own streams. A Generator's array
        draws consume its bit stream in C order, so a day at a time gives exactly the numbers
        of a whole block at once, and no ``[days, stores, skus]`` block is ever held.

        ``out`` (int32, ``[stores, skus]``, C-contiguous) takes the counts instead of a new
        array: a shard draws its blocks of stores into the rows of one day's array, so the
        day is not joined by a copy.
        """
        if day != self._next_day:
            raise ValueError(
                f"demand is drawn in day order: expected day {self._next_day}, got {day}"
            )
        # int32, as the stores' books (half the bytes of the draws' int64); a count that does
        # not fit stops the run with a located error (_store_counts)
        cells = (len(self.stores), self.scenario.n_skus)
        if out is None:
            out = np.empty(cells, dtype=np.int32)
        elif out.shape != cells or out.dtype != np.int32 or not out.flags.c_contiguous:
            raise ValueError(f"out must be a C-contiguous int32 array of shape {cells}")
        shared, promotions = self.factors.on(day)
        self._next_day = day + 1
        today = np.array([day])
        if self.generator == "philox":
            self._draw_counter(day, today, shared, promotions, out)
        elif self.fitted is None and (kernels := self._pcg64_kernel()) is not None:
            self._draw_compiled(kernels, day, shared, promotions, out)
        else:
            for i, s in enumerate(self.stores):
                out[i] = self._draw_store(i, s, day, today, shared, promotions)
        return out

    def _draw_store(
        self,
        i: int,
        s: int,
        day: int,
        today: np.ndarray,
        shared: np.ndarray,
        promotions: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    ) -> np.ndarray:
        """The ``pcg64`` day of the model's store ``i`` (index ``s``), by NumPy's calls."""
        base = self._base(i)
        rate = self._store_mean(i, s, today, shared, promotions, base)[0]
        gamma, counts = self._streams[i]
        shape = self._shape_of(i, base)
        if isinstance(shape, float):  # one shape for every SKU
            if np.isfinite(shape):
                rate *= gamma.standard_gamma(shape, size=rate.shape)
                rate /= shape
            return _store_counts(counts.poisson(rate), day)
        finite = np.isfinite(shape)
        if finite.all():  # every SKU mixed: no fancy indexing
            uniform = shape.size and (shape == shape[0]).all()
            rate *= gamma.standard_gamma(shape[0] if uniform else shape, size=rate.shape)
            rate /= shape
        elif finite.any():
            mixed = np.flatnonzero(finite)
            shape = shape[mixed]
            rate[mixed] *= gamma.standard_gamma(shape, size=len(mixed)) / shape
        return _store_counts(counts.poisson(rate), day)

    def _pcg64_kernel(self) -> Any:
        """The compiled ``pcg64`` day (:mod:`crossdock.demand._pcg64`), or None: NumPy's calls.

        Used where the other store × SKU kernels are (:func:`crossdock._fused.kernels`, at
        the scenario's size, so that every block of a shard's stores draws the same way) and
        where NumPy's extension exports its draw routines.
        """
        from crossdock import _fused

        if _pcg64.routines() is None:
            return None
        if _fused.kernels(self.scenario.n_stores * self.scenario.n_skus) is None:
            return None
        return _pcg64.compiled()

    def _draw_compiled(
        self,
        kernels: Any,
        day: int,
        shared: np.ndarray,
        promotions: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
        out: np.ndarray,
    ) -> None:
        """The ``pcg64`` day of every store in one compiled call (the numbers of NumPy's calls).

        A store the kernel leaves (a shape or mean NumPy would refuse, a count past int32) is
        finished here as NumPy's calls finish it, and the kernel goes on from the next.
        """
        routines = _pcg64.routines()
        assert routines is not None
        gammas, counts = self._addresses()
        laws = self._laws(shared, promotions)
        means = np.empty(self.scenario.n_skus)
        info = np.zeros(2, dtype=np.int64)
        today = np.array([day])
        first = 0
        while first < len(self.stores):
            i = kernels.draw_stores(*routines, gammas, counts, first, *laws, means, out, info)
            if i < 0:
                return
            if info[0] == _pcg64.FALLBACK:  # nothing drawn: NumPy's calls, whole
                out[i] = self._draw_store(i, int(self.stores[i]), day, today, shared, promotions)
            elif info[0] == _pcg64.POISSON_BY_NUMPY:  # NumPy's Poisson, on the same means
                out[i] = _store_counts(self._streams[i][1].poisson(means), day)
            else:
                raise _too_large(int(info[1]), day)
            first = i + 1

    def _laws(
        self, shared: np.ndarray, promotions: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
    ) -> tuple[Any, ...]:
        """The compiled draws' demand laws: sizes, rates, factors, promotions and shapes.

        The stores' sizes, the SKUs' rates, the day's shared factors, the promotions' factors
        ``[p, k]`` and members ``[p, s]``, and the shapes (dispersion, the slow movers' bound
        and shape: ``inf`` without them), as both generators' kernels take them.
        """
        n = self.scenario.n_skus
        promotion = np.array([f[0] for _, f, _ in promotions]).reshape(-1, n)
        member = np.array([m[self.stores] for m, _, _ in promotions], dtype=np.bool_)
        slow = self._intermittent
        return (
            self._size,
            self._rate,
            shared[0],
            promotion,
            member.reshape(len(promotions), len(self.stores)),
            float(self._dispersion),
            0.0 if slow is None else float(slow.below_rate),
            np.inf if slow is None else float(slow.dispersion),
        )

    def _addresses(self) -> tuple[np.ndarray, np.ndarray]:
        """The addresses of the stores' gamma and Poisson bit generators (this process's).

        Worked out once; not pickled (:meth:`__getstate__`), since a copy or a checkpoint's
        model has streams of its own at other addresses.
        """
        held: tuple[np.ndarray, np.ndarray] | None = self.__dict__.get("_stream_addresses")
        if held is None:
            gammas = np.array([_pcg64.address(g) for g, _ in self._streams], dtype=np.uint64)
            counts = np.array([_pcg64.address(c) for _, c in self._streams], dtype=np.uint64)
            held = self._stream_addresses = (gammas, counts)
        return held

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_stream_addresses", None)  # this process's addresses: worked out again
        return state

    def _draw_counter(
        self,
        day: int,
        today: np.ndarray,
        shared: np.ndarray,
        promotions: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
        out: np.ndarray,
    ) -> None:
        """The ``philox`` generator's day: each store's counts from its key, SKU and day.

        Drawn scenario demand is one compiled call for all the model's stores, means and
        shapes made cell by cell in the kernel; fitted demand, whose means and shapes are
        per store × SKU, one call per store.
        """
        kernels = _counter.compiled()
        if self.fitted is None:
            n = self.scenario.n_skus
            bad = kernels.draw_stores(self._keys, day, *self._laws(shared, promotions), out)
            if bad >= 0:
                i, k = divmod(bad, n)
                mean = self._store_mean(i, self.stores[i], today, shared, promotions)[0, k]
                raise _draw_failed(float(mean), day)
            return
        for i, s in enumerate(self.stores):
            base = self._base(i)
            rate = self._store_mean(i, s, today, shared, promotions, base)[0]
            shape = self._shape_of(i, base)
            shapes = np.full(1, shape) if isinstance(shape, float) else shape.astype(np.float64)
            k0, k1 = self._keys[i]
            bad = kernels.draw_counts(k0, k1, day, rate, shapes, out[i])
            if bad >= 0:
                raise _draw_failed(float(rate[bad]), day)


def _store_counts(counts: np.ndarray, day: int) -> np.ndarray:
    """A store's day of demand, checked to fit the int32 the stores' books hold."""
    if counts.size and int(counts.max()) > INT32_MAX:
        raise _too_large(int(counts.max()), day)
    return counts


def _too_large(count: int, day: int) -> ScenarioError:
    """The located error for a store's count past what its books hold."""
    return ScenarioError(
        f"on day {day} a store's demand for one SKU ({count} units) is more than a store × "
        f"SKU quantity can hold ({INT32_MAX}): the scenario's demand rates are too large",
        file="<scenario>",
        field="demand",
    )


def _draw_failed(mean: float, day: int) -> ScenarioError:
    """The located error for a counter-based draw the kernel refused."""
    if np.isfinite(mean) and mean >= 0:
        what = (
            f"a count drawn around a mean of {mean:.6g} units is more than a store × SKU "
            f"quantity can hold ({INT32_MAX}): the scenario's demand rates are too large"
        )
    else:
        what = f"the expected demand of a store × SKU is {mean}, not a finite number ≥ 0"
    return ScenarioError(
        f"on day {day} {what}",
        file="<scenario>",
        field="demand",
    )
