"""Shared helpers of the channel tests: comparing simulation messages field by field."""

from __future__ import annotations

import dataclasses

import numpy as np

from crossdock.messages import Message


def differences(a: Message, b: Message) -> list[str]:
    """Fields where two simulation messages differ (arrays: shape, dtype and values)."""
    if type(a) is not type(b):
        return [f"type {type(a).__name__} != {type(b).__name__}"]
    out = []
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            same = (
                isinstance(y, np.ndarray)
                and x.shape == y.shape
                and x.dtype == y.dtype
                and np.array_equal(x, y)
            )
        else:
            same = x == y
        if not same:
            out.append(f"{f.name}: {x!r} != {y!r}")
    return out
