"""The ``demand`` section of a scenario: how shoppers' demand per store × SKU × day is drawn.

Every effect multiplies the mean of a store × SKU × day; the count is then drawn around that
mean (Poisson or negative binomial; slow movers lumpier). Each effect is off unless configured,
so a bare ``demand:`` section gives stationary demand; the built-in scenario turns them on.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from crossdock.errors import IdentifierError
from crossdock.gs1 import validate_gtin
from crossdock.scenario._dates import ScenarioDate

__all__ = [
    "DemandSpec",
    "FittedDemandSpec",
    "HolidaySpec",
    "IntermittentSpec",
    "LifeCycleSpec",
    "PriceChangeSpec",
    "PromotionSpec",
    "ScanSpec",
    "SeasonSpec",
]


def _gtin(value: str) -> str:
    try:
        return validate_gtin(value)
    except IdentifierError as error:
        raise ValueError(str(error)) from None


_Gtin = Annotated[str, AfterValidator(_gtin)]
_Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]
_Factor = Annotated[float, Field(ge=0, le=1e6)]


_HOURLY_TRAFFIC = [0, 0, 0, 0, 0, 0, 0, 0, 0.4, 0.7, 1.0, 1.25, 1.2, 0.9, 0.8, 0.9, 1.1, 1.5, 1.8,
                   1.6, 1.0, 0.5, 0.2, 0]  # fmt: skip


class _Spec(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False
    )


class SeasonSpec(_Spec):
    """Annual seasonality of one category (or all): ``1 + amplitude·cos(2π(doy − peak)/365.25)``."""

    category: _Id | None = None
    """Category id; ``None``: every category without its own season."""
    amplitude: Annotated[float, Field(ge=0, lt=1)] = 0.1
    peak_day_of_year: Annotated[int, Field(ge=1, le=366)] = 196


class HolidaySpec(_Spec):
    """Public holidays (from the ``holidays`` package) and the days before them."""

    country: Annotated[str, Field(min_length=2, max_length=3)] = "FR"
    closed: list[Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")]] = [
        "01-01",
        "05-01",
        "12-25",
    ]
    """Holidays (MM-DD) when stores are shut: no demand at all."""
    holiday_factor: _Factor = 0.6
    """Demand on the other public holidays (stores open, shorter hours, fewer shoppers)."""
    eve_factor: _Factor = 1.3
    """Demand on the open day before a public holiday (shoppers stock up)."""


class PromotionSpec(_Spec):
    """A promotion: SKUs sell ``uplift`` times more during it and ``dip`` times after it."""

    gtins: list[_Gtin] = Field(min_length=1)
    stores: list[_Id] | None = None
    """Store ids taking part; ``None``: every store."""
    start: ScenarioDate
    days: Annotated[int, Field(ge=1, le=366)] = 7
    uplift: Annotated[float, Field(ge=1, le=1000)] = 2.0
    dip: Annotated[float, Field(ge=0, le=1)] = 0.7
    """Demand factor after the promotion (shoppers stocked up)."""
    dip_days: Annotated[int, Field(ge=0, le=366)] = 7
    price_cut: Annotated[float, Field(ge=0, lt=1)] = 0.0
    """Share taken off the shelf price during the promotion (shown on the scans)."""


class PriceChangeSpec(_Spec):
    """A lasting change of a SKU's shelf price from ``start``; demand follows the elasticity."""

    gtin: _Gtin
    start: ScenarioDate
    price: Annotated[float, Field(gt=0, le=1e6)]


class LifeCycleSpec(_Spec):
    """A SKU's life: launch ramp, maturity, decline (the makings of dead stock)."""

    gtin: _Gtin
    launch: ScenarioDate | None = None
    """First day on sale; ``None``: already mature when the run starts."""
    ramp_days: Annotated[int, Field(ge=0, le=730)] = 56
    """Days from launch to full (mature) demand, rising linearly."""
    decline_start: ScenarioDate | None = None
    """Day demand starts to fall; ``None``: no decline."""
    decline_days: Annotated[int, Field(ge=1, le=3650)] = 120
    """Days over which demand falls linearly from full to ``tail``."""
    tail: Annotated[float, Field(ge=0, le=1)] = 0.02
    """Share of mature demand left after the decline."""

    @model_validator(mode="after")
    def _in_order(self) -> LifeCycleSpec:
        if self.launch and self.decline_start and self.decline_start < self.launch:
            raise ValueError(f"decline_start {self.decline_start} is before launch {self.launch}")
        return self


