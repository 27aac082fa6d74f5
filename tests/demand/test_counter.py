"""The ``philox`` generator's kernels: NumPy's Philox bits, the right distributions, one law.

The bits are held to :class:`numpy.random.Philox` word for word. The counts are held to SciPy's
probability mass functions by a chi-square test at the 99.9% level, over fixed keys, on both
sides of the inversion limit. The scenario's means and shapes, made cell by cell in the
kernel, are held to :class:`~crossdock.demand.DemandModel`'s own ``means`` and ``shapes``.
The cells counted in passes are held to the one-cell inversion, count for count.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from tests.demand.conftest import with_generator

from crossdock.demand import DemandModel, FittedParameters
from crossdock.demand._counter import (
    _TABLED,
    CHUNK,
    INVERSION_LIMIT,
    _mulhilo,
    _to_unit,
    compiled,
    store_keys,
)
from crossdock.errors import ScenarioError
from crossdock.scenario import Scenario, generate_scenario

CELLS = 120_000


@pytest.fixture(scope="module")
def kernels():
    return compiled()


def test_the_multiplication_gives_the_exact_128_bit_product() -> None:
    rng = np.random.default_rng(1)
    values = [int(v) for v in rng.integers(0, 2**64, 200, dtype=np.uint64)]
    values += [0, 1, 2**32 - 1, 2**32, 2**64 - 1]
    with np.errstate(over="ignore"):
        for a, b in zip(values, reversed(values), strict=True):
            hi, lo = _mulhilo(np.uint64(a), np.uint64(b))
            assert (int(hi), int(lo)) == divmod(a * b, 2**64)


def test_blocks_are_numpys_philox_word_for_word(kernels) -> None:
    """NumPy's Philox increments its counter before each block: block(c) = Philox(c - 1)."""
    rng = np.random.default_rng(2)
    for _ in range(50):
        k0, k1 = (int(v) for v in rng.integers(0, 2**64, 2, dtype=np.uint64))
        counter = [int(v) for v in rng.integers(1, 2**64, 4, dtype=np.uint64)]
        numpy_philox = np.random.Philox(
            key=k0 | k1 << 64,
            counter=(counter[0] - 1) | sum(c << (64 * i) for i, c in enumerate(counter) if i),
        )
        ours = kernels.philox4x64(*(np.uint64(c) for c in counter), np.uint64(k0), np.uint64(k1))
        assert [int(w) for w in ours] == [int(w) for w in numpy_philox.random_raw(4)]


def _counts(kernels, mean: float, shape: float, day: int = 3) -> np.ndarray:
    out = np.empty(CELLS, dtype=np.int32)
    key = store_keys(7, np.array(["3020000000014"]))[0]
    failed = kernels.draw_counts(key[0], key[1], day, np.full(CELLS, mean), np.full(1, shape), out)
    assert failed == -1
    return out


def _pmf(mean: float, shape: float, x: np.ndarray) -> np.ndarray:
    if math.isinf(shape):
        return stats.poisson.pmf(x, mean)
    return stats.nbinom.pmf(x, shape, shape / (shape + mean))


CASES = [
    (mean, shape)
    for mean in (0.05, 0.4, 3.0, 15.0, INVERSION_LIMIT - 0.5, INVERSION_LIMIT, 250.0, 4_000.0)
    for shape in (0.3, 2.0, 2.5, 50.0, 1e5, math.inf)
]


@pytest.mark.parametrize(("mean", "shape"), CASES)
def test_counts_follow_the_negative_binomial_or_poisson(kernels, mean: float, shape: float) -> None:
    """Chi-square goodness of fit on cells of at least 5 expected draws, at 99.9%."""
    counts = _counts(kernels, mean, shape)
    top = int(counts.max())
    observed = np.bincount(counts, minlength=top + 1).astype(np.float64)
    expected = _pmf(mean, shape, np.arange(top + 1)) * CELLS
    # pool the tails until every bin expects at least 5
    edges = [0]
    total = 0.0
    for x in range(top + 1):
        total += expected[x]
        if total >= 5.0:
            edges.append(x + 1)
            total = 0.0
    edges[-1] = top + 1
    obs = np.add.reduceat(observed, edges[:-1])
    exp = np.add.reduceat(expected, edges[:-1])
    exp[-1] += CELLS - expected.sum()  # the mass beyond the largest draw
    assert len(obs) >= 2
    statistic = float(((obs - exp) ** 2 / exp).sum())
    assert statistic < stats.chi2.ppf(0.999, len(obs) - 1), (mean, shape, statistic)
    # and the mean within its 99.9% interval
    sd = math.sqrt((mean + (0.0 if math.isinf(shape) else mean * mean / shape)) / CELLS)
    assert abs(counts.mean() - mean) < 3.29 * sd


