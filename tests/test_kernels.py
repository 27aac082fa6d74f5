"""The array kernels of the hot path, each against hand-worked examples and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from crossdock._kernels import (
    EARTH_RADIUS_KM,
    as_slice,
    cap_to_room,
    cases,
    fill_in_order,
    gamma_quantile,
    gamma_quantile_factors,
    grid,
    haversine_km,
    pallets,
    ration,
    round_up_to_pack,
    row_dot,
    sum_by,
)


def slow_ration(requested: list[list[int]], available: list[int]) -> list[list[int]]:
    """Largest-remainder rationing, one column at a time, in plain Python."""
    n = len(requested)
    granted = [row[:] for row in requested]
    for k, have in enumerate(available):
        have = max(have, 0)
        column = [requested[i][k] for i in range(n)]
        total = sum(column)
        if total <= have:
            continue
        base = [column[i] * have // total for i in range(n)]
        remainder = [column[i] * have - base[i] * total for i in range(n)]
        leftover = have - sum(base)
        # Largest remainder first; ties go to the lower row.
        for i in sorted(range(n), key=lambda i: (-remainder[i], i))[:leftover]:
            if remainder[i] > 0:
                base[i] += 1
        for i in range(n):
            granted[i][k] = base[i]
    return granted


@st.composite
def requests(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 6))
    k = draw(st.integers(1, 5))
    requested = draw(hnp.arrays(np.int64, (n, k), elements=st.integers(0, 60)))
    available = draw(hnp.arrays(np.int64, (k,), elements=st.integers(-5, 250)))
    return requested, available


# -- ration -------------------------------------------------------------------------------------
def test_ration_worked_example() -> None:
    requested = np.array([[6, 6, 4, 0], [12, 12, 4, 0]])
    available = np.array([100, 10, 3, 0])
    granted = ration(requested, available)
    # Column 0 has enough; column 1: 60/18 = 3.33 and 120/18 = 6.67 → 3 + 6, the last unit to
    # the larger remainder (row 1); column 2: 1.5 each → 1 + 1, the tie to row 0; column 3
    # asks for nothing.
    assert granted.tolist() == [[6, 3, 2, 0], [12, 7, 1, 0]]
    assert granted.dtype == np.int64


def test_ration_one_dimensional_is_a_cap() -> None:
    assert ration(np.array([5, 0, 9]), np.array([3, 4, 9])).tolist() == [3, 0, 9]


def test_ration_negative_stock_grants_nothing() -> None:
    assert ration(np.array([[2], [3]]), np.array([-4])).tolist() == [[0], [0]]


def test_ration_does_not_modify_its_input() -> None:
    requested = np.array([[5, 5], [5, 5]])
    ration(requested, np.array([3, 3]))
    assert requested.tolist() == [[5, 5], [5, 5]]


@settings(max_examples=300, deadline=None)
@given(requests())
def test_ration_properties(case: tuple[np.ndarray, np.ndarray]) -> None:
    requested, available = case
    granted = ration(requested, available)
    have = np.maximum(available, 0)
    assert granted.shape == requested.shape
    assert (granted >= 0).all()
    assert (granted <= requested).all()
    assert (granted.sum(axis=0) <= have).all()
    short = requested.sum(axis=0) > have
    # A short column hands out everything it has; a column with enough grants in full.
    assert (granted.sum(axis=0)[short] == have[short]).all()
    assert (granted[:, ~short] == requested[:, ~short]).all()
    # Pro rata: no row is more than one unit away from its exact share.
    total = np.maximum(requested.sum(axis=0), 1)
    exact = requested * have / total
    assert (np.abs(granted[:, short] - exact[:, short]) < 1).all()


@settings(max_examples=300, deadline=None)
@given(requests())
def test_ration_matches_the_slow_reference(case: tuple[np.ndarray, np.ndarray]) -> None:
    requested, available = case
    expected = slow_ration(requested.tolist(), available.tolist())
    assert ration(requested, available).tolist() == expected


# -- fill_in_order ------------------------------------------------------------------------------
def test_fill_in_order_serves_rows_first_come_first_served() -> None:
    requested = np.array([[5, 5], [5, 5], [5, 5]])
    assert fill_in_order(requested, np.array([12, 3])).tolist() == [[5, 3], [5, 0], [2, 0]]


@settings(max_examples=200, deadline=None)
@given(requests())
def test_fill_in_order_properties(case: tuple[np.ndarray, np.ndarray]) -> None:
    requested, available = case
    available = np.maximum(available, 0)
    granted = fill_in_order(requested, available)
    assert ((granted >= 0) & (granted <= requested)).all()
    assert (granted.sum(axis=0) == np.minimum(requested.sum(axis=0), available)).all()
    # A row is cut only when every later row gets nothing.
    cut = granted < requested
    for i, k in np.argwhere(cut):
        assert (granted[i + 1 :, k] == 0).all()


# -- round_up_to_pack and cap_to_room -----------------------------------------------------------
def test_round_up_to_pack() -> None:
    quantity = np.array([0.0, 0.2, 6.0, 6.5, 12.0, -3.0])
    assert round_up_to_pack(quantity, np.array(6)).tolist() == [0, 6, 6, 12, 12, 0]


def test_round_up_to_pack_broadcasts_packs_over_the_last_axis() -> None:
    quantity = np.array([[1.0, 1.0, 25.0], [0.0, 13.0, 24.0]])
    pack = np.array([6, 12, 24])
    out = round_up_to_pack(quantity, pack)
    assert out.tolist() == [[6, 12, 48], [0, 24, 24]]
    assert out.dtype == np.int64


def test_cap_to_room_cuts_by_whole_packs() -> None:
    order = np.array([[12, 12, 12, 0]])
    position = np.array([[0, 5, 30, 40]])
    capacity = np.array([[24, 24, 24, 24]])
    # Room: 24, 19 (three whole packs of 6), −6 (none), −16 (none).
    assert cap_to_room(order, position, capacity, np.array(6)).tolist() == [[12, 12, 0, 0]]


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(np.int64, (4,), elements=st.integers(0, 100)),
    hnp.arrays(np.int64, (4,), elements=st.integers(-20, 100)),
    st.integers(1, 24),
)
def test_cap_to_room_never_overfills(order: np.ndarray, position: np.ndarray, pack: int) -> None:
    order = round_up_to_pack(order, np.array(pack))
    capacity = np.full(4, 60)
    capped = cap_to_room(order, position, capacity, np.array(pack))
    assert (capped <= order).all()
    assert (capped % pack == 0).all()
    assert (position + capped <= np.maximum(capacity, position)).all()
    # Only what does not fit is cut: one more pack would overflow.
    cut = capped < order
    assert (position[cut] + capped[cut] + pack > capacity[cut]).all()


# -- pallets ------------------------------------------------------------------------------------
def test_pallets_mix_skus_on_a_pallet() -> None:
    quantity = np.array([[30, 30], [60, 0], [61, 0], [0, 0]])
    assert pallets(quantity, np.array([60, 60])).tolist() == [1, 1, 2, 0]


def test_pallets_of_nothing() -> None:
    assert pallets(np.zeros((3, 0), np.int64), np.zeros(0, np.int64)).tolist() == [0, 0, 0]


def test_pallets_exact_fractions_do_not_round_up() -> None:
    # 1/3 + 1/3 + 1/3 of a pallet is one pallet even though the floats sum a hair over 1.
    assert pallets(np.array([[10, 10, 10]]), np.array([30, 30, 30])).tolist() == [1]


# -- haversine_km -------------------------------------------------------------------------------
def test_paris_to_lyon_is_about_392_km() -> None:
    km = haversine_km(48.8566, 2.3522, 45.7640, 4.8357)
    assert km == pytest.approx(392, abs=2)


def test_haversine_is_symmetric_and_zero_on_the_spot() -> None:
    lat = np.array([48.8566, 45.7640, 43.2965])
    lon = np.array([2.3522, 4.8357, 5.3698])
    d = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    assert d.shape == (3, 3)
    assert np.allclose(d, d.T)
    assert np.allclose(np.diag(d), 0)


def test_haversine_antipodes_are_half_the_circumference() -> None:
    assert haversine_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * EARTH_RADIUS_KM)


# -- sum_by -------------------------------------------------------------------------------------
def test_sum_by_one_dimensional() -> None:
    out = sum_by(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 2, 0, 2]), 3)
    assert out.tolist() == [4.0, 0.0, 6.0]


def test_sum_by_sums_the_last_axis() -> None:
    values = np.array([[1, 2, 3], [10, 20, 30]])
    out = sum_by(values, np.array([1, 0, 1]), 2)
    assert out.tolist() == [[2.0, 4.0], [20.0, 40.0]]


# -- as_slice and grid --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("index", "expected"),
    [
        ([3, 4, 5], slice(3, 6)),
        ([7], slice(7, 8)),
        ([0, 2, 4], None),
        ([5, 4, 3], None),
        ([1, 3, 2, 4], None),
        ([2, 2], None),
        ([], None),
    ],
)
def test_as_slice_only_for_contiguous_ascending_runs(index, expected) -> None:
    array = np.array(index, dtype=np.int64)
    out = as_slice(array)
    if expected is None:
        assert out is array
    else:
        assert out == expected


indices = st.one_of(
    # Contiguous runs (taken as slices) ...
    st.tuples(st.integers(0, 7), st.integers(1, 8)).map(
        lambda t: np.arange(t[0], min(8, t[0] + t[1]))
    ),
    # ... and any distinct indices in any order (taken as arrays).
    st.lists(st.integers(0, 7), min_size=1, max_size=8, unique=True).map(
        lambda v: np.array(v, np.int64)
    ),
)


@settings(max_examples=200, deadline=None)
@given(indices, indices)
def test_grid_indexes_like_ix(rows: np.ndarray, columns: np.ndarray) -> None:
    array = np.arange(64).reshape(8, 8)
    assert array[grid(rows, columns)].tolist() == array[np.ix_(rows, columns)].tolist()
    added = np.zeros((8, 8), np.int64)
    added[grid(rows, columns)] += np.ones((rows.size, columns.size), np.int64)
    expected = np.zeros((8, 8), np.int64)
    expected[np.ix_(rows, columns)] += 1
    assert added.tolist() == expected.tolist()


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    mean=st.floats(0.01, 5_000.0),
    ratio=st.floats(0.02, 30.0),
    level=st.sampled_from([0.6, 0.8, 0.95, 0.99, 0.999]),
)
def test_gamma_quantile_matches_scipy(mean: float, ratio: float, level: float) -> None:
    """The tabulated quantile is scipy's gamma quantile of that mean and deviation."""
    from scipy.special import ndtri
    from scipy.stats import gamma

    std = mean * ratio
    got = gamma_quantile(
        np.array([mean]), np.array([std]), gamma_quantile_factors(level), float(ndtri(level))
    )[0]
    shape = (mean / std) ** 2
    expected = gamma.ppf(level, shape, scale=std**2 / mean)
    assert got == pytest.approx(expected, rel=2e-4, abs=1e-9)


