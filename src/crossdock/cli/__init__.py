"""The ``crossdock`` command line.

Each command group lives in its own module; this one assembles them and turns every
:class:`~crossdock.errors.CrossdockError` into one located line on stderr and exit code 2.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.text import Text

from crossdock.cli import _validate  # noqa: F401 (registers validate-model)
from crossdock.cli._app import app
from crossdock.errors import CrossdockError, InputError

__all__ = ["app", "main"]


def main() -> None:
    """Run the CLI; user errors print one line (no traceback) and exit with code 2."""
    try:
        code = app(standalone_mode=False)
    except CrossdockError as error:
        console = Console(stderr=True, highlight=False, soft_wrap=True)
        lines = error.problems if isinstance(error, InputError) else [str(error)]
        for line in lines:
            console.print(Text.assemble(("error:", "bold red"), " ", line))
        sys.exit(2)
    except typer.Abort:
        sys.exit(130)
    except SystemExit:
        raise
    except typer.TyperException as error:  # usage errors arrive here in non-standalone mode
        show = getattr(error, "show", None)
        if callable(show):
            show()
        sys.exit(getattr(error, "exit_code", 2))
    sys.exit(code if isinstance(code, int) else 0)
