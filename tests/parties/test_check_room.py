"""The parties' int32 store × SKU books refuse an addition that would overflow them."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock._kernels import INT32_MAX
from crossdock.errors import ScenarioError
from crossdock.parties._common import check_room


def test_an_addition_within_int32_passes() -> None:
    book = np.array([[INT32_MAX - 5, 0]], dtype=np.int32)
    check_room(3, "suppliers", "order book", book, np.array([[5, 7]]))


def test_an_addition_past_int32_stops_the_run_with_a_located_error() -> None:
    book = np.array([[INT32_MAX - 5, 0]], dtype=np.int32)
    with pytest.raises(ScenarioError, match="day 3 the order book of the suppliers would pass"):
        check_room(3, "suppliers", "order book", book, np.array([[6, 0]]))
