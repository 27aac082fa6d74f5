"""The cases of the analytic validation suite, each against its theory, over several seeds.

Every case builds a small scenario in code, runs it for each seed and returns
:class:`CaseResult` rows: the theory, the mean measured over the replications, its 95%
Student interval and whether the interval covers the theory. Replications are the seeds,
or, where SKUs are independent and identical, each SKU of each seed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from crossdock.policies import (
    BaseStock,
    ExponentialSmoothing,
    MovingAverage,
    Observation,
    OrderUpTo,
    Policy,
)
from crossdock.policies._rules import protection_interval_days
from crossdock.scenario import Scenario, ScenarioSpec, compile_scenario, generate_spec
from crossdock.validation._harness import clean_single_store, run_single_store
from crossdock.validation._references import base_stock_backorders, base_stock_lost_sales
from crossdock.validation._stats import Interval, interval

__all__ = ["CASES", "CaseResult", "SafetyOffset", "run_validation"]

DEFAULT_SEEDS = (1, 2, 3, 4, 5)


@dataclass(frozen=True, eq=False)
class CaseResult:
    """One validated figure: theory against the interval of its replications.

    ``measured`` is the 95% Student interval. ``passed`` asks whether the theory lies in the
    interval at ``pass_level``: :func:`run_validation` sets it so the whole suite has a 5%
    chance of a false alarm (Bonferroni: 1 − 0.05 / number of figures), since with a dozen
    figures at 95% each, one would miss by chance about every other run.
    """

    case: str
    figure: str
    theory: float
    replications: np.ndarray
    convention: str
    pass_level: float = 0.95

    @property
    def measured(self) -> Interval:
        """Mean and 95% interval of the replications."""
        return interval(self.replications, 0.95)

    @property
    def tolerance(self) -> Interval:
        """The interval at ``pass_level``, against which the theory is checked."""
        return interval(self.replications, self.pass_level)

    @property
    def passed(self) -> bool:
        """The interval at ``pass_level`` covers the theory."""
        return self.tolerance.covers(self.theory)


class SafetyOffset(Policy):
    """``inner`` with a constant extra stock of ``units``.

    It orders as if ``units`` fewer were on hand: an order-up-to policy with z = 0 plus a
    fixed safety stock, as in Chen et al. (2000), so an upstream stage never runs out and its
    orders stay the textbook's.
    """

    def __init__(self, *, inner: Policy | None = None, units: float = 0.0) -> None:
        self.inner = inner if inner is not None else BaseStock()
        self.units = units

    def reset(self, prior_mean: np.ndarray) -> None:
        """Reset the inner policy."""
        super().reset(prior_mean)
        self.inner.reset(prior_mean)

    def observe(self, demand: np.ndarray) -> None:
        """The inner policy learns."""
        self.inner.observe(demand)

    def observe_sales(self, sales: np.ndarray, stockout: np.ndarray | None = None) -> None:
        """The inner policy learns."""
        self.inner.observe_sales(sales, stockout)

    def set_calendar(self, first_weekday: int, weekday_profile: np.ndarray | None) -> None:
        """Pass the calendar on."""
        self.inner.set_calendar(first_weekday, weekday_profile)

    def plan(self, observation: Observation) -> np.ndarray:
        """The inner policy's order for a position ``units`` lower."""
        shifted = Observation(
            day=observation.day,
            on_hand=observation.on_hand - self.units,
            on_order=observation.on_order,
            backorders=observation.backorders,
            lead_time_days=observation.lead_time_days,
        )
        return self.inner.plan(shifted)


def _pooled_ratio(orders: np.ndarray, demand: np.ndarray) -> float:
    """One seed's ratio of order to demand variance, pooled over its identical SKUs."""
    return float(orders.var(axis=0).sum() / demand.var(axis=0).sum())


def _rounding_variance(protection_days: float, window: int | None) -> float:
    """Variance of the whole-unit round-up of an order-up-to level (a unit fraction).

    A level P × (sum of p integers) / p has fractions on a grid of m = p / gcd(P, p)
    steps, whose round-up residue has variance (1 − 1/m²) / 12; a continuous level (SES),
    1 / 12. Orders carry the difference of two residues: twice that, over Var(D) = λ.
    """
    if window is None:
        return 1.0 / 12.0
    m = window // np.gcd(round(protection_days), window)
    return (1.0 - 1.0 / m**2) / 12.0


