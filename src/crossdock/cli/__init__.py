"""The ``crossdock`` command line.

Each command group lives in its own module; this one assembles them and gives every command
the same exit codes (the README's "Exit codes" table):

- 0: success (warnings, printed as located ``warning:`` lines on stderr, do not change it);
- 2: a user input error (a :class:`~crossdock.errors.CrossdockError`, a bad option, a file
  that cannot be read or written), one located ``error:`` line per problem, no traceback;
- 3: a data-quality threshold exceeded (:class:`~crossdock.errors.DataQualityError`), with
  the counts printed;
- 1: a bug: one line asking for a report, the traceback saved to a file for it.
"""

from __future__ import annotations

import sys
import tempfile
import traceback
import warnings
from collections.abc import Sequence
from types import TracebackType

import typer
from rich.console import Console
from rich.text import Text

from crossdock.cli import _validate  # noqa: F401 (registers validate-model)
from crossdock.cli._app import app
from crossdock.errors import CrossdockError, CrossdockWarning, DataQualityError, InputError

__all__ = ["EXIT_BUG", "EXIT_DATA_QUALITY", "EXIT_OK", "EXIT_USER_ERROR", "app", "invoke", "main"]

EXIT_OK = 0
EXIT_BUG = 1
EXIT_USER_ERROR = 2
EXIT_DATA_QUALITY = 3


def _console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _print(kind: str, style: str, line: str) -> None:
    _console().print(Text.assemble((f"{kind}:", style), " ", line))


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    """Crossdock's warnings as one located line each; others as Python prints them."""
    if isinstance(message, CrossdockWarning):
        _print("warning", "bold yellow", message.located())
    else:
        _print("warning", "bold yellow", f"{category.__name__}: {message}")


def _report_bug(error: BaseException, tb: TracebackType | None) -> None:
    """One line asking for a report; the traceback goes to a file the report can attach."""
    with tempfile.NamedTemporaryFile(
        "w", prefix="crossdock-crash-", suffix=".txt", delete=False, encoding="utf-8"
    ) as handle:
        handle.write("crossdock " + " ".join(sys.argv[1:]) + "\n\n")
        handle.write("".join(traceback.format_exception(type(error), error, tb)))
    _print(
        "internal error",
        "bold red",
        f"{type(error).__name__}: {error}. This is a bug in crossdock, not in your input: "
        "please report it on crossdock's issue tracker with the command, its input files and "
        f"{handle.name} (the traceback).",
    )


def invoke(args: Sequence[str] | None = None) -> int:
    """Run the command line on ``args`` (default: ``sys.argv[1:]``) and return its exit code.

    Everything the command prints goes to stdout and stderr as usual; nothing is raised.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("always", CrossdockWarning)
        warnings.showwarning = _show_warning
        try:
            code = app(args=list(args) if args is not None else None, standalone_mode=False)
        except DataQualityError as error:
            _print("error", "bold red", str(error))
            return EXIT_DATA_QUALITY
        except CrossdockError as error:
            lines = error.problems if isinstance(error, InputError) else [str(error)]
            for line in lines:
                _print("error", "bold red", line)
            return EXIT_USER_ERROR
        except (typer.Abort, KeyboardInterrupt):
            _print("error", "bold red", "interrupted")
            return 130
        except SystemExit as done:
            return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        except typer.TyperException as error:  # usage errors arrive here in non-standalone mode
            show = getattr(error, "show", None)
            if callable(show):
                show()
            else:
                _print("error", "bold red", error.format_message())
            return EXIT_USER_ERROR
        except OSError as error:  # a file the user named cannot be read or written
            where = f"{error.filename}: " if error.filename else ""
            _print("error", "bold red", f"{where}{error.strerror or error}")
            return EXIT_USER_ERROR
        except Exception as error:
            _report_bug(error, error.__traceback__)
            return EXIT_BUG
    return code if isinstance(code, int) else EXIT_OK


def main() -> None:
    """Run the CLI and exit with its code (see the module docstring)."""
    sys.exit(invoke())
