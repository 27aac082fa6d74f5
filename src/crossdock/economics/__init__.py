"""The business case in euros: store labour and a P&L per party and day, from a run's tables.

:func:`economic_tables` adds four tables to a run's: ``store_daily`` (what each store's staff
handled), ``store_labour`` (hours and cost per store × role), ``transport_charged`` (the
slice's share of trucks sized for the real flow) and ``pnl`` (day × party × line, signed EUR); :func:`economics_kpis` sums them over the measured days. Everything is
computed after the run from its tables and the scenario's ``economics:`` settings, never inside
the engine. ``docs/economics.md`` explains every line and default.
"""

from __future__ import annotations

import pyarrow as pa

from crossdock.economics._kpis import ECONOMICS_KPI_DOCS, economics_kpis
from crossdock.economics._labour import ROLES, build_store_daily, store_labour
from crossdock.economics._labour import SCHEMAS as _LABOUR_SCHEMAS
from crossdock.economics._levers import LeverRow, payroll_levers
from crossdock.economics._pass_through import (
    PriceCut,
    affordable_cut_estimate,
    pass_through_cut,
    per_unit_saving,
    with_price_cut,
)
from crossdock.economics._pnl import COMPONENTS, KINDS, LINES, build_pnl
from crossdock.economics._pnl import SCHEMA as _PNL_SCHEMA
from crossdock.economics._prices import PriceBook
from crossdock.economics._transport import SCHEMA as _TRANSPORT_SCHEMA
from crossdock.economics._transport import transport_charged
from crossdock.ledger import Ledger
from crossdock.scenario import Scenario

__all__ = [
    "COMPONENTS",
    "ECONOMICS_KPI_DOCS",
    "KINDS",
    "LINES",
    "ROLES",
    "SCHEMAS",
    "LeverRow",
    "PriceBook",
    "PriceCut",
    "affordable_cut_estimate",
    "build_pnl",
    "build_store_daily",
    "economic_tables",
    "economics_kpis",
    "pass_through_cut",
    "payroll_levers",
    "per_unit_saving",
    "store_labour",
    "transport_charged",
    "with_price_cut",
]

#: The Arrow schema of each table :func:`economic_tables` adds.
SCHEMAS: dict[str, pa.Schema] = {
    **_LABOUR_SCHEMAS,
    "transport_charged": _TRANSPORT_SCHEMA,
    "pnl": _PNL_SCHEMA,
}


def economic_tables(
    tables: dict[str, pa.Table], ledger: Ledger, scenario: Scenario, mode: str
) -> dict[str, pa.Table]:
    """``store_daily``, ``store_labour``, ``transport_charged`` and ``pnl`` for a finished run.

    ``mode`` is the scenario settings the chain read (``traditional`` or ``shared``): it
    decides how stores order (review or check) and which depot delivers them.
    """
    store_daily = build_store_daily(ledger, scenario, tables)
    labour = store_labour(store_daily, scenario, mode)
    charged = transport_charged(ledger.transport, scenario, tables["route_stops"], ledger.pickups)
    added = {"store_daily": store_daily, "store_labour": labour, "transport_charged": charged}
    added["pnl"] = build_pnl({**tables, **added}, scenario, mode)
    return added
