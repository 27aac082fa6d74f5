"""Scenario settings for money (``economics:``).

Wages, capital, storage, EDI, factories, who pays for transport, and the store labour model.

Every default is an order of magnitude for French grocery retail taken from a public source;
``docs/economics.md`` gives each one with its source. None of them depends on the mode, so no
setting can make one mode win: the figures come out of what each mode does (units sold, stock
held, cases delivered, hours run, messages sent).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CapitalSpec",
    "EconomicsSpec",
    "EdiCostSpec",
    "FactoryCostSpec",
    "RealFlowSpec",
    "StorageSpec",
    "StoreLabourSpec",
    "TransportPayerSpec",
    "WagesSpec",
]

_Eur = Annotated[float, Field(ge=0, le=1e6)]
_Wage = Annotated[float, Field(gt=0, le=1000)]
_Share = Annotated[float, Field(ge=0, le=1)]
_Seconds = Annotated[float, Field(ge=0, le=86_400)]


class _Spec(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False
    )


class WagesSpec(_Spec):
    """Gross hourly wages by role (EUR per hour paid), before employer charges."""

    cashier: _Wage = 12.30
    """Staffed till (hôte(sse) de caisse, IDCC 2216 level 2, about the SMIC)."""
    self_checkout_attendant: _Wage = 12.30
    """Watches a bank of self-checkouts (same level as a cashier)."""
    shelf_filler: _Wage = 12.20
    """Fills shelves from cases delivered (employé(e) de libre-service, level 2)."""
    receiver: _Wage = 12.60
    """Takes in deliveries at the store's back door (réceptionnaire, level 3)."""
    orderer: _Wage = 14.50
    """Reviews and places store orders (department staff, level 4)."""
    warehouse: _Wage = 13.20
    """Handler at a cross-dock platform or the DC (préparateur de commandes, logistics)."""
    employer_charges: Annotated[float, Field(ge=0, le=2)] = 0.30
    """Employer social charges as a share of gross pay, after the general reduction on low
    wages."""

    def loaded(self, role: str) -> float:
        """Cost of one hour of ``role`` to the employer: wage × (1 + charges)."""
        return float(getattr(self, role)) * (1.0 + self.employer_charges)


class CapitalSpec(_Spec):
    """The price of money tied up in stock."""

    cost_of_capital_per_year: Annotated[float, Field(ge=0, le=1)] = 0.07
    """Charged per day on the value of stock at unit cost (rate / 365), to its owner."""


class StorageSpec(_Spec):
    """Cost of a pallet's worth of stock held for a day (EUR per pallet-day), by place."""

    store: _Eur = 0.60
    """Store shelves and back room (retail floor space is dearer than a warehouse)."""
    platform: _Eur = 0.20
    dc: _Eur = 0.20
    supplier: _Eur = 0.20


class EdiCostSpec(_Spec):
    """What the EDI network (a VAN) bills, to each side of every message."""

    per_message: _Eur = 0.10
    per_kb: _Eur = 0.0
    """Charged on the bytes of interchanges actually sent (``edi_daily.bytes``; 0 in direct
    mode, where no interchange is written)."""


class FactoryCostSpec(_Spec):
    """A manufacturer's costs beside the goods it sells."""

    conversion_cost_per_hour: _Eur = 250.0
    """Cost of a production line's busy hour (crew, energy, maintenance): production and
    changeovers."""
    materials_share: Annotated[float, Field(gt=0, le=1)] = 0.60
    """Raw materials and packaging as a share of the supplier's selling price (the retailer's
    ``unit_cost``): the supplier's cost of goods sold and its value of scrap."""


class TransportPayerSpec(_Spec):
    """Who pays the carrier for each leg; the carrier bills its cost plus its margin."""

    inbound: Literal["supplier", "retailer"] = "supplier"
    """Suppliers to platforms or DC: ``supplier`` (delivered prices, franco) or ``retailer``
    (ex-works, the retailer collects)."""
    outbound: Literal["supplier", "retailer"] = "retailer"
    """Platforms or DC to stores; ``supplier`` splits the bill by the suppliers' units."""
    carrier_margin: Annotated[float, Field(ge=0, le=1)] = 0.03
    """The carrier's margin on its cost (it bills cost × (1 + margin))."""