def test_gamma_quantile_edges() -> None:
    """No spread: the mean; no mean: zero; a tiny deviation: the normal quantile."""
    from scipy.special import ndtri

    z = float(ndtri(0.95))
    factors = gamma_quantile_factors(0.95)
    got = gamma_quantile(np.array([4.0, 0.0, 0.0, 1e6]), np.array([0.0, 3.0, 0.0, 1.0]), factors, z)
    assert got[0] == 4.0
    assert got[1] == 0.0 and got[2] == 0.0
    assert got[3] == pytest.approx(1e6 + z, rel=1e-12)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("numba", ["0", "1"])
def test_int32_room_is_exact_at_the_boundary(
    monkeypatch: pytest.MonkeyPatch, numba: str, dtype: type
) -> None:
    """The same answers from the NumPy path and (int32 books and additions) the fused one."""
    from crossdock import _fused
    from crossdock._kernels import INT32_MAX, int32_room

    monkeypatch.setenv(_fused.ENV_VAR, numba)
    target = np.array([[INT32_MAX - 3, 0], [5, -7]], dtype=np.int32)

    def room(added: list[list[int]]) -> bool:
        return int32_room(target, np.array(added, dtype=dtype))

    assert room([[3, 10], [0, 0]])
    assert not room([[4, 0], [0, 0]])
    # the cheap bound fails (largest + largest) but no cell passes: exact check says yes
    assert room([[0, 0], [0, INT32_MAX]])
    assert room([[0, 0], [-INT32_MAX, 0]])
    assert not room([[0, 0], [0, -INT32_MAX]])
    assert int32_room(target, np.zeros((2, 0), dtype=np.int64))
    # views with strides, as the books' rows and columns are checked
    wide = np.zeros((4, 6), dtype=np.int32)
    wide[1, 3] = INT32_MAX
    assert int32_room(wide[::2, ::3], np.ones((2, 2), dtype=np.int32))
    assert not int32_room(wide[1:3, 2:4], np.ones((2, 2), dtype=np.int32))


