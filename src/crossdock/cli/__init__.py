"""The ``crossdock`` command line.

Each command group lives in its own module; this one assembles them and turns every
:class:`~crossdock.errors.CrossdockError` into one located line on stderr and exit code 2.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from crossdock.cli._app import app
from crossdock.errors import CrossdockError

__all__ = ["app", "main"]


def main() -> None:
    """Run the CLI; user errors print one line (no traceback) and exit with code 2."""
    try:
        app(standalone_mode=False)
    except CrossdockError as error:
        Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {error}", markup=True)
        sys.exit(2)
    except typer.Abort:
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as error:  # click's usage errors arrive here in non-standalone mode
        import click

        if isinstance(error, click.ClickException):
            error.show()
            sys.exit(error.exit_code)
        raise
