"""``crossdock report``: one self-contained HTML file from a results folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crossdock.cli._app import app

__all__ = ["report"]


@app.command()
def report(
    results: Annotated[
        Path,
        typer.Argument(help="The --out folder of crossdock run, compare or experiment."),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="The HTML file to write (default RESULTS/report.html)."
        ),
    ] = None,
    day: Annotated[
        int | None,
        typer.Option(
            "--day",
            min=0,
            help="The day whose routes the map shows (default: the busiest after warm-up).",
        ),
    ] = None,
) -> None:
    """Write one HTML report (verdict, charts, network map, flows) that opens offline."""
    from crossdock.report import build_report  # Plotly loads only for this command

    path = build_report(results, output, day=day)
    size = path.stat().st_size
    typer.echo(f"Report written to {path} ({size / 1e6:.1f} MB)", err=True)
    typer.echo(str(path.resolve()))