def test_the_fused_room_check_is_numpys_on_random_books() -> None:
    from crossdock import _fused
    from crossdock._kernels import INT32_MAX

    compiled = _fused._compiled()
    if compiled is None:
        pytest.skip("Numba not installed")
    rng = np.random.default_rng(61)
    for _ in range(200):
        target = rng.integers(-INT32_MAX, INT32_MAX, (5, 7), endpoint=True).astype(np.int32)
        added = rng.integers(-INT32_MAX, INT32_MAX, (5, 7), endpoint=True) // rng.choice(
            [1, 2**8, 2**20, 2**31]
        )
        added = added.astype(np.int32)
        total = target.astype(np.int64) + added
        exact = bool(total.max() <= INT32_MAX and total.min() >= -INT32_MAX)
        assert compiled.int32_room_cells(target, added) == exact


def test_the_fused_addition_within_int32_is_numpys_or_leaves_the_book_as_it_came() -> None:
    """``add_within_int32`` adds every cell as NumPy's int64 sum where every sum fits, and
    where one does not (in any row) leaves the book exactly as it came, wrapped rows
    included."""
    from crossdock import _fused
    from crossdock._kernels import INT32_MAX

    compiled = _fused._compiled()
    assert compiled is not None
    rng = np.random.default_rng(67)
    outcomes = set()
    for _ in range(300):
        target = rng.integers(-INT32_MAX, INT32_MAX, (6, 9), endpoint=True).astype(np.int32)
        added = rng.integers(-INT32_MAX, INT32_MAX, (6, 9), endpoint=True) // rng.choice(
            [2**4, 2**8, 2**20, 2**31]
        )
        added = added.astype(np.int32)
        total = target.astype(np.int64) + added
        fits = bool(total.max() <= INT32_MAX and total.min() >= -INT32_MAX)
        book = target.copy()
        assert compiled.add_within_int32(book, added) == fits
        np.testing.assert_array_equal(book, total.astype(np.int32) if fits else target)
        outcomes.add(fits)
    assert outcomes == {True, False}  # (both ways were compared)