class StoreLabourSpec(_Spec):
    """The store labour model: hours by activity from what the simulation produces.

    - checkout: ``scan_seconds`` per item plus ``basket_seconds`` per basket at staffed tills;
      ``self_checkout_share`` of items go through self-checkouts, whose station time
      (``self_scan_seconds``, ``self_basket_seconds``) is watched by one attendant per
      ``self_checkouts_per_attendant`` stations;
    - shelf filling: cases delivered at ``cases_per_hour`` from mixed pallets, or at
      ``store_ready_cases_per_hour`` from roll cages sorted by aisle;
    - receiving: ``minutes_per_delivery`` plus ``minutes_per_pallet``;
    - ordering: a store that orders for itself reviews each listed SKU every review
      (``review_seconds_per_sku``); a store whose orders a planner proposes only checks them
      (``check_seconds_per_sku``).
    """

    items_per_basket: Annotated[float, Field(gt=0, le=1000)] = 20.0
    scan_seconds: _Seconds = 3.0
    basket_seconds: _Seconds = 60.0
    self_checkout_share: _Share = 0.20
    """Share of items scanned at self-checkouts."""
    self_scan_seconds: _Seconds = 5.0
    self_basket_seconds: _Seconds = 90.0
    self_checkouts_per_attendant: Annotated[float, Field(ge=1, le=100)] = 6.0
    cases_per_hour: Annotated[float, Field(gt=0, le=10_000)] = 60.0
    store_ready_cases_per_hour: Annotated[float, Field(gt=0, le=10_000)] = 85.0
    store_ready_from_platforms: bool = False
    """Platforms sort cases by aisle onto store-ready roll cages (shelf filling at the
    store-ready rate, sorting paid at the platform: ``sort_seconds_per_case``)."""
    store_ready_from_dc: bool = False
    """The DC picks store orders onto roll cages sorted by aisle (the same trade)."""
    sort_seconds_per_case: _Seconds = 4.0
    """Extra handling per case at the platform or DC that builds store-ready cages."""
    minutes_per_delivery: Annotated[float, Field(ge=0, le=1440)] = 15.0
    minutes_per_pallet: Annotated[float, Field(ge=0, le=1440)] = 3.0
    review_seconds_per_sku: _Seconds = 10.0
    check_seconds_per_sku: _Seconds = 1.0


class RealFlowSpec(_Spec):
    """The real flow a scenario is a slice of: other categories on the same trucks.

    A scenario models some hundreds of SKUs where a hypermarket sells tens of thousands; its
    own trucks run nearly empty. The P&L charges the slice its share of trucks sized for the
    real flow (activity-based costing): on a lane-day the real flow needs
    ``ceil(R / capacity)`` trucks, where ``R`` is the real pallets (never fewer than the
    slice's), each costing what one of the slice's trucks on that lane cost; the slice pays
    its share of pallets ``p / R`` of them. Handling and store labour are already charged
    per pallet, case and item, so they need no share. 0 (the default): the slice is the whole
    flow and pays for its own trucks.
    """

    supplier_pallets_per_day: Annotated[float, Field(ge=0, le=1e6)] = 0.0
    """Pallets a supplier sends the retailer's depots each day, all its categories; split
    between depots by the size of the stores each serves."""
    by_supplier: dict[str, Annotated[float, Field(ge=0, le=1e6)]] = {}
    """The same for named suppliers (by id), overriding ``supplier_pallets_per_day``."""
    store_pallets_per_day: Annotated[float, Field(ge=0, le=1e6)] = 0.0
    """Pallets a store of size factor 1 receives from its depot each day, all categories
    (scaled by the store's ``size_factor``)."""


class EconomicsSpec(_Spec):
    """Money: what an hour, a pallet-day, a message, a line-hour and capital cost."""

    wages: WagesSpec = WagesSpec()
    capital: CapitalSpec = CapitalSpec()
    storage_per_pallet_day: StorageSpec = StorageSpec()
    edi: EdiCostSpec = EdiCostSpec()
    factory: FactoryCostSpec = FactoryCostSpec()
    transport: TransportPayerSpec = TransportPayerSpec()
    store_labour: StoreLabourSpec = StoreLabourSpec()
    real_flow: RealFlowSpec = RealFlowSpec()
    price_pass_through: _Share = 0.0
    """Share of the retailer's per-unit operating cost saving (traditional less shared) that
    ``compare`` passes into lower shelf prices in a further shared run (0: none)."""
