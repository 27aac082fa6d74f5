"""The scenario file format: pydantic models that validate a scenario field by field.

These models are also the Python builder: build a :class:`ScenarioSpec` in code, or load one
from YAML, and :func:`crossdock.scenario.compile_scenario` turns either into the same frozen
:class:`~crossdock.scenario.Scenario`.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from crossdock._bounds import SERVICE_LEVEL_MAX, SERVICE_LEVEL_MIN
from crossdock.errors import IdentifierError
from crossdock.gs1 import validate_gln, validate_gtin
from crossdock.scenario._assortment_spec import AssortmentSpec
from crossdock.scenario._captain_spec import DeliveryCalendarSpec, ShelfSpaceSpec
from crossdock.scenario._dates import ScenarioDate
from crossdock.scenario._demand_spec import (
    DemandSpec,
    FittedDemandSpec,
    HolidaySpec,
    IntermittentSpec,
    LifeCycleSpec,
    PriceChangeSpec,
    PromotionSpec,
    ScanSpec,
    SeasonSpec,
)
from crossdock.scenario._edi_spec import EdiSpec
from crossdock.scenario._factory_spec import BreakdownSpec, LineSpec, MaintenanceSpec, RampSpec
from crossdock.scenario._finance_spec import (
    CapitalSpec,
    EconomicsSpec,
    EdiCostSpec,
    FactoryCostSpec,
    RealFlowSpec,
    StorageSpec,
    StoreLabourSpec,
    TransportPayerSpec,
    WagesSpec,
)

__all__ = [
    "AssortmentSpec",
    "BreakdownSpec",
    "CapitalSpec",
    "CarrierSpec",
    "CategorySpec",
    "DemandSpec",
    "DistributionCentreSpec",
    "EchelonSpec",
    "EconomicsSpec",
    "EdiCostSpec",
    "EdiSpec",
    "FactoryCostSpec",
    "FactorySpec",
    "FittedDemandSpec",
    "ForecastSpec",
    "HolidaySpec",
    "IntermittentSpec",
    "LifeCycleSpec",
    "LineSpec",
    "MaintenanceSpec",
    "ModeSpec",
    "PlatformSpec",
    "PriceChangeSpec",
    "ProductSpec",
    "PromotionSpec",
    "RampSpec",
    "RealFlowSpec",
    "ReplenishmentSpec",
    "RetailerSpec",
    "RoutingSpec",
    "ScanSpec",
    "ScenarioSpec",
    "SeasonSpec",
    "ShelfCapacitySpec",
    "StorageSpec",
    "StoreLabourSpec",
    "StoreSpec",
    "SupplierSpec",
    "TimeWindow",
    "TransportPayerSpec",
    "WagesSpec",
]


def _gtin(value: str) -> str:
    try:
        text = validate_gtin(value)
    except IdentifierError as error:
        raise ValueError(str(error)) from None
    if len(text) != 13:
        raise ValueError(f"GTIN '{value}' must be a GTIN-13 (13 digits)")
    return text


def _gln(value: str) -> str:
    try:
        return validate_gln(value)
    except IdentifierError as error:
        raise ValueError(str(error)) from None


Gtin13 = Annotated[str, AfterValidator(_gtin)]
Gln = Annotated[str, AfterValidator(_gln)]
Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _clock(value: str) -> str:
    if not _HHMM.match(value):
        raise ValueError(f"'{value}' must be a time of day as HH:MM")
    return value


Clock = Annotated[str, AfterValidator(_clock)]


# Allowed plug-in names come from the registries next to each protocol (imported when a
# scenario is validated, so that the registries' modules may import the schema).
def _policy_name(name: str) -> str:
    from crossdock.policies import POLICIES

    return POLICIES.check(name)


def _forecaster_name(name: str) -> str:
    from crossdock.policies import FORECASTERS

    return FORECASTERS.check(name)


def _router_name(name: str) -> str:
    from crossdock.routing import ROUTERS

    return ROUTERS.check(name)


def _time_zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r} (an IANA name such as Europe/Paris)"
        ) from None
    return value


class _Spec(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False
    )


class TimeWindow(_Spec):
    """A daily time window, e.g. a store's delivery window."""

    open: Clock = "05:00"
    close: Clock = "10:00"

    def minutes(self) -> tuple[int, int]:
        """Opening and closing time in minutes after midnight."""
        h1, m1 = self.open.split(":")
        h2, m2 = self.close.split(":")
        return int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)


