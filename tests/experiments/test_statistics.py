"""Means with t-intervals and paired differences, against SciPy's own interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from crossdock.experiments import differences, interval, summarise


def test_the_interval_is_scipys_t_interval() -> None:
    values = np.array([0.91, 0.93, 0.95, 0.90, 0.96])
    got = interval(values)
    low, high = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
    assert np.isclose(got["ci_low"], low) and np.isclose(got["ci_high"], high)
    assert got["n"] == 5 and np.isclose(got["std"], values.std(ddof=1))
    one = interval(np.array([1.0]))
    assert one["n"] == 1 and np.isnan(one["half_width"])  # no interval from one run


def test_differences_are_paired_run_by_run() -> None:
    rng = np.random.default_rng(3)
    level = rng.normal(100, 20, size=6)  # what each replication's demand does to both modes
    runs = pd.DataFrame(
        {
            "variation": "base",
            "mode": ["traditional"] * 6 + ["shared"] * 6,
            "replication": list(range(6)) * 2,
            "stock": np.concatenate([level + 10, level + rng.normal(0, 1, size=6)]),
        }
    )
    diff = differences(runs, ["stock"]).iloc[0]
    paired = level + (runs.stock.to_numpy()[6:] - level) - (level + 10)
    expected = interval(paired)
    assert diff["kind"] == "mode" and diff["mode"] == "shared" and diff["versus"] == "traditional"
    assert np.isclose(diff["mean"], expected["mean"])
    assert np.isclose(diff["half_width"], expected["half_width"])
    # pairing removes the replication's common level: far narrower than the modes' own intervals
    cells = summarise(runs, ["stock"]).set_index("mode")
    assert diff["half_width"] < cells.loc["shared", "half_width"] / 5