def test_days_keys_and_skus_draw_unrelated_numbers(kernels) -> None:
    a = _counts(kernels, 6.0, 2.0, day=3)
    b = _counts(kernels, 6.0, 2.0, day=4)
    assert abs(np.corrcoef(a, b)[0, 1]) < 3.29 / math.sqrt(CELLS)
    assert abs(np.corrcoef(a[:-1], a[1:])[0, 1]) < 3.29 / math.sqrt(CELLS)
    assert abs(np.corrcoef(a[:-4], a[4:])[0, 1]) < 3.29 / math.sqrt(CELLS)


def test_zero_means_draw_nothing_and_bad_means_are_reported(kernels) -> None:
    out = np.full(6, 9, dtype=np.int32)
    mean = np.array([0.0, 1.0, 2.0, -1.0, 3.0, 4.0])
    assert kernels.draw_counts(np.uint64(1), np.uint64(2), 0, mean, np.full(1, 2.0), out) == 3
    assert out[0] == 0
    mean[3] = np.nan
    assert kernels.draw_counts(np.uint64(1), np.uint64(2), 0, mean, np.full(1, 2.0), out) == 3
    mean[3] = 5e9  # a count beyond int32
    assert kernels.draw_counts(np.uint64(1), np.uint64(2), 0, mean, np.full(1, 2.0), out) == 3


def test_the_scenario_kernel_draws_the_models_means_and_shapes(
    hyper_small: Scenario, kernels
) -> None:
    """draw_stores makes each cell's mean and shape as DemandModel.means and .shapes do."""
    model = DemandModel(with_generator(hyper_small, "philox"), 11)
    shapes = model.shapes
    assert len(np.unique(shapes)) == 2  # the slow movers' shape and the others'
    out = np.empty(hyper_small.n_skus, dtype=np.int32)
    for day in range(0, 120, 3):
        while model._next_day < day:
            model.daily(model._next_day)
        drawn = model.daily(day)
        means = model.mean(day)
        for i in range(hyper_small.n_stores):
            k0, k1 = model._keys[i]
            assert kernels.draw_counts(k0, k1, day, means[i], shapes[i], out) == -1
            assert np.array_equal(out, drawn[i]), (day, i)


def test_stores_joining_any_number_of_promotions_draw_their_means(kernels) -> None:
    """draw_stores: each store's means with its promotions' factors, in order, for 0 to 4.

    The kernel multiplies a store's first two promotions in the pass that makes the means and
    any further ones after it: every store's counts are those of draw_counts given the means
    NumPy makes in the model's order, over rows of more than one chunk.
    """
    rng = np.random.default_rng(37)
    stores, skus, promotions = 10, CHUNK + 509, 4
    keys = store_keys(9, np.arange(4_000_000_000_001, 4_000_000_000_001 + stores))
    size = rng.uniform(0.2, 3.0, stores)
    rate = rng.gamma(0.6, 6.0, skus)
    rate[rng.random(skus) < 0.03] = 0.0
    shared = rng.uniform(0.5, 1.5, skus)
    promotion = np.where(rng.random((promotions, skus)) < 0.2, rng.uniform(0.5, 3.0), 1.0)
    member = np.zeros((promotions, stores), dtype=np.bool_)
    for s in range(stores):  # store s joins promotions s % 5 of the four, from a shuffle
        member[rng.permutation(promotions)[: s % 5], s] = True
    out = np.full((stores, skus), -1, dtype=np.int32)
    day, dispersion, slow_below, slow_dispersion = 17, 2.0, 0.5, 0.3
    laws = (dispersion, slow_below, slow_dispersion)
    assert kernels.draw_stores(keys, day, size, rate, shared, promotion, member, *laws, out) == -1
    assert set(member.sum(axis=0).tolist()) == {0, 1, 2, 3, 4}
    row = np.empty(skus, dtype=np.int32)
    for s in range(stores):
        base = size[s] * rate
        means = shared * base
        for p in range(promotions):
            if member[p, s]:
                means = means * promotion[p]
        shapes = np.where((base > 0) & (base < slow_below), slow_dispersion, dispersion)
        assert kernels.draw_counts(keys[s, 0], keys[s, 1], day, means, shapes, row) == -1
        assert np.array_equal(out[s], row), s


