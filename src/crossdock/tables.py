"""The result tables of a run, with a fixed Arrow schema each.

- ``location_daily``: one row per day × location (store, platform, DC, supplier, factory,
  carrier): closing stock (units, value at cost) and the day's movements by kind; stores also
  carry demand and SKUs in stock at opening.
- ``sku_daily``: one row per day × SKU: consumer demand, sales, lost sales, orders placed at each
  echelon, production, and closing stock per echelon.
- ``transport``: one row per day × origin × leg: trucks, stops, pallets, km, cost, hours,
  CO2 and stops served within their delivery window.
- ``route_stops``: one row per stop of each outbound route: order, window, arrival, pallets,
  and the truck floor positions its pallets stand on (0 at the cab; loaded last stop first).
- ``messages``: one row per day × message type: messages sent.
- ``depot_daily``: one row per day × platform or DC: pallets and units in and out, cases
  picked, labour hours used and available, dock-door pallet moves available.
- ``line_daily``: one row per day × production line: scheduled, down, busy and changeover hours.
- ``edi_daily``: one row per day: the EDI channel's work — interchanges, bytes and CONTRLs
  sent, retransmissions, faults drawn (lost, duplicated, delayed, corrupted), duplicates
  dropped, interchanges rejected, messages passed without an EANCOM form (all 0 in direct mode).
- ``assortment``: one row per category on day 0, on every day its range changed and on the
  last day: SKUs listed and delisted so far (the category captain's assortment review).
- ``store_daily``, ``store_labour`` and ``pnl``: what each store's staff handled, the store
  labour model's hours and cost, and the P&L per party and day, added after the run by
  :func:`crossdock.economics.economic_tables` (their schemas are listed here too).

``sku_daily`` also carries the assortment series (:data:`crossdock.assortment.ASSORTMENT_SERIES`),
``dead_stock_value`` (dead stock at unit cost) and ``short_positions`` (stores where some of
the day's demand for the SKU went unserved: the cycle service KPIs count them).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa

from crossdock._arrow import take_strings, tile_strings
from crossdock.assortment import ASSORTMENT_SERIES
from crossdock.economics import SCHEMAS as ECONOMIC_SCHEMAS
from crossdock.ledger import KINDS, Ledger, TransportRow
from crossdock.scenario import Scenario

__all__ = ["EDI_COLUMNS", "LOCATION_TYPES", "SCHEMAS", "SKU_SERIES", "build_tables"]

_INT = pa.int64()
_F = pa.float64()
#: The per-SKU series of ``sku_daily``, in column order (zeros where no party writes one).
SKU_SERIES = (
    "demand",
    "sales",
    "lost_sales",
    "store_orders",
    "dc_orders",
    "supplier_orders",
    "supplier_shipped",
    "production_orders",
    "produced",
    "ramp_scrap",
    "obsolete",
)
#: The location kinds of the scenario's network, each with a ``<kind>_stock`` column.
LOCATION_TYPES = ("store", "platform", "dc", "supplier", "factory", "carrier")
#: The EDI channel's daily counters (``edi_daily`` columns after ``day``).
EDI_COLUMNS = (
    "interchanges",
    "bytes",
    "contrl",
    "retransmissions",
    "lost",
    "duplicated",
    "delayed",
    "corrupted",
    "duplicates_dropped",
    "rejected",
    "unencoded",
)
SCHEMAS: dict[str, pa.Schema] = {
    "location_daily": pa.schema(
        [
            ("day", pa.int32()),
            ("location_type", pa.string()),
            ("gln", pa.string()),
            ("name", pa.string()),
            ("stock_units", _INT),
            ("stock_value", _F),
            *[(kind, _INT) for kind in KINDS],
            ("demand", _INT),
            ("lost_sales_value", _F),
            ("skus_in_stock", _INT),
            ("skus_listed", _INT),
            ("deliveries", _INT),
            ("capacity_units", _F),
            ("jobs_done", _INT),
            ("jobs_late", _INT),
        ]
    ),
    "line_daily": pa.schema(
        [
            ("day", pa.int32()),
            ("factory_gln", pa.string()),
            ("line", pa.string()),
            ("scheduled_hours", _F),
            ("down_hours", _F),
            ("busy_hours", _F),
            ("changeover_hours", _F),
        ]
    ),
    "sku_daily": pa.schema(
        [
            ("day", pa.int32()),
            ("gtin", pa.string()),
            *[(name, _INT) for name in SKU_SERIES],
            *[(f"{t}_stock", _INT) for t in LOCATION_TYPES],
            *[(name, _INT) for name in ASSORTMENT_SERIES],
            ("dead_stock_value", _F),
            ("short_positions", _INT),
        ]
    ),
    "assortment": pa.schema(
        [
            ("day", pa.int32()),
            ("category", pa.string()),
            ("skus_listed", _INT),
            ("skus_delisted", _INT),
        ]
    ),
    "transport": pa.schema(
        [
            ("day", pa.int32()),
            ("leg", pa.string()),
            ("origin_type", pa.string()),
            ("origin_gln", pa.string()),
            ("trucks", _INT),
            ("stops", _INT),
            ("pallets", _INT),
            ("km", _F),
            ("cost", _F),
            ("hours", _F),
            ("co2_kg", _F),
            ("stops_on_time", _INT),
        ]
    ),
    "depot_daily": pa.schema(
        [
            ("day", pa.int32()),
            ("depot_type", pa.string()),
            ("gln", pa.string()),
            ("pallets_in", _F),
            ("pallets_out", _F),
            ("units_in", _F),
            ("units_out", _F),
            ("cases_picked", _F),
            ("labour_hours", _F),
            ("labour_hours_available", _F),
            ("door_moves_available", _F),
        ]
    ),
    "route_stops": pa.schema(
        [
            ("day", pa.int32()),
            ("depot_gln", pa.string()),
            ("route", pa.int32()),
            ("stop_order", pa.int32()),
            ("store_gln", pa.string()),
            ("store_name", pa.string()),
            ("lat", _F),
            ("lon", _F),
            ("window_open_min", _INT),
            ("window_close_min", _INT),
            ("arrival_min", _F),
            ("pallets", _INT),
            ("on_time", pa.bool_()),
            ("route_km", _F),
            ("route_start_min", _F),
            ("route_end_min", _F),
            ("depot_lat", _F),
            ("depot_lon", _F),
            ("floor_first", _INT),
            ("floor_last", _INT),
        ]
    ),
    "messages": pa.schema([("day", pa.int32()), ("type", pa.string()), ("count", _INT)]),
    "edi_daily": pa.schema([("day", pa.int32()), *[(name, _INT) for name in EDI_COLUMNS]]),
    **ECONOMIC_SCHEMAS,
}


def build_tables(
    ledger: Ledger,
    scenario: Scenario,
    sent_by_day: dict[tuple[int, str], int],
    edi_daily: Mapping[tuple[int, str], int] | None = None,
) -> dict[str, pa.Table]:
    """Turn a finished run's ledger into the four tables."""
    days, n_loc = ledger.days, ledger.n_locations
    day_col = np.repeat(np.arange(days, dtype=np.int32), n_loc)
    store_block = ledger.blocks["store"]
    factory_block = ledger.blocks["factory"]

    def per_store(values: np.ndarray, dtype: type = np.int64) -> np.ndarray:
        full: np.ndarray = np.zeros((days, n_loc), dtype=dtype)
        full[:, store_block] = values
        return full.ravel()

    capacity = np.zeros((days, n_loc))
    capacity[:, factory_block] = ledger.get("factory_capacity", "factory", np.float64)
    listed_stores = ledger.series.get("listed_stores")
    if listed_stores is None:  # a ledger filled without the stores' assortment series
        listed_stores = np.full((days, scenario.n_skus), scenario.n_stores, dtype=np.int64)
    listed = np.zeros((days, n_loc), dtype=np.int64)
    listed[:, store_block] = np.count_nonzero(listed_stores, axis=1)[:, None]
    columns: dict[str, object] = {
        "day": day_col,
        # each taken from one Arrow array per location: no [days × locations] arrays of Python
        # strings and of fixed-width Unicode (hundreds of MB for a national chain's year)
        "location_type": tile_strings(ledger.location_type, days),
        "gln": tile_strings(ledger.location_gln, days),
        "name": tile_strings(ledger.location_name, days),
        "stock_units": ledger.stock_units.ravel(),
        "stock_value": ledger.stock_value.ravel(),
    }
    for i, kind in enumerate(KINDS):
        columns[kind] = ledger.flows[:, :, i].ravel()
    columns["demand"] = per_store(ledger.get("store_demand", "store"))
    columns["lost_sales_value"] = per_store(
        ledger.get("store_lost_value", "store", np.float64), np.float64
    )
    columns["skus_in_stock"] = per_store(ledger.get("store_in_stock", "store"))
    columns["skus_listed"] = listed.ravel()
    columns["deliveries"] = per_store(ledger.get("store_deliveries", "store"))
    columns["capacity_units"] = capacity.ravel()
    for name in ("jobs_done", "jobs_late"):
        full = np.zeros((days, n_loc), dtype=np.int64)
        full[:, factory_block] = ledger.get(f"factory_{name}", "factory")
        columns[name] = full.ravel()
    location = pa.table(columns, schema=SCHEMAS["location_daily"])

    k = scenario.n_skus
    sku_cols: dict[str, object] = {
        "day": np.repeat(np.arange(days, dtype=np.int32), k),
        # taken from one Arrow array of the GTINs: no [days × skus] array of Python strings
        "gtin": tile_strings(scenario.gtin, days),
    }
    for name in SKU_SERIES:
        sku_cols[name] = ledger.get(name, "sku").ravel()
    for t in LOCATION_TYPES:
        sku_cols[f"{t}_stock"] = ledger.sku_stock[t].ravel()
    for name in ASSORTMENT_SERIES:
        series = listed_stores if name == "listed_stores" else ledger.get(name, "sku")
        sku_cols[name] = series.ravel()
    dead = ledger.series.get("dead_stock")
    sku_cols["dead_stock_value"] = (
        np.zeros(days * k) if dead is None else (dead * scenario.unit_cost).ravel()
    )
    short = ledger.sku.get("short_positions")
    sku_cols["short_positions"] = np.zeros(days * k, np.int64) if short is None else short.ravel()
    sku = pa.table(sku_cols, schema=SCHEMAS["sku_daily"])

    rows = _fields(ledger.transport, TransportRow._fields)
    transport = pa.table(
        {name: rows[name] for name in SCHEMAS["transport"].names},
        schema=SCHEMAS["transport"],
    )
    by_field = ledger.route_stops.columns()
    store = by_field["store"]
    copied = (
        "day",
        "depot_gln",
        "route",
        "stop_order",
        "arrival_min",
        "pallets",
        "on_time",
        "route_km",
        "route_start_min",
        "route_end_min",
        "floor_first",
        "floor_last",
    )
    stop_columns = {name: by_field[name] for name in copied}
    route_stops = pa.table(
        {
            **stop_columns,
            "store_gln": take_strings(scenario.store_gln, store),
            "store_name": take_strings(scenario.store_name, store),
            "lat": scenario.store_lat[store],
            "lon": scenario.store_lon[store],
            "window_open_min": scenario.window_open_min[store],
            "window_close_min": scenario.window_close_min[store],
            "depot_lat": by_field["depot_lat"],
            "depot_lon": by_field["depot_lon"],
        },
        schema=SCHEMAS["route_stops"],
    )
    keys = sorted(sent_by_day)
    messages = pa.table(
        {
            "day": [d for d, _ in keys],
            "type": [t for _, t in keys],
            "count": [sent_by_day[x] for x in keys],
        },
        schema=SCHEMAS["messages"],
    )
    n_lines = scenario.n_lines
    hours = ("scheduled_hours", "down_hours", "busy_hours", "changeover_hours")
    lines = pa.table(
        {
            "day": np.repeat(np.arange(days, dtype=np.int32), n_lines),
            "factory_gln": np.tile(scenario.factory_gln[scenario.line_factory], days).astype(str),
            "line": np.tile(scenario.line_id, days).astype(str),
            **{name: ledger.get(f"line_{name}", "line", np.float64).ravel() for name in hours},
        },
        schema=SCHEMAS["line_daily"],
    )
    depots = _depot_daily(ledger, scenario)
    return {
        "assortment": _assortment(listed_stores, scenario),
        "depot_daily": depots,
        "location_daily": location,
        "sku_daily": sku,
        "transport": transport,
        "messages": messages,
        "line_daily": lines,
        "route_stops": route_stops,
        "edi_daily": _edi_daily(ledger.days, edi_daily or {}),
    }


