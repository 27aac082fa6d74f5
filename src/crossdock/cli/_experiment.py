"""``crossdock experiment``, ``crossdock frontier``, and ``compare``'s replicated forms.

The experiment machinery (and Ray, and DuckDB) is imported inside the commands only, so the
rest of the CLI starts as fast as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from crossdock.cli._app import app
from crossdock.errors import CrossdockError

console = Console()
_err = Console(stderr=True)

WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        help="Runs at once (Ray tasks); default: every core, or the cluster's CPUs.",
    ),
]
AddressOpt = Annotated[
    str | None,
    typer.Option(
        "--address",
        help="An existing Ray cluster (e.g. ray://head:10001 or head:6379); default: a local "
        "Ray started for the command. Scenario files and --out must be reachable from every node.",
        metavar="ADDR",
    ),
]


def _written(folder: Path, names: list[str]) -> None:
    present = [n for n in names if (folder / n).exists()]
    console.print(f"Results written to [bold]{folder}[/] ({', '.join(present)}, runs/)")


@app.command("experiment")
def experiment_command(
    file: Annotated[Path, typer.Argument(help="Experiment YAML file (see docs/experiments.md).")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for experiment.duckdb, summary.parquet, differences.parquet, "
            "frontier.parquet and runs/ (default: experiments/<file name>).",
        ),
    ] = None,
    workers: WorkersOpt = None,
    address: AddressOpt = None,
    until_halfwidth: Annotated[
        float | None,
        typer.Option(
            "--until-halfwidth",
            help="Add replications until every variation and mode has a 95% half-width of --kpi "
            "at most this (in the KPI's units: 0.002 = 0.2 pt of fill rate), up to the file's "
            "max_replications.",
        ),
    ] = None,
    kpi: Annotated[
        str | None, typer.Option("--kpi", help="The KPI --until-halfwidth watches.")
    ] = None,
) -> None:
    """Run an experiment file's variations × modes × replications on Ray; print intervals."""
    from crossdock.experiments import experiment, load_experiment

    if until_halfwidth is not None and kpi is None:
        raise CrossdockError("--until-halfwidth needs --kpi (the KPI to watch, e.g. fill_rate)")
    exp = load_experiment(file)
    folder = out or Path("experiments") / file.stem
    result = experiment(
        exp, out=folder, workers=workers, address=address, until_halfwidth=until_halfwidth, kpi=kpi
    )
    typer.echo(result.report(), nl=False)
    skipped = len(result.runs) - result.runs_executed
    if skipped:
        _err.print(f"{skipped} of {len(result.runs)} runs were already done in {folder}: skipped.")
    _written(
        folder,
        [
            "experiment.duckdb",
            "summary.parquet",
            "differences.parquet",
            "frontier.parquet",
            "experiment.json",
        ],
    )


def _levels(text: str) -> list[float]:
    try:
        levels = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise CrossdockError(
            f"--service-levels must be numbers separated by commas, got {text!r}"
        ) from None
    if not levels or any(not 0.5 <= level < 1 for level in levels):
        raise CrossdockError(f"--service-levels must each be in [0.5, 1), got {text!r}")
    return levels


@app.command("frontier")
def frontier_command(
    scenario: Annotated[
        Path | None,
        typer.Argument(
            help="Scenario YAML file (default: the built-in scenario).", show_default=False
        ),
    ] = None,
    service_levels: Annotated[
        str,
        typer.Option("--service-levels", help="Store-level target service levels to sweep."),
    ] = "0.8,0.9,0.95,0.98,0.99,0.995",
    modes: Annotated[
        str, typer.Option("--modes", help="Modes, separated by commas.")
    ] = "traditional,shared",
    replications: Annotated[int, typer.Option("--replications", min=1)] = 5,
    days: Annotated[int | None, typer.Option("--days", min=1)] = None,
    warm_up: Annotated[int | None, typer.Option("--warm-up", min=0)] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0)] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for frontier.parquet.")] = Path(
        "frontier"
    ),
    workers: WorkersOpt = None,
    address: AddressOpt = None,
) -> None:
    """The cost–service frontier: each mode swept over service levels, with intervals."""
    from crossdock.experiments import format_interval, frontier
    from crossdock.results import _render

    table = frontier(
        scenario,
        service_levels=_levels(service_levels),
        modes=[m.strip() for m in modes.split(",") if m.strip()],
        replications=replications,
        days=days,
        warm_up=warm_up,
        seed=seed,
        out=out,
        workers=workers,
        address=address,
    )
    kpis = list(dict.fromkeys(table.kpi))
    rows = []
    for (mode, level), group in table.groupby(["mode", "service_level"], sort=False):
        by_kpi = group.set_index("kpi")
        rows.append(
            [
                str(mode),
                f"{level:g}",
                *(
                    format_interval(k, by_kpi.loc[k, "mean"], by_kpi.loc[k, "half_width"])
                    for k in kpis
                ),
            ]
        )
    typer.echo(
        _render(
            f"Cost–service frontier, {replications} replications, mean ± 95% half-width",
            ["mode", "service_level", *kpis],
            rows,
        ),
        nl=False,
    )
    _written(out, ["frontier.parquet", "summary.parquet", "experiment.duckdb"])


def replicated_compare_command(
    scenario: Path | None,
    *,
    replications: int | None,
    at_fill_rate: float | None,
    days: int | None,
    seed: int | None,
    warm_up: int | None,
    out: Path,
    channel: str | None,
    captain: bool,
    demand: str,
    edi_archive: Path | None,
    workers: int | None,
    address: str | None,
) -> None:
    """``compare --replications N`` and ``compare --at-fill-rate F``.

    Modes over replications (calibrated to equal fill rate for the latter), each difference
    with its interval.
    """
    from crossdock.experiments import equal_service, replicated_compare

    if demand != "model":
        raise CrossdockError(
            "--replications and --at-fill-rate draw demand from the scenario's model: "
            f"--demand {demand} is not supported with them"
        )
    if edi_archive is not None:
        raise CrossdockError("--edi-archive is not supported with --replications or --at-fill-rate")
    common = {
        "days": days,
        "warm_up": warm_up,
        "seed": seed,
        "channel": channel,
        "captain": captain,
        "out": out,
        "workers": workers,
        "address": address,
    }
    n = replications or 5
    if at_fill_rate is not None:
        result = equal_service(scenario, target=at_fill_rate, replications=n, **common)  # type: ignore[arg-type]
    else:
        result = replicated_compare(scenario, replications=n, **common)  # type: ignore[arg-type]
    typer.echo(result.report(), nl=False)
    _written(
        out,
        [
            "comparison_intervals.json",
            "summary.parquet",
            "differences.parquet",
            "experiment.duckdb",
        ],
    )
