"""Scenario models of factories: production lines, shifts, changeovers, ramps, breakdowns."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["BreakdownSpec", "LineSpec", "MaintenanceSpec", "RampSpec"]

_ID = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]


class _Spec(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False
    )


class RampSpec(_Spec):
    """The warm-up ramp after a line starts (each shift, after a changeover or a breakdown).

    The line runs at ``start_rate`` of its full rate and rises to full rate over ``hours``,
    linearly or in ``steps`` equal steps; ``scrap_fraction`` of what it makes during the ramp is
    scrapped.
    """

    hours: Annotated[float, Field(ge=0, le=48)] = 1.0
    shape: Literal["linear", "stepwise"] = "linear"
    start_rate: Annotated[float, Field(ge=0, le=1)] = 0.4
    steps: Annotated[int, Field(ge=1, le=20)] = 3
    scrap_fraction: Annotated[float, Field(ge=0, lt=1)] = 0.0


class BreakdownSpec(_Spec):
    """Random breakdowns, both times exponential.

    Failures come every ``mtbf_hours`` of scheduled time on average; repairs take
    ``mttr_hours`` on average.
    """

    mtbf_hours: Annotated[float, Field(gt=0, le=1e6)]
    mttr_hours: Annotated[float, Field(gt=0, le=10_000)] = 2.0


class MaintenanceSpec(_Spec):
    """Planned maintenance: ``hours`` off every ``every_days`` days (from day ``offset_days``)."""

    every_days: Annotated[int, Field(ge=1, le=3660)] = 28
    hours: Annotated[float, Field(gt=0, le=24)] = 8.0
    offset_days: Annotated[int, Field(ge=0, le=3660)] = 0


class LineSpec(_Spec):
    """A production line: the product families it makes, its rate and its shifts."""

    id: _ID
    families: list[str] = []
    """Families this line makes (a product's ``family``, default its category); empty: all."""
    rate_units_per_hour: Annotated[float, Field(gt=0, le=1e8)]
    hours_per_day: Annotated[float, Field(gt=0, le=24)] = 16.0
    working_days: list[Annotated[int, Field(ge=0, le=6)]] = [0, 1, 2, 3, 4, 5]
    """Weekdays the line works, Monday = 0."""
    changeover_hours: Annotated[float, Field(ge=0, le=24)] = 0.5
    ramp: RampSpec = RampSpec()
    breakdowns: BreakdownSpec | None = None
    maintenance: MaintenanceSpec | None = None

    @model_validator(mode="after")
    def _some_day(self) -> LineSpec:
        if not self.working_days:
            raise ValueError("working_days must name at least one weekday")
        return self