def _edi_daily(days: int, counts: Mapping[tuple[int, str], int]) -> pa.Table:
    """The EDI channel's counters, ``counts[(day, column)]``, one row per day."""
    values = np.zeros((len(EDI_COLUMNS), days), dtype=np.int64)
    row_of = {name: i for i, name in enumerate(EDI_COLUMNS)}
    for (day, name), n in counts.items():
        if 0 <= day < days and name in row_of:
            values[row_of[name], day] += n
    columns = {
        "day": np.arange(days, dtype=np.int32),
        **dict(zip(EDI_COLUMNS, values, strict=True)),
    }
    return pa.table(columns, schema=SCHEMAS["edi_daily"])


def _depot_daily(ledger: Ledger, scenario: Scenario) -> pa.Table:
    """Handling at platforms and DCs: pallets, units, cases picked, labour and door capacity."""
    days = ledger.days
    spec = scenario.spec
    rows: dict[str, list] = {name: [] for name in SCHEMAS["depot_daily"].names}
    for kind, glns in (("platform", scenario.platform_gln), ("dc", scenario.dc_gln)):
        n = len(glns)
        if n == 0:
            continue
        pallets_in = ledger.get(f"{kind}_pallets_in", kind, np.float64)
        pallets_out = ledger.get(f"{kind}_pallets_out", kind, np.float64)
        if kind == "platform":
            per_pallet = np.array([p.labour_hours_per_pallet for p in spec.platforms])
            labour = (pallets_in + pallets_out) * per_pallet
            available = np.broadcast_to(scenario.platform_labour_hours, (days, n))
            doors = np.broadcast_to(scenario.platform_door_capacity, (days, n))
            cases = np.zeros((days, n))
        else:
            per_pallet = np.array([d.labour_hours_per_pallet for d in spec.distribution_centres])
            per_case = np.array([d.labour_hours_per_case for d in spec.distribution_centres])
            cases = ledger.get("dc_cases_picked", "dc", np.float64)
            labour = (pallets_in + pallets_out) * per_pallet + cases * per_case
            available = np.zeros((days, n))  # DC labour and doors are not capped (0)
            doors = np.zeros((days, n))
        rows["day"].append(np.repeat(np.arange(days, dtype=np.int32), n))
        rows["depot_type"].append(np.full(days * n, kind))
        rows["gln"].append(np.tile(glns.astype(str), days))
        rows["pallets_in"].append(pallets_in.ravel())
        rows["pallets_out"].append(pallets_out.ravel())
        rows["units_in"].append(ledger.flow("received", kind).ravel().astype(np.float64))
        rows["units_out"].append(ledger.flow("shipped", kind).ravel().astype(np.float64))
        rows["cases_picked"].append(cases.ravel())
        rows["labour_hours"].append(labour.ravel())
        rows["labour_hours_available"].append(np.asarray(available).ravel())
        rows["door_moves_available"].append(np.asarray(doors).ravel())
    columns: dict[str, object] = {
        name: np.concatenate(parts) if parts else [] for name, parts in rows.items()
    }
    return pa.table(columns, schema=SCHEMAS["depot_daily"])