def _noted_by_numpy(
    unadvised: np.ndarray, on_order: np.ndarray, rows: np.ndarray, items: np.ndarray, q: np.ndarray
) -> bool:
    """The stores' NumPy path for one despatch advice: False (nothing written) past int32."""
    from crossdock._kernels import int32_room

    cells = np.ix_(rows, items)
    early = np.minimum(unadvised[cells], q)
    if not int32_room(on_order[cells], q - early):
        return False
    unadvised[cells] -= early
    on_order[cells] += q - early
    return True


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_a_despatch_advice_goes_on_order_as_numpy_puts_it(dtype: type) -> None:
    """``note_advice`` leaves the books as the stores' NumPy path does, cell for cell: what
    came before the advice leaves ``unadvised``, the rest joins ``on_order``; nothing is
    written where a cell would pass int32 (0), nor where rows or items repeat or go down (-1,
    for NumPy's path, which writes a repeated cell once)."""
    from crossdock import _fused

    compiled = _fused._compiled()
    assert compiled is not None
    rng = np.random.default_rng(71)
    outcomes = set()
    for trial in range(300):
        shape = (int(rng.integers(1, 9)), int(rng.integers(1, 12)))
        unadvised = rng.integers(0, 6, shape).astype(np.int32) * (rng.random(shape) < 0.3)
        unadvised = unadvised.astype(np.int32)
        on_order = rng.integers(0, 1_000, shape).astype(np.int32)
        if trial % 5 == 0:  # books near int32's top: some sums pass it
            on_order = (2**31 - 1 - rng.integers(0, 60, shape)).astype(np.int32)
        rows = np.sort(rng.choice(shape[0], int(rng.integers(1, shape[0] + 1)), replace=False))
        items = np.sort(rng.choice(shape[1], int(rng.integers(1, shape[1] + 1)), replace=False))
        if trial % 3 == 0:  # a block of columns (a DC's advice: read as rows of vectors)
            items = np.arange(int(rng.integers(0, shape[1])), shape[1])
        q = rng.integers(0, 50, (rows.size, items.size)).astype(dtype)
        if trial % 7 == 0 and items.size > 1:  # a repeated or falling item
            items = items[::-1].copy() if trial % 2 else np.append(items[:-1], items[0])
        elif trial % 11 == 0:  # an item outside the books
            items = items.copy()
            items[-1] = shape[1]
        elif trial % 13 == 0:  # an advice of another shape
            q = q[:-1]
        books = (unadvised.copy(), on_order.copy())
        done = compiled.note_advice(*books, rows.astype(np.int64), items.astype(np.int64), q)
        if not (
            np.all(np.diff(items) > 0)
            and items[-1] < shape[1]
            and q.shape == (rows.size, items.size)
        ):
            assert done == -1
        else:
            expected = (unadvised.copy(), on_order.copy())
            assert done == int(_noted_by_numpy(*expected, rows, items, q))
            np.testing.assert_array_equal(books[0], expected[0])
            np.testing.assert_array_equal(books[1], expected[1])
        if done != 1:  # nothing written
            np.testing.assert_array_equal(books[0], unadvised)
            np.testing.assert_array_equal(books[1], on_order)
        outcomes.add(done)
    assert outcomes == {-1, 0, 1}  # (every way was compared)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_loads_are_added_at_their_cells_as_numpy_adds_them(dtype: type) -> None:
    """``add_cells`` adds a load at its rows × items as NumPy's ``+=`` on a grid does (cast
    to the target's type); it refuses, untouched, repeated or falling indices, indices
    outside the target, and a load not of their shape (NumPy's path then adds or raises)."""
    from crossdock import _fused

    compiled = _fused._compiled()
    assert compiled is not None
    rng = np.random.default_rng(73)
    outcomes = set()
    for trial in range(300):
        shape = (int(rng.integers(1, 9)), int(rng.integers(1, 12)))
        target = rng.integers(-1_000, 1_000, shape).astype(np.int32)
        rows = np.sort(rng.choice(shape[0], int(rng.integers(1, shape[0] + 1)), replace=False))
        items = np.sort(rng.choice(shape[1], int(rng.integers(1, shape[1] + 1)), replace=False))
        if trial % 3 == 0:  # a block of columns
            items = np.arange(int(rng.integers(0, shape[1])), shape[1])
        added = rng.integers(-50, 50, (rows.size, items.size)).astype(dtype)
        if trial % 7 == 0 and items.size > 1:  # a repeated or falling item
            items = items[::-1].copy() if trial % 2 else np.append(items[:-1], items[0])
        elif trial % 11 == 0:  # a row outside the target
            rows = rows.copy()
            rows[-1] = shape[0]
        elif trial % 13 == 0:  # a load of another shape
            added = added[:, :-1]
        book = target.copy()
        done = compiled.add_cells(book, rows.astype(np.int64), items.astype(np.int64), added)
        fits = (
            bool(np.all(np.diff(rows) > 0) and np.all(np.diff(items) > 0))
            and rows[-1] < shape[0]
            and added.shape == (rows.size, items.size)
        )
        assert done == fits
        expected = target.copy()
        if fits:
            expected[np.ix_(rows, items)] += added
        np.testing.assert_array_equal(book, expected)
        outcomes.add(done)
    assert outcomes == {True, False}


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_pallet_rounding_in_one_pass_is_numpys(dtype: type) -> None:
    """``round_to_pallets`` tops up the same lines by the same units as the planners' NumPy
    steps (:func:`crossdock.parties.planners.round_to_pallets`): ties to the first largest
    line, shares at the edges, whole packs, rows in any order."""
    from crossdock import _fused
    from crossdock.parties.planners import round_to_pallets

    compiled = _fused._compiled()
    assert compiled is not None
    rng = np.random.default_rng(79)
    changed = 0
    for trial in range(200):
        stores, skus = int(rng.integers(1, 12)), int(rng.integers(1, 30))
        order = rng.integers(0, 40, (stores, skus)).astype(dtype)
        order[rng.random((stores, skus)) < 0.3] = 0
        if trial % 4 == 0:  # ties for the largest line
            order[:] = order[0]
        per_pallet = rng.integers(1, 120, skus).astype(np.int64)
        pack = rng.choice([1, 2, 3, 6, 12], skus).astype(np.int64)
        share = float(rng.choice([0.0, 0.5, 0.8, 1.0]))
        rows = rng.permutation(stores)[: int(rng.integers(1, stores + 1))].astype(np.int64)
        expected, got = order.copy(), order.copy()
        round_to_pallets(expected, rows, per_pallet, pack, share)
        scratch = np.empty((3, skus), dtype=np.int64)
        compiled.round_to_pallets(got, rows, per_pallet, pack, share, *scratch)
        np.testing.assert_array_equal(got, expected)
        changed += int((expected != order).any())
    assert changed > 50  # (top-ups were compared, not only untouched orders)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_row_dot_is_the_whole_product_bit_for_bit(
    monkeypatch: pytest.MonkeyPatch, dtype: type
) -> None:
    """Blocks of rows give each row the sum of the whole product, and of the row alone.

    Blocks of 3 rows, row counts around them (a lone last row is a block of its own), each
    row also summed alone (as a shard of one store would), and the product near ``@``'s.
    """
    from crossdock import _kernels

    monkeypatch.setattr(_kernels, "_DOT_BLOCK_BYTES", 8 * 3 * 61)  # 3 rows of 61 columns
    rng = np.random.default_rng(20261204)
    for rows in (1, 2, 3, 4, 7, 8, 9, 10, 16, 17, 33, 64, 65, 129, 1001):
        matrix = rng.integers(0, 5_000, size=(rows, 61)).astype(dtype)
        vector = rng.random(61) * rng.choice([0.01, 1.0, 37.5], size=61)
        got = row_dot(matrix, vector)
        whole = np.einsum("ik,k->i", matrix.astype(np.float64), vector)
        assert np.array_equal(got, whole), rows
        alone = np.concatenate([row_dot(matrix[i : i + 1], vector) for i in range(rows)])
        assert np.array_equal(got, alone), rows
        np.testing.assert_allclose(got, matrix @ vector, rtol=1e-12)


