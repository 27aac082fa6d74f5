"""The fused Numba kernels give the NumPy path's numbers, bit for bit.

Fixed seeds throughout. Each check runs the same policy twice, once with ``CROSSDOCK_NUMBA=0``
(the NumPy reference) and once with the kernels, from the same state on the same inputs,
and compares every forecast state array and every order exactly: the kernels repeat NumPy's
operations in its order and types, and leave ``log`` and ``exp`` to NumPy.
"""

from __future__ import annotations

import platform

import numpy as np
import pytest
from scipy.special import ndtri

from crossdock import _fused
from crossdock._kernels import GAMMA_LOG_SHAPE, gamma_quantile, gamma_quantile_factors
from crossdock.messages import StorePositions
from crossdock.policies import HoltWinters, MinMax, Observation, OrderUpTo

pytestmark = pytest.mark.skipif(_fused._compiled() is None, reason="Numba not installed")

PROFILE = np.array([1.0, 1.1, 0.9, 1.0, 1.2, 1.5, 0.6])


def _numpy(monkeypatch: pytest.MonkeyPatch, on: bool) -> None:
    """``on``: the kernels at any size (the arrays here are small); else the NumPy path."""
    monkeypatch.setenv(_fused.ENV_VAR, "1" if on else "0")


def _policy(mean: np.ndarray, **kwargs: object) -> OrderUpTo:
    forecast = kwargs.pop("forecast", None) or HoltWinters()
    policy = OrderUpTo(forecast=forecast, **kwargs)  # type: ignore[arg-type]
    policy.set_calendar(2, PROFILE)
    policy.reset(mean)
    return policy


def _state(policy: OrderUpTo) -> list[np.ndarray]:
    f = policy.forecast
    return [f._level, f._variance, f._season]  # type: ignore[attr-defined]


def _world(seed: int, stores: int = 30, skus: int = 400) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    mean = rng.gamma(0.6, 2.0, size=(stores, skus))
    mean[:, :20] = 0.0  # never sold
    mean[:, 20:40] *= 500.0  # fast movers: shapes beyond the gamma table
    pack = rng.choice([1, 4, 6, 12, 24], size=skus).astype(np.int64)
    shelf = (np.ceil(mean * 3 / pack) * pack + pack).astype(np.int32)  # tight: orders get cut
    return {"mean": mean, "pack": pack, "shelf": shelf}


def test_the_switch_turns_the_kernels_off_or_on(monkeypatch: pytest.MonkeyPatch) -> None:
    large, small = _fused.MIN_CELLS, _fused.MIN_CELLS - 1
    for off in ("0", "false", "No", " off "):
        monkeypatch.setenv(_fused.ENV_VAR, off)
        assert _fused.kernels(large) is None
    for on in ("1", "true", "YES", "on"):
        monkeypatch.setenv(_fused.ENV_VAR, on)
        assert _fused.kernels(small) is not None
    monkeypatch.delenv(_fused.ENV_VAR)  # unset: the kernels from MIN_CELLS cells on...
    _fused._compiled.cache_clear()  # (as in a process that has not loaded them)
    assert _fused.kernels(small) is None
    assert _fused.kernels(large) is not None
    assert _fused.kernels(small) is not None  # ...then at any size, once loaded
    assert _fused.kernels(0) is not None


@pytest.mark.parametrize(
    ("precision", "season_precision", "offsets"),
    [
        ("float32", "auto", "float16"),
        ("float32", "float32", "float32"),
        ("float64", "auto", "float64"),
    ],
)
@pytest.mark.parametrize("kind", ["int32", "int64", "censored", "outgrown"])
def test_holt_winters_updates_are_numpys_to_the_bit(
    monkeypatch: pytest.MonkeyPatch, precision: str, season_precision: str, offsets: str, kind: str
) -> None:
    world = _world(1)
    rng = np.random.default_rng(2)
    pair = [
        _policy(
            world["mean"],
            forecast=HoltWinters(precision=precision, season_precision=season_precision),
        )
        for _ in "ab"
    ]
    for day in range(10):
        sold = rng.poisson(world["mean"]).astype(kind if kind in ("int32", "int64") else np.int32)
        empty = rng.random(sold.shape) < 0.2
        if kind == "outgrown" and day == 4:  # an offset beyond float16's range, mid-plane:
            sold[17, 123] = 2_000_000  # half offsets are widened from that cell on
        for policy, on in zip(pair, (False, True), strict=True):
            _numpy(monkeypatch, on)
            if kind in ("censored", "outgrown"):  # float64 demand: censored days replaced
                policy.observe_sales(sold, empty)
            else:
                policy.observe(sold)
        widened = kind == "outgrown" and day >= 4 and offsets == "float16"
        for a, b, dtype in zip(
            _state(pair[0]),
            _state(pair[1]),
            (precision, precision, "float32" if widened else offsets),
            strict=True,
        ):
            assert a.dtype == np.dtype(dtype)
            np.testing.assert_array_equal(a, b, strict=True)


