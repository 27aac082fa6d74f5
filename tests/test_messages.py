"""Message quantities are int32 (crossdock.messages.quantities): cast once, checked, never wrapped."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock.errors import ScenarioError
from crossdock.messages import QUANTITY, DespatchAdvice, SalesReport, quantities


def test_int64_payloads_become_int32_with_the_same_values() -> None:
    values = np.array([[0, 7], [2**31 - 1, -(2**31 - 1)]], dtype=np.int64)
    report = SalesReport("a", "b", 0, "r", np.arange(2), np.arange(2), values)
    assert report.quantity.dtype == QUANTITY
    assert report.quantity.tolist() == values.tolist()


def test_an_int32_payload_is_kept_not_copied() -> None:
    values = np.ones((3, 4), dtype=np.int32)
    assert quantities(values) is values


def test_a_quantity_beyond_int32_is_a_located_error_not_a_wrap() -> None:
    too_big = np.array([[1, 2**31]], dtype=np.int64)
    with pytest.raises(ScenarioError, match=r"DespatchAdvice\.quantity.*2147483648"):
        DespatchAdvice(
            "a", "b", 0, "r", locations=np.arange(1), items=np.arange(2), quantity=too_big
        )


def test_a_zero_broadcast_stays_a_broadcast() -> None:
    zeros = np.broadcast_to(np.int64(0), (1000, 2000))
    out = quantities(zeros)
    assert out.dtype == QUANTITY and out.shape == (1000, 2000)
    assert not any(out.strides) and not out.any()


def test_float_payloads_are_left_to_the_codec() -> None:
    values = np.array([[1.5]])
    assert quantities(values) is values


def test_demand_that_does_not_fit_int32_stops_the_run_with_a_located_error() -> None:
    from crossdock.demand import DemandModel
    from crossdock.scenario import generate_scenario

    scenario = generate_scenario(n_stores=2, n_skus=6, horizon_days=5, seed=1)
    huge = scenario.replace(base_rate=np.full(6, 1e12))
    with pytest.raises(ScenarioError, match="demand for one SKU"):
        DemandModel(huge, 1).daily(0)


def test_a_payload_that_is_not_an_array_is_left_as_it_is() -> None:
    """A shard's packed payload (crossdock._shard_worker._Packed) travels inside messages."""
    from crossdock._shard_worker import _Packed

    packed = _Packed((2, 3), "int8", None, np.arange(6, dtype=np.int8))
    report = SalesReport("a", "b", 0, "r", np.arange(2), np.arange(3), packed)  # type: ignore[arg-type]
    assert report.quantity is packed
