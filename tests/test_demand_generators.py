"""Both demand generators give the same results, up to the seed-to-seed noise.

``pcg64`` (the default) and ``philox`` (counter-based) draw the same distribution with other
random numbers, so no seed's result is the same, but no KPI's mean over seeds may tell them
apart: the built-in scenario is run with each on eight seeds, in both modes, and for every KPI,
and for the modes' difference in it (the comparison's verdict, common random numbers within a
generator), the 99.9% confidence interval of the difference between the generators' means
(Welch's t) must hold zero.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from tests.demand.conftest import with_generator

from crossdock import load_scenario, simulate

SEEDS = range(1, 9)
DAYS = 150
KPIS = ("fill_rate", "cycle_service_level", "store_days_of_supply", "lost_sales_units")


@pytest.fixture(scope="module")
def kpis() -> dict[tuple[str, str], dict[str, np.ndarray]]:
    base = load_scenario()
    out = {}
    for generator in ("pcg64", "philox"):
        scenario = with_generator(base, generator)
        for mode in ("traditional", "shared"):
            runs = [simulate(scenario, mode=mode, seed=s, days=DAYS).kpis for s in SEEDS]
            out[generator, mode] = {k: np.array([run[k] for run in runs]) for k in KPIS}
    return out


def _holds_zero(a: np.ndarray, b: np.ndarray) -> bool:
    interval = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.999)
    return bool(interval.low <= 0.0 <= interval.high)


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_each_kpi_is_the_same_under_both_generators(kpis, mode: str) -> None:
    for kpi in KPIS:
        pcg64, philox = kpis["pcg64", mode][kpi], kpis["philox", mode][kpi]
        assert not np.array_equal(pcg64, philox), kpi  # other numbers were drawn
        assert _holds_zero(philox, pcg64), kpi


def test_the_verdict_is_the_same_under_both_generators(kpis) -> None:
    for kpi in KPIS:
        verdicts = [
            kpis[generator, "shared"][kpi] - kpis[generator, "traditional"][kpi]
            for generator in ("pcg64", "philox")
        ]
        assert _holds_zero(verdicts[1], verdicts[0]), kpi