def _figures(
    label: str, theory: Any, runs: Sequence[Any], convention: str, names: tuple[str, ...]
) -> list[CaseResult]:
    """One result per figure: the theory's value against every run's replications."""
    return [
        CaseResult(
            label,
            name,
            getattr(theory, name),
            np.concatenate([getattr(r, name) for r in runs]),
            convention,
        )
        for name in names
    ]


# -- single stage -------------------------------------------------------------------------
def base_stock_backorder_case(
    seeds: Sequence[int], days: int, generator: str = "pcg64"
) -> list[CaseResult]:
    """Base stock S = 12, λ = 5, L = 2, backorders: closed forms (net stock S − D_L)."""
    rate, lead, level = 5.0, 2, 12
    scenario = clean_single_store(rate=rate, lead_time_days=lead, days=days, generator=generator)
    runs = [run_single_store(scenario, BaseStock(level=level), seed=s) for s in seeds]
    theory = base_stock_backorders(rate, lead, level)
    label = "base stock, backorders (λ=5, L=2, S=12)"
    convention = "closed form, Zipkin (2000) §6.2; order at end of day t sells on day t+L"
    return _figures(
        label, theory, runs, convention, ("fill_rate", "backorders", "no_stockout_days")
    )


def base_stock_lost_sales_case(
    seeds: Sequence[int], days: int, generator: str = "pcg64"
) -> list[CaseResult]:
    """Base stock S = 12, λ = 5, L = 2, lost sales: the exact Markov chain."""
    rate, lead, level = 5.0, 2, 12
    scenario = clean_single_store(
        rate=rate, lead_time_days=lead, days=days, unmet_demand="lost", generator=generator
    )
    runs = [run_single_store(scenario, BaseStock(level=level), seed=s) for s in seeds]
    theory = base_stock_lost_sales(rate, lead, level)
    label = "base stock, lost sales (λ=5, L=2, S=12)"
    convention = "exact Markov chain of (stock, pipeline), Karlin & Scarf (1958)"
    return _figures(label, theory, runs, convention, ("fill_rate", "no_stockout_days"))


BULLWHIP_RATE = 50.0


def _bullwhip_runs(
    policy: Policy, seeds: Sequence[int], days: int, lead: int, generator: str
) -> np.ndarray:
    scenario = clean_single_store(
        rate=BULLWHIP_RATE, lead_time_days=lead, days=days, generator=generator
    )
    ratios = []
    for seed in seeds:
        run = run_single_store(scenario, policy, seed=seed)
        ratios.append(_pooled_ratio(run.store_orders, run.demand))
    return np.array(ratios)


def moving_average_bullwhip_case(
    seeds: Sequence[int], days: int, generator: str = "pcg64"
) -> list[CaseResult]:
    """Chen et al. (2000): order-up-to on a p-day moving average, z = 0."""
    window, lead = 10, 2
    effective = float(protection_interval_days(1, lead))
    x = effective / window
    policy = OrderUpTo(service_level=0.5, forecast=MovingAverage(window_days=window))
    measured = _bullwhip_runs(policy, seeds, days, lead, generator)
    return [
        CaseResult(
            f"Chen MA bullwhip (p={window}, L={lead}: effective L = R+L−1 = {effective:.0f})",
            "Var(q)/Var(D)",
            1 + 2 * x + 2 * x * x + 2 * _rounding_variance(effective, window) / BULLWHIP_RATE,
            measured,
            "Chen, Drezner, Ryan & Simchi-Levi (2000), 1 + 2L/p + 2L²/p², their L = our R+L−1; "
            "plus whole-unit rounding 2 Var(r)/λ",
        )
    ]


