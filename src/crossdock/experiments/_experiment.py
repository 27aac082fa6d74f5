"""``crossdock.experiment(...)``: run an experiment's runs on Ray and summarise them.

Writes into the experiment folder:

- ``experiment.duckdb``: table ``runs``, one row per run (run_key, variation, overrides as
  JSON, mode, replication, seed, days, warm_up, tables, seconds, then one column per KPI);
- ``runs/<run_key>/``: each run's tables as Parquet and its ``kpis.json``;
- ``summary.parquet``: variation, mode, kpi, mean, std, n, half_width, ci_low, ci_high;
- ``differences.parquet``: paired differences (see :func:`~crossdock.experiments.differences`);
- ``frontier.parquet`` when the variations vary ``service_level``: mode, service_level,
  variation, kpi, mean, half_width, n, std, ci_low, ci_high.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from scipy import stats

from crossdock._files import write_json, written_atomically
from crossdock.errors import ParameterError
from crossdock.experiments._overrides import SERVICE_LEVEL
from crossdock.experiments._ray import RayRunner
from crossdock.experiments._spec import Experiment, ExperimentSpec, load_experiment
from crossdock.experiments._stats import CONFIDENCE, differences, summarise
from crossdock.experiments._store import RunStore, kpi_columns
from crossdock.results import _PERCENT, _PERCENT_PREFIXES, _render, format_value

__all__ = [
    "FRONTIER_KPIS",
    "HEADLINE_KPIS",
    "ExperimentResult",
    "experiment",
    "format_difference",
    "format_interval",
    "frontier_table",
]

#: KPIs printed by default (those a run has), in this order.
HEADLINE_KPIS = (
    "fill_rate",
    "cycle_service_level",
    "working_capital",
    "store_stock_value",
    "lost_sales_value",
    "transport_cost",
    "trucks_per_day",
    "co2_kg",
    "operating_profit_chain",
)
#: KPIs of the cost–service frontier (those a run has): service, money and stock.
FRONTIER_KPIS = (
    "fill_rate",
    "cycle_service_level",
    "working_capital",
    "store_stock_value",
    "lost_sales_value",
    "transport_cost",
    "operating_profit_chain",
)


def format_interval(kpi: str, mean: float, half_width: float) -> str:
    """``mean ± half-width`` as people read the KPI (points for percentages)."""
    if math.isnan(mean):
        return "—"
    text = format_value(kpi, mean)
    if math.isnan(half_width):
        return text
    if kpi in _PERCENT or kpi.startswith(_PERCENT_PREFIXES):
        return f"{text} ± {half_width * 100:.2f} pt"
    return f"{text} ± {format_value(kpi, half_width)}"


@dataclass(eq=False)
class ExperimentResult:
    """An experiment's runs and statistics, and the folder they were written to."""

    folder: Path
    experiment: Experiment
    runs: pd.DataFrame
    """One row per run: metadata columns, then one column per KPI."""
    summary: pd.DataFrame
    differences: pd.DataFrame
    frontier: pd.DataFrame | None
    replications: int
    ray_start_seconds: float | None
    """Ray's start-up in this call (None: every run was already done, Ray never started)."""
    runs_executed: int

    @property
    def kpis(self) -> list[str]:
        """Every KPI the runs report."""
        return kpi_columns(self.runs)

    def report(self, kpis: list[str] | None = None) -> str:
        """The experiment as text tables, means ± 95% half-widths.

        Per variation: each KPI per mode and each mode's paired difference to the first mode;
        then each variation's paired difference to the first variation.
        """
        shown = kpis or self.experiment.spec.kpis or [k for k in HEADLINE_KPIS if k in self.kpis]
        modes = list(dict.fromkeys(self.runs["mode"]))
        variations = list(dict.fromkeys(self.runs.variation))
        cells = self.summary.set_index(["variation", "mode", "kpi"])
        diffs = self.differences.set_index(["kind", "variation", "mode", "kpi"])
        n = self.replications
        text = ""
        for variation in variations:
            rows = []
            for kpi in shown:
                line = [kpi]
                for mode in modes:
                    c = cells.loc[(variation, mode, kpi)]
                    line.append(format_interval(kpi, c["mean"], c["half_width"]))
                for mode in modes[1:]:
                    d = diffs.loc[("mode", variation, mode, kpi)]
                    line.append(format_difference(kpi, d["mean"], d["half_width"]))
                rows.append(line)
            header = ["KPI", *modes, *(f"{m} − {modes[0]}" for m in modes[1:])]
            title = (
                f"{self.experiment.spec.name} — {variation}: {n} replication{'s' * (n != 1)}, "
                "mean ± 95% half-width (differences paired on common random numbers)"
            )
            text += _render(title, header, rows)
        if len(variations) > 1:
            rows = []
            for variation in variations[1:]:
                for kpi in shown:
                    line = [variation, kpi]
                    for mode in modes:
                        d = diffs.loc[("variation", variation, mode, kpi)]
                        line.append(format_difference(kpi, d["mean"], d["half_width"]))
                    rows.append(line)
            text += _render(
                f"Difference from {variations[0]} (paired), mean ± 95% half-width",
                ["variation", "KPI", *modes],
                rows,
            )
        return text


