"""Scenario settings of the category captain's levers beyond forecasting (shared mode).

``replenishment.delivery_calendar`` chooses, per collection (a planner's suppliers for one
platform), how many days apart orders go out (:mod:`crossdock.category.calendar`);
``replenishment.shelf_space`` lets the captain reallocate each store's category shelf
(:mod:`crossdock.category.shelf`). See
``docs/planning.md`` for what each lever does on the built-in scenario.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DeliveryCalendarSpec", "ShelfSpaceSpec"]

_Share = Annotated[float, Field(gt=0, le=1)]


class _Spec(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False
    )


class DeliveryCalendarSpec(_Spec):
    """Order days per supplier × platform, trading truck fill against stock (shared mode).

    Every ``reoptimise_every_days`` days each planner re-chooses, for each of its collections
    (its suppliers for one platform together when inbound consolidation is on, else each
    supplier alone), the order cycle: the fewest days between orders whose expected pallets
    fill the trucks to ``target_truck_fill``, within ``max_cycle_days`` and as long as the
    order-up-to level over the longer cover still fits the shelf for ``shelf_fit_share`` of
    the demand. Volumes are the mean sales the planner observed since the last choice (the
    first from the scenario's expected demand).
    """

    enabled: bool = True
    target_truck_fill: _Share = 0.8
    max_cycle_days: Annotated[int, Field(ge=1, le=28)] = 7
    reoptimise_every_days: Annotated[int, Field(ge=1, le=364)] = 28
    shelf_fit_share: _Share = 0.95


class ShelfSpaceSpec(_Spec):
    """The captain's allocation of each store's category shelf space (shared mode).

    Every ``reallocate_every_days`` days (from day 0) a captain splits each store's space for
    each of its categories (the scenario's ``shelf_capacity`` rule summed over the category)
    across the items by their need over the cover days (mean sales plus z deviations); the
    retailer confirms it within the space and the minimum cases, and refuses a store's plan
    where the captain's own items' share of the shelf exceeds their share under the retailer's
    standard rule (about their share of sales) by more than ``max_own_share_gap`` (``None``: no
    fairness check).
    """

    enabled: bool = True
    reallocate_every_days: Annotated[int, Field(ge=1, le=364)] = 28
    max_own_share_gap: Annotated[float, Field(ge=0, le=1)] | None = 0.02
