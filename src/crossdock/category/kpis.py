"""KPIs of the category captain's levers, from a run's tables and its scenario.

Inbound transport (trips, km, truck fill, trips per week) shows collection milk runs at
work; assortment depth and sales kept after delisting show the range review; fill rate and
shelf share of the captain's own items against its competitors' are what a regulator of
category captaincy watches. Every figure covers the days after the warm-up, as in
:mod:`crossdock.kpis`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crossdock._arrow import distinct as _distinct
from crossdock._arrow import from_day as _from_day
from crossdock.scenario import Scenario

__all__ = ["CATEGORY_KPI_DOCS", "captain_items", "category_kpis"]

CATEGORY_KPI_DOCS: dict[str, str] = {
    "km_inbound": "Kilometres driven from suppliers to platforms or the DC and back.",
    "km_outbound": "Kilometres driven on store delivery routes.",
    "trucks_inbound_per_week": "Inbound truck trips per week (trucks_inbound over the measured "
    "weeks).",
    "truck_fill_rate_inbound": "Inbound pallets over inbound truck capacity (pallets): direct "
    "truckloads and collection milk runs.",
    "assortment_depth": "SKUs listed per product family per store on the last day, averaged "
    "over families.",
    "sales_kept_after_delisting": "Share of demand for delisted SKUs that shoppers moved to a "
    "substitute (1 when nothing was delisted).",
    "fill_rate_captain_items": "Fill rate of the SKUs made by their category's captain.",
    "fill_rate_competitor_items": "Fill rate of the other suppliers' SKUs in the captain's "
    "categories.",
    "fill_rate_gap_captain_competitors": "fill_rate_captain_items - fill_rate_competitor_items "
    "(percentage points / 100; > 0 favours the captain).",
    "shelf_share_captain_items": "Share of the stores' shelf capacity (units, last day's "
    "allocation) given to the captain's own SKUs.",
    "demand_share_captain_items": "Share of consumer demand for the captain's own SKUs (the "
    "reference for shelf_share_captain_items).",
}


def captain_items(scenario: Scenario) -> np.ndarray:
    """Per SKU, whether its maker is the captain of its category."""
    sc = scenario
    return np.asarray(sc.supplier_of == sc.captain_of_category[sc.category_of])


def _col(table: pa.Table, name: str) -> np.ndarray:
    return table.column(name).to_numpy()


def category_kpis(
    tables: dict[str, pa.Table],
    scenario: Scenario,
    *,
    warm_up_days: int,
    shelf_units: np.ndarray | None = None,
) -> dict[str, float]:
    """Every KPI of :data:`CATEGORY_KPI_DOCS`.

    ``shelf_units`` (per SKU, units over all stores) is the shelf allocation in force at the
    end of the run (default: the scenario's rule).
    """
    sc = scenario
    out: dict[str, float] = {}
    # zero-copy day slices and Arrow counts: no copy of sku_daily, no Python strings per row
    transport = _from_day(tables["transport"], warm_up_days)
    inbound = pc.equal(transport.column("leg"), "inbound").to_numpy(zero_copy_only=False)
    km = _col(transport, "km")
    trucks = _col(transport, "trucks")
    out["km_inbound"] = float(km[inbound].sum())
    out["km_outbound"] = float(km[~inbound].sum())
    whole = tables["sku_daily"]
    n_sku = _distinct(whole, "gtin") or 1
    n_days = whole.num_rows // n_sku
    weeks = max(n_days - warm_up_days, 1) / 7
    out["trucks_inbound_per_week"] = float(trucks[inbound].sum()) / weeks
    capacity = float(trucks[inbound].sum()) * sc.spec.carrier.trucks[0].capacity_pallets
    pallets = float(_col(transport, "pallets")[inbound].sum())
    out["truck_fill_rate_inbound"] = pallets / capacity if capacity else 0.0

    last_day = whole.slice(max(whole.num_rows - n_sku, 0))
    listed = _col(last_day, "listed_stores").astype(np.float64)
    per_family = np.bincount(sc.family_of, weights=listed, minlength=len(sc.family_name))
    present = np.bincount(sc.family_of, minlength=len(sc.family_name)) > 0
    out["assortment_depth"] = float(per_family[present].mean() / max(sc.n_stores, 1))
    sku = _from_day(whole, warm_up_days)
    moved = float(_col(sku, "substituted_demand").sum())
    gone = float(_col(sku, "delisted_demand_lost").sum())
    out["sales_kept_after_delisting"] = moved / (moved + gone) if moved + gone else 1.0

    demand = _col(sku, "demand").reshape(-1, n_sku).sum(axis=0).astype(np.float64)
    lost = _col(sku, "lost_sales").reshape(-1, n_sku).sum(axis=0).astype(np.float64)
    own = captain_items(sc)

    def fill(where: np.ndarray) -> float:
        asked = float(demand[where].sum())
        return 1.0 - float(lost[where].sum()) / asked if asked else 1.0

    out["fill_rate_captain_items"] = fill(own)
    out["fill_rate_competitor_items"] = fill(~own)
    out["fill_rate_gap_captain_competitors"] = (
        out["fill_rate_captain_items"] - out["fill_rate_competitor_items"]
    )
    per_sku = np.asarray(
        sc.shelf_capacity.sum(axis=0) if shelf_units is None else shelf_units, dtype=np.float64
    )
    out["shelf_share_captain_items"] = (
        float(per_sku[own].sum() / per_sku.sum()) if per_sku.sum() else 0.0
    )
    out["demand_share_captain_items"] = (
        float(demand[own].sum() / demand.sum()) if demand.sum() else 0.0
    )
    return out