def test_half_precision_conversions_are_numpys_to_the_bit() -> None:
    """Our float16 conversions (the kernels' way to read and round offsets) against NumPy's.

    Every float16 bit pattern read back; float32 values rounded to float16: random bit
    patterns over the whole range (subnormals, overflow, NaN), the ties between neighbouring
    float16 values and their neighbours; in Python and compiled, and by ``half_bits`` (the
    processor's own conversion where it has one) over the values the kernel rounds, and
    every pattern read by ``half_value`` (the processor's widening where it has one).
    """
    kernels = _fused._compiled()
    assert kernels is not None
    import numba

    read = numba.njit(lambda bits: _fused.half_to_float(bits))
    bits = np.arange(65_536, dtype=np.uint32)
    halves = bits.astype(np.uint16).view(np.float16).astype(np.float64)
    for convert in (_fused.half_to_float, read):
        got = np.array([convert(int(b)) for b in bits])
        np.testing.assert_array_equal(got, halves)  # NaN where NumPy has NaN
        assert np.array_equal(np.signbit(got), np.signbit(halves))
    table = _fused.half_table()  # horizon_block's reading: the same values, kept read-only
    np.testing.assert_array_equal(table, np.array([_fused.half_to_float(int(b)) for b in bits]))
    assert not table.flags.writeable

    rng = np.random.default_rng(7)
    finite = bits[np.isfinite(halves)].astype(np.uint16).view(np.float16).astype(np.float32)
    ties = ((finite[:-1].astype(np.float64) + finite[1:]) / 2).astype(np.float32)
    values = np.concatenate(
        [
            rng.integers(0, 2**32, 200_000, dtype=np.uint64).astype(np.uint32).view(np.float32),
            ties,
            np.nextafter(ties, np.float32(np.inf)),
            np.nextafter(ties, np.float32(-np.inf)),
            np.float32([65_504, 65_519.996, 65_520, -65_520, np.inf, -np.inf, 0.0, -0.0]),
        ]
    )
    with np.errstate(over="ignore", invalid="ignore"):
        expected = values.astype(np.float16).view(np.uint16)
    nan = np.isnan(values)
    write = numba.njit(lambda v: _fused.float_to_half(v))
    for convert in (_fused.float_to_half, write):
        got = np.array([convert(v) for v in values], dtype=np.uint16)
        np.testing.assert_array_equal(got[~nan], expected[~nan])
        assert np.isnan(got[nan].view(np.float16)).all()

    @numba.njit
    def narrow(values: np.ndarray, out: np.ndarray) -> None:  # as holt_winters_observe does
        for i in range(values.size):
            out[i] = _fused.half_bits(values[i])

    @numba.njit
    def widen(bits: np.ndarray, table: np.ndarray, out: np.ndarray) -> None:
        for i in range(bits.size):
            out[i] = _fused.half_value(bits[i], table)

    widened = np.empty(bits.size)
    widen(bits.astype(np.uint16), table, widened)  # every float16, the table's or the CPU's
    np.testing.assert_array_equal(widened, halves)
    assert np.array_equal(np.signbit(widened), np.signbit(halves))

    inside = np.abs(values) < _fused.HALF_LIMIT  # what the kernel rounds: no NaN, no overflow
    got = np.empty(int(inside.sum()), dtype=np.uint16)
    narrow(values[inside], got)
    np.testing.assert_array_equal(got, expected[inside])


