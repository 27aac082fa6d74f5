"""Modes compared over replications: as configured, at equal service, and along a frontier.

- :func:`replicated_compare`: every mode on the scenario as it is, ``replications`` times on
  common random numbers; each difference to the first mode with its 95% interval.
- :func:`calibrate`: each mode's ``service_level`` (its store-level policy's target) found by
  bisection, on the normal-quantile scale, so that the mean of a KPI (``fill_rate``) over the
  replications is within ``tolerance`` of a target.
- :func:`equal_service`: calibrate, then compare the modes at their calibrated levels, so a
  difference in stock is not a difference in service.
- :func:`frontier`: a sweep of service levels per mode (the cost–service frontier).

All of them go through the experiment machinery: Ray tasks, ``experiment.duckdb``, runs
already done are not run again (a bisection step that revisits a level costs nothing).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from rich.console import Console
from scipy import stats

from crossdock._bounds import SERVICE_LEVEL_MAX, SERVICE_LEVEL_MIN
from crossdock._files import write_json
from crossdock.errors import ParameterError
from crossdock.experiments._experiment import (
    FRONTIER_KPIS,
    experiment,
    format_difference,
    format_interval,
)
from crossdock.experiments._overrides import SERVICE_LEVEL
from crossdock.experiments._ray import RayRunner
from crossdock.experiments._spec import Experiment, ExperimentSpec, RunSpec, VariationSpec
from crossdock.experiments._stats import differences, interval, summarise
from crossdock.experiments._store import RunStore, kpi_columns
from crossdock.results import _render, format_value
from crossdock.scenario import ScenarioSpec

__all__ = [
    "Calibration",
    "EqualService",
    "ModeComparison",
    "calibrate",
    "equal_service",
    "frontier",
    "replicated_compare",
]

ScenarioSource = str | Path | ScenarioSpec | None


@dataclass
class Calibration:
    """One mode's calibrated service level and what it achieves."""

    mode: str
    kpi: str
    target: float
    service_level: float
    mean: float
    half_width: float
    n: int
    converged: bool
    """Whether the mean came within the tolerance of the target (else: the closest level)."""
    steps: list[dict[str, float]] = field(default_factory=list)
    """Each level tried: service_level, mean, half_width."""


