"""The root Typer application and the registration of every command group."""

from __future__ import annotations

import typer

from crossdock.cli._edi import edi_app
from crossdock.cli._pos import pos_app

app = typer.Typer(
    name="crossdock",
    help="Simulate retail replenishment from the till's scan to the factory line, "
    "shared (supplier-managed) versus traditional.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(edi_app, name="edi")
app.add_typer(pos_app, name="pos")

# Command modules register themselves on import (kept at the end to avoid import cycles).
from crossdock.cli import _report, _run, _scenario  # noqa: E402, F401