def exponential_smoothing_bullwhip_case(
    seeds: Sequence[int], days: int, generator: str = "pcg64"
) -> list[CaseResult]:
    """Order-up-to on simple exponential smoothing, z = 0: 1 + 2αL + 2α²L²/(2 − α)."""
    alpha, lead = 0.3, 2
    p = float(protection_interval_days(1, lead))
    policy = OrderUpTo(service_level=0.5, forecast=ExponentialSmoothing(alpha=alpha))
    measured = _bullwhip_runs(policy, seeds, days, lead, generator)
    return [
        CaseResult(
            f"SES bullwhip (α={alpha}, L={lead}: effective L = {p:.0f})",
            "Var(q)/Var(D)",
            1
            + 2 * alpha * p
            + 2 * alpha**2 * p**2 / (2 - alpha)
            + 2 * _rounding_variance(p, None) / BULLWHIP_RATE,
            measured,
            "Chen, Ryan & Simchi-Levi (2000), exponential smoothing forecasts; plus whole-unit "
            "rounding 2 Var(r)/λ",
        )
    ]


# -- two echelons ------------------------------------------------------------------------
def _two_stage_spec(
    days: int, *, lead_dc: int, lead_supplier: int, window: int, generator: str
) -> Scenario:
    base = clean_single_store(
        rate=BULLWHIP_RATE, lead_time_days=lead_dc, days=days, n_skus=12, generator=generator
    )
    spec = base.spec
    suppliers = [s.model_copy(update={"lead_time_days": lead_supplier}) for s in spec.suppliers]
    factories = [
        f.model_copy(update={"lines": [], "capacity_units_per_day": 10**7, "warm_up_ramp_days": 0})
        for f in spec.factories
    ]
    platforms = [
        p.model_copy(update={"capacity_units_per_day": 10**7, "delivery_days": lead_dc})
        for p in spec.platforms
    ]
    settings = spec.replenishment
    ma = {"method": "moving_average", "window_days": window}
    shared = settings.shared.model_copy(
        update={
            "store": settings.shared.store.model_copy(
                update={
                    "service_level": 0.5,
                    "forecast": settings.shared.store.forecast.model_copy(update=ma),
                }
            )
        }
    )
    traditional = settings.traditional.model_copy(
        update={
            "supplier": settings.traditional.supplier.model_copy(
                update={"initial_stock_days": 1e6}
            ),
            "dc": settings.traditional.dc.model_copy(update={"initial_stock_days": 14.0}),
        }
    )
    replenishment = settings.model_copy(
        update={"shared": shared, "traditional": traditional, "pallet_rounding_share": None}
    )
    retailer = spec.retailer.model_copy(update={"confirms_proposals": False})
    return compile_scenario(
        spec.model_copy(
            update={
                "suppliers": suppliers,
                "factories": factories,
                "platforms": platforms,
                "replenishment": replenishment,
                "retailer": retailer,
            }
        )
    )


def _filter_ratio(*stages: float, window: int, rate: float) -> float:
    """Var of orders over var of i.i.d. demand after order-up-to stages on a moving average.

    Each stage with protection interval P orders q_t = d_t + (P/p)(d_t − d_{t−p}) of what it
    sees, plus the difference of its round-up residues r_t − r_{t−1}: the orders are linear
    filters of demand and of each stage's residues, whose variance is Σ h² times theirs.
    """
    demand = np.array([1.0])
    residues: list[tuple[np.ndarray, float]] = []
    for days in stages:
        x = days / window
        stage = np.zeros(window + 1)
        stage[0], stage[window] = 1 + x, -x
        demand = np.convolve(demand, stage)
        residues = [(np.convolve(h, stage), v) for h, v in residues]
        residues.append((np.array([1.0, -1.0]), _rounding_variance(days, window)))
    noise = sum(float(np.sum(h**2)) * v for h, v in residues)
    return float(np.sum(demand**2)) + noise / rate


