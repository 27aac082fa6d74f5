"""Files the commands write are written whole or not at all; a full disk is named (exit 2).

A disk that fills up is stood in for by :func:`tests.test_checkpoint.fill_disk_for` (writes
through Python file objects) or by a Parquet writer whose writes fail with ENOSPC (the scans,
which pyarrow writes to a path itself). The results and checkpoints of a run have their own
tests (``tests/results/test_writing.py``, ``tests/test_checkpoint.py``).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from tests.test_checkpoint import fill_disk_for

from crossdock.cli import EXIT_OK, EXIT_USER_ERROR, invoke


def test_a_scenario_file_that_cannot_be_written_is_named_and_an_old_one_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "chain.yaml"
    args = ["scenario", "generate", "--stores", "40", "--skus", "300", "--out", str(out)]
    assert invoke(args) == EXIT_OK
    before = out.read_bytes()
    capsys.readouterr()
    fill_disk_for(monkeypatch, lambda temp: True)
    assert invoke([*args, "--seed", "9"]) == EXIT_USER_ERROR
    assert capsys.readouterr().err.strip().splitlines() == [
        f"error: {out}: No space left on device"
    ]
    assert out.read_bytes() == before  # the old file, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chain.yaml"]


def test_scans_that_cannot_be_written_leave_no_file_and_name_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[int] = []

    class FullParquetWriter(pq.ParquetWriter):  # type: ignore[misc]
        def write_batch(self, *args: Any, **kwargs: Any) -> None:
            writes.append(1)
            if len(writes) > 1:  # the disk fills up after the first chunk
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            super().write_batch(*args, **kwargs)

    monkeypatch.setattr(pq, "ParquetWriter", FullParquetWriter)
    out = tmp_path / "scans.parquet"
    args = ["pos", "generate", "--days", "20", "--chunk-days", "5", "--out", str(out)]
    assert invoke(args) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert f"error: {out}: No space left on device" in err and "Traceback" not in err
    assert len(writes) == 2 and list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    assert invoke(args) == EXIT_OK
    assert pq.read_metadata(out).num_rows > 0


def test_pyarrows_own_error_is_named_and_told_as_the_system_tells_it(tmp_path: Path) -> None:
    """pyarrow's error on a full disk (as it raised it on a full tmpfs, 2026-12-07) carries the
    system's number with a longer text: the file's name and the number's own text are given."""
    from crossdock._files import replaced_whole

    pyarrows = OSError(
        errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] No space left on device"
    )
    target = tmp_path / "table.parquet"
    with pytest.raises(OSError) as caught:
        with replaced_whole(target) as temp:
            temp.write_bytes(b"PAR1")
            raise pyarrows
    assert caught.value.__cause__ is pyarrows
    assert (caught.value.errno, caught.value.strerror) == (errno.ENOSPC, "No space left on device")
    assert caught.value.filename == str(target)
    assert list(tmp_path.iterdir()) == []  # the temporary file removed, no target


def test_a_rejects_file_that_cannot_be_written_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rejects CSV is a log streamed while the import runs: a write that fails names it."""
    import pyarrow.csv as pacsv

    from crossdock.pos import _import, import_pos
    from crossdock.scenario import compile_scenario, generate_spec

    class FullCsvWriter(pacsv.CSVWriter):  # type: ignore[misc]
        def write_table(self, *args: Any, **kwargs: Any) -> None:
            raise OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] ...")

    monkeypatch.setattr(_import.pacsv, "CSVWriter", FullCsvWriter)
    small = compile_scenario(generate_spec(n_stores=3, n_skus=12, horizon_days=40, seed=1))
    gtin, store = str(small.gtin[0]), str(small.store_gln[0])
    pos = tmp_path / "pos.csv"
    pos.write_text(f"date,store,gtin,quantity\n2026-01-05,{store},{gtin},1\n2026-02-30,x,y,2\n")
    rejects = tmp_path / "rejected.csv"
    with pytest.raises(OSError) as caught:
        import_pos([pos], small, rejects=rejects)
    assert (caught.value.filename, caught.value.strerror) == (
        str(rejects),
        "No space left on device",
    )
