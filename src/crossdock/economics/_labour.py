"""The store labour model: hours by role from what the simulation produced.

``store_daily`` gathers each store's day (items sold, revenue at the price paid, cases and
pallets received, deliveries, SKUs listed) from the run's ledger and tables;
:func:`store_labour` turns it into hours and euros per role with the scenario's
``economics.store_labour`` settings (see :class:`~crossdock.scenario.StoreLabourSpec`):

- ``cashier``: staffed tills scan ``1 − self_checkout_share`` of the items, at
  ``scan_seconds`` an item plus ``basket_seconds`` a basket of ``items_per_basket`` items;
- ``self_checkout_attendant``: the rest go through self-checkouts (``self_scan_seconds``,
  ``self_basket_seconds``), one attendant per ``self_checkouts_per_attendant`` busy stations;
- ``shelf_filler``: cases received over ``cases_per_hour`` (``store_ready_cases_per_hour`` when
  the depot that delivers builds store-ready roll cages sorted by aisle);
- ``receiver``: ``minutes_per_delivery`` per delivery plus ``minutes_per_pallet``;
- ``orderer``: a store ordering for itself (traditional) reviews every listed SKU each review
  period (``review_seconds_per_sku``); one whose orders a planner proposes (shared) checks
  them (``check_seconds_per_sku``).

Basket time is charged per item (``basket_seconds / items_per_basket``), so a slice of the
range is charged its share of each basket: hours are activity-based.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crossdock._arrow import repeat_each, tile_strings
from crossdock.ledger import Ledger
from crossdock.scenario import EconomicsSpec, Scenario, StoreLabourSpec

__all__ = ["ROLES", "SCHEMAS", "build_store_daily", "sort_hours", "store_labour", "store_ready"]

#: Store roles, in the order of the ``store_labour`` table.
ROLES = ("cashier", "self_checkout_attendant", "shelf_filler", "receiver", "orderer")
_F = pa.float64()
SCHEMAS: dict[str, pa.Schema] = {
    "store_daily": pa.schema(
        [
            ("day", pa.int32()),
            ("gln", pa.string()),
            ("name", pa.string()),
            ("items_sold", pa.int64()),
            ("revenue", _F),
            ("cases_received", _F),
            ("pallets_received", pa.int64()),
            ("deliveries", pa.int64()),
            ("skus_listed", pa.int64()),
        ]
    ),
    "store_labour": pa.schema(
        [
            ("day", pa.int32()),
            ("gln", pa.string()),
            ("role", pa.string()),
            ("hours", _F),
            ("eur", _F),
        ]
    ),
}


def build_store_daily(ledger: Ledger, scenario: Scenario, tables: dict[str, pa.Table]) -> pa.Table:
    """One row per day × store: what the store's staff had to handle that day."""
    days, n = ledger.days, scenario.n_stores
    loc = tables["location_daily"]
    # location_daily holds the same locations in the same order every day: pick the stores'
    # columns out of each day's rows, column by column, instead of filtering a copy of the
    # whole table
    per_day = loc.num_rows // days if days else 0
    is_store = pc.equal(loc.column("location_type").slice(0, per_day), "store").to_numpy(
        zero_copy_only=False
    )

    def column(name: str) -> np.ndarray:
        return loc.column(name).to_numpy().reshape(days, per_day)[:, is_store].reshape(days, n)

    pallets = np.zeros((days, n), dtype=np.int64)
    stops = tables["route_stops"]
    if stops.num_rows:
        index = {g: i for i, g in enumerate(scenario.store_gln)}
        where = np.array([index[g] for g in stops.column("store_gln").to_pylist()])
        np.add.at(
            pallets,
            (stops.column("day").to_numpy(), where),
            stops.column("pallets").to_numpy(),
        )
    return pa.table(
        {
            "day": np.repeat(np.arange(days, dtype=np.int32), n),
            "gln": tile_strings(scenario.store_gln, days),
            "name": tile_strings(scenario.store_name, days),
            "items_sold": column("sold").ravel(),
            "revenue": ledger.get("store_revenue", "store", np.float64).ravel(),
            "cases_received": ledger.get("store_cases_received", "store", np.float64).ravel(),
            "pallets_received": pallets.ravel(),
            "deliveries": column("deliveries").ravel(),
            "skus_listed": column("skus_listed").ravel(),
        },
        schema=SCHEMAS["store_daily"],
    )