def multi_echelon_case(
    seeds: Sequence[int], days: int, generator: str = "pcg64"
) -> list[CaseResult]:
    """Traditional against shared amplification, moving averages of p days, z = 0.

    Traditional: store → DC, each forecasting what it sees; shared: one planner forecasting
    consumer demand over the whole lead time, suppliers making to order.
    """
    from crossdock.chain import build_chain
    from crossdock.engine import Engine

    window, lead_dc, lead_supplier = 10, 1, 2
    scenario = _two_stage_spec(
        days, lead_dc=lead_dc, lead_supplier=lead_supplier, window=window, generator=generator
    )
    burn = 60
    p_store = float(protection_interval_days(1, lead_dc))
    p_dc = float(protection_interval_days(1, lead_supplier))
    p_planner = float(protection_interval_days(1, lead_supplier + lead_dc))
    ma = MovingAverage(window_days=window)
    store = SafetyOffset(inner=OrderUpTo(service_level=0.5, forecast=ma), units=0.0)
    dc = SafetyOffset(inner=OrderUpTo(service_level=0.5, forecast=ma), units=400.0)
    traditional, shared = [], []
    for seed in seeds:
        chain = build_chain(
            scenario, "traditional", days=days, seed=seed, policies={"store": store, "dc": dc}
        )
        dcs = chain.parties[1]
        floor = [np.inf]

        def watch(day: int, dcs: object = dcs, floor: list[float] = floor) -> None:
            floor[0] = min(floor[0], float(dcs.on_hand.min()))  # type: ignore[attr-defined]

        Engine(chain.parties).run(days, watch)
        if floor[0] <= 0:
            raise RuntimeError("the DC ran out: the linear-filter reference does not apply")
        sku = chain.ledger.sku
        demand = sku["demand"][burn:].astype(np.float64)
        traditional.append(_pooled_ratio(sku["dc_orders"][burn:].astype(np.float64), demand))
        chain = build_chain(scenario, "shared", days=days, seed=seed)
        Engine(chain.parties).run(days)
        sku = chain.ledger.sku
        demand = sku["demand"][burn:].astype(np.float64)
        shared.append(_pooled_ratio(sku["production_orders"][burn:].astype(np.float64), demand))
    total = p_planner / window
    return [
        CaseResult(
            f"traditional DC orders (p={window}; store P={p_store:.0f}, DC P={p_dc:.0f})",
            "Var(q_DC)/Var(D)",
            _filter_ratio(p_store, p_dc, window=window, rate=BULLWHIP_RATE),
            np.array(traditional),
            "decentralised two-stage chain, exact linear filter (Chen et al. 2000 give the "
            f"lower bound Π(1 + 2P/p + 2P²/p²) = "
            f"{(1 + 2 * p_store / window + 2 * (p_store / window) ** 2) * (1 + 2 * p_dc / window + 2 * (p_dc / window) ** 2):.3f})",
        ),
        CaseResult(
            f"shared production orders (p={window}; planner P={p_planner:.0f})",
            "Var(q_prod)/Var(D)",
            _filter_ratio(p_planner, window=window, rate=BULLWHIP_RATE),
            np.array(shared),
            "centralised demand information, Chen et al. (2000): 1 + 2ΣL/p + 2(ΣL)²/p² = "
            f"{1 + 2 * total + 2 * total * total:.3f}, plus whole-unit rounding",
        ),
    ]


# -- accounting ---------------------------------------------------------------------------
def _congested_platform(days: int, generator: str) -> Scenario:
    spec = with_generator(
        generate_spec(
            n_stores=4, n_skus=12, n_platforms=1, horizon_days=days, warm_up_days=30, seed=5
        ),
        generator,
    )
    sc = compile_scenario(spec)
    flow = float(sc.expected_demand().sum())
    platforms = [
        p.model_copy(update={"capacity_units_per_day": int(1.1 * flow)}) for p in spec.platforms
    ]
    return compile_scenario(spec.model_copy(update={"platforms": platforms}))


