"""``crossdock pos``: generate scan streams, import and fit real point-of-sale data."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crossdock._files import write_file, written_atomically
from crossdock.errors import PosError

pos_app = typer.Typer(help="Point-of-sale scans: generate, import, fit.", no_args_is_help=True)
console = Console()

ScenarioOpt = Annotated[
    Path | None,
    typer.Option("--scenario", help="Scenario YAML file (default: the built-in scenario)."),
]


@pos_app.command()
def generate(
    scenario: Annotated[
        Path | None,
        typer.Argument(
            help="Scenario YAML file (default: the built-in scenario).", show_default=False
        ),
    ] = None,
    days: Annotated[
        int | None, typer.Option("--days", min=1, help="Days of scans (default: the horizon).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Random seed (default: the scenario's).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Parquet file to write.")] = Path(
        "scans.parquet"
    ),
    chunk_days: Annotated[
        int, typer.Option("--chunk-days", min=1, max=366, help="Days held in memory at once.")
    ] = 7,
    shard: Annotated[
        str | None,
        typer.Option(
            "--shard",
            help="I/N: only every N-th store from the I-th (1-based), e.g. one process of N; "
            "the N files together hold exactly the scans of one run.",
        ),
    ] = None,
) -> None:
    """Write the till scans behind the scenario's demand to Parquet, chunk by chunk."""
    import numpy as np

    from crossdock.pos import write_scans
    from crossdock.scenario import load_scenario

    loaded = load_scenario(scenario)
    stores = None
    if shard is not None:
        part, _, count = shard.partition("/")
        if not (part.isdigit() and count.isdigit() and 1 <= int(part) <= int(count)):
            raise PosError(f"must be I/N with 1 <= I <= N, got {shard!r}", field="--shard")
        stores = np.arange(loaded.n_stores)[int(part) - 1 :: int(count)]
    horizon = days or loaded.horizon_days
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with Progress(
        TextColumn("[bold]scans"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("days · {task.fields[rows]:,} scans"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task("scans", total=horizon, rows=0)
        rows = write_scans(
            out,
            loaded,
            seed if seed is not None else loaded.seed,
            horizon,
            chunk_days=chunk_days,
            stores=stores,
            on_chunk=lambda done, n: progress.update(task, completed=done, rows=n),
        )
    seconds = time.perf_counter() - start
    typer.echo(
        f"{rows:,} scans over {horizon} days, "
        f"{loaded.n_stores if stores is None else len(stores)} stores, {loaded.n_skus} SKUs "
        f"-> {out} ({seconds:.1f} s)"
    )


@pos_app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="POS files (CSV or Parquet).")],
    scenario: ScenarioOpt = None,
    out: Annotated[
        Path, typer.Option("--out", help="Parquet file of daily totals per date × store × GTIN.")
    ] = Path("pos_daily.parquet"),
    rejects: Annotated[
        Path | None,
        typer.Option("--rejects", help="CSV of rejected rows (default: OUT with .rejected.csv)."),
    ] = None,
    max_reject_share: Annotated[
        float,
        typer.Option(
            "--max-reject-share",
            min=0.0,
            max=1.0,
            help="Exit with code 3 (after writing everything) when more than this share of "
            "the rows is rejected.",
        ),
    ] = 0.01,
) -> None:
    """Validate POS rows against the scenario, write daily totals and a file of rejected rows.

    Exit code 0 when at most --max-reject-share of the rows are rejected, 3 when more are
    (the counts are printed either way), 2 when a file cannot be read.
    """
    import pyarrow.parquet as pq

    from crossdock.pos import import_pos
    from crossdock.pos._import import check_reject_share
    from crossdock.scenario import load_scenario

    loaded = load_scenario(scenario)
    rejects = rejects or out.with_suffix(".rejected.csv")
    if rejects.exists():
        rejects.unlink()
    start = time.perf_counter()
    report = import_pos(files, loaded, rejects=rejects)
    seconds = time.perf_counter() - start
    assert report.daily is not None
    with written_atomically(out) as handle:
        pq.write_table(report.daily, handle)
    typer.echo(report.summary(), nl=False)
    for line in report.examples[:10]:
        typer.echo(f"rejected: {line}", err=True)
    if report.rejected_rows:
        typer.echo(f"rejected rows with their reason -> {rejects}")
    typer.echo(f"daily totals -> {out} ({report.rows / max(seconds, 1e-9):,.0f} rows/s)")
    check_reject_share(report, max_reject_share)


@pos_app.command()
def fit(
    file: Annotated[Path, typer.Argument(help="Daily totals from `pos import`, or a POS file.")],
    scenario: ScenarioOpt = None,
    out: Annotated[
        Path, typer.Option("--out", help="Scenario YAML to write (parameters beside it).")
    ] = Path("fitted.yaml"),
) -> None:
    """Fit mean, dispersion, weekday profile and trend per store × SKU; write a scenario."""
    import yaml

    from crossdock.pos import fit_demand, fitted_scenario, read_daily
    from crossdock.scenario import load_scenario

    loaded = load_scenario(scenario)
    daily = read_daily(file, loaded)
    params, centre, n_days = fit_demand(daily, loaded)
    out.parent.mkdir(parents=True, exist_ok=True)
    parameters = out.with_suffix(".demand.parquet")
    spec = fitted_scenario(loaded, params, centre, parameters)
    text = yaml.safe_dump(
        spec.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=100
    )
    header = (
        f"# Fitted by `crossdock pos fit` from {file} ({n_days} days); demand parameters per\n"
        f"# store × SKU in {parameters.name}.\n"
    )
    write_file(out, (header + text).encode("utf-8"))
    fitted = int((params.mean > 0).sum())
    typer.echo(f"fitted {fitted:,} store × SKU series over {n_days} days -> {out} (+ {parameters})")
