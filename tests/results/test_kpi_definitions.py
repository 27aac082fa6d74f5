"""KPI definitions: exact FIFO dwell (Little's law holds of the KPI), bucketed variance ratios."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock import _fused
from crossdock.kpis import fifo_lead_times, fifo_runs_numpy, order_variance_ratios


@pytest.fixture(params=["0", "1"], ids=["numpy", "kernels"])
def either_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test twice: on NumPy's path, and on the compiled kernels' (at any size)."""
    monkeypatch.setenv(_fused.ENV_VAR, request.param)
    return str(request.param)


def test_dwell_is_exact_when_few_units_wait(either_path: str) -> None:
    # 1,000 units come in on day 0; 999 leave at once and one waits 5 nights
    units_in = np.zeros((8, 1))
    units_out = np.zeros((8, 1))
    units_in[0] = 1000
    units_out[0] = 999
    units_out[5] = 1
    mean, p95 = fifo_lead_times(units_in, units_out, 0)
    overnight = np.cumsum(units_in - units_out, axis=0).sum()  # unit-nights held
    assert mean == pytest.approx(overnight / 1000) == pytest.approx(0.005)
    assert p95 == 0.0


def test_dwell_follows_first_in_first_out_across_days(either_path: str) -> None:
    # day 0: 10 in; day 1: 10 in, 5 out; day 2: 15 out. First in, first out: the first 5 of
    # day 0 leave on day 1 (1 night), the other 5 of day 0 on day 2 (2 nights), the 10 of
    # day 1 on day 2 (1 night)
    units_in = np.array([[10.0], [10.0], [0.0]])
    units_out = np.array([[0.0], [5.0], [15.0]])
    mean, p95 = fifo_lead_times(units_in, units_out, 0)
    assert mean == pytest.approx((5 * 1 + 5 * 2 + 10 * 1) / 20)
    assert p95 == 2.0
    assert mean * 20 == pytest.approx(np.cumsum(units_in - units_out, axis=0).sum())


def test_dwell_counts_units_arriving_from_the_first_measured_day(either_path: str) -> None:
    units_in = np.array([[4.0], [6.0], [0.0], [0.0]])
    units_out = np.array([[0.0], [4.0], [0.0], [6.0]])
    mean, _ = fifo_lead_times(units_in, units_out, 1)
    assert mean == pytest.approx(2.0)  # only the 6 units of day 1, which leave on day 3