def test_interpolation_is_numpys_to_the_bit() -> None:
    rng = np.random.default_rng(3)
    factors = gamma_quantile_factors(0.95)
    x = np.concatenate(
        [
            rng.uniform(GAMMA_LOG_SHAPE[0] - 1.0, GAMMA_LOG_SHAPE[-1], 20_000),
            GAMMA_LOG_SHAPE,  # exactly on the grid, last point included
            np.nextafter(GAMMA_LOG_SHAPE, -np.inf),
            np.nextafter(GAMMA_LOG_SHAPE, np.inf)[:-1],
        ]
    ).reshape(1, -1)
    ones = np.ones_like(x)
    out = np.empty_like(x)
    kernels = _fused._compiled()  # the kernels themselves, whatever the switch says
    assert kernels is not None
    slopes = _fused.interp_slopes(GAMMA_LOG_SHAPE, factors)
    kernels.interp_block(x, ones, ones, GAMMA_LOG_SHAPE, factors, slopes, out)
    np.testing.assert_array_equal(out, np.interp(x, GAMMA_LOG_SHAPE, factors))


def test_horizons_are_holt_winters_own_to_the_bit() -> None:
    world = _world(4)
    rng = np.random.default_rng(5)
    policy = _policy(world["mean"])
    for _ in range(9):  # learnt offsets, and a weekday other than the first
        policy.forecast.observe(rng.poisson(world["mean"]))
    forecast = policy.forecast
    assert isinstance(forecast, HoltWinters)
    shape = forecast._level.shape
    # horizons per store, per cell, of more than a week, and of none
    for days in (
        rng.integers(1, 6, size=(shape[0], 1)).astype(np.float64),
        rng.integers(0, 20, size=shape).astype(np.float64),
    ):
        rows = (shape[0] - 1, shape[1])  # a block from the second row on, as order_up_to_packs cuts
        mean, spread = np.empty(rows), np.empty(rows)
        planes = np.array([(forecast.weekday + t) % 7 for t in range(7)])
        a, g = forecast.alpha / (2 - forecast.alpha), forecast.gamma / (2 - forecast.gamma)
        kernels = _fused._compiled()
        assert kernels is not None
        assert forecast._season.dtype == np.float16  # the default beside float32 state
        kernels.horizon_block(
            forecast._level[1:],
            forecast._season.view(np.uint16),  # as order_up_to_packs passes them: every row
            1,
            planes,
            forecast._variance[1:],
            np.broadcast_to(days, shape)[1:],  # as leads, reviewed daily: (1 + days) - 1 days
            1.0,
            a,
            g,
            np.float32(1.0 + a + g),
            True,
            mean,
            spread,
            True,
            _fused.half_table(),
        )
        expected = np.broadcast_to(forecast.horizon_mean(days), shape)[1:]
        np.testing.assert_array_equal(mean, expected)
        spread_expected = np.broadcast_to(forecast.horizon_std(days), shape)[1:]
        np.testing.assert_array_equal(spread, spread_expected)


