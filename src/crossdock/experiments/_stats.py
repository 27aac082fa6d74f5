"""Statistics over replications: means with t-intervals, and paired differences.

Replication ``r`` of every variation and mode runs on the same seed (common random numbers:
the same demand draws), so a difference between two modes or two variations is measured run
by run, and its interval is that of the paired differences, much narrower than the two
intervals side by side.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["CONFIDENCE", "differences", "half_width", "interval", "summarise"]

CONFIDENCE = 0.95


def half_width(values: np.ndarray, confidence: float = CONFIDENCE) -> float:
    """Half-width of the two-sided t-interval of the mean (NaN with fewer than 2 values)."""
    values = values[np.isfinite(values)]
    n = len(values)
    if n < 2:
        return math.nan
    sd = float(np.std(values, ddof=1))
    return float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)


def interval(values: np.ndarray, confidence: float = CONFIDENCE) -> dict[str, float]:
    """Mean, standard deviation, n, half-width and the interval's bounds of ``values``."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    n = len(values)
    mean = float(values.mean()) if n else math.nan
    sd = float(np.std(values, ddof=1)) if n > 1 else math.nan
    hw = half_width(values, confidence)
    return {
        "mean": mean,
        "std": sd,
        "n": n,
        "half_width": hw,
        "ci_low": mean - hw,
        "ci_high": mean + hw,
    }


def summarise(runs: pd.DataFrame, kpis: list[str]) -> pd.DataFrame:
    """Per variation, mode and KPI: mean, std, n, half_width, ci_low, ci_high (95% t)."""
    rows = []
    for (variation, mode), group in runs.groupby(["variation", "mode"], sort=False):
        for kpi in kpis:
            rows.append(
                {
                    "variation": variation,
                    "mode": mode,
                    "kpi": kpi,
                    **interval(group[kpi].to_numpy()),
                }
            )
    return pd.DataFrame(
        rows,
        columns=["variation", "mode", "kpi", "mean", "std", "n", "half_width", "ci_low", "ci_high"],
    )


def _paired(a: pd.DataFrame, b: pd.DataFrame, kpi: str) -> dict[str, float]:
    """``b − a`` run by run, matched on replication."""
    left = a.set_index("replication")[kpi].rename("a")
    right = b.set_index("replication")[kpi].rename("b")
    both = pd.concat([left, right], axis=1, join="inner")
    return interval((both["b"] - both["a"]).to_numpy())


def differences(runs: pd.DataFrame, kpis: list[str]) -> pd.DataFrame:
    """Paired differences on common random numbers, with 95% t-intervals.

    ``kind="mode"``: in each variation, each mode minus the first mode; ``kind="variation"``:
    for each mode, each variation minus the first variation. Columns: kind, variation, mode,
    versus (what is subtracted), kpi, mean, std, n, half_width, ci_low, ci_high.
    """
    modes = list(dict.fromkeys(runs["mode"]))
    variations = list(dict.fromkeys(runs["variation"]))
    cells = {key: group for key, group in runs.groupby(["variation", "mode"], sort=False)}
    rows = []
    for variation in variations:
        for mode in modes[1:]:
            a, b = cells.get((variation, modes[0])), cells.get((variation, mode))
            if a is None or b is None:
                continue
            for kpi in kpis:
                rows.append(
                    {
                        "kind": "mode",
                        "variation": variation,
                        "mode": mode,
                        "versus": modes[0],
                        "kpi": kpi,
                        **_paired(a, b, kpi),
                    }
                )
    for mode in modes:
        for variation in variations[1:]:
            a, b = cells.get((variations[0], mode)), cells.get((variation, mode))
            if a is None or b is None:
                continue
            for kpi in kpis:
                rows.append(
                    {
                        "kind": "variation",
                        "variation": variation,
                        "mode": mode,
                        "versus": variations[0],
                        "kpi": kpi,
                        **_paired(a, b, kpi),
                    }
                )
    return pd.DataFrame(
        rows,
        columns=[
            "kind",
            "variation",
            "mode",
            "versus",
            "kpi",
            "mean",
            "std",
            "n",
            "half_width",
            "ci_low",
            "ci_high",
        ],
    )
