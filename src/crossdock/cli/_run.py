"""``crossdock run`` and ``crossdock compare``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crossdock.cli._app import app
from crossdock.scenario import load_scenario
from crossdock.simulate import compare as compare_modes
from crossdock.simulate import simulate

console = Console()


class Mode(StrEnum):
    """Which chain to simulate."""

    traditional = "traditional"
    shared = "shared"


ScenarioArg = Annotated[
    Path | None,
    typer.Argument(help="Scenario YAML file (default: the built-in scenario).", show_default=False),
]
DaysOpt = Annotated[
    int | None,
    typer.Option("--days", min=1, help="Days to simulate (default: the scenario's horizon)."),
]
SeedOpt = Annotated[
    int | None, typer.Option("--seed", min=0, help="Random seed (default: the scenario's).")
]


@contextmanager
def _progress(label: str, total: int) -> Iterator[object]:
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("days"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda day: progress.update(task, completed=day)


@app.command()
def run(
    scenario: ScenarioArg = None,
    mode: Annotated[
        Mode,
        typer.Option("--mode", help="Traditional (store-ordered) or shared (supplier-managed)."),
    ] = Mode.shared,
    days: DaysOpt = None,
    seed: SeedOpt = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for kpis.json and the Parquet tables.")
    ] = Path("out"),
) -> None:
    """Run one simulation, print its KPIs and write kpis.json and daily tables to --out."""
    loaded = load_scenario(scenario)
    horizon = days or loaded.horizon_days
    with _progress(f"{mode.value}", horizon) as tick:
        result = simulate(loaded, mode=mode.value, seed=seed, days=days, on_day=tick)  # type: ignore[arg-type]
    typer.echo(result.summary(), nl=False)
    folder = result.write(out)
    console.print(
        f"Results written to [bold]{folder}[/] (kpis.json, "
        + ", ".join(f"{n}.parquet" for n in result.tables)
        + ")"
    )


@app.command()
def compare(
    scenario: ScenarioArg = None,
    days: DaysOpt = None,
    seed: SeedOpt = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for comparison.json and each mode's results.")
    ] = Path("out"),
) -> None:
    """Run traditional and shared on the same demand; print and write each KPI and the difference."""
    loaded = load_scenario(scenario)
    horizon = days or loaded.horizon_days
    with _progress("traditional, then shared", 2 * horizon) as tick:
        offset = {"value": 0}

        def on_day(day: int) -> None:
            if day == horizon:
                offset["value"] += horizon
            tick(min(offset["value"] + day, 2 * horizon))  # type: ignore[operator]

        result = compare_modes(loaded, seed=seed, days=days, on_day=on_day)
    typer.echo(result.summary(), nl=False)
    folder = result.write(out)
    console.print(f"Results written to [bold]{folder}[/] (comparison.json, traditional/, shared/)")
