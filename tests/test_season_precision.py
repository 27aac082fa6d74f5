"""Half-precision weekday offsets (the default) change no result beyond the seed-to-seed noise.

Holt-Winters holds its seven weekday offsets in float16 beside its float32 state (see
:class:`crossdock.policies.HoltWinters`), which halves the largest state of a run. The
built-in scenario is run with both, on the same seeds, in both modes: each seed's difference
in a KPI must lie inside the 95% confidence interval's half-width of that KPI over the seeds
(Student's t on 5 seeds). So a precision that moved results as much as a change of seed does
fails here.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from crossdock import load_scenario, simulate
from crossdock.scenario import Scenario

SEEDS = (1, 2, 3, 4, 5)
DAYS = 150
KPIS = ("fill_rate", "cycle_service_level", "store_days_of_supply", "lost_sales_units")


def _with_offsets(scenario: Scenario, precision: str) -> Scenario:
    """The scenario with every echelon's Holt-Winters offsets held in ``precision``."""

    def echelon(spec):  # type: ignore[no-untyped-def]
        forecast = spec.forecast.model_copy(update={"season_precision": precision})
        return spec.model_copy(update={"forecast": forecast})

    replenishment = scenario.spec.replenishment
    modes = {}
    for name in ("traditional", "shared"):
        mode = getattr(replenishment, name)
        modes[name] = mode.model_copy(
            update={e: echelon(getattr(mode, e)) for e in ("store", "dc", "supplier")}
        )
    spec = scenario.spec.model_copy(
        update={"replenishment": replenishment.model_copy(update=modes)}
    )
    return scenario.replace(spec=spec)


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_half_precision_offsets_stay_within_the_seed_to_seed_noise(mode: str) -> None:
    base = load_scenario()
    runs = {
        precision: [
            simulate(_with_offsets(base, precision), mode=mode, seed=seed, days=DAYS).kpis
            for seed in SEEDS
        ]
        for precision in ("float32", "auto")
    }
    moved = 0
    for kpi in KPIS:
        wide = np.array([k[kpi] for k in runs["float32"]])
        half = np.array([k[kpi] for k in runs["auto"]])
        low, high = stats.t.interval(0.95, len(SEEDS) - 1, loc=wide.mean(), scale=stats.sem(wide))
        assert np.abs(half - wide).max() < (high - low) / 2, kpi
        moved += int((half != wide).any())
    assert moved  # the offsets really were rounded: some KPI moved