CASES = {
    "default": ({}, "store"),
    "normal": ({"demand_distribution": "normal"}, "store"),
    "median (z = 0)": ({"service_level": 0.5}, "store"),
    "high service": ({"service_level": 0.995}, "store"),
    "review every 3 days": ({"review_period_days": 3}, "store"),
    "lead time per SKU": ({}, "cell"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_orders_are_numpys_to_the_bit(monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    settings, leads = CASES[case]
    world = _world(6)
    mean, pack, shelf = world["mean"], world["pack"], world["shelf"]
    rng = np.random.default_rng(7)
    shape = mean.shape
    lead = (
        rng.integers(1, 5, size=(shape[0], 1)).astype(np.float64)
        if leads == "store"
        else rng.integers(1, 12, size=shape).astype(np.int32)
    )
    pair = [_policy(mean, **settings) for _ in "ab"]
    on_hand = np.minimum(rng.poisson(mean * 3), shelf).astype(np.int32)
    on_order = rng.poisson(mean).astype(np.int32)
    owed = rng.poisson(0.2, size=shape).astype(np.int32)
    ordered = cut = 0
    for day in range(12):
        sold = np.minimum(rng.poisson(mean), on_hand).astype(np.int32)
        on_hand -= sold
        orders = []
        for policy, on in zip(pair, (False, True), strict=True):
            _numpy(monkeypatch, on)
            policy.observe_sales(sold, on_hand == 0)
            observation = Observation(
                day=day, on_hand=on_hand, on_order=on_order, backorders=owed, lead_time_days=lead
            )
            orders.append(policy.plan_in_packs(observation, pack, shelf))
        np.testing.assert_array_equal(orders[0], orders[1], strict=True)
        for a, b in zip(_state(pair[0]), _state(pair[1]), strict=True):
            np.testing.assert_array_equal(a, b, strict=True)
        position = on_hand.astype(np.int64) + on_order - owed
        ordered += int(orders[1].sum())
        cut += int(np.count_nonzero(position + orders[1] == shelf))
        on_hand += on_order
        on_order = orders[1].astype(np.int32)
    assert ordered > 0 and cut > 0  # the cases did order, and the shelf did cut orders


@pytest.mark.parametrize("level", [0.5, 0.9, 0.95, 0.995])
def test_quantile_bounds_hold_for_every_shape(level: float) -> None:
    """Each band's bound is at least the quantile NumPy's path works out for its shapes."""
    rng = np.random.default_rng(11)
    factors = gamma_quantile_factors(level)
    bounds, low = _fused.quantile_bounds(GAMMA_LOG_SHAPE, factors)
    # means and spreads over twenty decades; shapes on the grid points and the bands' edges
    # (their log-shapes), a float below and above
    mean = np.exp(rng.uniform(-23.0, 23.0, 400_000))
    spread = np.exp(rng.uniform(-23.0, 23.0, 400_000))
    edges = np.arange(low - 2, low + bounds.size + 2) / _fused.BOUND_STEPS * np.log(2)
    on_grid = np.exp(np.concatenate([GAMMA_LOG_SHAPE, edges]) / 2.0)
    for near in (np.nextafter(on_grid, 0.0), on_grid, np.nextafter(on_grid, np.inf)):
        scale = np.exp(rng.uniform(-10.0, 10.0, near.size))
        mean = np.concatenate([mean, near * scale])
        spread = np.concatenate([spread, scale])
    with np.errstate(divide="ignore"):
        log_shape = 2.0 * (np.log(mean) - np.log(spread))
    quantile = np.exp(np.interp(log_shape, GAMMA_LOG_SHAPE, factors))
    inside = log_shape <= GAMMA_LOG_SHAPE[-1]  # beyond, the level is mean + z·spread
    bits = ((mean * mean).view(np.int64) - (spread * spread).view(np.int64)) >> 49
    band = np.clip(bits - low, 0, bounds.size - 1)
    assert np.all(quantile[inside] <= bounds[band[inside]])
    assert inside.sum() > 100_000 and (~inside).sum() > 10_000
    # and no band's bound is above the largest factor's
    assert np.all(bounds <= np.exp(factors.max()) * (1 + 1e-9))


@pytest.mark.parametrize("level", [0.9, 0.95, 0.995])
def test_cells_at_their_level_order_as_numpy_orders(
    monkeypatch: pytest.MonkeyPatch, level: float
) -> None:
    """Positions at, just below and just above each cell's level: skipped or not, every
    order is the NumPy path's (the skip is exact), and both kinds of cell occur."""
    world = _world(9)
    mean, pack = world["mean"], world["pack"]
    rng = np.random.default_rng(12)
    pair = [_policy(mean, service_level=level) for _ in "ab"]
    for _ in range(8):
        sold = rng.poisson(mean).astype(np.int32)
        for policy in pair:
            policy.observe_sales(sold, sold == 0)
    forecast = pair[0].forecast
    assert isinstance(forecast, HoltWinters)
    lead = np.full((mean.shape[0], 1), 2.0)
    horizon = lead + pair[0].review_period_days - 1.0
    target = gamma_quantile(
        forecast.horizon_mean(horizon),
        forecast.horizon_std(horizon),
        gamma_quantile_factors(level),
        float(ndtri(level)),
    )
    step = rng.integers(-2, 3, size=mean.shape)
    on_hand = np.maximum(np.floor(target).astype(np.int64) + step, 0).astype(np.int32)
    zeros = np.zeros(mean.shape, dtype=np.int32)
    observation = Observation(
        day=8, on_hand=on_hand, on_order=zeros, backorders=zeros, lead_time_days=lead
    )
    orders = []
    for policy, on in zip(pair, (False, True), strict=True):
        _numpy(monkeypatch, on)
        orders.append(policy.plan_in_packs(observation, pack, np.full(mean.shape, 10**6)))
    np.testing.assert_array_equal(orders[0], orders[1], strict=True)
    assert 0 < np.count_nonzero(orders[1]) < mean.size * 0.9
    # the kernel's own list: some cells skipped, some needing the quantile
    kernels = _fused._compiled()
    assert kernels is not None
    bounds, low = _fused.quantile_bounds(GAMMA_LOG_SHAPE, gamma_quantile_factors(level))
    m = np.ascontiguousarray(np.broadcast_to(forecast.horizon_mean(horizon), mean.shape))
    sd = np.ascontiguousarray(np.broadcast_to(forecast.horizon_std(horizon), mean.shape))
    listed = np.empty(mean.size, dtype=np.uint64)
    order = np.full(mean.shape, -1, dtype=np.int32)
    gathered = np.empty((2, mean.size))
    count = kernels.quantile_cells(
        m, sd, on_hand, zeros, zeros, float(ndtri(level)), bounds, low, order, listed, *gathered
    )
    assert 0 < count < mean.size and not order.any()
    rows, columns = listed[:count] >> np.uint64(32), listed[:count] & np.uint64(0xFFFFFFFF)
    cells = rows.astype(np.int64) * mean.shape[1] + columns.astype(np.int64)
    np.testing.assert_array_equal(gathered[0, :count], m.reshape(-1)[cells])
    skipped = np.ones(mean.size, dtype=bool)
    skipped[cells] = False
    assert not orders[0].reshape(-1)[skipped].any()  # what was skipped orders nothing


def test_the_fused_order_is_the_gamma_quantiles_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    """Independent of the NumPy plan: the order is S − position rounded up to whole packs."""
    _numpy(monkeypatch, True)
    world = _world(8, stores=5, skus=50)
    mean, pack = world["mean"], world["pack"]
    policy = _policy(mean)
    zeros = np.zeros(mean.shape, dtype=np.int32)
    forecast = policy.forecast
    assert isinstance(forecast, HoltWinters)
    lead = np.full((5, 1), 2.0)
    target = gamma_quantile(
        forecast.horizon_mean(lead),
        forecast.horizon_std(lead),
        gamma_quantile_factors(0.95),
        float(ndtri(0.95)),
    )
    observation = Observation(
        day=0, on_hand=zeros, on_order=zeros, backorders=zeros, lead_time_days=lead
    )
    order = policy.plan_in_packs(observation, pack, np.full(mean.shape, 10**6))
    np.testing.assert_array_equal(order, np.ceil(target / pack) * pack)


def test_other_policies_and_forecasters_take_the_numpy_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _numpy(monkeypatch, True)
    world = _world(9, stores=4, skus=30)
    zeros = np.zeros(world["mean"].shape, dtype=np.int32)
    observation = Observation(
        day=0, on_hand=zeros, on_order=zeros, backorders=zeros, lead_time_days=2.0
    )
    trend = _policy(world["mean"], forecast=HoltWinters(beta=0.1))
    assert trend._fused_packs(observation, world["pack"], world["shelf"]) is None
    fractional = Observation(
        day=0, on_hand=zeros + 0.5, on_order=zeros, backorders=zeros, lead_time_days=2.0
    )
    default = _policy(world["mean"])
    assert default._fused_packs(fractional, world["pack"], world["shelf"]) is None
    assert default._fused_packs(observation, world["pack"], world["shelf"]) is not None
    min_max = MinMax(forecast=HoltWinters())
    min_max.reset(world["mean"])
    order = min_max.plan_in_packs(observation, world["pack"], world["shelf"])
    assert order.dtype == np.int32 and np.all(order % world["pack"] == 0)


def test_without_a_writable_cache_the_kernels_compile_uncached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import numba

    real = numba.njit

    def no_cache(*args: object, **kwargs: object) -> object:
        if kwargs.get("cache"):
            raise RuntimeError("cannot cache function: no locator available")
        return real(*args, **kwargs)

    monkeypatch.setattr(numba, "njit", no_cache)
    kernel = _fused._jit(_fused.holt_winters_observe)
    level = np.zeros(3, dtype=np.float32)
    kernel(
        np.array([1, 2, 3]),
        np.array([2]),
        np.array([5.0]),
        level,
        np.zeros(3, np.float32),
        np.ones(3, np.float32),
        np.empty(1, np.float32),
        *np.float32([0.5, 0.5, 0.1]),
        False,
        _fused.half_table(),
    )
    assert level.tolist() == [0.5, 1.0, 2.5]  # the third cell censored: 5 wanted


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_a_run_gives_the_same_tables_with_and_without_numba(
    monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    from crossdock._golden import digest_result
    from crossdock.scenario import generate_scenario
    from crossdock.simulate import simulate

    scenario = generate_scenario(n_stores=8, n_skus=150, n_platforms=2, horizon_days=40)
    digests = []
    for on in (False, True):
        _numpy(monkeypatch, on)
        result = simulate(scenario, mode=mode, seed=3, days=40)
        digests.append(digest_result(result.tables, result.kpis))
    assert digests[0] == digests[1]
    assert digests[0]["kpis"]["fill_rate"] > 0


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_store_work_a_few_rows_at_a_time_gives_the_same_tables(
    monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """Blocks of 8 stores (and a lone last store in a block of its own) change no number.

    The tills, the opening stock, the deliveries put away and the Holt-Winters start work
    a few stores at a time (``crossdock._kernels.row_blocks`` and ``dot_blocks``); with
    blocks shrunk to 8 rows, 33 stores make five blocks, and the tables are those of one
    block, with Numba and without.
    """
    from crossdock import _kernels
    from crossdock._golden import digest_result
    from crossdock.scenario import generate_scenario
    from crossdock.simulate import simulate

    skus = 150
    scenario = generate_scenario(n_stores=33, n_skus=skus, n_platforms=2, horizon_days=30)
    digests = []
    for on, block_bytes in ((True, None), (True, 8 * 8 * skus), (False, 8 * 8 * skus)):
        _numpy(monkeypatch, on)
        if block_bytes is not None:
            monkeypatch.setattr(_kernels, "_DOT_BLOCK_BYTES", block_bytes)
            assert len(_kernels.dot_blocks(33, skus)) == 5
        result = simulate(scenario, mode=mode, seed=5, days=30)
        digests.append(digest_result(result.tables, result.kpis))
    assert digests[0] == digests[1] == digests[2]
    assert digests[0]["kpis"]["fill_rate"] > 0


def test_a_column_selection_as_prior_still_takes_the_fused_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A planner's prior is ``mean[:, items]``, which NumPy lays out in Fortran order."""
    _numpy(monkeypatch, True)
    world = _world(10)
    prior = world["mean"][:, np.arange(0, 400, 2)]
    assert not prior.flags.c_contiguous
    policy = _policy(prior)
    forecast = policy.forecast
    assert isinstance(forecast, HoltWinters)
    sold = np.random.default_rng(11).poisson(prior)
    assert forecast._fused_observe(sold)
    assert forecast.observe_censored(sold, sold == 0)


def test_orders_that_might_not_fit_int32_take_the_numpy_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The kernel writes int32 orders: a shelf past int32, or one whose room could pass it
    with the backorders, goes to the NumPy path (whose message refuses it, located)."""
    _numpy(monkeypatch, True)
    world = _world(9, stores=4, skus=30)
    zeros = np.zeros(world["mean"].shape, dtype=np.int32)
    observation = Observation(
        day=0, on_hand=zeros, on_order=zeros, backorders=zeros, lead_time_days=2.0
    )
    default = _policy(world["mean"])
    shelf = np.asarray(world["shelf"])
    assert default._fused_packs(observation, world["pack"], shelf.astype(np.int32)) is not None
    assert default._fused_packs(observation, world["pack"], shelf.astype(np.int64)) is None
    owed = Observation(
        day=0, on_hand=zeros, on_order=zeros, backorders=zeros + 5, lead_time_days=2.0
    )
    full = np.full(shelf.shape, np.iinfo(np.int32).max - 2, dtype=np.int32)
    assert default._fused_packs(owed, world["pack"], full) is None


@pytest.mark.parametrize("layout", ["scattered", "block"])
def test_the_retailers_one_pass_answer_is_its_two_pass_answer(layout: str) -> None:
    """``confirm_lines`` adding each line as it grants it (distinct stores and items) gives the
    lines, the changes, the totals and the open confirmations of its two passes; and where a
    line would pass int32, the same first failing line, with nothing added either way.

    Items scattered, and a block of columns (a planner's items), which the kernel answers in
    passes of its own (``_confirm_block``); lines are cut by packs to the shelf's room in
    both."""
    kernels = _fused._compiled()
    assert kernels is not None
    rng = np.random.default_rng(23)
    stores, skus = 30, 50
    rows = np.sort(rng.choice(stores, 12, replace=False))
    items = np.sort(rng.choice(skus, 20, replace=False))
    if layout == "block":
        items = np.arange(15, 35)
    assert _fused._contiguous(items) == (layout == "block")
    cut = 0

    def books() -> list[np.ndarray]:
        on_hand, on_order = rng.integers(0, 40, (2, stores, skus), dtype=np.int32)
        backorders = rng.integers(0, 3, (stores, skus), dtype=np.int32)
        open_ = rng.integers(0, 20, (stores, skus), dtype=np.int32)
        shelf = rng.integers(10, 90, (stores, skus), dtype=np.int32)
        return [on_hand, on_order, backorders, open_, shelf]

    for case in range(6):
        on_hand, on_order, backorders, open_, shelf = books()
        asked = rng.integers(0, 60, (rows.size, items.size), dtype=np.int32)
        pack = rng.integers(1, 7, items.size).astype(np.int64)
        blocked = rng.random(items.size) < 0.1
        if case >= 3:  # a line in the middle would pass int32
            i, j = rows.size // 2, items.size // 3
            cell = rows[i], items[j]
            open_[cell], shelf[cell] = 2_147_483_600, 2_147_483_647
            on_hand[cell], on_order[cell], backorders[cell] = 0, 0, 1_000  # room on the shelf
            asked[i, j] = 60
            blocked[j] = False
        answers = []
        for distinct in (True, False):
            book = open_.copy()
            granted = np.empty_like(asked)
            changed = np.zeros(items.size, dtype=bool)
            total = np.zeros(items.size, dtype=np.int64)
            failed = kernels.confirm_lines(
                asked, rows, items, on_hand, on_order, backorders, book, shelf, pack,
                blocked, granted, changed, total, distinct,
            )  # fmt: skip
            answers.append((failed, granted, changed, total, book))
        # the positions summed (as a shard sends them) beside two zero broadcasts
        summed = np.add(on_hand, on_order, dtype=np.int64) - backorders
        message = StorePositions("s", "r", 0, "", position=summed.astype(np.int32))
        book = open_.copy()
        granted = np.empty_like(asked)
        changed = np.zeros(items.size, dtype=bool)
        total = np.zeros(items.size, dtype=np.int64)
        failed = kernels.confirm_lines(
            asked, rows, items, *message.books(), book, shelf, pack, blocked, granted, changed,
            total, True,
        )  # fmt: skip
        answers.append((failed, granted, changed, total, book))
        np.testing.assert_array_equal(message.positions(), summed)
        (failed, *one), (failed_two, *two), (failed_summed, *three) = answers
        cut += int(np.count_nonzero(one[0] != np.where(blocked, 0, asked)))
        assert failed == failed_two == failed_summed
        for a, b in zip(one, three, strict=True):
            np.testing.assert_array_equal(a, b)
        assert (failed >= 0) == (case >= 3)
        for a, b in zip(one, two, strict=True):
            np.testing.assert_array_equal(a, b)
        if failed >= 0:
            np.testing.assert_array_equal(one[-1], open_)  # nothing added
    assert cut > 0  # (lines were cut to the room: the cut was compared too)


@pytest.mark.parametrize("numba", ["1", "0"])
def test_summed_positions_are_numpys_and_refuse_what_passes_int32(
    monkeypatch: pytest.MonkeyPatch, numba: str
) -> None:
    """A shard's summed positions are NumPy's int64 sum, or None where a cell passes int32.

    Compiled and NumPy paths alike, on whole books, strided views and a zero broadcast (a
    lost-sales chain's backorders); a position one past int32 either way is refused (the
    shard then sends the three books as they are), wherever it falls.
    """
    from crossdock._shard_worker import summed_positions

    monkeypatch.setenv(_fused.ENV_VAR, numba)
    rng = np.random.default_rng(41)
    shape = (300, 257)  # above MIN_CELLS, and several of the NumPy path's row blocks
    on_hand = rng.integers(0, 2**30, shape).astype(np.int32)
    on_order = rng.integers(0, 2**30, (shape[0], 2 * shape[1])).astype(np.int32)[:, ::2]
    backorders = rng.integers(0, 2**20, shape).astype(np.int32)
    zero = np.broadcast_to(np.zeros((), np.int32), shape)
    for minus in (backorders, zero):
        got = np.empty(shape, np.int32)
        assert summed_positions(on_hand, on_order, minus, got)
        np.testing.assert_array_equal(got, np.add(on_hand, on_order, dtype=np.int64) - minus)
    for cell, high in (((0, 0), True), ((299, 256), True), ((150, 3), False)):
        books = [on_hand.copy(), np.zeros(shape, np.int32), np.zeros(shape, np.int32)]
        if high:  # int32's largest plus one
            books[0][cell], books[1][cell] = 2**31 - 1, 1
        else:  # its smallest less one
            books[0][cell], books[2][cell] = -(2**31) + 1, 2
        assert not summed_positions(*books, np.empty(shape, np.int32))
        books[1 if high else 2][cell] = 0  # the same cell at the limit fits
        assert summed_positions(*books, np.empty(shape, np.int32))


def test_putting_deliveries_away_is_numpys_in_one_pass() -> None:
    """put_away: the books and the day's figures of the NumPy put-away, and its overflow."""
    kernels = _fused._compiled()
    rng = np.random.default_rng(41)
    shape = (37, 211)
    goods = (rng.random(shape) < 0.3) * rng.integers(1, 50, shape)
    goods[5] = 0  # a store with nothing today
    on_hand = rng.integers(0, 100, shape)
    on_order = rng.integers(0, 60, shape)  # often less than the goods: came before its DESADV
    unadvised = rng.integers(0, 5, shape)
    books = [a.astype(np.int32) for a in (goods, on_hand, on_order, unadvised)]
    mine = [b.copy() for b in books]
    totals = np.empty(shape[0], dtype=np.int64)
    delivered = np.empty(shape[0], dtype=np.bool_)
    assert kernels.put_away(*mine, totals, delivered) == 0
    g, hand, order, early_book = (b.copy() for b in books)
    hand += g
    expected = np.minimum(g, order)
    order -= expected
    early_book += g - expected
    assert (g - expected).any()  # some goods came early
    assert np.array_equal(mine[1], hand) and np.array_equal(mine[2], order)
    assert np.array_equal(mine[3], early_book)
    assert np.array_equal(totals, g.sum(axis=1)) and np.array_equal(delivered, g.any(axis=1))
    assert not delivered[5]
    # a delivery that would pass int32 on the shelf (1), or in the unadvised book (2)
    top = np.iinfo(np.int32).max
    for book, code in ((1, 1), (3, 2)):
        again = [b.copy() for b in books]
        again[book][2, 7] = top - 1
        again[0][2, 7], again[2][2, 7] = 3, 1
        assert kernels.put_away(*again, totals, delivered) == code


def test_row_dot_adds_in_einsums_order_or_keeps_to_einsum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """row_dot's sums are einsum's to the bit; its kernel is used only where it adds alike.

    The kernel is held to ``np.einsum`` on integer and float matrices of many widths (their
    eight-column blocks and the columns left over), rows sliced or not; whatever it gives,
    the check that decides whether it is used must agree, and ``row_dot`` itself must give
    einsum's sums either way.
    """
    from crossdock._kernels import row_dot

    _numpy(monkeypatch, True)
    kernels = _fused._compiled()
    rng = np.random.default_rng(47)
    alike = True
    for width in (1, 2, 7, 8, 9, 15, 16, 17, 63, 250, 2_003):
        vector = 1.0 / rng.integers(1, 200, size=width)
        for dtype in (np.int32, np.int64, np.float32, np.float64):
            matrix = (rng.random((11, width)) * 1e4).astype(dtype)
            for rows in (matrix, matrix[::2]):
                expected = np.einsum("ik,k->i", rows.astype(np.float64), vector)
                out = np.empty(rows.shape[0])
                kernels.row_dot_rows(rows, vector, out)
                alike &= out.tobytes() == expected.tobytes()
                assert row_dot(rows, vector).tobytes() == expected.tobytes()
    # the rows of prices each store pays, gathered (revenue): einsum cuts two 2-D operands
    # into its buffer's chunks; widths on both sides of it
    chunk = np.getbufsize()
    for width in (3, 8, 41, chunk, chunk + 1, 2 * chunk + 7):
        matrix = rng.integers(0, 60, size=(9, width)).astype(np.int32)
        prices = np.round(rng.random((4, width)) * 30.0, 2)
        chosen = rng.integers(0, 4, size=9)
        out = np.empty(9)
        kernels.row_dot_chosen(matrix, prices, chosen, chunk, out)
        alike &= out.tobytes() == np.einsum("sk,sk->s", matrix, prices[chosen]).tobytes()
    assert _fused.einsum_order_holds() == alike
    if platform.machine() in ("x86_64", "AMD64"):  # NumPy's x86-64 wheels: the kernels serve
        assert alike