class RetailerSpec(_Spec):
    """The retailer (the chain's head office): it speaks EDI for its stores.

    In shared mode it confirms or amends the planners' proposed orders (ORDRSP) by its rules:
    blocked items are refused, shelf capacity and a daily budget per store are kept.
    """

    gln: Gln
    name: str
    confirms_proposals: bool = True
    """Shared mode: planners propose, the retailer confirms (else planners order directly)."""
    blocked_gtins: list[Gtin13] = []
    """Items the retailer refuses to have delivered (e.g. pending a listing decision)."""
    order_budget_per_store_day: Annotated[float, Field(gt=0, le=1e9)] | None = None
    """Cap on the value at unit cost of what one store may receive from one day's orders."""
    time_zone: Annotated[str, AfterValidator(_time_zone)] = "Europe/Paris"
    """The stores' local time (an IANA name): POS timestamps with a UTC offset are converted
    to it before their date is taken."""


class CategorySpec(_Spec):
    """A product category; its captain is the supplier whose ``captain_of`` names it."""

    id: Identifier
    name: str


class SupplierSpec(_Spec):
    """A manufacturer's sales and logistics organisation, with its own finished-goods warehouse."""

    id: Identifier
    gln: Gln
    name: str
    lat: Latitude
    lon: Longitude
    categories: list[Identifier] = Field(min_length=1)
    captain_of: list[Identifier] = []
    lead_time_days: Annotated[int, Field(ge=1, le=60)] = 2
    """Days from despatch at the supplier to receipt at a platform or the DC."""
    stock_policy: EchelonSpec | None = None
    """Finished-goods stock policy in traditional (make-to-stock) mode; default: the mode's
    ``supplier`` echelon settings."""


class FactorySpec(_Spec):
    """A plant making the products of one or more suppliers."""

    id: Identifier
    gln: Gln
    name: str
    lat: Latitude
    lon: Longitude
    suppliers: list[Identifier] = Field(min_length=1)
    capacity_units_per_day: Annotated[int, Field(gt=0, le=10**9)] | None = None
    """Simple model (no ``lines``): one line running 24 h a day at this many units."""
    warm_up_ramp_days: Annotated[int, Field(ge=0, le=60)] = 2
    """Simple model: a linear ramp from zero over this many days after each start."""
    lines: list[LineSpec] = []
    """Production lines; when given they replace ``capacity_units_per_day``."""

    @model_validator(mode="after")
    def _capacity_given(self) -> FactorySpec:
        if not self.lines and self.capacity_units_per_day is None:
            raise ValueError("give either lines or capacity_units_per_day")
        return self


class PlatformSpec(_Spec):
    """A cross-dock platform: receives suppliers' pallets, breaks them down by store."""

    id: Identifier
    gln: Gln
    name: str
    lat: Latitude
    lon: Longitude
    capacity_units_per_day: Annotated[int, Field(gt=0, le=10**9)]
    delivery_days: Annotated[int, Field(ge=1, le=14)] = 1
    """Days from leaving the platform to the store's shelf (1: overnight)."""
    dock_doors: Annotated[int, Field(gt=0, le=10_000)] = 12
    pallets_per_door_hour: Annotated[float, Field(gt=0, le=1000)] = 12.0
    """Pallets a door unloads or loads per hour."""
    shift_hours: Annotated[float, Field(gt=0, le=24)] = 16.0
    workers: Annotated[int, Field(gt=0, le=100_000)] = 30
    """Handlers on the floor over the day's shifts (each works ``shift_hours / 2``)."""
    labour_hours_per_pallet: Annotated[float, Field(gt=0, le=100)] = 0.25
    """Handling hours per pallet received (break-down) or built (consolidation)."""


