"""``crossdock edi``: validate, show and convert EANCOM interchanges.

``validate`` reads every file leniently and prints each error on one line,
``FILE:segment 14 (QTY) element 1.2: '12a' is not a number``, and each warning (a default
taken for what the simulation needs and EANCOM leaves optional) as ``FILE:...: warning: ...``,
exiting with 2 when any file has errors and 0 when all are valid. ``show`` prints a table per message; ``to-json`` and
``from-json`` convert between EANCOM and the JSON form of :func:`crossdock.edi.to_json`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crossdock._files import write_file
from crossdock.errors import EdiError

if TYPE_CHECKING:  # the codec loads when a command runs, not for --help
    from rich.table import Table

    from crossdock.edi import EdiDecodeError, Interchange, Message

edi_app = typer.Typer(help="Validate, show and convert EANCOM interchanges.", no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(help="An EANCOM interchange file.")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write here instead of standard output.")
]


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise EdiError("no such file", file=str(path))
    return path


def _line(path: Path, error: EdiDecodeError, context: bool, kind: str = "") -> str:
    """One error as ``FILE:segment 14 (QTY) element 1.2: message``."""
    head = str(path)
    if error.where:
        head += f":{error.where}"
    if error.field:
        head += f" {error.field}"
    line = f"{head}: {kind}{error.message}"
    if context and error.context():
        line += f" [{error.context()}]"
    return line


@edi_app.command("validate")
def validate_command(
    files: Annotated[list[Path], typer.Argument(help="EANCOM interchange files.")],
    context: Annotated[
        bool, typer.Option("--context", help="Add the interchange and message of each error.")
    ] = False,
    lenient: Annotated[
        bool,
        typer.Option(
            "--lenient",
            help="Report counts that disagree (UNT, UNE, UNZ) and characters outside the "
            "declared character set as warnings, not errors.",
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Do not print warnings (defaults taken).")
    ] = False,
) -> None:
    """Check interchanges; print each error and warning on one line; exit 2 on any error."""
    from crossdock.edi import EdiDecodeError, EdiReader

    failed = False
    for path in files:
        _existing(path)
    for path in files:
        reader = EdiReader(path, lenient=True, relaxed=lenient)
        messages = 0
        try:
            for _ in reader:
                messages += 1
        except EdiDecodeError as error:  # an error that stops reading (encoding, start)
            reader.errors.append(error)
        for problem in reader.errors:
            typer.echo(_line(path, problem, context))
        if not quiet:
            for warning in reader.warnings:
                typer.echo(_line(path, warning, context, "warning: "))
        if reader.errors:
            failed = True
        else:
            count = len(reader.interchanges)
            typer.echo(
                f"{path}: ok, {messages} message{'s' if messages != 1 else ''}"
                + (f" in {count} interchanges" if count > 1 else "")
                + (f", {len(reader.warnings)} warnings" if reader.warnings else ""),
                err=True,
            )
    raise typer.Exit(2 if failed else 0)


def _table(message: Message) -> Table:
    """A rich table of one message's lines."""
    from rich.table import Table

    from crossdock.edi import (
        ContrlReport,
        DespatchAdvice,
        InventoryReport,
        Order,
        OrderResponse,
        PriceCatalogue,
        ReceivingAdvice,
        SalesReport,
    )

    kind = type(message).MESSAGE_TYPE  # type: ignore[union-attr]
    table = Table(title=f"{kind} message {message.message_ref}", title_justify="left")
    if isinstance(message, SalesReport):
        table.caption = (
            f"report {message.number}, {message.period_start} to {message.period_end}; "
            f"seller {message.seller}, supplier {message.supplier}"
        )
        for name in ("store GLN", "GTIN", "sold", "price"):
            table.add_column(name, justify="right" if name in ("sold", "price") else "left")
        for location in message.locations:
            for line in location.lines:
                price = "" if line.price is None else str(line.price)
                table.add_row(location.gln, line.gtin, str(line.quantity), price)
    elif isinstance(message, InventoryReport):
        table.caption = (
            f"report {message.number}, stock on {message.stock_date}; "
            f"buyer {message.buyer}, supplier {message.supplier}"
        )
        for name in ("location GLN", "GTIN", "on hand"):
            table.add_column(name, justify="right" if name == "on hand" else "left")
        for stock in message.locations:
            for item in stock.lines:
                table.add_row(stock.gln, item.gtin, str(item.quantity))
    elif isinstance(message, Order):
        table.caption = (
            f"order {message.number} of {message.issued}, deliver {message.delivery_date}"
            f"{' to ' + message.delivery_party if message.delivery_party else ''}; "
            f"buyer {message.buyer}, supplier {message.supplier}"
        )
        for name in ("GTIN", "quantity", "price", "store splits"):
            table.add_column(name, justify="right" if name in ("quantity", "price") else "left")
        for order_line in message.lines:
            splits = ", ".join(f"{s.store}: {s.quantity}" for s in order_line.splits)
            price = "" if order_line.price is None else str(order_line.price)
            table.add_row(order_line.gtin, str(order_line.quantity), price, splits)
    elif isinstance(message, OrderResponse):
        table.caption = (
            f"response {message.number} to order {message.order_number}: "
            f"{message.response.name.lower()}; buyer {message.buyer}, supplier {message.supplier}"
        )
        for name in ("GTIN", "status", "quantity"):
            table.add_column(name, justify="right" if name == "quantity" else "left")
        for response_line in message.lines:
            table.add_row(
                response_line.gtin,
                response_line.status.name.lower(),
                "" if response_line.quantity is None else str(response_line.quantity),
            )
    elif isinstance(message, DespatchAdvice | ReceivingAdvice):
        if isinstance(message, DespatchAdvice):
            table.caption = (
                f"despatch advice {message.number}, shipped {message.despatch_date} "
                f"by {message.supplier} to {message.delivery_party}"
            )
        else:
            table.caption = (
                f"receiving advice {message.number} for {message.despatch_number}, "
                f"received {message.received} at {message.delivery_party}"
            )
        for name in ("SSCC", "GTIN", "quantity"):
            table.add_column(name, justify="right" if name == "quantity" else "left")
        for pallet in message.pallets:
            for item_line in pallet.lines:
                table.add_row(pallet.sscc, item_line.gtin, str(item_line.quantity))
    elif isinstance(message, PriceCatalogue):
        lead = "" if message.lead_time_days is None else f", lead time {message.lead_time_days} d"
        table.caption = (
            f"catalogue {message.number} of {message.issued} from "
            f"{message.supplier or 'the sender'}{lead}"
        )
        for name in ("GTIN", "action", "pack", "per pallet", "net price", "retail price"):
            table.add_column(name, justify="left" if name in ("GTIN", "action") else "right")
        for entry in message.lines:
            table.add_row(
                entry.gtin,
                entry.action,
                *("" if v is None else str(v) for v in (entry.pack_size, entry.units_per_pallet)),
                *("" if v is None else str(v) for v in (entry.net_price, entry.retail_price)),
            )
    elif isinstance(message, ContrlReport):
        table.caption = (
            f"interchange {message.interchange_ref} from {message.sender}: "
            f"{message.action.name.lower()}"
            + (f" (error {message.error})" if message.error else "")
        )
        for name in ("message", "type", "action", "error"):
            table.add_column(name)
        for ack in message.messages:
            table.add_row(
                ack.message_ref, ack.message_type, ack.action.name.lower(), ack.error or ""
            )
    return table


