"""Files written whole or not at all: a checkpoint, its parts, a run's result files.

A file is written to ``<name>.tmp`` beside it and renamed over ``<name>`` once complete, so a
run killed, or a disk that fills up, while it is written leaves the old file (or none), never
half of one. A write that fails raises the caller's own error, which names the file and says
what is kept, instead of the system's bare message (pyarrow's does not name the file).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

__all__ = ["sync_folder", "written_atomically"]


@contextmanager
def written_atomically(
    target: Path, failed: Callable[[OSError], Exception], *, durable: bool = False
) -> Iterator[IO[bytes]]:
    """A binary file to write ``target`` through, so that it is replaced whole or not at all.

    It is ``<target>.tmp``, renamed over ``target`` when the block ends and removed, leaving
    ``target`` as it was, if the block raises. An :class:`OSError` on the way (a full disk, a
    folder without write permission) raises ``failed(error)`` instead. ``durable`` also
    flushes the file and the rename to disk, so that they survive the machine stopping.
    """
    temp = target.with_name(target.name + ".tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "wb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as error:
        raise failed(error) from error
    finally:
        temp.unlink(missing_ok=True)
    if durable:
        sync_folder(target.parent)


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
