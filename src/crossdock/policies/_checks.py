"""``check_policy``: the conformance suite every replenishment policy must pass.

Run it on your own policy (``check_policy(MyPolicy())``); it raises ``AssertionError`` naming
the first broken rule. The built-in policies run it in the test suite.
"""

from __future__ import annotations

import numpy as np

from crossdock.policies._params import Params
from crossdock.policies._rules import Observation, Policy

__all__ = ["check_policy"]


def _observation(rng: np.random.Generator, shape: tuple[int, ...], day: int = 0) -> Observation:
    return Observation(
        day=day,
        on_hand=rng.integers(0, 30, shape).astype(np.int64),
        on_order=rng.integers(0, 10, shape).astype(np.int64),
        backorders=np.zeros(shape, np.int64),
        lead_time_days=2,
    )


def _warm(policy: Policy, rng: np.random.Generator, shape: tuple[int, ...], days: int = 20) -> None:
    policy.reset(np.full(shape, 4.0))
    for _ in range(days):
        policy.observe(rng.poisson(4.0, shape).astype(np.float64))


def _plain_params(params: Params) -> dict[str, object]:
    """Deep parameters without the nested objects (listed by ``outer__inner`` names instead)."""
    return {k: v for k, v in params.get_params().items() if not isinstance(v, Params)}


def check_policy(policy: Policy, *, shape: tuple[int, ...] = (3, 5), seed: int = 0) -> None:
    """Check that ``policy`` follows the policy interface and its basic economics."""
    name = type(policy).__name__
    assert isinstance(policy, Params), f"{name} must derive from crossdock.policies.Policy"

    params = policy.get_params(deep=False)
    assert set(params) == set(policy._param_names()), (
        f"{name}.get_params must list every __init__ parameter"
    )
    twin = policy.clone()
    assert twin is not policy and type(twin) is type(policy), f"{name}.clone must make a new {name}"
    for key, value in params.items():
        twin_value = twin.get_params(deep=False)[key]
        if isinstance(value, Params):
            assert twin_value is not value, f"{name}.clone must clone nested parameter '{key}'"
            assert _plain_params(twin_value) == _plain_params(value), (
                f"{name}.clone changed '{key}'"
            )
        else:
            assert np.all(np.asarray(twin_value == value)), f"{name}.clone changed '{key}'"
    policy.set_params(**params)
    assert policy.get_params(deep=False).keys() == params.keys(), (
        f"{name}.set_params lost a parameter"
    )

    rng = np.random.default_rng(seed)
    first, second = policy.clone(), policy.clone()
    _warm(first, np.random.default_rng(seed), shape)
    _warm(second, np.random.default_rng(seed), shape)
    observation = _observation(rng, shape)
    before = {k: np.copy(getattr(observation, k)) for k in ("on_hand", "on_order", "backorders")}
    order = np.asarray(first.plan(observation))
    assert order.shape == shape, f"{name}.plan must return shape {shape}, got {order.shape}"
    assert order.dtype.kind in "iuf", f"{name}.plan must return numbers, got {order.dtype}"
    assert np.all(np.isfinite(order)), f"{name}.plan returned non-finite quantities"
    assert np.all(order >= 0), f"{name}.plan returned negative quantities"
    for key, value in before.items():
        assert np.array_equal(getattr(observation, key), value), (
            f"{name}.plan modified observation.{key}"
        )
    assert np.array_equal(order, second.plan(observation)), f"{name}.plan is not deterministic"

    richer = Observation(
        day=observation.day,
        on_hand=observation.on_hand + 5,
        on_order=observation.on_order,
        backorders=observation.backorders,
        lead_time_days=observation.lead_time_days,
    )
    assert np.all(first.plan(richer) <= order + 1e-9), (
        f"{name}.plan must not order more when the inventory position is higher"
    )
    flooded = Observation(
        day=observation.day,
        on_hand=np.full(shape, 10**7, np.int64),
        on_order=observation.on_order,
        backorders=observation.backorders,
        lead_time_days=observation.lead_time_days,
    )
    assert np.all(first.plan(flooded) == 0), f"{name}.plan must not order when stock is plentiful"
    empty = Observation(
        day=0,
        on_hand=np.zeros(shape, np.int64),
        on_order=np.zeros(shape, np.int64),
        backorders=np.zeros(shape, np.int64),
        lead_time_days=observation.lead_time_days,
    )
    assert np.all(first.plan(empty) > 0), (
        f"{name}.plan must order for an empty pipeline with demand"
    )

    third = policy.clone()
    third.reset(np.full(shape, 4.0))
    for _ in range(20):
        third.observe(np.full(shape, 40.0))
    assert np.array_equal(first.plan(observation), order), (
        f"{name}: learning in one clone changed another (state must not be shared)"
    )