@edi_app.command("show")
def show_command(file: FileArg) -> None:
    """Print a table per message: parties by GLN, lines by GTIN and quantity, SSCCs."""
    from rich.console import Console

    from crossdock.edi import EdiReader

    reader = EdiReader(_existing(file))
    console = Console()
    for index, message in enumerate(reader):
        if index == 0 and reader.header is not None:
            header = reader.header
            edition = reader.edition.name if reader.edition else ""
            console.print(
                f"[bold]{file}[/]: interchange {header.control_ref} from {header.sender} "
                f"to {header.recipient}, prepared {header.prepared:%Y-%m-%d %H:%M}, "
                f"{header.charset}, {edition}" + (", test" if header.test else ""),
                highlight=False,
            )
        console.print(_table(message))


def _emit(text: str, output: Path | None, encoding: str) -> None:
    """Write to ``output`` or standard output, as bytes in ``encoding`` either way."""
    data = text.encode(encoding)
    if output is not None:
        write_file(output, data)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@edi_app.command("to-json")
def to_json_command(file: FileArg, output: OutputOpt = None) -> None:
    """Convert an interchange to JSON."""
    from crossdock.edi import read, to_json

    interchange = read(_existing(file))
    _emit(json.dumps(to_json(interchange), indent=2, ensure_ascii=False) + "\n", output, "utf-8")


@edi_app.command("from-json")
def from_json_command(
    file: Annotated[Path, typer.Argument(help="A JSON file written by to-json.")],
    output: OutputOpt = None,
    newlines: Annotated[
        bool, typer.Option("--newlines", help="Put each segment on its own line.")
    ] = False,
) -> None:
    """Convert JSON (as written by to-json) to an EANCOM interchange."""
    from crossdock.edi import encode, from_json

    try:
        data = json.loads(_existing(file).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise EdiError(
            f"not JSON: {error.msg}", file=str(file), where=f"line {error.lineno}"
        ) from None
    interchange: Interchange = from_json(data)
    encoding = "iso8859-2" if interchange.charset == "UNOD" else "latin-1"
    _emit(encode(interchange, newlines=newlines), output, encoding)
