"""Store × SKU arrays packed for the way between the driver and an actor: the same on arrival.

``_pack`` narrows integer arrays, keeps only the non-zero cells of sparse ones, and sends a byte a
cell with the few cells that need more apart; ``_unpack`` and ``_join_rows`` (the driver's merge
of the shards' row blocks) must give back exactly the array: shape, dtype and every value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest

from crossdock._shard_worker import (
    _column_references,
    _ColumnsOf,
    _pack,
    _Packed,
    _unpack,
    _with_arrays,
)
from crossdock.shard import ShardedStores, _join_rows, _merge_key

SHAPE = (80, 700)


def _bytes(packed: object) -> int:
    """Bytes of the arrays a packed value carries (its plain array's if not packed)."""
    if not isinstance(packed, _Packed):
        assert isinstance(packed, np.ndarray)
        return packed.nbytes
    parts = [packed.values, *([] if packed.cells is None else [packed.cells])]
    parts += [] if packed.over is None else list(packed.over)
    return sum(part.nbytes for part in parts)


def _counts(rng: np.random.Generator, dtype: type) -> np.ndarray:
    return rng.poisson(2.0, SHAPE).astype(dtype)


def _some_large(rng: np.random.Generator, dtype: type) -> np.ndarray:
    counts = _counts(rng, dtype)
    counts[rng.random(SHAPE) < 0.02] = 300  # a fast mover's stock here and there
    return counts


def _some_negative(rng: np.random.Generator, dtype: type) -> np.ndarray:
    counts = _counts(rng, dtype)
    counts[rng.random(SHAPE) < 0.02] = -300
    return counts


def _many_large(rng: np.random.Generator, dtype: type) -> np.ndarray:
    counts = _counts(rng, dtype)
    counts[rng.random(SHAPE) < 0.3] = 30_000
    return counts


def _sparse(rng: np.random.Generator, dtype: type) -> np.ndarray:
    counts = _some_large(rng, dtype)
    counts[rng.random(SHAPE) < 0.95] = 0
    return counts


def _extremes(rng: np.random.Generator, dtype: type) -> np.ndarray:
    counts = _counts(rng, dtype)
    info = np.iinfo(dtype)
    counts[0, 0], counts[-1, -1] = info.min, info.max
    return counts


PATTERNS: dict[str, Callable[[np.random.Generator, type], np.ndarray]] = {
    "small counts": _counts,
    "a few large": _some_large,
    "a few negative": _some_negative,
    "many large": _many_large,
    "sparse": _sparse,
    "the type's extremes": _extremes,
}


@pytest.mark.parametrize(
    ("dtype", "pattern"),
    [
        (dtype, pattern)
        for dtype in (np.int64, np.int32, np.int16, np.uint16)
        for pattern in PATTERNS
        if not (pattern == "a few negative" and np.dtype(dtype).kind == "u")
    ],
)
def test_a_packed_array_is_the_same_array_on_arrival(dtype: type, pattern: str) -> None:
    rng = np.random.default_rng(11)
    array = PATTERNS[pattern](rng, dtype)
    back = _unpack(_pack(array))
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)
    # the driver joins the shards' packed row blocks straight into one array
    joined = _join_rows([_pack(array[:30].copy()), _pack(array[30:].copy())])
    assert joined.dtype == array.dtype
    np.testing.assert_array_equal(joined, array)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int16])
def test_a_few_cells_over_a_byte_travel_apart(dtype: type) -> None:
    """Two per cent of cells over 255: a byte a cell and those apart, not two bytes a cell."""
    array = _some_large(np.random.default_rng(12), dtype)
    packed = _pack(array)
    assert isinstance(packed, _Packed) and packed.over is not None
    assert packed.values.dtype == np.uint8
    assert _bytes(packed) < 0.6 * array.size * 2  # two bytes a cell narrowed as a whole
    np.testing.assert_array_equal(_unpack(packed), array)


def test_many_cells_over_a_byte_travel_narrowed_as_a_whole() -> None:
    """Thirty per cent over a byte: the cells apart would cost more than the second byte."""
    array = _many_large(np.random.default_rng(13), np.int64)
    packed = _pack(array)
    assert isinstance(packed, _Packed) and packed.over is None
    assert packed.values.dtype == np.uint16
    np.testing.assert_array_equal(_unpack(packed), array)