@dataclass(eq=False)
class ModeComparison:
    """Modes over replications: per-run KPIs, means with intervals, paired differences."""

    folder: Path
    runs: pd.DataFrame
    summary: pd.DataFrame
    differences: pd.DataFrame
    replications: int
    calibrations: dict[str, Calibration] = field(default_factory=dict)

    def report(self) -> str:
        """Calibrated levels (if any), then each KPI per mode and each difference, ± 95%."""
        text = ""
        if self.calibrations:
            rows = [
                [
                    c.mode,
                    f"{c.service_level:.4f}",
                    format_interval(c.kpi, c.mean, c.half_width),
                    "yes" if c.converged else "no (closest level)",
                    str(len(c.steps)),
                ]
                for c in self.calibrations.values()
            ]
            first = next(iter(self.calibrations.values()))
            text += _render(
                f"Calibrated service levels for {first.kpi} = {format_value(first.kpi, first.target)}",
                ["mode", "service_level", first.kpi, "reached", "steps"],
                rows,
            )
        modes = list(dict.fromkeys(self.runs["mode"]))
        base = modes[0]
        cells = self.summary.set_index(["mode", "kpi"])
        diffs = self.differences[self.differences.kind == "mode"].set_index(["mode", "kpi"])
        header = ["KPI", *modes]
        header += [f"{m} − {base}" for m in modes[1:]]
        rows = []
        for kpi in kpi_columns(self.runs):
            line = [kpi]
            for mode in modes:
                c = cells.loc[(mode, kpi)]
                line.append(format_interval(kpi, c["mean"], c["half_width"]))
            for mode in modes[1:]:
                d = diffs.loc[(mode, kpi)]
                line.append(format_difference(kpi, d["mean"], d["half_width"]))
            rows.append(line)
        n = self.replications
        title = (
            f"{n} replication{'s' * (n != 1)} on common random numbers: mean ± 95% half-width; "
            "differences paired run by run"
        )
        return text + _render(title, header, rows)

    def rows(self) -> dict[str, dict[str, dict[str, float]]]:
        """Per KPI: each mode's interval and each difference's (for JSON)."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        for row in self.summary.itertuples():
            out.setdefault(str(row.kpi), {})[str(row.mode)] = _interval_dict(row)
        base = self.runs["mode"].iloc[0]
        for row in self.differences[self.differences.kind == "mode"].itertuples():
            out[str(row.kpi)][f"{row.mode} - {base}"] = _interval_dict(row)
        return out

    def write(self) -> Path:
        """Write summary.parquet, differences.parquet and comparison_intervals.json.

        The JSON has the calibrations too, if any.
        """
        self.summary.to_parquet(self.folder / "summary.parquet", index=False)
        self.differences.to_parquet(self.folder / "differences.parquet", index=False)
        payload = {
            "replications": self.replications,
            "calibrations": {m: vars(c) for m, c in self.calibrations.items()},
            "kpis": self.rows(),
        }
        write_json(
            self.folder / "comparison_intervals.json", payload, indent=2, default=_json_default
        )
        return self.folder


EqualService = ModeComparison
"""What :func:`equal_service` returns (a :class:`ModeComparison` with its calibrations)."""


def _json_default(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)


def _interval_dict(row: object) -> dict[str, float]:
    return {
        k: (None if isinstance(v, float) and math.isnan(v) else v)  # type: ignore[misc]
        for k in ("mean", "half_width", "ci_low", "ci_high", "n")
        for v in [getattr(row, k)]
    }


def _spec(
    scenario: ScenarioSource,
    *,
    name: str,
    modes: Sequence[str],
    replications: int,
    days: int | None,
    warm_up: int | None,
    seed: int | None,
    channel: str | None,
    variations: list[VariationSpec] | None = None,
    grid: dict[str, list[object]] | None = None,
) -> ExperimentSpec:
    where: dict[str, object] = (
        {"scenario_spec": scenario}
        if isinstance(scenario, ScenarioSpec)
        else {"scenario": str(Path(scenario).resolve())}
        if scenario is not None
        else {}
    )
    return ExperimentSpec(
        name=name,
        modes=list(modes),
        replications=replications,
        days=days,
        warm_up=warm_up,
        seed=seed,
        channel=channel,
        variations=variations or [],
        grid=grid or {},
        **where,  # type: ignore[arg-type]
    )


def _default_modes(scenario: ScenarioSource, captain: bool) -> list[str]:
    """Traditional and shared, and shared_own_items when the scenario has captains."""
    from crossdock.scenario import read_spec

    spec = scenario if isinstance(scenario, ScenarioSpec) else read_spec(scenario)
    own = captain and spec.replenishment.captain_plans_category
    return ["traditional", "shared", *(["shared_own_items"] if own else [])]


def replicated_compare(
    scenario: ScenarioSource = None,
    *,
    replications: int = 5,
    modes: Sequence[str] | None = None,
    captain: bool = True,
    days: int | None = None,
    warm_up: int | None = None,
    seed: int | None = None,
    channel: str | None = None,
    out: str | Path = "out",
    workers: int | None = None,
    address: str | None = None,
    progress: bool | None = None,
    console: Console | None = None,
) -> ModeComparison:
    """Every mode on the scenario as it is, over ``replications`` common-random-number runs."""
    modes = list(modes or _default_modes(scenario, captain))
    spec = _spec(
        scenario,
        name="compare",
        modes=modes,
        replications=replications,
        days=days,
        warm_up=warm_up,
        seed=seed,
        channel=channel,
    )
    result = experiment(
        spec, out=out, workers=workers, address=address, progress=progress, console=console
    )
    comparison = ModeComparison(
        result.folder, result.runs, result.summary, result.differences, replications
    )
    comparison.write()
    return comparison


def calibrate(
    scenario: ScenarioSource = None,
    *,
    target: float,
    kpi: str = "fill_rate",
    modes: Sequence[str] = ("traditional", "shared"),
    replications: int = 5,
    tolerance: float = 0.001,
    max_steps: int = 12,
    low: float = SERVICE_LEVEL_MIN,
    high: float = 0.9995,
    days: int | None = None,
    warm_up: int | None = None,
    seed: int | None = None,
    channel: str | None = None,
    out: str | Path = "calibration",
    workers: int | None = None,
    address: str | None = None,
    progress: bool | None = None,
    console: Console | None = None,
    runner: RayRunner | None = None,
    z_tolerance: float = 0.01,
) -> dict[str, Calibration]:
    """Each mode's ``service_level`` whose mean ``kpi`` over the replications is ``target``.

    The first step tries ``high``: a mode that does not reach the target there cannot, and
    stops (``converged=False``, its closest level is ``high``). Then bisection on
    z = Φ⁻¹(service_level) between ``low`` and ``high`` (the KPI is taken to rise with the
    service level), all modes stepping together so each step is one batch of Ray tasks, for at
    most ``max_steps`` steps; a mode stops when its mean is within ``tolerance`` of the target
    (``converged=True``) or its bracket is narrower than ``z_tolerance`` in z (the closest
    level tried, ``converged=False``).
    """
    if not SERVICE_LEVEL_MIN <= low < high < SERVICE_LEVEL_MAX:
        raise ParameterError(
            "calibrate", "low/high", f"{SERVICE_LEVEL_MIN} <= low < high < 1", (low, high)
        )
    if not tolerance > 0:
        raise ParameterError("calibrate", "tolerance", "a number > 0", tolerance)
    folder = Path(out)
    store = RunStore(folder) if runner is None else runner.store
    own_runner = runner is None
    runner = runner or RayRunner(
        store, workers=workers, address=address, progress=progress, console=console
    )
    z = stats.norm.ppf
    brackets = {mode: [float(z(low)), float(z(high))] for mode in modes}
    results: dict[str, Calibration] = {
        mode: Calibration(mode, kpi, target, math.nan, math.nan, math.nan, 0, False)
        for mode in modes
    }
    done: set[str] = set()
    try:
        for step in range(max_steps + 1):
            active = [m for m in modes if m not in done]
            if not active:
                break
            # step 0 tries the highest level: a target it does not reach is out of reach
            levels = {
                mode: high
                if step == 0
                else round(float(stats.norm.cdf(sum(brackets[mode]) / 2)), 6)
                for mode in active
            }
            plans = {
                mode: _level_runs(
                    scenario, mode, level, replications, days, warm_up, seed, channel, folder
                )
                for mode, level in levels.items()
            }
            runner.run(
                [r for runs in plans.values() for r in runs],
                f"calibrating {kpi} to {target} (step {step + 1})",
            )
            for mode, runs in plans.items():
                frame = store.frame(runs)
                if kpi not in frame.columns:
                    raise ParameterError("calibrate", "kpi", "a KPI the runs report", kpi)
                got = interval(frame[kpi].to_numpy())
                calib, level = results[mode], levels[mode]
                calib.steps.append(
                    {"service_level": level, "mean": got["mean"], "half_width": got["half_width"]}
                )
                if math.isnan(calib.mean) or abs(got["mean"] - target) < abs(calib.mean - target):
                    calib.service_level, calib.mean = level, got["mean"]
                    calib.half_width, calib.n = got["half_width"], int(got["n"])
                a, b = brackets[mode]
                if abs(got["mean"] - target) <= tolerance:
                    done.add(mode)
                elif step == 0:
                    if got["mean"] < target:
                        done.add(mode)  # not reached even at the highest level
                else:
                    brackets[mode][0 if got["mean"] < target else 1] = (a + b) / 2
                    if brackets[mode][1] - brackets[mode][0] < z_tolerance:
                        done.add(mode)  # the level no longer moves: as close as it gets
        for calib in results.values():
            calib.converged = abs(calib.mean - target) <= tolerance
    finally:
        if own_runner:
            runner.close()
            store.close()
    return results


def _level_runs(
    scenario: ScenarioSource,
    mode: str,
    level: float,
    replications: int,
    days: int | None,
    warm_up: int | None,
    seed: int | None,
    channel: str | None,
    folder: Path,
) -> list[RunSpec]:
    """The runs of one mode at one service level, over the replications."""
    exp = Experiment(
        _spec(
            scenario,
            name=f"service level {mode}",
            modes=[mode],
            replications=replications,
            days=days,
            warm_up=warm_up,
            seed=seed,
            channel=channel,
            variations=[VariationSpec(name=f"service_level={level}", set={SERVICE_LEVEL: level})],
        )
    )
    return exp.runs(range(replications), folder)


def equal_service(
    scenario: ScenarioSource = None,
    *,
    target: float,
    kpi: str = "fill_rate",
    replications: int = 5,
    modes: Sequence[str] | None = None,
    captain: bool = True,
    tolerance: float = 0.001,
    max_steps: int = 12,
    days: int | None = None,
    warm_up: int | None = None,
    seed: int | None = None,
    channel: str | None = None,
    out: str | Path = "out",
    workers: int | None = None,
    address: str | None = None,
    progress: bool | None = None,
    console: Console | None = None,
) -> ModeComparison:
    """Calibrate each mode to ``kpi`` = ``target``, then compare the modes at those levels.

    The comparison's runs are the calibration's last runs at each calibrated level (the same
    seeds in every mode), so differences are paired on common random numbers.
    """
    modes = list(modes or _default_modes(scenario, captain))
    folder = Path(out)
    store = RunStore(folder)
    try:
        with RayRunner(
            store, workers=workers, address=address, progress=progress, console=console
        ) as runner:
            calibrations = calibrate(
                scenario,
                target=target,
                kpi=kpi,
                modes=modes,
                replications=replications,
                tolerance=tolerance,
                max_steps=max_steps,
                days=days,
                warm_up=warm_up,
                seed=seed,
                channel=channel,
                out=folder,
                runner=runner,
            )
            runs = [
                r
                for mode, calib in calibrations.items()
                for r in _level_runs(
                    scenario,
                    mode,
                    calib.service_level,
                    replications,
                    days,
                    warm_up,
                    seed,
                    channel,
                    folder,
                )
            ]
            runner.run(runs, "equal service")
            frame = store.frame(runs).assign(variation=f"{kpi}={target}")
    finally:
        store.close()
    kpis = kpi_columns(frame)
    comparison = ModeComparison(
        folder,
        frame,
        summarise(frame, kpis),
        differences(frame, kpis),
        replications,
        calibrations,
    )
    comparison.write()
    return comparison


def frontier(
    scenario: ScenarioSource = None,
    *,
    service_levels: Sequence[float] = (0.8, 0.9, 0.95, 0.98, 0.99, 0.995),
    modes: Sequence[str] = ("traditional", "shared"),
    replications: int = 5,
    kpis: Sequence[str] = FRONTIER_KPIS,
    days: int | None = None,
    warm_up: int | None = None,
    seed: int | None = None,
    channel: str | None = None,
    out: str | Path = "frontier",
    workers: int | None = None,
    address: str | None = None,
    progress: bool | None = None,
    console: Console | None = None,
) -> pd.DataFrame:
    """The cost–service frontier: each mode at each service level, over replications.

    Returns (and writes as ``out/frontier.parquet``) one row per mode, service level and KPI
    (those of ``kpis`` the runs report): mean, half_width, n, std, ci_low, ci_high.
    """
    from crossdock.experiments._experiment import frontier_table

    spec = _spec(
        scenario,
        name="frontier",
        modes=modes,
        replications=replications,
        days=days,
        warm_up=warm_up,
        seed=seed,
        channel=channel,
        grid={SERVICE_LEVEL: list(service_levels)},
    )
    result = experiment(
        spec, out=out, workers=workers, address=address, progress=progress, console=console
    )
    table = frontier_table(result.experiment, result.summary, tuple(kpis))
    assert table is not None
    table.to_parquet(Path(out) / "frontier.parquet", index=False)
    return table
