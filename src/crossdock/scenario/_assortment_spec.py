"""Scenario settings of the category captain's assortment review (``assortment:``).

See :mod:`crossdock.assortment` for what the review does with them and ``docs/planning.md``
for a worked example.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from crossdock.errors import IdentifierError
from crossdock.gs1 import validate_gtin

__all__ = ["AssortmentSpec", "SubstituteSpec"]

_CLASS_PAIRS = {a + x for a in "ABC" for x in "XYZ"}


def _gtin(value: str) -> str:
    try:
        return validate_gtin(value)
    except IdentifierError as error:
        raise ValueError(str(error)) from None


def _class_pair(value: str) -> str:
    if value not in _CLASS_PAIRS:
        raise ValueError(f"'{value}' must be an ABC-XYZ class such as CZ (one of A-C, one of X-Z)")
    return value


_Gtin = Annotated[str, AfterValidator(_gtin)]
_ClassPair = Annotated[str, AfterValidator(_class_pair)]
_Share = Annotated[float, Field(gt=0, le=1)]


class _Spec(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False
    )


class SubstituteSpec(_Spec):
    """Named substitutes of one product, for shoppers who find it delisted."""

    gtin: _Gtin
    substitutes: list[_Gtin] = Field(min_length=1)


class AssortmentSpec(_Spec):
    """The category captain's periodic assortment review (shared mode).

    Every ``review_every_weeks`` weeks, over the sales of the weeks since the last review,
    SKUs are classed ABC by sales value (within their category) and XYZ by the coefficient of
    variation of weekly sales; slow movers and dead stock are delisted by the rules below.
    """

    review_every_weeks: Annotated[int, Field(ge=1, le=104)] = 13
    abc_shares: tuple[_Share, _Share] = (0.8, 0.95)
    """Cumulative shares of the category's sales value that close classes A and B."""
    xyz_cv: tuple[Annotated[float, Field(gt=0, le=100)], Annotated[float, Field(gt=0, le=100)]] = (
        0.5,
        1.0,
    )
    """Coefficients of variation of weekly sales that close classes X and Y."""
    delist_classes: list[_ClassPair] = ["CZ"]
    """ABC-XYZ classes whose slow movers are delisted."""
    max_units_per_store_week: Annotated[float, Field(ge=0, le=1e6)] = 1.0
    """A SKU of a ``delist_classes`` class is a slow mover below this many units per store-week."""
    no_sales_days: Annotated[int, Field(ge=1, le=3660)] | None = 56
    """Dead stock: delist a SKU no store sold for this many days (null: never)."""
    min_skus_per_category: Annotated[int, Field(ge=1, le=100_000)] = 2
    max_delisted_share: Annotated[float, Field(ge=0, le=1)] = 0.2
    """At most this share of a category's listed SKUs is delisted at one review."""
    substitution_rate: Annotated[float, Field(ge=0, le=1)] = 0.5
    """Share of a delisted SKU's shoppers who buy a substitute instead (the rest is lost)."""
    substitutes: list[SubstituteSpec] = []
    """Named substitutes; other SKUs' shoppers switch to same-category SKUs by their sales."""
    clearance_days: Annotated[int, Field(ge=0, le=365)] = 14
    """Days a delisted SKU's remaining shelf stock is sold down before the rest is scrapped."""
    dead_stock_days: Annotated[int, Field(ge=1, le=3660)] = 28
    """For the ``dead_stock_value`` KPI: stock of a store × SKU without a sale for this long."""

    @model_validator(mode="after")
    def _ordered(self) -> AssortmentSpec:
        if self.abc_shares[0] > self.abc_shares[1]:
            raise ValueError("abc_shares must be in increasing order (A's share, then B's)")
        if self.xyz_cv[0] > self.xyz_cv[1]:
            raise ValueError("xyz_cv must be in increasing order (X's bound, then Y's)")
        return self
