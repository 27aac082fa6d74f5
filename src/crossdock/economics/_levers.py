"""The payroll claim as an experiment: which store labour levers give what reduction.

The source article claims that self-checkouts plus electronic replenishment cut store payroll
by up to 73%. :func:`payroll_levers` measures it on a finished comparison, lever by lever and
cumulatively, from the runs' ``store_daily`` tables (what each store's staff had to handle):

1. the traditional chain, as the scenario sets it (the baseline);
2. shared replenishment (electronic: stores check the planners' proposals instead of
   reviewing every SKU, and get what the shared chain delivers);
3. store-ready roll cages sorted by aisle from the platforms (shelf filling at the store-ready
   rate; the platforms' sorting hours are reported beside, as they are a cost too);
4. more items through self-checkouts, at each share asked for.

Levers 3 and 4 change only the labour model's settings, so they need no new simulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from crossdock._arrow import from_day
from crossdock.economics._labour import sort_hours, store_labour
from crossdock.scenario import EconomicsSpec, Scenario

__all__ = ["LeverRow", "payroll_levers"]


@dataclass(frozen=True)
class LeverRow:
    """One step of the experiment: store payroll, its change from the baseline, sorting cost."""

    lever: str
    store_payroll: float
    reduction: float
    """Share of the baseline's store payroll saved (0.25: a quarter less)."""
    depot_sorting_cost: float
    """Platform or DC hours sorting onto store-ready cages, at the warehouse wage (EUR)."""


def payroll_levers(
    scenario: Scenario,
    traditional: pa.Table,
    shared: pa.Table,
    *,
    warm_up_days: int,
    self_checkout_shares: tuple[float, ...] = (0.5, 0.8, 1.0),
) -> list[LeverRow]:
    """Store payroll under each lever, cumulatively, over the measured days.

    ``traditional`` and ``shared`` are the two runs' ``store_daily`` tables.
    """
    base = scenario.spec.economics
    runs = {
        "traditional": from_day(traditional, warm_up_days),
        "shared": from_day(shared, warm_up_days),
    }

    def payroll(mode: str, economics: EconomicsSpec) -> tuple[float, float]:
        table = runs[mode]
        labour = store_labour(table, scenario, mode, economics)
        hours = sort_hours(table, economics.store_labour, mode).sum()
        eur = float(pc.sum(labour.column("eur")).as_py() or 0.0)
        return eur, float(hours) * economics.wages.loaded("warehouse")

    def with_labour(**changes: object) -> EconomicsSpec:
        labour = settings.store_labour.model_copy(update=changes)
        return settings.model_copy(update={"store_labour": labour})

    steps: list[tuple[str, str, EconomicsSpec]] = [
        ("traditional chain (baseline)", "traditional", base),
        ("+ shared, electronic replenishment", "shared", base),
    ]
    settings = base
    settings = with_labour(store_ready_from_platforms=True)
    steps.append(("+ store-ready roll cages from platforms", "shared", settings))
    for share in self_checkout_shares:
        settings = with_labour(self_checkout_share=share)
        steps.append((f"+ self-checkout share {share:.0%}", "shared", settings))
    rows = []
    first = None
    for name, mode, economics in steps:
        eur, sorting = payroll(mode, economics)
        first = eur if first is None else first
        rows.append(LeverRow(name, eur, 1.0 - eur / first if first else 0.0, sorting))
    return rows