def _fifo_case(rng: np.random.Generator, trial: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Units in and out of a few columns: shipped a few days after ordered, some not at all."""
    days, columns = int(rng.integers(1, 40)), int(rng.integers(1, 12))
    if trial % 3 == 0:
        units_in = rng.poisson(3.0, (days, columns)).astype(np.float64)
    elif trial % 3 == 1:  # fractional units, many days with none
        some = rng.random((days, columns)) < 0.4
        units_in = np.round(rng.random((days, columns)) * 5, 1) * some
    else:  # few units: many equal cumulative values in and out
        units_in = rng.integers(0, 3, (days, columns)).astype(np.float64)
    units_out = np.zeros_like(units_in)
    for day in range(days):
        lag = int(rng.integers(0, 4))
        if day + lag < days:
            units_out[day + lag] += units_in[day] * (rng.random(columns) < 0.8)
    return units_in, units_out, int(rng.integers(0, days))


def test_the_compiled_fifo_runs_are_numpys() -> None:
    """The merge gives np.unique's and np.searchsorted's runs, in order, bit for bit."""
    kernels = _fused._compiled()
    assert kernels is not None
    rng = np.random.default_rng(11)
    seen = {"ties": 0, "fractions": 0, "late start": 0, "several runs": 0}
    for trial in range(300):
        units_in, units_out, from_day = _fifo_case(rng, trial)
        cum_in, cum_out = np.cumsum(units_in, axis=0), np.cumsum(units_out, axis=0)
        first = cum_in[from_day - 1] if from_day > 0 else np.zeros(units_in.shape[1])
        last = np.minimum(cum_out[-1], cum_in[-1])
        columns = np.flatnonzero(last > first)
        lead, weight = fifo_runs_numpy(cum_in, cum_out, first, last, columns)
        rows_in, rows_out = np.ascontiguousarray(cum_in.T), np.ascontiguousarray(cum_out.T)
        none = np.empty(0, dtype=np.int64)
        runs = kernels.fifo_runs(rows_in, rows_out, first, last, columns, none, np.empty(0))
        got_lead, got_weight = np.empty(runs, dtype=np.int64), np.empty(runs)
        written = kernels.fifo_runs(rows_in, rows_out, first, last, columns, got_lead, got_weight)
        assert written == runs
        assert runs == lead.size
        np.testing.assert_array_equal(got_lead, lead)
        assert got_weight.tobytes() == weight.tobytes()
        seen["ties"] += int(np.isin(cum_in, cum_out).any())
        seen["fractions"] += int((units_in % 1 != 0).any())
        seen["late start"] += int(from_day > 0 and columns.size > 0)
        seen["several runs"] += int(runs > columns.size)
    assert min(seen.values()) > 20, seen


def test_fifo_lead_times_are_the_same_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(12)
    for trial in range(60):
        units_in, units_out, from_day = _fifo_case(rng, trial)
        monkeypatch.setenv(_fused.ENV_VAR, "0")
        numpy = fifo_lead_times(units_in, units_out, from_day)
        monkeypatch.setenv(_fused.ENV_VAR, "1")
        assert fifo_lead_times(units_in, units_out, from_day) == numpy


def test_negative_units_take_numpys_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cumulative series that falls is not sorted: the merge would not apply."""
    units_in = np.array([[5.0], [-2.0], [4.0], [0.0]])
    units_out = np.array([[0.0], [3.0], [0.0], [4.0]])
    monkeypatch.setenv(_fused.ENV_VAR, "0")
    numpy = fifo_lead_times(units_in, units_out, 0)
    monkeypatch.setenv(_fused.ENV_VAR, "1")
    assert fifo_lead_times(units_in, units_out, 0) == numpy


def test_weekly_plans_inflate_daily_ratios_but_not_weekly_ones() -> None:
    rng = np.random.default_rng(5)
    weeks, skus, rate = 100, 30, 10.0
    demand = rng.poisson(rate, size=(weeks * 7, skus)).astype(np.float64)
    # a supplier that plans weekly: on the last day of each week it orders that week's demand
    orders = np.zeros_like(demand)
    orders[6::7] = demand.reshape(weeks, 7, skus).sum(axis=1)
    ratios = order_variance_ratios(demand, orders)
    # daily: a lump of 7 days' demand one day in seven, var ≈ (70² + 70) / 7 − 10² = 610
    assert ratios["daily"] == pytest.approx(61.0, rel=0.1)
    assert ratios["weekly"] == pytest.approx(1.0)  # the same weekly totals
    assert ratios["median_sku"] == pytest.approx(61.0, rel=0.1)


def test_median_per_sku_is_not_dominated_by_large_skus() -> None:
    rng = np.random.default_rng(6)
    small = rng.poisson(2.0, size=(700, 9)).astype(np.float64)
    large = rng.poisson(1000.0, size=(700, 1)).astype(np.float64)
    demand = np.hstack([small, large])
    orders = demand.copy()
    orders[:, :9] *= 3  # the small SKUs' orders amplify demand 9-fold in variance
    ratios = order_variance_ratios(demand, orders)
    assert ratios["median_sku"] == pytest.approx(9.0)
    assert ratios["daily"] < 1.2  # the pooled ratio hides them behind the large SKU


def test_fifo_lead_times_take_fractional_units(either_path: str) -> None:
    # 2.5 units in on day 0, out 1.5 on day 1 and 1 on day 3
    units_in = np.array([[2.5], [0.0], [0.0], [0.0]])
    units_out = np.array([[0.0], [1.5], [0.0], [1.0]])
    mean, p95 = fifo_lead_times(units_in, units_out, 0)
    assert mean == pytest.approx((1.5 * 1 + 1.0 * 3) / 2.5)
    assert p95 == 3.0


def test_the_kpi_module_imports_first_in_a_fresh_interpreter() -> None:
    import subprocess
    import sys

    code = "from crossdock.kpis import KPI_DOCS; assert 'shelf_share_captain_items' in KPI_DOCS"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
