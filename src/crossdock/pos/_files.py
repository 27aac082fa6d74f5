"""Reading POS files as Arrow batches, with every file-level problem located.

CSV rows with the wrong number of fields are not an error of the file: they are handed back
(line number and text) for the importer to reject and count. Everything else that stops a
file from being read — no header, a repeated or missing column, broken quoting, text that is
not UTF-8, a Parquet file that is not one — is one :class:`PosError` naming the file, the row
(``row 0``: the header) and the column where they are known.
"""

from __future__ import annotations

import contextlib
import csv
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from crossdock.errors import PosError

__all__ = ["ALIASES", "BadLine", "columns", "read_batches"]

ALIASES = {
    "timestamp": ("timestamp", "datetime", "time", "ts", "scan_time"),
    "date": ("date", "day", "business_date", "sales_date"),
    "store": ("store", "store_gln", "gln", "store_name", "store_id", "shop"),
    "gtin": ("gtin", "ean", "ean13", "barcode", "gtin13"),
    "quantity": ("quantity", "qty", "units", "quantite"),
    "price": ("price", "unit_price", "prix"),
}

BadLine = tuple[int, str]
"""A CSV row that could not be split into the header's fields: (data row number, its text)."""


def columns(names: Sequence[str], source: str) -> dict[str, str]:
    """Map our column roles to the file's column names (``PosError`` if one is missing)."""
    first: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        key = name.strip().lower()
        if key in first:
            raise PosError(
                f"column '{name}' appears twice (columns {first[key]} and {position})",
                file=source,
                where="row 0",
                field=name,
            )
        first[key] = position
    lower = {n.strip().lower(): n for n in names}
    found = {}
    for role, aliases in ALIASES.items():
        for alias in aliases:
            if alias in lower:
                found[role] = lower[alias]
                break
    if "timestamp" not in found and "date" not in found:
        raise PosError("no timestamp or date column", file=source, where="row 0", field="date")
    for role in ("store", "gtin", "quantity"):
        if role not in found:
            raise PosError(
                f"no {role} column (have: {', '.join(names)})",
                file=source,
                where="row 0",
                field=role,
            )
    return found


def read_batches(path: Path, batch_rows: int, bad: list[BadLine]) -> Iterator[pa.RecordBatch]:
    """Record batches of a CSV or Parquet file; CSV rows of the wrong width go to ``bad``."""
    if path.suffix.lower() in (".parquet", ".pq"):
        yield from _parquet(path, batch_rows)
    else:
        yield from _csv(path, bad)


def _parquet(path: Path, batch_rows: int) -> Iterator[pa.RecordBatch]:
    """Batches of a Parquet file.

    A damaged file is located at its footer, or at the first row that could not be read.
    """
    try:
        file = pq.ParquetFile(path)
        columns(file.schema_arrow.names, str(path))
    except (OSError, pa.ArrowException) as error:
        raise PosError(f"cannot read Parquet: {error}", file=str(path), where="footer") from None
    done = 0
    batches = file.iter_batches(batch_size=batch_rows)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except (OSError, pa.ArrowException) as error:
            raise PosError(
                f"cannot read Parquet: {error}", file=str(path), where=f"row {done + 1}"
            ) from None
        done += batch.num_rows
        yield batch


def _csv(path: Path, bad: list[BadLine]) -> Iterator[pa.RecordBatch]:
    try:
        with path.open("rb") as handle:
            first_line = handle.readline().decode("utf-8-sig")
        header = next(csv.reader([first_line]), None)
    except UnicodeDecodeError as error:
        raise PosError(
            f"not UTF-8 text (byte {error.start + 1} of the line)", file=str(path), where="row 0"
        ) from None
    except (OSError, csv.Error) as error:
        raise PosError(f"cannot read CSV header: {error}", file=str(path), where="row 0") from None
    if not header or not any(name.strip() for name in header):
        raise PosError("empty file (no header row)", file=str(path), where="row 0")
    delimiter = ";" if len(header) == 1 and ";" in header[0] else ","
    if delimiter == ";":
        header = header[0].split(";")
    columns(header, str(path))

    def skip(row: pacsv.InvalidRow) -> str:
        bad.append(((row.number or 0) - 1, row.text))
        return "skip"

    try:
        with _quiet_undecodable_rows():  # opening reads the first block
            reader = pacsv.open_csv(
                path,
                # one thread: the rows handed to ``skip`` then carry their line number
                read_options=pacsv.ReadOptions(block_size=1 << 24, use_threads=False),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=skip),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
                ),
            )
        while True:
            with _quiet_undecodable_rows():
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    return
            yield batch
    except pa.ArrowException as error:
        raise _located_csv_error(path, error) from None


@contextlib.contextmanager
def _quiet_undecodable_rows() -> Iterator[None]:
    """Keep Arrow from printing a traceback for a wrong-width row that is not UTF-8.

    Arrow decodes such a row's text for ``invalid_row_handler`` before calling it; the
    ``UnicodeDecodeError`` is "ignored" (printed to stderr) and the read then fails, which
    :func:`_located_csv_error` turns into ``row N: not UTF-8 text``.
    """
    previous = sys.unraisablehook

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if not isinstance(unraisable.exc_value, UnicodeDecodeError):
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


def _located_csv_error(path: Path, error: Exception) -> PosError:
    """The row of a CSV error that Arrow reports without one (non-UTF-8 text, say)."""
    message = str(error).split("\n")[0]
    if "Empty CSV file" in message:
        return PosError(
            "no data rows (an empty file or a header only)", file=str(path), where="row 1"
        )
    with path.open("rb") as handle:
        for number, line in enumerate(handle):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as bad:
                return PosError(
                    f"not UTF-8 text (byte {bad.start + 1} of the line)",
                    file=str(path),
                    where=f"row {number}",
                )
    row = re.search(r"[Rr]ow #?(\d+)", message)
    where = f"row {int(row.group(1)) - 1}" if row else None
    return PosError(f"malformed CSV: {message}", file=str(path), where=where)