def _assortment(listed_stores: np.ndarray, scenario: Scenario) -> pa.Table:
    """Range depth per category: day 0, every day it changed, and the last day."""
    days = listed_stores.shape[0]
    n_cat = scenario.n_categories
    onehot = np.zeros((scenario.n_skus, n_cat), dtype=np.int64)
    onehot[np.arange(scenario.n_skus), scenario.category_of] = 1
    listed = (listed_stores > 0).astype(np.int64) @ onehot  # [day, category]
    keep = np.zeros(days, dtype=bool)
    keep[[0, days - 1]] = True
    keep[1:] |= np.any(listed[1:] != listed[:-1], axis=1)
    chosen = np.flatnonzero(keep)
    total = onehot.sum(axis=0)
    names = np.array([c.id for c in scenario.spec.categories], dtype=object)
    return pa.table(
        {
            "day": np.repeat(chosen, n_cat).astype(np.int32),
            "category": np.tile(names, chosen.size).astype(str),
            "skus_listed": listed[chosen].ravel(),
            "skus_delisted": (total[None, :] - listed[chosen]).ravel(),
        },
        schema=SCHEMAS["assortment"],
    )


def _fields(rows: list, names: tuple[str, ...]) -> dict[str, list]:
    """The columns of a list of named tuples with fields ``names`` (one transpose, in C)."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return {name: list(column) for name, column in zip(names, columns, strict=True)}
