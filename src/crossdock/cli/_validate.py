"""``crossdock validate-model``: the analytic validation suite, as a table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from crossdock.cli._app import app
from crossdock.cli._scenario import DemandGenerator
from crossdock.errors import ParameterError

if TYPE_CHECKING:
    from crossdock.validation import CaseResult

#: The cases' names, for the help text (the validation package imports scipy.stats, which
#: takes most of a second: it is imported when the command runs; a test keeps the two equal).
CASE_NAMES = (
    "base_stock_backorders",
    "base_stock_lost_sales",
    "moving_average_bullwhip",
    "exponential_smoothing_bullwhip",
    "multi_echelon",
    "littles_law",
    "conservation",
)

console = Console()


def _number(value: float) -> str:
    return f"{value:.4f}"


def markdown_table(rows: list[CaseResult]) -> str:
    """The results as a Markdown table (what docs/validation.md carries)."""
    lines = [
        "| case | figure | theory | measured | 95% CI | suite-wide CI | pass |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        ci, wide = row.measured, row.tolerance
        lines.append(
            f"| {row.case} | {row.figure} | {_number(row.theory)} | {_number(ci.mean)} | "
            f"[{_number(ci.low)}, {_number(ci.high)}] | "
            f"[{_number(wide.low)}, {_number(wide.high)}] | {'yes' if row.passed else 'NO'} |"
        )
    return "\n".join(lines) + "\n"


@app.command("validate-model")
def validate_model(
    seeds: Annotated[
        int, typer.Option("--seeds", min=5, help="Independent seeds per case (at least 5).")
    ] = 5,
    case: Annotated[
        list[str] | None,
        typer.Option("--case", help=f"Run only these cases (repeatable): {', '.join(CASE_NAMES)}."),
    ] = None,
    scale: Annotated[
        float,
        typer.Option("--scale", min=0.2, help="Multiply every case's simulated days (default 1)."),
    ] = 1.0,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print a Markdown table instead.")
    ] = False,
    demand_generator: Annotated[
        DemandGenerator,
        typer.Option(
            help="The cases' demand generator: pcg64 (the scenarios' default) or philox "
            "(counter-based); the closed forms hold for either."
        ),
    ] = DemandGenerator.PCG64,
) -> None:
    """Hold the simulator against closed forms and exact references; exit 1 if any fails.

    Prints, per figure: case | theory | measured mean | 95% interval over the seeds | pass.
    A figure passes when the theory lies in its interval at the suite-wide 95% level
    (Bonferroni over the figures); see docs/validation.md.
    """
    from crossdock.validation import CASES, run_validation

    for name in case or []:
        if name not in CASES:
            raise ParameterError("validate-model", "--case", f"one of {list(CASES)}", name)
    rows = run_validation(
        tuple(range(1, seeds + 1)), cases=case, scale=scale, generator=demand_generator.value
    )
    if markdown:
        typer.echo(markdown_table(rows), nl=False)
    else:
        title = f"crossdock validate-model — {seeds} seeds, {demand_generator.value} demand"
        table = Table(title=title)
        for column in ("case", "figure", "theory", "measured", "95% CI", "suite-wide", "pass"):
            table.add_column(column, justify="left" if column in ("case", "figure") else "right")
        for row in rows:
            ci = row.measured
            table.add_row(
                row.case,
                row.figure,
                _number(row.theory),
                _number(ci.mean),
                f"[{_number(ci.low)}, {_number(ci.high)}]",
                f"[{_number(row.tolerance.low)}, {_number(row.tolerance.high)}]",
                "[green]pass[/]" if row.passed else "[bold red]FAIL[/]",
            )
        console.print(table)
    failed = [row for row in rows if not row.passed]
    if failed:
        console.print(f"{len(failed)} of {len(rows)} figures outside their interval")
        raise typer.Exit(1)
    console.print(f"all {len(rows)} figures within their intervals")
