"""Hand-made tables for the P&L tests: zeros everywhere except the figures a test sets.

``money_scenario()`` is ``ok_small`` (2 stores, 6 SKUs, SKU ``k`` made by supplier ``k``,
factory 0 making for suppliers 0 and 1) with round prices and costs: every SKU costs 2.00 EUR
(the retailer's unit cost, the supplier's price) and sells at 3.00 EUR, 60 units a pallet,
and these ``economics`` settings:

- wages 10 EUR an hour for every role, employer charges 50%: an hour costs 15 EUR;
- cost of capital 36.5% a year: 0.1% of the stock's value a day;
- storage per pallet-day: store 1.00, platform 0.50, DC 0.25, supplier 0.10 EUR;
- EDI: 0.20 EUR per message and 0.01 EUR per kB, to each side;
- factory conversion 100 EUR per busy line hour, materials 50% of the supplier's price;
- inbound paid by suppliers, outbound by the retailer, the carrier's margin 10%.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from tests.conftest import small_spec

from crossdock.scenario import EconomicsSpec, Scenario, compile_scenario

ECONOMICS = EconomicsSpec.model_validate(
    {
        "wages": {
            "cashier": 10,
            "self_checkout_attendant": 10,
            "shelf_filler": 10,
            "receiver": 10,
            "orderer": 10,
            "warehouse": 10,
            "employer_charges": 0.5,
        },
        "capital": {"cost_of_capital_per_year": 0.365},
        "storage_per_pallet_day": {"store": 1.0, "platform": 0.5, "dc": 0.25, "supplier": 0.1},
        "edi": {"per_message": 0.2, "per_kb": 0.01},
        "factory": {"conversion_cost_per_hour": 100, "materials_share": 0.5},
        "transport": {"inbound": "supplier", "outbound": "retailer", "carrier_margin": 0.1},
    }
)


def money_scenario(**economics: Any) -> Scenario:
    """``ok_small`` with round prices and the settings above (``economics`` overrides them)."""
    spec = small_spec()
    products = [p.model_copy(update={"unit_cost": 2.0, "shelf_price": 3.0}) for p in spec.products]
    settings = ECONOMICS.model_copy(update=economics)
    return compile_scenario(spec.model_copy(update={"products": products, "economics": settings}))


SKU_COLUMNS = (
    "sales",
    "lost_sales",
    "supplier_shipped",
    "produced",
    "ramp_scrap",
    "obsolete",
    "delisted_scrap",
    "store_stock",
    "platform_stock",
    "dc_stock",
    "supplier_stock",
)


def blank_tables(sc: Scenario, days: int = 1, **figures: Any) -> dict[str, pa.Table]:
    """The columns the P&L reads, all zero, with ``figures`` set.

    ``figures``: ``sku_<column>`` ``[day, sku]`` arrays for sku_daily;
    ``stock_value`` as ``{location_type: {index: value}}`` on every day; ``transport`` as
    ``transport_charged`` rows ``(day, leg, origin_gln, charged)``; ``depot_hours``, ``messages``, ``edi_bytes``,
    ``revenue`` (per day) and ``store_labour_eur`` per day; ``busy_hours`` as
    ``{factory index: hours}`` on every day; ``cases_received`` per day (store 0).
    """
    k = sc.n_skus
    kinds = [("store", sc.store_gln), ("platform", sc.platform_gln), ("dc", sc.dc_gln)]
    kinds += [("supplier", sc.supplier_gln), ("factory", sc.factory_gln)]
    kinds += [("carrier", np.array([sc.spec.carrier.gln]))]
    loc_type = [t for t, glns in kinds for _ in glns]
    loc_gln = [str(g) for _, glns in kinds for g in glns]
    value = np.zeros(len(loc_type))
    for kind, by_index in figures.get("stock_value", {}).items():
        first = loc_type.index(kind)
        for i, v in by_index.items():
            value[first + i] = v
    n = len(loc_type)
    location = pa.table(
        {
            "day": np.repeat(np.arange(days, dtype=np.int32), n),
            "location_type": loc_type * days,
            "gln": loc_gln * days,
            "stock_value": np.tile(value, days),
        }
    )
    sku = {"day": np.repeat(np.arange(days, dtype=np.int32), k)}
    for name in SKU_COLUMNS:
        sku[name] = np.asarray(figures.get(f"sku_{name}", np.zeros((days, k))), np.int64).ravel()
    rows = figures.get("transport", [])
    transport = pa.table(
        {
            "day": pa.array([r[0] for r in rows], pa.int32()),
            "leg": pa.array([r[1] for r in rows], pa.string()),
            "origin_gln": pa.array([r[2] for r in rows], pa.string()),
            "charged": pa.array([float(r[3]) for r in rows], pa.float64()),
        }
    )
    per_day = np.arange(days, dtype=np.int32)

    def daily(name: str) -> np.ndarray:
        return np.broadcast_to(np.asarray(figures.get(name, 0.0), np.float64), (days,)).copy()

    busy = figures.get("busy_hours", {})
    store_daily_rows = np.zeros((days, sc.n_stores))
    store_daily_rows[:, 0] = daily("revenue")
    cases = np.zeros((days, sc.n_stores))
    cases[:, 0] = daily("cases_received")
    return {
        "location_daily": location,
        "sku_daily": pa.table(sku),
        "transport_charged": transport,
        "depot_daily": pa.table({"day": per_day, "labour_hours": daily("depot_hours")}),
        "line_daily": pa.table(
            {
                "day": np.repeat(per_day, sc.n_factories),
                "factory_gln": [str(g) for g in sc.factory_gln] * days,
                "busy_hours": np.tile(
                    [float(busy.get(f, 0.0)) for f in range(sc.n_factories)], days
                ),
            }
        ),
        "messages": pa.table({"day": per_day, "count": daily("messages").astype(np.int64)}),
        "edi_daily": pa.table({"day": per_day, "bytes": daily("edi_bytes").astype(np.int64)}),
        "store_daily": pa.table(
            {
                "day": np.repeat(per_day, sc.n_stores),
                "revenue": store_daily_rows.ravel(),
                "cases_received": cases.ravel(),
            }
        ),
        "store_labour": pa.table({"day": per_day, "eur": daily("store_labour_eur")}),
    }


def lines(pnl: pa.Table, party: str, day: int = 0) -> dict[str, float]:
    """``line -> eur`` of one party on one day."""
    frame = pnl.to_pandas()
    rows = frame[(frame.party == party) & (frame.day == day)]
    return dict(zip(rows.line, rows.eur, strict=True))