def test_a_payload_of_zero_blocks_is_a_zero_broadcast() -> None:
    """All-zero blocks known unread (a zero broadcast, packed with no cells): no bytes a cell.

    As the stores send all-zero quantities (a lost-sales chain's backorders); the blocks' own
    zeros are not copied into a new array.
    """
    local = np.broadcast_to(np.int32(0), (40, 300))  # the driver's own shard's block
    remote = _pack(np.broadcast_to(np.int32(0), (24, 300)))  # an actor's, packed
    assert isinstance(remote, _Packed)
    joined = _join_rows([local, remote], payload=True)
    assert joined.shape == (64, 300) and joined.dtype == np.int32
    assert not any(joined.strides) and not joined.flags.writeable and not joined.any()
    # orders are worked on in place by the planners: never a broadcast
    orders = _join_rows([local, remote])
    assert orders.flags.writeable and orders.shape == (64, 300) and not orders.any()
    # a zero block beside figures: the figures in their rows, zeros in the others
    figures = np.arange(24 * 300, dtype=np.int32).reshape(24, 300)
    for parts, at in (([local, _pack(figures)], slice(40, 64)), ([figures, remote], slice(0, 24))):
        mixed = _join_rows(parts, payload=True)
        assert mixed.flags.writeable and mixed.dtype == np.int32
        np.testing.assert_array_equal(mixed[at], figures)
        assert mixed.sum() == figures.sum()


@dataclasses.dataclass(frozen=True)
class _Positions:
    """A stand-in message: a whole store × SKU book."""

    receiver: str
    on_hand: np.ndarray


@dataclasses.dataclass(frozen=True)
class _Stock:
    """A stand-in message: some of the same book's columns, and figures of its own."""

    receiver: str
    on_hand: np.ndarray
    received: np.ndarray


@pytest.mark.parametrize("local_view", [True, False])
def test_columns_of_another_message_travel_as_a_reference_and_merge_as_a_view(
    local_view: bool,
) -> None:
    """An actor's column block of another message's array travels as a reference; the driver
    makes it those columns of the other array's merge: a view (as in one process) where its
    own shard's block is one too, else the blocks joined; the same numbers either way."""
    rng = np.random.default_rng(21)
    books = [rng.integers(0, 300, size=(rows, 300)).astype(np.int32) for rows in (40, 24)]
    received = [rng.integers(0, 9, size=(rows, 30)).astype(np.int32) for rows in (40, 24)]
    mail = [
        [_Positions("hq", b), _Stock("planner", b[:, 20:50], r)]
        for b, r in zip(books, received, strict=True)
    ]
    if not local_view:  # the driver's own shard's block, a copy (say, settled by the stores)
        mail[0][1] = dataclasses.replace(mail[0][1], on_hand=books[0][:, 20:50].copy())
    actor = _column_references(mail[1])
    assert actor[1].on_hand == _ColumnsOf(0, "on_hand", 20, 50)
    assert isinstance(actor[1].received, np.ndarray)  # no other message's columns
    outboxes = [mail[0], [_with_arrays(m, _pack) for m in actor]]
    groups: dict = {}
    for shard, box in enumerate(outboxes):
        for message in box:
            groups.setdefault(_merge_key(message), []).append((shard, message))
    whole_key, stock_key = _merge_key(mail[0][0]), _merge_key(mail[0][1])
    merged = {whole_key: {"on_hand": _join_rows([m.on_hand for _, m in groups[whole_key]])}}
    on_hand = ShardedStores._columns_of(groups[stock_key], "on_hand", outboxes, groups, merged)
    np.testing.assert_array_equal(on_hand, np.vstack(books)[:, 20:50])
    assert np.shares_memory(on_hand, merged[whole_key]["on_hand"]) is local_view


