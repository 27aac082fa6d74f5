"""The parties' int32 store × SKU books refuse an addition that would overflow them."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock._kernels import INT32_MAX
from crossdock.errors import ScenarioError
from crossdock.parties._common import add_with_room, check_room


def test_an_addition_within_int32_passes() -> None:
    book = np.array([[INT32_MAX - 5, 0]], dtype=np.int32)
    check_room(3, "suppliers", "order book", book, np.array([[5, 7]]))


def test_an_addition_past_int32_stops_the_run_with_a_located_error() -> None:
    book = np.array([[INT32_MAX - 5, 0]], dtype=np.int32)
    with pytest.raises(ScenarioError, match="day 3 the order book of the suppliers would pass"):
        check_room(3, "suppliers", "order book", book, np.array([[6, 0]]))


@pytest.mark.parametrize("numba", ["1", "0"])
def test_an_addition_with_room_is_added_in_place_or_refused_with_the_same_error(
    monkeypatch: pytest.MonkeyPatch, numba: str
) -> None:
    """``add_with_room`` adds into a book's view (compiled in one pass, or checked then added),
    and refuses an addition past int32 with :func:`check_room`'s error, the book untouched."""
    monkeypatch.setenv("CROSSDOCK_NUMBA", numba)
    book = np.zeros((4, 3000), dtype=np.int32)
    book[2, 7] = INT32_MAX - 5
    added = np.ones((2, 3000), dtype=np.int32)
    view = book[1:3]
    add_with_room(3, "platforms", "stock", view, added)
    assert book[1].tolist() == [1] * 3000
    assert book[2, 7] == INT32_MAX - 4 and book[2, 8] == 1
    before = book.copy()
    with pytest.raises(ScenarioError, match="day 4 the stock of the platforms would pass"):
        add_with_room(4, "platforms", "stock", book[1:3], added * 5)
    np.testing.assert_array_equal(book, before)