def format_difference(kpi: str, mean: float, half_width: float) -> str:
    """A signed difference ``± half-width`` (points for percentages)."""
    if math.isnan(mean):
        return "—"
    if kpi in _PERCENT or kpi.startswith(_PERCENT_PREFIXES):
        text = f"{mean * 100:+.2f} pt"
        return text if math.isnan(half_width) else f"{text} ± {half_width * 100:.2f} pt"
    text = ("+" if mean >= 0 else "") + format_value(kpi, mean)
    return text if math.isnan(half_width) else f"{text} ± {format_value(kpi, half_width)}"


def frontier_table(
    experiment: Experiment, summary: pd.DataFrame, kpis: tuple[str, ...] = FRONTIER_KPIS
) -> pd.DataFrame | None:
    """The cost–service frontier: per mode and ``service_level``, each KPI's mean and interval.

    None when no variation sets ``service_level``. KPIs are taken by name, those the runs have
    (``operating_profit_chain`` once the P&L reports it).
    """
    levels = {
        v.name: v.overrides[SERVICE_LEVEL]
        for v in experiment.variations
        if SERVICE_LEVEL in v.overrides
    }
    if not levels:
        return None
    present = set(summary.kpi)
    wanted = [k for k in kpis if k in present]
    table = summary[summary.variation.isin(levels) & summary.kpi.isin(wanted)]
    table = table.assign(
        service_level=table.variation.map(levels).astype(float),
        _mode=table["mode"].map(experiment.spec.modes.index),
        _kpi=table.kpi.map(wanted.index),
    )
    columns = ["mode", "service_level", "variation", "kpi", "mean", "half_width", "n", "std"]
    return table.sort_values(
        ["_mode", "service_level", "variation", "_kpi"], kind="stable"
    ).reset_index(drop=True)[[*columns, "ci_low", "ci_high"]]


def _needed(runs: pd.DataFrame, kpi: str, target: float) -> int:
    """Replications needed for every (variation, mode) ``kpi`` half-width to reach ``target``.

    Estimated from the current standard deviations; the most any cell needs.
    """
    need = 0
    for _, group in runs.groupby(["variation", "mode"], sort=False):
        values = group[kpi].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        n = len(values)
        if n < 2:
            return n + 2
        sd = float(np.std(values, ddof=1))
        t = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1))
        if t * sd / math.sqrt(n) > target:
            need = max(need, n + 1, math.ceil((t * sd / target) ** 2))
    return need


def experiment(
    source: str | Path | ExperimentSpec | Experiment,
    *,
    out: str | Path = "experiment",
    workers: int | None = None,
    address: str | None = None,
    until_halfwidth: float | None = None,
    kpi: str | None = None,
    progress: bool | None = None,
    console: Console | None = None,
) -> ExperimentResult:
    """Run an experiment (a file, an :class:`ExperimentSpec` or an :class:`Experiment`).

    Runs are Ray tasks (``workers`` at once, default every core; ``address``: an existing
    cluster), recorded in ``out/experiment.duckdb``; runs already there are not run again.
    With ``until_halfwidth`` replications are added until every variation and mode has a 95%
    half-width of ``kpi`` at most that (or ``max_replications`` is reached).
    """
    exp = (
        source
        if isinstance(source, Experiment)
        else Experiment(source)
        if isinstance(source, ExperimentSpec)
        else load_experiment(source)
    )
    if until_halfwidth is not None:
        if kpi is None:
            raise ParameterError("experiment", "kpi", "a KPI name with until_halfwidth", kpi)
        if not until_halfwidth > 0:
            raise ParameterError("experiment", "until_halfwidth", "a number > 0", until_halfwidth)
    folder = Path(out)
    store = RunStore(folder)
    try:
        with RayRunner(
            store, workers=workers, address=address, progress=progress, console=console
        ) as runner:
            replications = exp.spec.replications
            while True:
                planned = exp.runs(range(replications), folder)
                runner.run(planned, exp.spec.name)
                frame = store.frame(planned)
                if until_halfwidth is None:
                    break
                assert kpi is not None
                if kpi not in frame.columns:
                    raise ParameterError("experiment", "kpi", "a KPI the runs report", kpi)
                need = _needed(frame, kpi, until_halfwidth)
                if need <= replications or replications >= exp.spec.max_replications:
                    break
                replications = min(exp.spec.max_replications, need)
            ray_start = runner.ray_start_seconds
            executed = runner.runs_done
    finally:
        store.close()
    kpis = kpi_columns(frame)
    summary = summarise(frame, kpis)
    diffs = differences(frame, kpis)
    frontier = frontier_table(exp, summary)
    for name, table in (("summary", summary), ("differences", diffs), ("frontier", frontier)):
        if table is not None:
            with written_atomically(folder / f"{name}.parquet") as handle:
                table.to_parquet(handle, index=False)
    about = {
        "name": exp.spec.name,
        "file": exp.file,
        "replications": replications,
        "variations": {v.name: v.overrides for v in exp.variations},
        "modes": exp.spec.modes,
    }
    write_json(folder / "experiment.json", about, indent=2, default=str)
    return ExperimentResult(
        folder, exp, frame, summary, diffs, frontier, replications, ray_start, executed
    )