class DistributionCentreSpec(_Spec):
    """A stock-holding distribution centre of the traditional chain."""

    id: Identifier
    gln: Gln
    name: str
    lat: Latitude
    lon: Longitude
    capacity_units: Annotated[int, Field(gt=0, le=10**12)]
    """Storage capacity (reported as utilisation; not a hard limit)."""
    delivery_days: Annotated[int, Field(ge=1, le=14)] = 1
    labour_hours_per_pallet: Annotated[float, Field(gt=0, le=100)] = 0.3
    """Hours to receive and put away an inbound pallet, or to load an outbound one."""
    labour_hours_per_case: Annotated[float, Field(ge=0, le=10)] = 0.01
    """Picking hours per case of store orders."""


class StoreSpec(_Spec):
    """A store: where demand happens, served by one platform (shared) and one DC (traditional)."""

    id: Identifier
    gln: Gln
    name: str
    lat: Latitude
    lon: Longitude
    size_factor: Annotated[float, Field(gt=0, le=100)] = 1.0
    platform: Identifier
    dc: Identifier
    delivery_window: TimeWindow = TimeWindow()


class ProductSpec(_Spec):
    """A SKU: an item sold in every store, made by one supplier."""

    gtin: Gtin13
    name: str
    category: Identifier
    supplier: Identifier
    case_pack: Annotated[int, Field(gt=0, le=100_000)]
    units_per_pallet: Annotated[int, Field(gt=0, le=1_000_000)]
    unit_cost: Annotated[float, Field(gt=0, le=1e6)]
    shelf_price: Annotated[float, Field(gt=0, le=1e6)]
    base_rate: Annotated[float, Field(ge=0, le=1e6)]
    """Mean units sold per store-day in a store of size factor 1."""
    shelf_life_days: Annotated[int, Field(gt=0, le=36600)] | None = None
    family: str | None = None
    """Production family (products of one family run without changeover); default: category."""
    weight_kg: Annotated[float, Field(gt=0, le=10_000)] | None = None
    """Weight of one unit, packed (kg), for parcel and truck legs that weigh their loads."""


class TruckSpec(_Spec):
    """A truck type of the carrier's fleet."""

    name: str = "semi-trailer"
    capacity_pallets: Annotated[int, Field(gt=0, le=100)] = 33
    """Floor positions for pallets (one pallet high)."""
    count: Annotated[int, Field(gt=0, le=10_000)] = 10
    co2_kg_per_km: Annotated[float, Field(ge=0, le=100)] = 0.9


class RoutingSpec(_Spec):
    """How store deliveries are routed each day."""

    solver: Annotated[str, AfterValidator(_router_name)] = "pyvrp"
    """A routing solver's registered name (:data:`crossdock.routing.ROUTERS`): built in,
    ``pyvrp`` and ``sweep``."""
    time_limit_seconds: Annotated[float, Field(gt=0, le=600)] | None = None
    """Optional wall-clock cap on each depot-day's solve (PyVRP). Unset (the default), every
    solve runs ``max_iterations`` and the same seed gives the same routes on any machine; a
    cap that cuts solves short makes routes depend on the machine's speed and load."""
    max_iterations: Annotated[int, Field(ge=1, le=1_000_000)] = 300
    """Iterations of PyVRP's search per solve; routes are reused when the same stops repeat."""


