"""Store × SKU arrays packed for the way between the driver and an actor: the same on arrival.

``_pack`` narrows integer arrays, keeps only the non-zero cells of sparse ones, and sends a byte a
cell with the few cells that need more apart; ``_unpack`` and ``_join_rows`` (the driver's merge
of the shards' row blocks) must give back exactly the array: shape, dtype and every value.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from crossdock._shard_worker import _pack, _Packed, _unpack
from crossdock.shard import _join_rows

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
