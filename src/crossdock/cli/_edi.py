"""``crossdock edi``: validate, show and convert EANCOM interchanges."""

from __future__ import annotations

import typer

edi_app = typer.Typer(help="Validate, show and convert EANCOM interchanges.", no_args_is_help=True)
