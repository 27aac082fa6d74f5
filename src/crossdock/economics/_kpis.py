"""Money KPIs from the ``pnl`` and ``store_labour`` tables (measured days only)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from crossdock._arrow import from_day
from crossdock.economics._labour import ROLES

__all__ = ["ECONOMICS_KPI_DOCS", "economics_kpis", "from_day"]

_PARTIES = {"retailer": "the retailer", "suppliers": "all suppliers", "carrier": "the carrier"}
ECONOMICS_KPI_DOCS: dict[str, str] = {
    "operating_profit_chain": "Operating profit of the whole chain: retailer, suppliers and "
    "carrier (EUR, from the pnl table).",
    **{
        f"operating_profit_{p}": f"Operating profit of {label} (EUR)."
        for p, label in _PARTIES.items()
    },
    **{f"revenue_{p}": f"Revenue of {label} (EUR)." for p, label in _PARTIES.items()},
    "gross_margin_retailer": "Retailer's revenue at the price paid minus cost of goods sold (EUR).",
    "gross_margin_suppliers": "Suppliers' sales to the retailer minus their materials (EUR).",
    "lost_margin": "Margin the retailer did not make on lost sales, shelf price minus unit cost "
    "(EUR; a memo line, not in the operating profit).",
    "capital_cost": "Cost of capital on stock, every party (EUR).",
    "storage_cost": "Storage of pallets held at stores, platforms, DC and suppliers (EUR).",
    "carrying_cost": "capital_cost + storage_cost (EUR).",
    "transport_billed": "What the carrier billed the retailer and suppliers (EUR).",
    "transport_cost_charged": "The slice's share of the carrier's cost on trucks sized for "
    "the real flow (economics.real_flow; equal to transport_cost when none is set) (EUR).",
    "transport_cost_per_pallet": "transport_cost_charged over the slice's pallets, both legs "
    "(EUR per pallet).",
    "km_charged": "The slice's share of the km of trucks sized for the real flow, both legs, "
    "as transport_cost_charged shares their cost (equal to km when no real flow is set).",
    "km_inbound_charged": "km_charged of the inbound legs (suppliers to platforms or DC).",
    "co2_kg_charged": "The slice's share of the real trucks' CO2, as km_charged (kg).",
    "handling_labour_cost": "Platform and DC handling hours at the warehouse wage, with "
    "charges (EUR).",
    "factory_conversion_cost": "Busy production line hours at the conversion cost (EUR).",
    "scrap_cost": "Scrap at cost: delisted store stock, ramp and obsolescence scrap (EUR).",
    "edi_cost": "EDI network fees, both sides of every message (EUR).",
    "store_payroll": "Store labour cost from the store labour model: checkout, shelf "
    "filling, receiving, ordering, with employer charges (EUR).",
    "store_labour_hours": "Store hours from the same model.",
    **{f"store_payroll_{role}": f"Store labour cost of role {role} (EUR)." for role in ROLES},
}


def _col(table: pa.Table, name: str) -> np.ndarray:
    return table.column(name).to_numpy(zero_copy_only=False)


class _Labels:
    """A string column's rows as codes, to compare with a value without a Python string a row."""

    def __init__(self, table: pa.Table, name: str) -> None:
        encoded = table.column(name).combine_chunks().dictionary_encode()
        self.codes = encoded.indices.to_numpy(zero_copy_only=False)
        self.names = encoded.dictionary.to_pylist()

    def rows(self, value: str) -> np.ndarray:
        """The rows whose label is ``value`` (a boolean mask)."""
        if value not in self.names:
            return np.zeros(self.codes.size, dtype=bool)
        return np.asarray(self.codes == self.names.index(value))


def economics_kpis(tables: dict[str, pa.Table], *, warm_up_days: int) -> dict[str, float]:
    """Every KPI of ``ECONOMICS_KPI_DOCS``, summed over days ``>= warm_up_days``."""
    pnl = from_day(tables["pnl"], warm_up_days)
    party = _Labels(pnl, "party")
    line = _Labels(pnl, "line")
    eur = _col(pnl, "eur")
    group = {"retailer": party.rows("retailer"), "carrier": party.rows("carrier")}
    group["suppliers"] = ~(group["retailer"] | group["carrier"])

    def total(name: str, who: str | None = None) -> float:
        mask = line.rows(name)
        if who is not None:
            mask &= group[who]
        return float(eur[mask].sum())

    out: dict[str, float] = {"operating_profit_chain": total("operating_profit")}
    for p in _PARTIES:
        out[f"operating_profit_{p}"] = total("operating_profit", p)
    for p in _PARTIES:
        out[f"revenue_{p}"] = total("revenue", p)
    out["gross_margin_retailer"] = total("gross_margin", "retailer")
    out["gross_margin_suppliers"] = total("gross_margin", "suppliers")
    out["lost_margin"] = -total("lost_margin")
    out["capital_cost"] = -total("capital_cost")
    out["storage_cost"] = -total("storage")
    out["carrying_cost"] = out["capital_cost"] + out["storage_cost"]
    out["transport_billed"] = out["revenue_carrier"]
    charged = from_day(tables["transport_charged"], warm_up_days)
    out["transport_cost_charged"] = float(_col(charged, "charged").sum())
    pallets = float(_col(charged, "pallets").sum())
    out["transport_cost_per_pallet"] = out["transport_cost_charged"] / pallets if pallets else 0.0
    inbound = _Labels(charged, "leg").rows("inbound")
    km = _col(charged, "km_charged")
    out["km_charged"] = float(km.sum())
    out["km_inbound_charged"] = float(km[inbound].sum())
    out["co2_kg_charged"] = float(_col(charged, "co2_kg_charged").sum())
    out["handling_labour_cost"] = -total("handling_labour")
    out["factory_conversion_cost"] = -total("factory_conversion")
    out["scrap_cost"] = -total("scrap")
    out["edi_cost"] = -total("edi")
    labour = from_day(tables["store_labour"], warm_up_days)
    role = _Labels(labour, "role")
    cost = _col(labour, "eur")
    out["store_payroll"] = float(cost.sum())
    out["store_labour_hours"] = float(_col(labour, "hours").sum())
    for r in ROLES:
        out[f"store_payroll_{r}"] = float(cost[role.rows(r)].sum())
    return out