def _fields(packed: object) -> list[object]:
    """A packed value's every part, with its type: what two ways of packing must agree on."""
    if not isinstance(packed, _Packed):
        assert isinstance(packed, np.ndarray)
        return ["plain", packed.dtype.str, packed.shape, packed.tolist()]
    parts: list[object] = [packed.shape, packed.dtype]
    arrays = [packed.values, packed.cells, *(packed.over or (None, None))]
    for part in arrays:
        parts += [None] if part is None else [part.dtype.str, part.tolist()]
    return parts


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_the_compiled_packing_is_numpys(dtype: type, monkeypatch: pytest.MonkeyPatch) -> None:
    """One compiled census and one pass pack every pattern as NumPy's five passes do.

    Every field of the packed value (the cells' and values' types included) for each
    pattern, whole and as a strided view (a block of columns, every other row), and for a
    pattern's negatives alone (a byte of int8 with the cells apart).
    """
    from crossdock import _fused

    assert _fused.kernels(SHAPE[0] * SHAPE[1]) is not None  # the compiled path is the one tested
    rng = np.random.default_rng(21)
    arrays = []
    for make in PATTERNS.values():
        array = make(rng, dtype)
        arrays += [array, array[::2, 50:650], -array]
    compiled = [_fields(_pack(array)) for array in arrays]
    monkeypatch.setattr(_fused, "kernels", lambda cells: None)
    numpy = [_fields(_pack(array)) for array in arrays]
    kinds = set()
    for got, want, array in zip(compiled, numpy, arrays, strict=True):
        assert got == want
        packed = _pack(array)
        kinds.add(
            "plain"
            if not isinstance(packed, _Packed)
            else "sparse"
            if packed.cells is not None
            else "over"
            if packed.over is not None
            else "narrow"
        )
    assert kinds == {"sparse", "over", "narrow"}  # every way of packing was compared


def test_joined_positions_are_the_books_sums_whatever_each_shard_sent() -> None:
    """The head office's positions joined from shards that sent them summed (packed sparse,
    packed a byte a cell, or plain) and from the driver's own books (summed into their rows,
    backorders a zero broadcast or a book) are the books' sums, in store order; a position
    of the driver's books past int32 is refused with the day, not wrapped."""
    from crossdock.messages import StorePositions
    from crossdock.shard import _join_positions

    rng = np.random.default_rng(53)
    width = 300

    def books(rows: int, lost: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        on_hand = rng.integers(0, 9, (rows, width)).astype(np.int32)
        on_hand[rng.random((rows, width)) < 0.7] = 0
        on_order = rng.integers(0, 250, (rows, width)).astype(np.int32)
        backorders = (
            np.broadcast_to(np.zeros((), np.int32), (rows, width))
            if lost
            else rng.integers(0, 3, (rows, width)).astype(np.int32)
        )
        return on_hand, on_order, backorders

    def summed(on_hand: np.ndarray, on_order: np.ndarray, backorders: np.ndarray) -> np.ndarray:
        return (np.add(on_hand, on_order, dtype=np.int64) - backorders).astype(np.int32)

    parts, want = [], []
    for rows, kind in ((40, "books"), (70, "sparse"), (55, "bytes"), (30, "plain"), (20, "lost")):
        book = books(rows, lost=kind in ("lost", "bytes"))  # (bytes: no negative positions)
        position = summed(*book)
        if kind == "sparse":
            position[rng.random(position.shape) < 0.9] = 0
        want.append(position)
        if kind in ("books", "lost"):
            message = StorePositions("s", "r", 3, "", *book)
        else:
            packed = _pack(position) if kind != "plain" else position
            assert kind == "plain" or isinstance(packed, _Packed)
            assert kind != "sparse" or packed.cells is not None
            assert kind != "bytes" or (packed.cells is None and packed.values.dtype.itemsize == 1)
            empty = np.zeros((0, 0), np.int32)
            message = StorePositions("s", "r", 3, "", empty, empty, empty, position=empty)
            object.__setattr__(message, "position", packed)  # as an actor's arrives, packed
        parts.append(message)
    joined = _join_positions(3, parts)
    assert joined.dtype == np.int32 and joined.flags.c_contiguous
    np.testing.assert_array_equal(joined, np.concatenate(want))

    on_hand, on_order, backorders = books(10, lost=True)
    on_hand[4, 7], on_order[4, 7] = 2**31 - 1, 1
    with pytest.raises(RuntimeError, match=r"day 3: .*passes int32"):
        _join_positions(
            3, [parts[1], StorePositions("s", "r", 3, "", on_hand, on_order, backorders)]
        )
