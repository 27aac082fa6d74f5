"""``crossdock plan``: the digital twin, the simulation's planners run on a retailer's files."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from crossdock.cli._app import app
from crossdock.errors import ScenarioError

console = Console()

#: Findings printed one by one; the rest are counted.
SHOWN_FINDINGS = 20


class ReceiptsKind(StrEnum):
    """Where the stores' receipts come from."""

    reported = "reported"
    balance = "balance"


@app.command(
    "plan",
    help="Plan the day's orders from a retailer's EANCOM files, with the simulation's "
    "planners.\n\n"
    "Reads every file under INBOX, plans each day after the last one planned (the state "
    "folder remembers it) and writes OUT/<date>/ORDERS-*.edi, OUT/proposals.csv and "
    "OUT/proposals.parquet. Unknown GLNs and GTINs are reported with their file and segment "
    "and left out, as is a file the codec rejects. Exit 0; 2 on a bad scenario, CSV or state. "
    "See docs/plan.md.",
)
def plan_command(
    inbox: Annotated[
        Path,
        typer.Argument(
            help="Folder (or file) of the retailer's EANCOM files: SLSRPT, INVRPT, ORDRSP.",
            show_default=False,
        ),
    ],
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help="Scenario YAML: policies and network (default: the built-in scenario).",
            show_default=False,
        ),
    ] = None,
    products: Annotated[
        Path | None,
        typer.Option(
            "--products", help="CSV of products (GTIN, supplier, packs...).", show_default=False
        ),
    ] = None,
    locations: Annotated[
        Path | None,
        typer.Option(
            "--locations",
            help="CSV of locations by GLN (stores; suppliers' lead times; platforms').",
            show_default=False,
        ),
    ] = None,
    pricat: Annotated[
        list[Path] | None,
        typer.Option(
            "--pricat",
            help="PRICAT file or folder (repeatable): suppliers' catalogues (packs, pallets, "
            "prices, lead times) over the products; applied after the CSV files.",
            show_default=False,
        ),
    ] = None,
    state: Annotated[
        Path,
        typer.Option("--state", help="Folder keeping the planners' state between runs."),
    ] = Path("out/plan-state"),
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the ORDERS files and proposals tables.")
    ] = Path("out/plan"),
    own_items: Annotated[
        bool,
        typer.Option(
            "--own-items",
            help="Each supplier plans its own items (default: the scenario's "
            "captain_plans_category).",
        ),
    ] = False,
    receipts: Annotated[
        ReceiptsKind,
        typer.Option(
            "--receipts",
            help="Stores' receipts: reported (INVRPT -RECEIVED parts) or balance (stock "
            "today - stock yesterday + sales, when not reported).",
        ),
    ] = ReceiptsKind.reported,
    through: Annotated[
        dt.datetime | None,
        typer.Option(
            "--through",
            formats=["%Y-%m-%d"],
            help="Plan up to this date (default: the last date of the files).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The digital twin's command (help above: one paragraph per line for the terminal)."""
    from crossdock.scenario import compile_scenario, read_spec
    from crossdock.twin import apply_master_data, apply_pricat, plan

    if not inbox.exists():
        raise ScenarioError("no such file or folder", file=inbox)
    for path in pricat or []:
        if not path.exists():
            raise ScenarioError("no such file or folder", file=path, field="--pricat")
    spec = apply_master_data(read_spec(scenario), products=products, locations=locations)
    spec, findings = apply_pricat(spec, pricat or [])
    _master_findings(findings)
    base = scenario.resolve().parent if scenario is not None else None
    sc = compile_scenario(spec, base_dir=base)
    last = None
    if through is not None:
        last = (through.date() - sc.spec.start_date).days
        if last < 0:
            raise ScenarioError(
                f"{through.date()} is before the scenario's start {sc.spec.start_date}",
                field="--through",
            )
    report = plan(
        sc,
        inbox,
        state=state,
        out=out,
        captain=False if own_items else None,
        receipts=receipts.value,
        through=last,
    )
    _summary(report, out, state)


def _master_findings(findings: list) -> None:
    """The PRICAT findings, as warnings (what was left out of the master data)."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for finding in findings[:SHOWN_FINDINGS]:
        err.print(f"warning: master data: {finding.located()}", markup=False)
    if len(findings) > SHOWN_FINDINGS:
        err.print(
            f"warning: master data: {len(findings) - SHOWN_FINDINGS} more finding(s) not shown",
            markup=False,
        )


def _summary(report: object, out: Path, state: Path) -> None:
    from crossdock.twin import PlanReport

    assert isinstance(report, PlanReport)
    reader, result, twin = report.inbox, report.result, report.twin
    md = twin.bridge.master
    read = ", ".join(f"{n} {kind}" for kind, n in sorted(reader.messages.items()))
    console.print(
        f"read {reader.files} file(s) ({reader.rejected} left out): {read or 'no messages'}",
        markup=False,
    )
    if not result.days:
        console.print("nothing new to plan", markup=False)
    else:
        first, last = md.date(result.days[0]), md.date(result.days[-1])
        span = f"{first}" if first == last else f"{first} .. {last}"
        table = Table(title=f"planned {span}", title_justify="left")
        for name in ("planner", "to", "kind", "orders", "lines", "units", "pallets"):
            table.add_column(name, justify="left" if name in ("planner", "to", "kind") else "right")
        grouped = report.table.group_by(["planner_gln", "receiver_gln", "kind"]).aggregate(
            [
                ("order_number", "count_distinct"),
                ("quantity", "count"),
                ("quantity", "sum"),
                ("pallets", "sum"),
            ]
        )
        for row in sorted(grouped.to_pylist(), key=lambda r: (r["planner_gln"], r["receiver_gln"])):
            table.add_row(
                row["planner_gln"],
                row["receiver_gln"],
                row["kind"],
                f"{row['order_number_count_distinct']:,}",
                f"{row['quantity_count']:,}",
                f"{row['quantity_sum']:,}",
                f"{row['pallets_sum']:,.1f}",
            )
        console.print(table)
        if result.delistings:
            console.print(
                f"{len(result.delistings)} delisting notice(s) for the retailer", markup=False
            )
    console.print(
        f"wrote {len(report.files)} ORDERS file(s) and proposals.csv/.parquet "
        f"({report.table.num_rows:,} rows) to {out}; state in {state}",
        markup=False,
    )
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for finding in result.findings[:SHOWN_FINDINGS]:
        err.print(f"warning: {finding.located()}", markup=False)
    if len(result.findings) > SHOWN_FINDINGS:
        err.print(
            f"warning: {len(result.findings) - SHOWN_FINDINGS} more finding(s) not shown",
            markup=False,
        )