class CarrierSpec(_Spec):
    """The carrier dedicated to the retailer."""

    gln: Gln
    name: str
    trucks: list[TruckSpec] = Field(default_factory=lambda: [TruckSpec()], min_length=1)
    cost_per_km: Annotated[float, Field(ge=0, le=1000)] = 1.6
    average_speed_kmh: Annotated[float, Field(gt=0, le=130)] = 60.0
    road_factor: Annotated[float, Field(ge=1, le=3)] = 1.3
    """Road distance divided by great-circle distance."""
    cost_per_hour: Annotated[float, Field(ge=0, le=10_000)] = 35.0
    """Driver and truck cost per hour on the road (EUR)."""
    cost_per_truck_day: Annotated[float, Field(ge=0, le=1e6)] = 120.0
    """Fixed cost of each truck used on a day (EUR)."""
    driver_shift_hours: Annotated[float, Field(gt=0, le=24)] = 10.0
    service_minutes_per_stop: Annotated[float, Field(ge=0, le=1440)] = 15.0
    service_minutes_per_pallet: Annotated[float, Field(ge=0, le=1440)] = 1.5
    routing: RoutingSpec = RoutingSpec()
    distance_matrix: str | None = None
    """A CSV of road distances (columns ``from_gln,to_gln,km``) between stores, platforms and
    DCs, relative to the scenario file; pairs it leaves out use great-circle km × road factor."""


class ShelfCapacitySpec(_Spec):
    """The default rule for each store × SKU shelf capacity."""

    days_of_demand: Annotated[float, Field(gt=0, le=365)] = 10.0
    min_case_packs: Annotated[int, Field(ge=1, le=10_000)] = 2


class ForecastSpec(_Spec):
    """How a planner forecasts daily demand."""

    method: Annotated[str, AfterValidator(_forecaster_name)] = "holt_winters"
    """A forecaster's registered name (:data:`crossdock.policies.FORECASTERS`): built in,
    ``moving_average``, ``exponential_smoothing``, ``holt_winters``, ``croston``, ``tsb``,
    ``auto``."""
    window_days: Annotated[int, Field(ge=1, le=365)] = 28
    alpha: Annotated[float, Field(gt=0, le=1)] = 0.1
    """Smoothing of the level (exponential_smoothing, holt_winters) or of the demand size
    (croston, tsb)."""
    trend_smoothing: Annotated[float, Field(ge=0, le=1)] = 0.0
    """holt_winters: beta of the trend (0: no trend)."""
    seasonal_smoothing: Annotated[float, Field(ge=0, le=1)] = 0.1
    """holt_winters: gamma of the 7 weekday offsets."""
    damping: Annotated[float, Field(gt=0, le=1)] = 1.0
    """holt_winters: phi, the trend's damping (1: not damped)."""
    season_precision: Literal["auto", "float16", "float32", "float64"] = "auto"
    """holt_winters: the type the 7 weekday offsets are held in (``auto``: float16 beside the
    float32 state, widened for the rest of the run if an offset ever outgrows it)."""
    probability_smoothing: Annotated[float, Field(gt=0, le=1)] = 0.1
    """tsb: beta of the probability of a demand day."""
    sba: bool = False
    """croston: apply the Syntetos-Boylan correction (times 1 - alpha / 2)."""
    steady_method: Literal["exponential_smoothing", "holt_winters"] = "exponential_smoothing"
    """auto: the forecaster of SKUs that are not intermittent (tsb for those that are)."""
    max_interval_days: Annotated[float, Field(ge=1, le=365)] = 1.32
    """auto: a position is intermittent while its mean interval between demand days is above."""


class EchelonSpec(_Spec):
    """The replenishment policy of one echelon."""

    policy: Annotated[str, AfterValidator(_policy_name)] = "order_up_to"
    """A policy's registered name (:data:`crossdock.policies.POLICIES`): built in,
    ``order_up_to``, ``min_max``, ``base_stock``."""
    review_period_days: Annotated[int, Field(ge=1, le=60)] = 1
    service_level: Annotated[float, Field(ge=SERVICE_LEVEL_MIN, lt=SERVICE_LEVEL_MAX)] = 0.95
    demand_distribution: Literal["gamma", "normal"] = "gamma"
    """order_up_to and min_max: the distribution whose ``service_level`` quantile of demand
    over the protection interval sets the order-up-to level (a gamma, skewed like retail
    demand, or the normal μ + z·σ)."""
    forecast: ForecastSpec = ForecastSpec()
    cover_days: Annotated[float, Field(ge=0, le=365)] = 3.0
    """min_max only: order-up-to level = reorder point + this many days of demand."""
    base_stock_days: Annotated[float, Field(ge=0, le=365)] = 7.0
    """base_stock only: fixed level = this many days of mean demand."""
    initial_stock_days: Annotated[float, Field(ge=0, le=365)] = 7.0
    """Opening stock, in days of mean demand."""


