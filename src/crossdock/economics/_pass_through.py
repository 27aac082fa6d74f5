"""Price pass-through: lower shelf prices paid for by the shared chain's savings.

- :func:`with_price_cut` lowers every shelf price by a share (lasting price changes too),
  from the first day; demand answers through the scenario's price elasticity, and the stores
  take the lower prices (both read the same price changes).
- :func:`per_unit_saving` is the retailer's operating cost per unit sold (everything but the
  goods themselves) in the traditional chain less the shared chain's.
- :func:`pass_through_cut` turns ``economics.price_pass_through`` (the share of that saving
  passed on) into a cut of the average price paid.
- :func:`affordable_cut_estimate` is the largest cut that keeps the retailer's operating
  profit at the traditional level, on the measured figures: at a cut ``c`` volume scales by
  ``(1 − c) ** elasticity``, revenue by ``(1 − c) ** (1 + elasticity)``, the cost of goods and
  the other operating costs with volume. ``compare`` then simulates the shared chain at that
  cut to check it (:class:`PriceCut`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crossdock.scenario import PriceChangeSpec, Scenario, compile_scenario

__all__ = [
    "PriceCut",
    "affordable_cut_estimate",
    "pass_through_cut",
    "per_unit_saving",
    "with_price_cut",
]


def with_price_cut(scenario: Scenario, cut: float) -> Scenario:
    """``scenario`` with every shelf price (and lasting price change) ``cut`` lower, from day 0."""
    if not 0 <= cut < 1:
        raise ValueError(f"cut must be in [0, 1), got {cut}")
    if cut == 0:
        return scenario
    spec = scenario.spec
    keep = 1.0 - cut
    start = [
        PriceChangeSpec(gtin=p.gtin, start=spec.start_date, price=round(p.shelf_price * keep, 2))
        for p in spec.products
    ]
    later = [
        c.model_copy(update={"price": round(c.price * keep, 2)}) for c in spec.demand.price_changes
    ]
    demand = spec.demand.model_copy(update={"price_changes": start + later})
    return compile_scenario(spec.model_copy(update={"demand": demand}))


def _operating_cost(kpis: dict[str, float]) -> float:
    """The retailer's operating costs beside the goods (EUR, positive)."""
    return kpis["gross_margin_retailer"] - kpis["operating_profit_retailer"]


def per_unit_saving(traditional: dict[str, float], shared: dict[str, float]) -> float:
    """Retailer's operating cost per unit sold, traditional less shared (EUR per unit)."""
    a, b = traditional["sales_units"], shared["sales_units"]
    if not a or not b:
        return 0.0
    return _operating_cost(traditional) / a - _operating_cost(shared) / b


def pass_through_cut(
    traditional: dict[str, float], shared: dict[str, float], share: float
) -> float:
    """The price cut (share of the average price paid) that passes on ``share`` of the saving."""
    saving = per_unit_saving(traditional, shared)
    units, revenue = shared["sales_units"], shared["revenue_retailer"]
    if saving <= 0 or not units or not revenue:
        return 0.0
    return min(share * saving / (revenue / units), 0.9)


def _profit_at(shared: dict[str, float], cut: float, elasticity: float) -> float:
    volume = (1.0 - cut) ** elasticity
    revenue = shared["revenue_retailer"] * (1.0 - cut)
    cogs = shared["revenue_retailer"] - shared["gross_margin_retailer"]
    return volume * (revenue - cogs - _operating_cost(shared))


def affordable_cut_estimate(
    traditional: dict[str, float], shared: dict[str, float], elasticity: float
) -> float:
    """Largest cut in [0, 0.5] keeping the retailer's profit at the traditional level (0: none)."""
    target = traditional["operating_profit_retailer"]
    if _profit_at(shared, 0.0, elasticity) < target:
        return 0.0
    low, high = 0.0, 0.5
    if _profit_at(shared, high, elasticity) >= target:
        return high
    for _ in range(60):  # bisection: profit falls with the cut over this range
        mid = (low + high) / 2
        low, high = (mid, high) if _profit_at(shared, mid, elasticity) >= target else (low, mid)
    return low


@dataclass(frozen=True)
class PriceCut:
    """A shared run at lower prices, beside the two it is compared with."""

    cut: float
    """Share taken off every shelf price."""
    reason: str
    """``pass_through`` (the scenario's price_pass_through) or ``affordable`` (the estimate)."""
    kpis: dict[str, float] = field(repr=False)
    """The KPIs of the shared chain at that cut."""

    def figures(self, traditional: dict[str, float], shared: dict[str, float]) -> dict[str, float]:
        """Volume, margin and profit at the cut, beside traditional and shared at full price."""
        out = {"cut": self.cut}
        for key in (
            "sales_units",
            "revenue_retailer",
            "gross_margin_retailer",
            "operating_profit_retailer",
            "operating_profit_suppliers",
            "operating_profit_chain",
        ):
            out[f"{key}_traditional"] = traditional[key]
            out[f"{key}_shared"] = shared[key]
            out[f"{key}_at_cut"] = self.kpis[key]
        return out