def store_ready(spec: StoreLabourSpec, mode: str) -> bool:
    """Whether stores get store-ready roll cages in ``mode`` (platforms shared, DC traditional)."""
    return spec.store_ready_from_platforms if mode == "shared" else spec.store_ready_from_dc


def sort_hours(store_daily: pa.Table, spec: StoreLabourSpec, mode: str) -> np.ndarray:
    """Depot hours per day spent sorting cases onto store-ready cages (0 when none are built)."""
    day = store_daily.column("day").to_numpy()
    cases = store_daily.column("cases_received").to_numpy()
    days = int(day.max()) + 1 if day.size else 0
    per_day = np.bincount(day, weights=cases, minlength=days)
    if not store_ready(spec, mode):
        return np.zeros(days)
    return per_day * spec.sort_seconds_per_case / 3600.0


def role_hours(
    store_daily: pa.Table, spec: StoreLabourSpec, mode: str, review_period_days: int
) -> dict[str, np.ndarray]:
    """Hours per role, each in ``store_daily`` row order."""
    items = store_daily.column("items_sold").to_numpy().astype(np.float64)
    cases = store_daily.column("cases_received").to_numpy()
    pallets = store_daily.column("pallets_received").to_numpy().astype(np.float64)
    deliveries = store_daily.column("deliveries").to_numpy().astype(np.float64)
    listed = store_daily.column("skus_listed").to_numpy().astype(np.float64)
    share = spec.self_checkout_share
    staffed = (
        (1.0 - share) * items * (spec.scan_seconds + spec.basket_seconds / spec.items_per_basket)
    )
    station = (
        share * items * (spec.self_scan_seconds + spec.self_basket_seconds / spec.items_per_basket)
    )
    rate = spec.store_ready_cases_per_hour if store_ready(spec, mode) else spec.cases_per_hour
    seconds = spec.review_seconds_per_sku if mode == "traditional" else spec.check_seconds_per_sku
    return {
        "cashier": staffed / 3600.0,
        "self_checkout_attendant": station / spec.self_checkouts_per_attendant / 3600.0,
        "shelf_filler": cases / rate,
        "receiver": (deliveries * spec.minutes_per_delivery + pallets * spec.minutes_per_pallet)
        / 60.0,
        "orderer": listed * seconds / review_period_days / 3600.0,
    }


def store_labour(
    store_daily: pa.Table,
    scenario: Scenario,
    mode: str,
    economics: EconomicsSpec | None = None,
) -> pa.Table:
    """One row per day × store × role: hours worked and their cost with employer charges.

    ``mode`` is the scenario settings the chain read (``traditional`` or ``shared``);
    ``economics`` replaces the scenario's settings (to try a lever on a finished run).
    """
    economics = economics if economics is not None else scenario.spec.economics
    settings = scenario.spec.replenishment
    review = (settings.traditional if mode == "traditional" else settings.shared).store
    hours = role_hours(store_daily, economics.store_labour, mode, review.review_period_days)
    n_rows = store_daily.num_rows
    stacked = np.stack([hours[role] for role in ROLES], axis=1)  # [row, role]
    cost = stacked * np.array([economics.wages.loaded(role) for role in ROLES])
    return pa.table(
        {
            "day": np.repeat(store_daily.column("day").to_numpy(), len(ROLES)),
            "gln": repeat_each(store_daily.column("gln"), len(ROLES)),
            "role": tile_strings(np.array(ROLES), n_rows),
            "hours": stacked.ravel(),
            "eur": cost.ravel(),
        },
        schema=SCHEMAS["store_labour"],
    )
