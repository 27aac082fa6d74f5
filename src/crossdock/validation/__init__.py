"""The analytic validation suite: crossdock held against closed forms and exact references.

:func:`run_validation` runs every case of :data:`CASES` over several seeds and returns one
:class:`CaseResult` per figure (theory, measured mean, 95% interval, pass); ``crossdock
validate-model`` prints them and the test suite asserts them. See docs/validation.md.
"""

from __future__ import annotations

from crossdock.validation._cases import CASES, CaseResult, SafetyOffset, run_validation
from crossdock.validation._harness import (
    KnownDemand,
    SingleStoreRun,
    clean_single_store,
    run_single_store,
)
from crossdock.validation._references import (
    StockFigures,
    base_stock_backorders,
    base_stock_lost_sales,
    expected_shortfall,
    min_max_backorders,
    order_up_to_backorders,
)
from crossdock.validation._stats import Interval, interval

__all__ = [
    "CASES",
    "CaseResult",
    "Interval",
    "KnownDemand",
    "SafetyOffset",
    "SingleStoreRun",
    "StockFigures",
    "base_stock_backorders",
    "base_stock_lost_sales",
    "clean_single_store",
    "expected_shortfall",
    "interval",
    "min_max_backorders",
    "order_up_to_backorders",
    "run_single_store",
    "run_validation",
]
