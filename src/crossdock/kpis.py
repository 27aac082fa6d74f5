"""Key performance indicators, computed from a run's tables (never inside the engine).

Every KPI covers the days after the warm-up (``day >= warm_up_days``). Stock KPIs are means
of closing stock over those days. ``KPI_DOCS`` describes each key of ``kpis.json``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from crossdock._arrow import distinct as _distinct
from crossdock._arrow import from_day as _from_day
from crossdock.category.kpis import CATEGORY_KPI_DOCS
from crossdock.economics._kpis import ECONOMICS_KPI_DOCS

__all__ = [
    "ASSORTMENT_KPI_DOCS",
    "KPI_DOCS",
    "assortment_kpis",
    "compute_kpis",
    "fifo_lead_times",
    "fifo_runs_numpy",
    "order_variance_ratios",
    "service_kpis",
]

ECHELONS = ("store", "platform", "dc", "supplier", "carrier")

KPI_DOCS: dict[str, str] = {
    "demand_units": "Consumer demand over the measured days (units).",
    "sales_units": "Units sold to shoppers.",
    "fill_rate": "Share of demanded units served from the shelf on the day asked (1 = no stockout).",
    "on_shelf_availability": "Share of store × SKU × days with stock on the shelf at opening.",
    "cycle_service_level": "Share of listed store × SKU × days on which every unit demanded was "
    "served (with daily review, the cycle service level the policies target).",
    "service_level_target": "The target cycle service level of the store-level policy (stores, "
    "or planners for them); 0 when the policy has none.",
    **{
        f"{kpi}_{c.lower()}": f"{label} of class {c} SKUs (ABC by demand value over the "
        "measured days: A up to 80% of it, B up to 95%, C the rest)."
        for kpi, label in (
            ("cycle_service_level", "Cycle service level"),
            ("fill_rate", "Fill rate"),
        )
        for c in "ABC"
    },
    "lost_sales_units": "Demanded units not served on the day (lost, or backordered if configured).",
    "lost_sales_value": "Lost sales at shelf price (EUR).",
    **{
        f"{e}_stock_units": f"Mean closing stock at {label} (units)."
        for e, label in (
            ("store", "stores"),
            ("platform", "cross-dock platforms (held overnight)"),
            ("dc", "the distribution centre"),
            ("supplier", "suppliers' warehouses"),
            ("carrier", "the carrier (in transit)"),
        )
    },
    **{
        f"{e}_stock_value": f"Mean closing stock value at {e} level, at unit cost (EUR)."
        for e in ECHELONS
    },
    **{
        f"{e}_days_of_supply": f"Mean {e} stock divided by mean daily consumer sales (days)."
        for e in ECHELONS
    },
    "working_capital": "Mean value of all stock in the chain, in transit included, at unit cost (EUR).",
    "chain_days_of_supply": "Mean stock in the whole chain divided by mean daily sales (days).",
    "order_variance_ratio_store": "Variance of store-level orders over variance of consumer demand, "
    "daily series, each summed over SKUs; > 1 means amplification (bullwhip).",
    "order_variance_ratio_dc": "Variance of the DC's orders to suppliers over variance of consumer "
    "demand (daily, summed over SKUs).",
    "order_variance_ratio_production": "Variance of production orders over variance of consumer "
    "demand (daily, summed over SKUs).",
    **{
        f"order_variance_ratio_{e}_weekly": f"The same as order_variance_ratio_{e} on weekly "
        "totals (7-day buckets from the first measured day): not inflated by weekly planning."
        for e in ("store", "dc", "production")
    },
    **{
        f"order_variance_ratio_{e}_median_sku": f"Median over SKUs of each SKU's daily ratio "
        f"behind order_variance_ratio_{e} (large SKUs do not dominate)."
        for e in ("store", "dc", "production")
    },
    "store_deliveries": "Store deliveries (a store receiving goods on a day counts once).",
    "trucks_outbound": "Truck trips from platforms or the DC to stores.",
    "trucks_inbound": "Truck trips from suppliers to platforms or the DC.",
    "trucks_per_day": "Mean truck trips per day, both legs.",
    "km": "Kilometres driven, both legs.",
    "transport_cost": "Carrier cost: per km, per hour on the road and per truck-day (EUR).",
    "truck_fill_rate": "Outbound pallets over outbound truck capacity (pallets).",
    "factory_utilisation": "Units produced over nominal factory capacity.",
    "co2_kg": "Carrier CO2 emissions, both legs (kg, at the truck type's kg per km).",
    "truck_trips_over_fleet": "Outbound truck trips beyond the fleet size, summed over days (0: the fleet suffices).",
    "driver_hours": "Hours on the road, both legs (outbound: from the route schedules).",
    "deliveries_on_time": "Share of store stops served within their delivery window.",
    "produced_units": "Units produced by factories.",
    "edi_messages": "Messages exchanged between parties.",
    "edi_retransmissions": "Interchanges sent again for want of a CONTRL within the timeout "
    "(EDI channel; 0 in direct mode).",
    "edi_duplicates_dropped": "Interchanges a receiver had already taken in (same interchange "
    "or message reference) and dropped.",
    "edi_rejected": "Interchanges a receiver rejected as garbled, with a CONTRL naming the error.",
    "platform_throughput_units_per_day": "Units sent on by the cross-dock platforms per day.",
    "platform_dwell_days_mean": "Mean nights a unit waits at a platform (0: it left the day it came).",
    "platform_dwell_days_p95": "95th percentile of the same, over units.",
    "dock_door_utilisation": "Pallet moves (in and out) over the dock doors' pallet moves per day.",
    "platform_labour_hours": "Handling hours at platforms (break-down and consolidation).",
    "platform_labour_utilisation": "Platform handling hours over the hours of the workers on shift.",
    "dc_labour_hours": "Handling hours at the DC (receiving, put-away, picking, loading).",
    "handling_labour_hours": "Handling hours at platforms and DC together.",
    "line_utilisation": "Busy hours (production and changeovers) over scheduled line hours.",
    "changeover_hours": "Hours spent changing lines over between product families.",
    "breakdown_hours": "Scheduled line hours lost to breakdowns.",
    "ramp_scrap_units": "Units scrapped while lines warm up after a start or changeover.",
    "obsolescence_scrap_units": "Finished goods scrapped at suppliers for passing their shelf life.",
    "finished_goods_stock_units": "Mean finished-goods stock in suppliers' warehouses (units).",
    "order_to_ship_lead_time_mean": "Mean days from an order reaching a supplier to its units shipping (FIFO).",
    "order_to_ship_lead_time_p95": "95th percentile of the same, over units (days).",
    "production_order_lines": "Production order lines completed by factories.",
    "orders_late": "Production order lines completed after their due day.",
}


ASSORTMENT_KPI_DOCS: dict[str, str] = {
    "skus_listed": "SKUs in the range (listed in at least one store) on the last day.",
    "skus_delisted": "SKUs delisted by the category captains' assortment reviews over the run.",
    "dead_stock_value": "Mean value at unit cost of store stock of SKUs without a sale at that "
    "store for dead_stock_days (EUR).",
    "substituted_demand_units": "Demand for delisted SKUs that shoppers moved to a substitute.",
    "delisted_demand_lost_units": "Demand for delisted SKUs neither served from clearance stock "
    "nor moved to a substitute.",
    "delisted_scrap_units": "Store stock of delisted SKUs scrapped after the clearance period.",
}


KPI_DOCS.update(ASSORTMENT_KPI_DOCS)
KPI_DOCS.update(ECONOMICS_KPI_DOCS)
KPI_DOCS.update(CATEGORY_KPI_DOCS)


def assortment_kpis(tables: dict[str, pa.Table], *, warm_up_days: int) -> dict[str, float]:
    """The assortment KPIs of ``ASSORTMENT_KPI_DOCS`` from ``sku_daily``."""
    whole = tables["sku_daily"]
    n_sku = _distinct(whole, "gtin") or 1
    listed = _col(whole, "listed_stores").reshape(-1, n_sku) > 0
    sku = _from_day(whole, warm_up_days)
    days = _distinct(sku, "day") or 1
    return {
        "skus_listed": float(listed[-1].sum()),
        "skus_delisted": float((listed[0] & ~listed[-1]).sum()),
        "dead_stock_value": float(_col(sku, "dead_stock_value").sum()) / days,
        "substituted_demand_units": float(_col(sku, "substituted_demand").sum()),
        "delisted_demand_lost_units": float(_col(sku, "delisted_demand_lost").sum()),
        "delisted_scrap_units": float(_col(sku, "delisted_scrap").sum()),
    }


def _col(table: pa.Table, name: str) -> np.ndarray:
    return table.column(name).to_numpy()


def compute_kpis(
    tables: dict[str, pa.Table],
    *,
    warm_up_days: int,
    truck_capacity_pallets: int,
    fleet_size: int = 10**9,
    sku_value: np.ndarray | None = None,
    service_level_target: float | None = None,
) -> dict[str, float]:
    """Every KPI of ``KPI_DOCS`` from the run's tables.

    ``sku_value`` (per SKU, in ``sku_daily`` order, e.g. shelf prices) ranks SKUs into ABC
    classes by demand value (default: by units); ``service_level_target`` is reported beside
    the achieved cycle service.
    """
    loc = _from_day(tables["location_daily"], warm_up_days)
    sku = _from_day(tables["sku_daily"], warm_up_days)
    transport = _from_day(tables["transport"], warm_up_days)
    messages = _from_day(tables["messages"], warm_up_days)
    days = _distinct(loc, "day") or 1
    kind = _col(loc, "location_type").astype(str)
    stores = kind == "store"
    out: dict[str, float] = {}

    demand = float(_col(loc, "demand")[stores].sum())
    sales = float(_col(loc, "sold")[stores].sum())
    lost = float(_col(loc, "lost_sale")[stores].sum())
    factories = kind == "factory"
    out["demand_units"] = demand
    out["sales_units"] = sales
    out["fill_rate"] = 1.0 - lost / demand if demand else 1.0
    listed = float(_col(loc, "skus_listed")[stores].sum())
    out["on_shelf_availability"] = (
        float(_col(loc, "skus_in_stock")[stores].sum()) / listed if listed else 1.0
    )
    out["lost_sales_units"] = lost
    out["lost_sales_value"] = float(_col(loc, "lost_sales_value")[stores].sum())
    out.update(service_kpis(tables["sku_daily"], warm_up_days, sku_value))
    out["service_level_target"] = float(service_level_target or 0.0)

    daily_sales = sales / days
    units = _col(loc, "stock_units")
    value = _col(loc, "stock_value")
    total_units = 0.0
    total_value = 0.0
    for e in ECHELONS:
        mask = kind == e
        mean_units = float(units[mask].sum()) / days
        mean_value = float(value[mask].sum()) / days
        out[f"{e}_stock_units"] = mean_units
        out[f"{e}_stock_value"] = mean_value
        out[f"{e}_days_of_supply"] = mean_units / daily_sales if daily_sales else 0.0
        total_units += mean_units
        total_value += mean_value
    out["working_capital"] = total_value
    out["chain_days_of_supply"] = total_units / daily_sales if daily_sales else 0.0

    n_sku = _distinct(sku, "gtin") or 1

    def series(name: str) -> np.ndarray:
        return _col(sku, name).reshape(-1, n_sku).astype(np.float64)

    consumer = series("demand")
    for key, name in (
        ("store", "store_orders"),
        ("dc", "dc_orders"),
        ("production", "production_orders"),
    ):
        ratios = order_variance_ratios(consumer, series(name))
        out[f"order_variance_ratio_{key}"] = ratios["daily"]
        out[f"order_variance_ratio_{key}_weekly"] = ratios["weekly"]
        out[f"order_variance_ratio_{key}_median_sku"] = ratios["median_sku"]

    out["store_deliveries"] = float(_col(loc, "deliveries")[stores].sum())
    leg = _col(transport, "leg").astype(str)
    trucks = _col(transport, "trucks")
    out["trucks_outbound"] = float(trucks[leg == "outbound"].sum())
    out["trucks_inbound"] = float(trucks[leg == "inbound"].sum())
    out["trucks_per_day"] = float(trucks.sum()) / days
    out["km"] = float(_col(transport, "km").sum())
    out["transport_cost"] = float(_col(transport, "cost").sum())
    outbound_pallets = float(_col(transport, "pallets")[leg == "outbound"].sum())
    capacity = out["trucks_outbound"] * truck_capacity_pallets
    out["truck_fill_rate"] = outbound_pallets / capacity if capacity else 0.0
    out["co2_kg"] = float(_col(transport, "co2_kg").sum())
    outbound_days = _col(transport, "day")[leg == "outbound"]
    per_day = (
        np.bincount(outbound_days, weights=trucks[leg == "outbound"])
        if outbound_days.size
        else np.zeros(0)
    )
    out["truck_trips_over_fleet"] = float(np.maximum(per_day - fleet_size, 0).sum())
    out["driver_hours"] = float(_col(transport, "hours").sum())
    outbound = leg == "outbound"
    stops = float(_col(transport, "stops")[outbound].sum())
    on_time = float(_col(transport, "stops_on_time")[outbound].sum())
    out["deliveries_on_time"] = on_time / stops if stops else 1.0
    produced = float(_col(loc, "produced")[factories].sum())
    nominal = float(_col(loc, "capacity_units")[factories].sum())
    out["factory_utilisation"] = produced / nominal if nominal else 0.0
    out["produced_units"] = produced
    out["edi_messages"] = float(_col(messages, "count").sum())
    edi = tables.get("edi_daily")
    edi = _from_day(edi, warm_up_days) if edi is not None else None
    for key in ("retransmissions", "duplicates_dropped", "rejected"):
        out[f"edi_{key}"] = float(_col(edi, key).sum()) if edi is not None else 0.0

    depots = _from_day(tables["depot_daily"], warm_up_days)
    depot_kind = _col(depots, "depot_type").astype(str)
    platform = depot_kind == "platform"
    moved = _col(depots, "pallets_in") + _col(depots, "pallets_out")
    labour = _col(depots, "labour_hours")
    out["platform_throughput_units_per_day"] = (
        float(_col(depots, "units_out")[platform].sum()) / days
    )
    doors = float(_col(depots, "door_moves_available")[platform].sum())
    out["dock_door_utilisation"] = float(moved[platform].sum()) / doors if doors else 0.0
    out["platform_labour_hours"] = float(labour[platform].sum())
    available = float(_col(depots, "labour_hours_available")[platform].sum())
    out["platform_labour_utilisation"] = (
        out["platform_labour_hours"] / available if available else 0.0
    )
    out["dc_labour_hours"] = float(labour[~platform].sum())
    out["handling_labour_hours"] = out["platform_labour_hours"] + out["dc_labour_hours"]
    every = tables["depot_daily"]
    every_platform = _col(every, "depot_type").astype(str) == "platform"
    n_platforms = len(np.unique(_col(every, "gln")[every_platform])) or 1
    units_in = _col(every, "units_in")[every_platform].reshape(-1, n_platforms)
    units_out = _col(every, "units_out")[every_platform].reshape(-1, n_platforms)
    dwell_mean, dwell_p95 = fifo_lead_times(units_in, units_out, warm_up_days)
    out["platform_dwell_days_mean"] = dwell_mean
    out["platform_dwell_days_p95"] = dwell_p95

    lines = _from_day(tables["line_daily"], warm_up_days)
    scheduled = float(_col(lines, "scheduled_hours").sum())
    out["line_utilisation"] = (
        float(_col(lines, "busy_hours").sum()) / scheduled if scheduled else 0.0
    )
    out["changeover_hours"] = float(_col(lines, "changeover_hours").sum())
    out["breakdown_hours"] = float(_col(lines, "down_hours").sum())
    out["ramp_scrap_units"] = float(series("ramp_scrap").sum())
    out["obsolescence_scrap_units"] = float(series("obsolete").sum())
    out["finished_goods_stock_units"] = out["supplier_stock_units"]
    whole = tables["sku_daily"]
    n_all = _distinct(whole, "gtin") or 1
    ordered = _col(whole, "supplier_orders").reshape(-1, n_all)
    shipped = _col(whole, "supplier_shipped").reshape(-1, n_all)
    mean, p95 = fifo_lead_times(ordered, shipped, warm_up_days)
    out["order_to_ship_lead_time_mean"] = mean
    out["order_to_ship_lead_time_p95"] = p95
    out["production_order_lines"] = float(_col(loc, "jobs_done")[factories].sum())
    out["orders_late"] = float(_col(loc, "jobs_late")[factories].sum())
    out.update(assortment_kpis(tables, warm_up_days=warm_up_days))
    return out


def service_kpis(
    sku_daily: pa.Table, warm_up_days: int, sku_value: np.ndarray | None = None
) -> dict[str, float]:
    """Cycle service level and fill rate, overall and per ABC class, from ``sku_daily``.

    A store × SKU × day counts for cycle service while the SKU is listed; it is a stock-out
    when some of that day's demand went unserved (``short_positions``). Classes rank SKUs by
    demand value over the measured days, chain-wide: A while the value of better SKUs is under
    80% of the total, B under 95%, C after (:func:`crossdock.assortment.abc_classes`).
    """
    from crossdock.assortment import abc_classes

    whole = sku_daily
    n_sku = _distinct(whole, "gtin") or 1
    sku = _from_day(whole, warm_up_days)

    def series(name: str) -> np.ndarray:
        return _col(sku, name).reshape(-1, n_sku).astype(np.float64)

    demand = series("demand").sum(axis=0)
    lost = series("lost_sales").sum(axis=0)
    positions = series("listed_stores").sum(axis=0)
    short = series("short_positions").sum(axis=0)
    value = demand * (np.asarray(sku_value, dtype=np.float64) if sku_value is not None else 1.0)
    classes = abc_classes(value, np.zeros(n_sku, dtype=np.int64))
    out: dict[str, float] = {}

    def ratio(part: np.ndarray, whole_: np.ndarray, where: np.ndarray) -> float:
        total = float(whole_[where].sum())
        return 1.0 - float(part[where].sum()) / total if total else 1.0

    every = np.ones(n_sku, dtype=bool)
    out["cycle_service_level"] = ratio(short, positions, every)
    for code, name in enumerate("abc"):
        members = classes == code
        out[f"cycle_service_level_{name}"] = ratio(short, positions, members)
        out[f"fill_rate_{name}"] = ratio(lost, demand, members)
    return out


def fifo_lead_times(ordered: np.ndarray, shipped: np.ndarray, from_day: int) -> tuple[float, float]:
    """Mean and 95th percentile of days from order to shipment, first in first out, exactly.

    ``ordered`` and ``shipped`` are ``[day, sku]`` units (or ``[day, depot]`` for dwell). For
    each column the n-th unit in is the n-th unit out. The units ordered from ``from_day`` on
    and shipped by the end are split into runs of ranks over which neither the day in nor the
    day out changes (between consecutive breakpoints of the two cumulative series), each
    weighted by its units, so the figures are exact: over a whole run the mean equals the
    unit-days held divided by the units through (Little's law). The runs are worked out by
    one compiled merge per column where the kernels serve and no unit is negative
    (:func:`crossdock._fused.fifo_runs`), else by :func:`fifo_runs_numpy`: the same runs.
    """
    from crossdock import _fused

    cum_o = np.cumsum(ordered, axis=0, dtype=np.float64)
    cum_s = np.cumsum(shipped, axis=0, dtype=np.float64)
    first = cum_o[from_day - 1] if from_day > 0 else np.zeros(ordered.shape[1])
    last = np.minimum(cum_s[-1], cum_o[-1])
    columns = np.flatnonzero(last > first)
    kernels = _fused.kernels(0)  # (if the run loaded them: a run's KPIs never load them)
    if kernels is not None and min(np.min(ordered, initial=0), np.min(shipped, initial=0)) >= 0:
        # (units never negative: each cumulative row is sorted, as the merge needs)
        into, out = np.ascontiguousarray(cum_o.T), np.ascontiguousarray(cum_s.T)
        none = np.empty(0, dtype=np.int64)
        runs = kernels.fifo_runs(into, out, first, last, columns, none, np.empty(0))
        lead, weight = np.empty(runs, dtype=np.int64), np.empty(runs)
        kernels.fifo_runs(into, out, first, last, columns, lead, weight)
    else:
        lead, weight = fifo_runs_numpy(cum_o, cum_s, first, last, columns)
    if not lead.size:
        return 0.0, 0.0
    lead = lead.astype(np.float64)
    order = np.argsort(lead, kind="stable")
    cumulative = np.cumsum(weight[order]) / weight.sum()
    at = min(int(np.searchsorted(cumulative, 0.95 - 1e-12)), lead.size - 1)
    return float(np.average(lead, weights=weight)), float(lead[order][at])


def fifo_runs_numpy(
    cum_o: np.ndarray, cum_s: np.ndarray, first: np.ndarray, last: np.ndarray, columns: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`fifo_lead_times`' runs of ranks, column by column: their leads and weights.

    ``cum_o`` and ``cum_s`` are ``[day, column]`` cumulative units; column ``k`` of
    ``columns`` is measured over the ranks ``(first[k], last[k]]``. The NumPy path, and the
    reference :func:`crossdock._fused.fifo_runs` is tested against.
    """
    leads: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    weights: list[np.ndarray] = [np.zeros(0)]
    for k in columns:
        low, high = first[k], last[k]
        o, s = cum_o[:, k], cum_s[:, k]
        inside = np.concatenate([o[(o > low) & (o < high)], s[(s > low) & (s < high)]])
        points = np.unique(np.concatenate([[low, high], inside]))
        upper = points[1:]
        # every rank in (points[i], points[i + 1]] came in and went out on the same days
        t_in = np.searchsorted(o, upper, side="left")
        t_out = np.searchsorted(s, upper, side="left")
        leads.append(np.maximum(t_out - t_in, 0))
        weights.append(np.diff(points))
    return np.concatenate(leads).astype(np.int64), np.concatenate(weights)


def order_variance_ratios(
    demand: np.ndarray, orders: np.ndarray, bucket_days: int = 7
) -> dict[str, float]:
    """Variance of orders over variance of demand, three ways, from ``[day, sku]`` series.

    - ``daily``: variances of the daily series, each summed over SKUs (pooled: large SKUs
      weigh most);
    - ``weekly``: the same of totals over consecutive ``bucket_days``-day buckets (whole
      buckets from the first day), so an echelon that plans weekly is not charged for lumping
      a week's demand into one day;
    - ``median_sku``: the median over SKUs (with varying demand) of each SKU's daily ratio.
    """
    demand = np.asarray(demand, dtype=np.float64)
    orders = np.asarray(orders, dtype=np.float64)
    out = {"daily": 0.0, "weekly": 0.0, "median_sku": 0.0}
    if demand.shape[0] < 2:
        return out
    base = demand.var(axis=0)
    ordered = orders.var(axis=0)
    out["daily"] = float(ordered.sum() / base.sum()) if base.sum() else 0.0
    varying = base > 0
    if varying.any():
        out["median_sku"] = float(np.median(ordered[varying] / base[varying]))
    weeks = demand.shape[0] // bucket_days
    if weeks >= 2:
        span = weeks * bucket_days
        weekly_demand = demand[:span].reshape(weeks, bucket_days, -1).sum(axis=1).var(axis=0)
        weekly_orders = orders[:span].reshape(weeks, bucket_days, -1).sum(axis=1).var(axis=0)
        total = weekly_demand.sum()
        out["weekly"] = float(weekly_orders.sum() / total) if total else 0.0
    return out
