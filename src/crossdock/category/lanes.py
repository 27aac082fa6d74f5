"""Inbound lanes on the real flow: which supplier × platform lanes a milk run can help.

A scenario is a slice of a real flow (:class:`~crossdock.scenario.RealFlowSpec`): each
supplier sends ``supplier_pallets_per_day`` pallets of all its categories to the retailer's
depots, split by the size of the stores each serves. The P&L charges the slice its share of
trucks sized for that flow (:mod:`crossdock.economics._transport`), so the captain's inbound
decisions are made on the same flow, or they would be decided on one flow and paid on another:

- a lane whose real flow fills a truck to the calendar's ``target_truck_fill`` on its own (a
  *full-truckload* lane) ships direct: a milk run could only add stops to a truck that is full
  anyway; its calendar sees the real pallets, so it orders every day (ordering less often would
  add stock and save no truck);
- the other lanes (*less than truckload*) are what the captain consolidates: its suppliers
  together on collection milk runs, on the calendar chosen from their real pallets.

With no real flow set (the slice is the whole flow), every lane is decided on the slice's own
pallets, as the slice then pays for its own trucks.
"""

from __future__ import annotations

import numpy as np

from crossdock.scenario import Scenario
from crossdock.scenario._captain_spec import DeliveryCalendarSpec

__all__ = ["consolidated_lanes", "depot_shares", "lane_pallets", "supplier_pallets"]


def depot_shares(scenario: Scenario) -> dict[str, float]:
    """Share of the stores' total size each depot (platform or DC) serves, by GLN."""
    size = scenario.size_factor / scenario.size_factor.sum()
    shares: dict[str, float] = {}
    for glns, of_store in (
        (scenario.platform_gln, scenario.platform_of_store),
        (scenario.dc_gln, scenario.dc_of_store),
    ):
        for d, gln in enumerate(glns):
            shares[str(gln)] = float(size[of_store == d].sum())
    return shares


def supplier_pallets(scenario: Scenario) -> np.ndarray:
    """Real pallets a supplier sends the retailer's depots a day, per supplier (0: none set)."""
    flow = scenario.spec.economics.real_flow
    return np.array(
        [
            flow.by_supplier.get(u.id, flow.supplier_pallets_per_day)
            for u in scenario.spec.suppliers
        ],
        dtype=np.float64,
    )


def lane_pallets(scenario: Scenario) -> np.ndarray:
    """Real pallets a day per supplier × platform (0 where the scenario sets no real flow)."""
    shares = depot_shares(scenario)
    platform = np.array([shares[str(g)] for g in scenario.platform_gln], dtype=np.float64)
    return supplier_pallets(scenario)[:, None] * platform[None, :]


def consolidated_lanes(scenario: Scenario) -> np.ndarray:
    """Supplier × platform lanes a collection milk run may carry (bool).

    A lane with a real flow that fills one truck to the calendar's target fill alone ships
    direct; lanes without a real flow (the slice is the whole flow) are all candidates.
    """
    spec = scenario.spec.replenishment.delivery_calendar or DeliveryCalendarSpec()
    capacity = scenario.spec.carrier.trucks[0].capacity_pallets
    real = lane_pallets(scenario)
    return real < spec.target_truck_fill * capacity