def test_dot_takes_the_shapes_of_matmul() -> None:
    """``dot`` is ``@`` for 1-D and 2-D operands (to rounding), in float64."""
    from crossdock._kernels import dot

    rng = np.random.default_rng(3)
    a, b = rng.random((5, 7)), rng.random((7, 4))
    v, w = rng.random(7), rng.random(5)
    for left, right in ((a, b), (a, v), (w, a), (v, v)):
        got = dot(left, right)
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, left @ right, rtol=1e-12)
    assert dot(np.arange(7), v).shape == ()


@pytest.mark.parametrize("numba", ["0", "1"])
def test_cases_counts_whole_packs_a_few_rows_at_a_time(
    monkeypatch: pytest.MonkeyPatch, numba: str
) -> None:
    """The blocked count (NumPy) and the integer kernel's (Numba) are the whole array's
    ``ceil(quantity / pack)`` summed, for int32 and int64 books, negatives included."""
    from crossdock import _fused, _kernels

    monkeypatch.setenv(_fused.ENV_VAR, numba)
    monkeypatch.setattr(_kernels, "_DOT_BLOCK_BYTES", 8 * 3 * 40)  # 3 rows of 40 SKUs a block
    rng = np.random.default_rng(41)
    pack = rng.integers(1, 25, size=40)
    for rows in (1, 2, 3, 4, 7, 50):
        for dtype in (np.int32, np.int64):
            quantity = rng.integers(-50, 300, size=(rows, 40)).astype(dtype)
            quantity[rng.random(quantity.shape) < 0.6] = 0
            assert cases(quantity, pack) == int(np.ceil(quantity / pack).sum())
    big = np.full((2, 3), 2_000_000_000, dtype=np.int32)  # int32 books near their limit
    for packs in (np.array([1, 7, 24]), np.array([1, 7, 24], dtype=np.int32)):
        assert cases(big, packs) == 2 * (2_000_000_000 + 285_714_286 + 83_333_334)
    assert cases(np.array([7, 0, 13]), np.array([6, 4, 13])) == 2 + 0 + 1


