"""Exact references for single-stage inventory under Poisson demand.

Every function takes the daily rate λ, the lead time L under crossdock's convention (an order
placed at the end of day t sells from day t + L) and integer stock levels, and returns the
figures a simulator measures per day: fill rate, mean backorders at the end of a day and the
share of days on which no unit demanded went short ("cycle service" with daily review).

- :func:`base_stock_backorders`: closed forms (Hadley and Whitin; Zipkin, *Foundations of
  Inventory Management*, ch. 6): net stock at the end of a day is S − D_L.
- :func:`order_up_to_backorders`: periodic review (R, S), averaged over the R days of a cycle.
- :func:`min_max_backorders`: (s, S) with daily review, the stationary law of the inventory
  position after ordering from its Markov chain, then the base-stock forms at each level.
- :func:`base_stock_lost_sales`: base stock with lost sales, the exact stationary law of the
  Markov chain of (stock on hand, pipeline) (Karlin and Scarf, 1958; Zipkin, 2008).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.stats import poisson

__all__ = [
    "StockFigures",
    "base_stock_backorders",
    "base_stock_lost_sales",
    "expected_shortfall",
    "min_max_backorders",
    "order_up_to_backorders",
]


@dataclass(frozen=True)
class StockFigures:
    """Per-day figures of a stationary single-stage system."""

    fill_rate: float
    backorders: float
    no_stockout_days: float


def expected_shortfall(mean: float, level: int) -> float:
    """E[(D − S)⁺] for D ~ Poisson(mean)."""
    if mean <= 0:
        return max(-float(level), 0.0)
    k = np.arange(max(level, 0) + 1)
    return float(mean - level + np.sum((level - k) * poisson.pmf(k, mean)))


def _no_short(rate: float, days_before: int, level: int) -> float:
    """P(no unit of today's demand goes short) when net stock this morning is S − D_{before}.

    Nothing is short when D_{before} + D_today ≤ S, or when today's demand is zero.
    """
    covered = float(poisson.cdf(level, rate * (days_before + 1)))
    behind = float(poisson.sf(level, rate * days_before)) if days_before > 0 else 0.0
    return covered + float(np.exp(-rate)) * behind


def base_stock_backorders(rate: float, lead_time_days: int, level: int) -> StockFigures:
    """Base stock S with backorders, daily review: net stock at the end of a day is S − D_L."""
    return order_up_to_backorders(rate, lead_time_days, 1, level)


def order_up_to_backorders(
    rate: float, lead_time_days: int, review_period_days: int, level: int
) -> StockFigures:
    """(R, S) with backorders: day j (1 … R) of a cycle ends with net stock S − D_{L+j−1}."""
    lead, review = lead_time_days, review_period_days
    short_end = [expected_shortfall(rate * (lead + j - 1), level) for j in range(1, review + 1)]
    fill = 1.0 - (
        expected_shortfall(rate * (lead + review - 1), level)
        - expected_shortfall(rate * (lead - 1), level)
    ) / (review * rate)
    no_short = np.mean([_no_short(rate, lead + j - 2, level) for j in range(1, review + 1)])
    return StockFigures(fill, float(np.mean(short_end)), float(no_short))


def min_max_backorders(
    rate: float, lead_time_days: int, reorder_point: float, order_up_to: int
) -> StockFigures:
    """(s, S) with backorders and daily review: order up to S when the position is ≤ s.

    The position after ordering y lives on ⌊s⌋ + 1 … S: it falls by each day's demand and
    jumps back to S when it reaches s or below. Net stock L days after is y − D_L.
    """
    low = int(np.floor(reorder_point)) + 1
    levels = np.arange(low, order_up_to + 1)
    n = levels.size
    chain = np.zeros((n, n))
    for i, y in enumerate(levels):
        drops = np.arange(0, y - low + 1)
        chain[i, y - drops - low] += poisson.pmf(drops, rate)
        chain[i, n - 1] += poisson.sf(y - low, rate)
    law = _stationary(chain)
    lead = lead_time_days
    levels_list = [int(y) for y in levels]
    fill = (
        1.0
        - sum(
            p * (expected_shortfall(rate * lead, y) - expected_shortfall(rate * (lead - 1), y))
            for p, y in zip(law, levels_list, strict=True)
        )
        / rate
    )
    back = sum(
        p * expected_shortfall(rate * lead, y) for p, y in zip(law, levels_list, strict=True)
    )
    no_short = sum(p * _no_short(rate, lead - 1, y) for p, y in zip(law, levels_list, strict=True))
    return StockFigures(float(fill), float(back), float(no_short))


def base_stock_lost_sales(rate: float, lead_time_days: int, level: int) -> StockFigures:
    """Base stock S with lost sales, exactly, from the Markov chain of stock and pipeline.

    After ordering at the end of a day the state is (x, p_1 … p_{L−1}): stock on hand and
    the orders that arrive over the next L − 1 mornings (the newest, S − x − Σp, arrives last).
    Each morning p_1 arrives, the day sells min(x + p_1, D) and the rest of demand is lost.
    """
    lead = lead_time_days
    if lead < 1:
        raise ValueError("lead_time_days must be >= 1")
    states = [
        s for s in itertools.product(range(level + 1), repeat=lead) if sum(s) <= level
    ]  # (x, p_1, …, p_{L−1}); the newest order is level − sum
    index = {s: i for i, s in enumerate(states)}
    tail = int(level + 1)
    pmf = poisson.pmf(np.arange(tail), rate)
    chain = np.zeros((len(states), len(states)))
    sold_mean = np.zeros(len(states))
    for i, state in enumerate(states):
        x, pipe = state[0], state[1:]
        newest = level - sum(state)
        arriving = (*pipe, newest)  # orders in the order they arrive
        stock = x + arriving[0]
        rest = arriving[1:]
        for d in range(stock + 1):
            p = pmf[d] if d < stock else float(poisson.sf(stock - 1, rate))
            left = stock - d
            chain[i, index[(left, *rest)]] += p
        demand = np.arange(stock)
        sold_mean[i] = float(np.sum(demand * pmf[:stock]) + stock * poisson.sf(stock - 1, rate))
    law = _stationary(chain)
    # on-hand this morning (x + p_1) decides the day: no shortage iff D ≤ stock
    morning = np.array([s[0] + (s[1] if lead > 1 else level - sum(s)) for s in states])
    fill = float(law @ sold_mean) / rate
    no_short = float(law @ poisson.cdf(morning, rate))
    return StockFigures(fill, 0.0, no_short)


def _stationary(chain: np.ndarray) -> np.ndarray:
    """The stationary law π of a row-stochastic matrix (π P = π, Σπ = 1)."""
    n = chain.shape[0]
    system = np.vstack([chain.T - np.eye(n), np.ones(n)])
    rhs = np.zeros(n + 1)
    rhs[-1] = 1.0
    law, *_ = np.linalg.lstsq(system, rhs, rcond=None)
    law = np.maximum(law, 0.0)
    return law / law.sum()