class ModeSpec(_Spec):
    """Policies of the echelons in one mode (a DC exists only in traditional mode)."""

    store: EchelonSpec = EchelonSpec()
    dc: EchelonSpec = EchelonSpec(initial_stock_days=14.0)
    supplier: EchelonSpec = EchelonSpec(initial_stock_days=14.0, review_period_days=7)
    """In traditional mode suppliers make to stock in weekly campaigns by default."""


def _shared_default() -> ModeSpec:
    return ModeSpec(supplier=EchelonSpec(initial_stock_days=2.0))


class ReplenishmentSpec(_Spec):
    """Replenishment settings per mode."""

    unmet_demand: Literal["lost", "backorder"] = "lost"
    traditional: ModeSpec = ModeSpec()
    shared: ModeSpec = Field(default_factory=_shared_default)
    pallet_rounding_share: Annotated[float, Field(gt=0, le=1)] | None = 0.8
    """Shared mode: a SKU's order from one supplier to one platform that fills at least this
    share of its last pallet is rounded up to the full pallet (the extra cases go to the store
    ordering most); ``None``: round to case packs only."""
    captain_plans_category: bool = True
    """Shared mode: the category captain plans all SKUs of its category (else each supplier
    plans its own)."""
    inbound_consolidation: bool = True
    """Shared mode: whoever plans a category books collection milk runs, so that its
    suppliers' goods for one platform share trucks, routed with pickups (a supplier planning
    only its own items collects only itself); off: each supplier sends its own full
    truckloads."""
    captain_reviews_assortment: bool = True
    """Shared mode: where the scenario has no ``assortment`` section, a category captain
    planning its category still reviews its range, with the default rules; off: no review
    without the section (a supplier planning only its own items never reviews by default)."""
    delivery_calendar: DeliveryCalendarSpec | None = DeliveryCalendarSpec()
    """Shared mode: order days per supplier × platform, trading truck fill against stock
    (``None`` or ``enabled: false``: every planner orders every day)."""
    shelf_space: ShelfSpaceSpec | None = None
    """Shared mode: a category captain reallocates each store's category shelf across the
    items, within the retailer's confirmation and its fairness rule (off by default: on the
    built-in scenario the reallocation loses sales, see ``docs/planning.md``; ``{}`` turns it
    on; ``None`` or ``enabled: false``: the ``shelf_capacity`` rule per SKU)."""


class ScenarioSpec(_Spec):
    """A whole supply chain: parties, products, demand and replenishment settings."""

    name: str
    start_date: ScenarioDate = dt.date(2026, 1, 5)
    horizon_days: Annotated[int, Field(ge=1, le=36600)] = 365
    warm_up_days: Annotated[int, Field(ge=0, le=36600)] = 28
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    retailer: RetailerSpec
    categories: list[CategorySpec] = Field(min_length=1)
    suppliers: list[SupplierSpec] = Field(min_length=1)
    factories: list[FactorySpec] = Field(min_length=1)
    platforms: list[PlatformSpec] = Field(min_length=1)
    distribution_centres: list[DistributionCentreSpec] = Field(min_length=1)
    carrier: CarrierSpec
    stores: list[StoreSpec] = Field(min_length=1)
    products: list[ProductSpec] = Field(min_length=1)
    demand: DemandSpec = DemandSpec()
    shelf_capacity: ShelfCapacitySpec = ShelfCapacitySpec()
    replenishment: ReplenishmentSpec = ReplenishmentSpec()
    edi: EdiSpec = EdiSpec()
    assortment: AssortmentSpec | None = None
    economics: EconomicsSpec = EconomicsSpec()
    """Wages, cost of capital, storage, EDI, factory and transport costs, and the store labour
    model behind the ``pnl`` table (``docs/economics.md``)."""


SupplierSpec.model_rebuild()
