"""``crossdock pos``: generate scan streams, import and fit real point-of-sale data."""

from __future__ import annotations

import typer

pos_app = typer.Typer(help="Point-of-sale scans: generate, import, fit.", no_args_is_help=True)
