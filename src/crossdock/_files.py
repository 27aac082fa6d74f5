"""Files written whole or not at all: a checkpoint, its parts, a run's result files.

A file is written to ``<name>.tmp`` beside it and renamed over ``<name>`` once complete, so a
run killed, or a disk that fills up, while it is written leaves the old file (or none), never
half of one. A write that fails raises the caller's own error, which names the file and says
what is kept, instead of the system's bare message (pyarrow's does not name the file).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = [
    "named",
    "reason",
    "replaced_whole",
    "sync_folder",
    "write_file",
    "write_json",
    "written_atomically",
]


def reason(error: OSError) -> str:
    """What went wrong, as the system says it: ``No space left on device``.

    pyarrow's errors carry the system's number with a longer text of their own ("Error writing
    bytes to file. Detail: [errno 28] No space left on device"); the number's own text is
    what a user needs beside the file's name.
    """
    if error.errno:
        return os.strerror(error.errno)
    return error.strerror or str(error)


def named(error: OSError, target: str | Path) -> OSError:
    """``error`` told in the system's words, with ``target`` as its file name.

    The command line prints the name first: ``error: out/report.html: No space left on device``.
    """
    return OSError(error.errno, reason(error), str(target))


@contextmanager
def replaced_whole(
    target: str | Path,
    failed: Callable[[OSError], Exception] | None = None,
    *,
    durable: bool = False,
) -> Iterator[Path]:
    """A temporary path to write ``target`` at, renamed over it when the block ends.

    It is ``<target>.tmp``, renamed over ``target`` when the block ends and removed, leaving
    ``target`` as it was, if the block raises. An :class:`OSError` on the way (a full disk, a
    folder without write permission) raises ``failed(error)`` instead (by default the same
    error with ``target`` as its file name, which the command line prints: ``error:
    out/report.html: No space left on device``, exit code 2). ``durable`` also flushes the
    rename to disk. For writers that open the file themselves (pyarrow's Parquet writer, given
    a path, writes with its own buffered file, without taking Python's lock for each write).
    """
    target = Path(target)
    temp = target.with_name(target.name + ".tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        yield temp
        os.replace(temp, target)
    except OSError as error:
        raise (failed(error) if failed else named(error, target)) from error
    finally:
        temp.unlink(missing_ok=True)
    if durable:
        sync_folder(target.parent)


@contextmanager
def written_atomically(
    target: str | Path,
    failed: Callable[[OSError], Exception] | None = None,
    *,
    durable: bool = False,
) -> Iterator[IO[bytes]]:
    """A binary file to write ``target`` through, replaced whole or not at all.

    See :func:`replaced_whole`; ``durable`` also flushes the file to disk before the rename,
    so that it survives the machine stopping.
    """
    with replaced_whole(target, failed, durable=durable) as temp, open(temp, "wb") as handle:
        yield handle
        if durable:
            handle.flush()
            os.fsync(handle.fileno())


def write_file(
    target: str | Path, data: bytes, failed: Callable[[OSError], Exception] | None = None
) -> Path:
    """Write ``data`` to ``target`` whole or not at all (see :func:`written_atomically`)."""
    with written_atomically(target, failed) as handle:
        handle.write(data)
    return Path(target)


def write_json(
    target: str | Path,
    value: object,
    *,
    indent: int | None = None,
    default: Callable[[Any], Any] | None = None,
    failed: Callable[[OSError], Exception] | None = None,
) -> Path:
    """``value`` as JSON text and a line break in ``target``, whole or not at all (UTF-8)."""
    text = json.dumps(value, indent=indent, default=default) + "\n"
    return write_file(target, text.encode("utf-8"), failed)


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the system allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
