"""The Arrow helpers give the strings NumPy would, by converting each value once."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from crossdock._arrow import take_strings, tile_strings


def test_taken_and_tiled_strings_are_numpys() -> None:
    rng = np.random.default_rng(53)
    values = np.array([f"301234{i:07d}" for i in range(40)] + ["", "é-store"], dtype=object)
    index = rng.integers(0, values.size, 5_000)
    taken = take_strings(values, index)
    assert taken.type == pa.string()
    assert taken.to_pylist() == values[index].astype(str).tolist()
    tiled = tile_strings(values, 3)
    assert tiled.to_pylist() == np.tile(values, 3).astype(str).tolist()
    assert take_strings(values, np.array([], dtype=np.int64)).to_pylist() == []