class IntermittentSpec(_Spec):
    """Slow movers sell in lumps: few sale days, sometimes several units at once."""

    below_rate: Annotated[float, Field(gt=0, le=1e12)] = 0.5
    """SKU × store means (units/day) under this are drawn as intermittent."""
    dispersion: Annotated[float, Field(gt=0, le=1e6)] = 0.3
    """Negative binomial shape k for them (small k: many zero days, occasional bursts)."""


class FittedDemandSpec(_Spec):
    """Per store × SKU parameters estimated by ``crossdock pos fit`` (a Parquet file)."""

    file: str
    """Parquet file with columns store_gln, gtin, mean, dispersion, trend, weekday_0..6."""
    start_date: ScenarioDate
    """The day the fitted trend is centred on (trend is relative change per day from it)."""


class ScanSpec(_Spec):
    """How daily quantities become till scans (``crossdock pos generate``)."""

    opening: list[Annotated[str, Field(pattern=r"^\d\d:\d\d-\d\d:\d\d$")] | None] = [
        "08:30-21:30",
        "08:30-21:30",
        "08:30-21:30",
        "08:30-21:30",
        "08:30-22:00",
        "08:30-21:30",
        "09:00-12:45",
    ]
    """Opening hours Monday..Sunday as HH:MM-HH:MM (``null``: closed)."""
    hourly_traffic: list[_Factor] = Field(default=_HOURLY_TRAFFIC, min_length=24, max_length=24)
    """Relative arrivals at the tills per hour of the day (0..23)."""
    lines_per_basket: Annotated[float, Field(ge=1, le=10_000)] = 24.0
    """Mean scan lines per basket (a hypermarket trolley)."""
    repeat_scan: Annotated[float, Field(ge=0, lt=1)] = 0.25
    """Chance that a further unit of the same item joins the previous line (quantity > 1)."""
    staffed_tills_per_size: Annotated[float, Field(gt=0, le=10_000)] = 14.0
    self_checkouts_per_size: Annotated[float, Field(ge=0, le=10_000)] = 8.0
    self_checkout_share: Annotated[float, Field(ge=0, le=1)] = 0.55
    """Share of small baskets (up to ``self_checkout_max_lines``) paid at a self-checkout."""
    self_checkout_max_lines: Annotated[int, Field(ge=1, le=10_000)] = 15
    seconds_per_line: Annotated[float, Field(gt=0, le=3600)] = 3.5


class DemandSpec(_Spec):
    """Consumer demand per store × SKU × day.

    The mean is ``base_rate × size_factor × weekday × season × holiday × promotion × price ×
    life cycle``; counts are Poisson or negative binomial around it, slow movers intermittent.
    """

    distribution: Literal["poisson", "negative_binomial"] = "poisson"
    dispersion: Annotated[float, Field(gt=0, le=1e6)] = 2.0
    """Negative binomial shape k: variance = mean + mean²/k (unused for Poisson)."""
    generator: Literal["pcg64", "philox"] = "pcg64"
    """How counts are drawn from that distribution. ``pcg64``: NumPy's gamma and Poisson draws
    from each store's own PCG64 streams. ``philox``: a counter-based Philox4x64 keyed by the
    store, counted by SKU and day, and inverted in one compiled kernel: the same distribution,
    other numbers, about twice as fast to draw."""
    weekday_profile: Annotated[list[Annotated[float, Field(ge=0, le=1e6)]], Field(min_length=7, max_length=7)] = [
        0.85, 0.9, 0.95, 1.0, 1.15, 1.35, 0.8,
    ]  # fmt: skip
    """Relative demand Monday..Sunday; rescaled to a mean of 1."""
    seasons: list[SeasonSpec] = []
    holidays: HolidaySpec | None = None
    promotions: list[PromotionSpec] = []
    price_elasticity: Annotated[float, Field(ge=-20, le=0)] = -1.5
    """Demand factor of a price change is (new price / shelf price) ** elasticity."""
    price_changes: list[PriceChangeSpec] = []
    life_cycles: list[LifeCycleSpec] = []
    intermittent: IntermittentSpec | None = None
    fitted: FittedDemandSpec | None = None
    """Resample mode: per store × SKU parameters fitted from POS data (``crossdock pos fit``)."""
    scans: ScanSpec = ScanSpec()