def littles_law_case(seeds: Sequence[int], days: int, generator: str = "pcg64") -> list[CaseResult]:
    """Platforms short of handling capacity hold stock overnight: L = λW on the sample path.

    Over a whole run from an empty platform, the unit-nights held (the sum of overnight
    stock) equal the units shipped times their mean dwell (the KPI, FIFO) plus the nights of
    the units still waiting at the end; the ratio of the two sides is 1 exactly.
    """
    from crossdock.simulate import simulate

    scenario = _congested_platform(days, generator)
    ratios, held = [], []
    for seed in seeds:
        result = simulate(scenario, mode="shared", seed=seed, warm_up=0)
        depots = result.tables["depot_daily"].to_pandas()
        depots = depots[depots.depot_type == "platform"]
        units_in = depots.pivot(index="day", columns="gln", values="units_in").to_numpy()
        units_out = depots.pivot(index="day", columns="gln", values="units_out").to_numpy()
        cum_in, cum_out = units_in.cumsum(axis=0), units_out.cumsum(axis=0)
        nights = float((cum_in - cum_out).sum())
        waiting = float(np.maximum(cum_in - cum_out[-1], 0.0).sum())
        kpis = result.kpis
        shipped = kpis["platform_throughput_units_per_day"] * result.days
        ratios.append(round((nights - waiting) / (shipped * kpis["platform_dwell_days_mean"]), 9))
        held.append(kpis["platform_stock_units"])
    if min(held) <= 0:
        raise RuntimeError("the platform held nothing overnight: Little's law is not exercised")
    return [
        CaseResult(
            "Little's law at a congested platform (sample path)",
            "unit-nights / (units × dwell)",
            1.0,
            np.array(ratios),
            "Little (1961), L = λW; dwell exact FIFO from the daily units in and out",
        )
    ]


def conservation_case(
    seeds: Sequence[int], days: int, generator: str = "pcg64"
) -> list[CaseResult]:
    """Every unit accounted for, at every location and day, in both modes."""
    from crossdock.simulate import simulate

    scenario = compile_scenario(
        with_generator(
            generate_spec(
                n_stores=3,
                n_skus=24,
                n_platforms=2,
                horizon_days=days,
                warm_up_days=10,
                seed=9,
                realistic_demand=True,
            ),
            generator,
        )
    )
    counts = []
    for seed in seeds:
        for mode in ("traditional", "shared"):
            ledger = simulate(scenario, mode=mode, seed=seed).ledger
            counts.append(len(ledger.violations()) + ledger.unmatched_transfers().size)
    return [
        CaseResult(
            "conservation (both modes, realistic demand calendar)",
            "unbalanced location-days",
            0.0,
            np.array(counts, dtype=np.float64),
            "closing = previous + received + produced − shipped − sold − scrapped",
        )
    ]


CASES: dict[str, tuple[Callable[[Sequence[int], int, str], list[CaseResult]], int]] = {
    "base_stock_backorders": (base_stock_backorder_case, 1000),
    "base_stock_lost_sales": (base_stock_lost_sales_case, 1000),
    "moving_average_bullwhip": (moving_average_bullwhip_case, 1000),
    "exponential_smoothing_bullwhip": (exponential_smoothing_bullwhip_case, 1000),
    "multi_echelon": (multi_echelon_case, 460),
    "littles_law": (littles_law_case, 200),
    "conservation": (conservation_case, 60),
}
"""Each case's function and its default number of days."""

FIGURES = 11
"""Figures the whole suite checks (the Bonferroni divisor, whichever cases are run)."""


def run_validation(
    seeds: Sequence[int] = DEFAULT_SEEDS,
    *,
    cases: Sequence[str] | None = None,
    scale: float = 1.0,
    generator: str = "pcg64",
) -> list[CaseResult]:
    """Run the named ``cases`` (default: all) over ``seeds``; ``scale`` multiplies the days.

    ``generator`` is the ``demand.generator`` of every case's scenario (``pcg64`` or
    ``philox``): the closed forms hold for either.
    """
    chosen = list(CASES) if cases is None else list(cases)
    rows: list[CaseResult] = []
    for name in chosen:
        function, days = CASES[name]
        rows.extend(function(seeds, max(int(days * scale), 120), generator))
    level = 1.0 - 0.05 / FIGURES
    return [dataclasses.replace(row, pass_level=level) for row in rows]


def with_generator(spec: ScenarioSpec, generator: str) -> ScenarioSpec:
    """``spec`` with its demand drawn by ``generator``."""
    return spec.model_copy(
        update={"demand": spec.demand.model_copy(update={"generator": generator})}
    )