def test_fitted_demand_is_drawn_store_by_store(hyper_small: Scenario) -> None:
    scenario = with_generator(hyper_small, "philox")
    s, k = scenario.n_stores, scenario.n_skus
    rng = np.random.default_rng(4)
    fitted = FittedParameters(
        mean=rng.gamma(1.0, 3.0, (s, k)),
        dispersion=np.where(rng.random((s, k)) < 0.3, np.inf, 1.5),
        weekday=np.ones((s, k, 7)),
        trend=np.zeros((s, k)),
        centre_day=0,
        first_weekday=0,
    )
    days = 60
    whole = DemandModel(scenario, 3, fitted=fitted)
    part = DemandModel(scenario, 3, fitted=fitted, stores=[2])
    drawn = np.stack([whole.daily(d) for d in range(days)])
    assert np.array_equal(np.stack([part.daily(d)[0] for d in range(days)]), drawn[:, 2])
    expected = np.stack([whole.mean(d) for d in range(days)])
    shapes = whole.shapes
    var = expected + np.where(np.isinf(shapes), 0.0, expected**2 / shapes)
    assert abs(drawn.sum() - expected.sum()) < 3.29 * math.sqrt(var.sum())


def test_an_impossible_count_is_a_located_scenario_error() -> None:
    scenario = generate_scenario(n_stores=2, n_skus=8, horizon_days=10, seed=1)
    scenario = with_generator(scenario.replace(base_rate=scenario.base_rate * 1e10), "philox")
    with pytest.raises(ScenarioError, match="more than a store × SKU quantity can hold") as error:
        DemandModel(scenario, 1).daily(0)
    assert error.value.field == "demand"


def test_cells_counted_in_passes_count_what_one_cell_counts(kernels) -> None:
    """count_usual gives invert's counts, whatever the mix of laws, means and uniforms.

    Uniforms near 1 on the heaviest negative binomials reach the table's end (the cells
    going on one by one), and the cells left to the caller (a mean of 0, from the inversion
    limit up, or not a number) are 0.
    """
    rng = np.random.default_rng(29)
    shapes = np.array([0.3, 1.0, 2.0, 2.5, 7.0, 50.0, 1e5, math.inf])
    n = 40_003  # chunks of every size: a last one of 67 cells
    u = rng.random(n)
    u[rng.random(n) < 0.02] = 1.0 - 1e-12  # far in the tail
    m = np.exp(rng.uniform(np.log(1e-4), np.log(INVERSION_LIMIT), n))
    m[rng.random(n) < 0.02] = 0.0
    m[rng.random(n) < 0.02] = 2 * INVERSION_LIMIT
    m[rng.random(n) < 0.01] = np.nan
    r = shapes[rng.integers(0, shapes.size, n)]
    out = np.full(n, -5, dtype=np.int32)
    kernels.count_cells(u, m, r, out)
    usual = (m > 0) & (m < INVERSION_LIMIT)
    want = [kernels.invert(u[j], m[j], r[j]) if usual[j] else 0 for j in range(n)]
    assert out.tolist() == want
    assert max(want) > _TABLED  # the one-by-one counting was exercised
    assert 0 < (out[usual] == 0).sum() < usual.sum()


def test_the_kernels_draw_each_usual_cell_by_its_own_inversion(kernels) -> None:
    """draw_counts: each usual cell is invert() of its word of its block, other cells apart."""
    rng = np.random.default_rng(31)
    n = 2 * CHUNK + 3  # three chunks, the last of three cells: not a whole block of four
    mean = rng.gamma(0.6, 8.0, n)
    mean[rng.random(n) < 0.05] = 0.0
    mean[rng.random(n) < 0.02] = 80.0  # above the inversion limit: drawn on their own
    shape = np.where(mean < 0.5, 0.3, 2.0)
    k0, k1 = np.uint64(12345), np.uint64(678)
    out = np.full(n, -7, dtype=np.int32)
    assert kernels.draw_counts(k0, k1, 5, mean, shape, out) == -1
    usual = (mean > 0) & (mean < INVERSION_LIMIT)
    for k in np.flatnonzero(usual):
        word = kernels.philox4x64(
            np.uint64(k // 4), np.uint64(5), np.uint64(0), np.uint64(0), k0, k1
        )[k % 4]
        assert out[k] == kernels.invert(_to_unit(word), mean[k], shape[k]), k
    assert (out[mean == 0.0] == 0).all()
    assert (out[mean == 80.0] > 0).all()