def test_division_magic_divides_every_numerator_below_two_to_the_31() -> None:
    """Multiply-and-shift equals integer division for 0 ≤ n < 2**31: exhaustively near 0,
    near the top and around multiples of each divisor, at random between."""
    from crossdock._fused import division_magic

    rng = np.random.default_rng(43)
    divisors = np.concatenate([np.arange(1, 1025), [4095, 4096, 65_537, 2**24 + 1, 2**31 - 1]])
    magic, shift = division_magic(divisors)
    low = np.arange(0, 4096, dtype=np.int64)
    high = 2**31 - 1 - np.arange(4096, dtype=np.int64)
    for d, m, s in zip(divisors, magic, shift, strict=True):
        around = (np.arange(1, 200, dtype=np.int64) * d)[:, None] + np.array([-1, 0, 1])
        spread = rng.integers(0, 2**31, size=2000)
        n = np.concatenate([low, high, around.ravel(), spread])
        n = n[(n >= 0) & (n < 2**31)]
        np.testing.assert_array_equal((n * m) >> s, n // d, err_msg=f"divisor {d}")


def test_cases_divides_past_the_magic_range(monkeypatch: pytest.MonkeyPatch) -> None:
    """A quantity whose rounded-up numerator reaches 2**31 is divided, not multiplied."""
    from crossdock import _fused

    monkeypatch.setenv(_fused.ENV_VAR, "1")
    near_top = np.array([[2**31 - 1, 2**31 - 2, 5]], dtype=np.int32)
    pack = np.array([24, 3, 2])
    expected = int(((near_top.astype(np.int64) + pack - 1) // pack).sum())
    compiled = _fused.kernels(near_top.size)
    assert compiled is not None
    magic, shift = _fused.division_magic(pack)
    assert compiled.cases_total(near_top, pack, magic, shift) == expected
    assert cases(near_top, pack) == expected


def test_ration_without_copy_hands_back_a_book_granted_in_full() -> None:
    book = np.array([[3, 0, 2], [1, 4, 0]], dtype=np.int32)
    # enough of everything: the book itself, which its owner then replaces
    assert ration(book, np.array([4, 4, 2]), copy=False) is book
    assert ration(book, np.array([4, 4, 2])) is not book
    # a short column: a new array of grants, the book left as it was
    granted = ration(book, np.array([4, 3, 2]), copy=False)
    assert granted is not book
    assert granted.tolist() == ration(book, np.array([4, 3, 2])).tolist() == [[3, 0, 2], [1, 3, 0]]
    assert book.tolist() == [[3, 0, 2], [1, 4, 0]]


def test_ration_of_int32_requests_is_int32_and_the_same_grants() -> None:
    """int32 books are rationed in int32 (half the bytes), with the int64 result's values."""
    rng = np.random.default_rng(7)
    for _ in range(20):
        requested = rng.integers(0, 50, size=(9, 6))
        available = rng.integers(-5, 200, size=6)
        wide = ration(requested, available)
        narrow = ration(requested.astype(np.int32), available)
        assert wide.dtype == np.int64 and narrow.dtype == np.int32
        assert np.array_equal(wide, narrow)


def test_ration_a_few_short_columns_at_a_time_gives_the_same_grants(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Short columns shared in blocks of one or three columns: the grants of one block."""
    from crossdock import _kernels

    rng = np.random.default_rng(11)
    for _ in range(20):
        requested = rng.integers(0, 50, size=(9, 8)).astype(np.int32)
        available = rng.integers(-5, 200, size=8)
        whole = ration(requested, available)
        for columns in (1, 3):
            monkeypatch.setattr(_kernels, "_DOT_BLOCK_BYTES", 8 * 9 * columns)
            assert np.array_equal(ration(requested, available), whole)
        monkeypatch.undo()
        assert (whole.sum(axis=0) <= np.maximum(available, 0)).all()


def test_the_fused_ration_gives_the_numpy_paths_grants(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short columns shared by a partition (``_fused.ration_columns``) and by NumPy's sort.

    Random books with many ties (small requests) and few, with units left over below and
    above the number of rows, int32 and int64, strided views, blocks of 1, 3 or all columns,
    and the plain-Python reference where the book is small.
    """
    from crossdock import _fused, _kernels

    rng = np.random.default_rng(23)
    cases = 0
    for trial in range(300):
        rows, columns = int(rng.integers(1, 40)), int(rng.integers(1, 12))
        top = int(rng.choice([3, 50, 100_000]))
        requested = rng.integers(0, top, size=(rows, 2 * columns))[:, ::2]  # a strided view
        if trial % 2:
            requested = requested.astype(np.int32)
        requested[rng.random(requested.shape) < 0.2] = 0
        available = rng.integers(-5, max(2, int(requested.sum(axis=0).max()) + 5), size=columns)
        monkeypatch.setenv(_fused.ENV_VAR, "0")
        expected = ration(requested, available)
        monkeypatch.setenv(_fused.ENV_VAR, "1")
        for block in (1, 3, 10**9):
            monkeypatch.setattr(_kernels, "_DOT_BLOCK_BYTES", 8 * rows * block)
            got = ration(requested, available)
            assert got.dtype == expected.dtype
            np.testing.assert_array_equal(got, expected)
        if rows * columns <= 60:
            assert got.tolist() == slow_ration(requested.tolist(), available.tolist())
        cases += bool((requested.sum(axis=0) > np.maximum(available, 0)).any())
    assert cases > 200  # most books had short columns


def test_the_fused_ration_of_a_large_book(monkeypatch: pytest.MonkeyPatch) -> None:
    """5,000 rows (as a national supplier's book): the same grants from both paths."""
    from crossdock import _fused

    rng = np.random.default_rng(5)
    requested = rng.poisson(rng.uniform(0.1, 30, size=300), size=(5000, 300)).astype(np.int32)
    available = (requested.sum(axis=0) * rng.uniform(0.2, 1.2, size=300)).astype(np.int64)
    monkeypatch.setenv(_fused.ENV_VAR, "0")
    expected = ration(requested, available)
    monkeypatch.setenv(_fused.ENV_VAR, "1")
    np.testing.assert_array_equal(ration(requested, available), expected)
    assert (expected.sum(axis=0) == np.minimum(requested.sum(axis=0), available)).all()


def test_column_sums_are_numpys_sums() -> None:
    """The compiled column sums against ``sum(axis=0)``: every kind of array they take.

    int32 and int64 books, row and column views (strided), a zero broadcast, int64 sums that
    wrap as NumPy's do, and what they leave to NumPy (floats, small types, one row, few cells).
    """
    from crossdock import _fused
    from crossdock._kernels import column_sums

    assert _fused.kernels(20_000) is not None  # the compiled path is the one tested
    rng = np.random.default_rng(17)
    book = rng.integers(-(2**31), 2**31, size=(300, 700), dtype=np.int64).astype(np.int32)
    wide = rng.integers(2**61, 2**62, size=(40, 900), dtype=np.int64)  # sums wrap around
    cases = [
        book,
        book[7:250],
        book[:, 3:650],
        book[::3, ::2],
        book.astype(np.int64),
        wide,
        np.broadcast_to(np.int32(0), (500, 80)),
        np.broadcast_to(np.int32(7), (500, 80)),
        book[:1],
        book[:10, :10],
        book.astype(np.float64) / 3,
        (book % 5).astype(np.uint8),
    ]
    for case in cases:
        got = column_sums(case)
        want = case.sum(axis=0)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
