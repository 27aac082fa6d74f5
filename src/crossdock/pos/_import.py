"""Import real point-of-sale files: validate every row, reject bad ones with a reason.

Input: CSV or Parquet with a ``timestamp`` or ``date`` column, ``store`` (GLN or name),
``gtin``, ``quantity`` and an optional ``price`` (common aliases accepted). Rows are read in
Arrow batches and checked with vectorised kernels, never as Python objects. A row is rejected,
into a CSV side file with its row number and the reason (:data:`REASONS`), when it has the
wrong number of fields, its date does not parse or lies outside the scenario's calendar, its
store or GTIN is unknown to the scenario (or its store name is ambiguous), its GTIN has a bad
check digit or its quantity (or price) is not a number or out of range; everything else is
kept — negative quantities as returns — and summed into daily totals per date × store × GTIN.

Timestamps with a UTC offset (text ``2026-01-05T08:31:02+01:00`` or ``...Z``, or a Parquet
timestamp with a time zone) are converted to the stores' local time (the scenario's
``retailer.time_zone``) before the date is taken; timestamps without one are local already.
A file-level problem (unreadable, no data rows, a missing or repeated column, broken CSV
quoting, text that is not UTF-8) is one located :class:`PosError`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from crossdock._files import named
from crossdock.errors import DataQualityError, PosError, PosWarning
from crossdock.pos._files import BadLine, columns, read_batches
from crossdock.scenario import Scenario

__all__ = [
    "DAILY_SCHEMA",
    "HISTORY_DAYS",
    "MAX_PRICE",
    "MAX_QUANTITY",
    "REASONS",
    "ImportReport",
    "check_reject_share",
    "import_pos",
    "read_daily",
]

MAX_QUANTITY = 10**9
"""Largest quantity one POS row may carry, either sign (sums stay far inside int64)."""
MAX_PRICE = 1e7
"""Largest unit price one POS row may carry, either sign."""
HISTORY_DAYS = 3660
"""The scenario's calendar for POS rows: from this many days (ten years) before its
``start_date`` to the last day of its horizon."""

DAILY_SCHEMA = pa.schema(
    [
        ("date", pa.date32()),
        ("store_gln", pa.string()),
        ("gtin", pa.string()),
        ("sales_units", pa.int64()),
        ("return_units", pa.int64()),  # returned units, as a negative number
        ("sales_value", pa.float64()),
        ("rows", pa.int64()),
    ]
)


# In order of precedence: a row is reported with the first reason that applies.
REASONS = (
    "wrong number of fields",
    "unparseable date",
    "date outside the scenario's calendar",
    "unknown store",
    "ambiguous store name",
    "GTIN is not 8, 12, 13 or 14 digits",
    "bad GTIN check digit",
    "unknown GTIN",
    "quantity is not a whole number",
    "quantity out of range",
    "price is not a number",
    "price out of range",
)
_FIELD_OF_REASON = (
    "line",
    "date",
    "date",
    "store",
    "store",
    "gtin",
    "gtin",
    "gtin",
    "quantity",
    "quantity",
    "price",
    "price",
)

_DATE_FORMATS = (
    (
        r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$",
        "%Y-%m-%d",
        "1970-01-01",
    ),
    (r"^\d{2}/\d{2}/\d{4}( \d{2}:\d{2}(:\d{2})?)?$", "%d/%m/%Y", "01/01/1970"),
    (r"^\d{8}$", "%Y%m%d", "19700101"),
)
_WITH_OFFSET = (
    r"^(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.\d+)?)? ?(?P<zone>Z|[+-]\d{2}:?\d{2})$"
)
_INTEGER = r"^[+-]?\d+(\.0*)?$"
_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_GTIN_WEIGHTS = np.array([3 if (12 - i) % 2 == 0 else 1 for i in range(13)], dtype=np.int64)


@dataclass
class ImportReport:
    """What an import read, kept and rejected."""

    rows: int = 0
    accepted: int = 0
    returns: int = 0
    rejected: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REASONS, 0))
    examples: list[str] = field(default_factory=list)
    """The first rejections, one located line each (``file:row N field: reason``)."""
    daily: pa.Table | None = None
    """Daily totals (``DAILY_SCHEMA``)."""

    @property
    def rejected_rows(self) -> int:
        """Rows rejected, all reasons."""
        return sum(self.rejected.values())

    def summary(self) -> str:
        """A few lines for people."""
        lines = [
            f"rows read       {self.rows:>12,}",
            f"accepted        {self.accepted:>12,}  (returns: {self.returns:,})",
            f"rejected        {self.rejected_rows:>12,}",
        ]
        lines += [f"  {reason:<38} {n:>10,}" for reason, n in self.rejected.items() if n]
        if self.daily is not None:
            lines.append(f"daily totals    {self.daily.num_rows:>12,}  (date × store × GTIN)")
        return "\n".join(lines) + "\n"


def _text(column: pa.Array) -> pa.Array:
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    return pc.utf8_trim_whitespace(pc.cast(column, pa.string()))


def _dates(column: pa.Array, zone: str) -> pa.Array:
    """date32, null where the value does not parse (or names a day that does not exist).

    A time with a UTC offset, or a timestamp type with a time zone, is first converted to
    the local time of ``zone``.
    """
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if pa.types.is_timestamp(column.type):
        if column.type.tz is not None:
            column = pc.local_timestamp(column.cast(pa.timestamp(column.type.unit, tz=zone)))
        return pc.cast(column, pa.date32())
    if pa.types.is_date(column.type):
        return pc.cast(column, pa.date32())
    text = _text(column)
    out = pa.nulls(len(text), pa.date32())
    for pattern, fmt, filler in _DATE_FORMATS:
        ok = pc.fill_null(pc.match_substring_regex(text, pattern), False)
        if not pc.any(ok).as_py():
            continue
        head = pc.utf8_slice_codeunits(pc.if_else(ok, text, filler), 0, len(filler))
        parsed = pc.strptime(head, format=fmt, unit="s", error_is_null=True)
        # strptime rolls 30 February over into March: a real date prints back the same
        real = pc.fill_null(pc.equal(pc.strftime(parsed, format=fmt), head), False)
        out = pc.if_else(pc.and_(ok, real), pc.cast(parsed, pa.date32()), out)
    return _offset_dates(text, zone, out)


_SECONDS_1900, _SECONDS_2200 = -2_208_988_800, 7_258_118_400


def _offset_dates(text: pa.Array, zone: str, out: pa.Array) -> pa.Array:
    """Local dates in ``zone`` of ISO 8601 times with a UTC offset (``Z``, ``+01:00``)."""
    ok = pc.fill_null(pc.match_substring_regex(text, _WITH_OFFSET), False)
    if not pc.any(ok).as_py():
        return out
    parts = pc.extract_regex(pc.if_else(ok, text, "1970-01-01T00:00Z"), _WITH_OFFSET)

    def number(name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        part = parts.field(name)
        if stop is not None or start:
            part = pc.utf8_slice_codeunits(part, start, stop if stop is not None else 99)
        part = pc.if_else(pc.match_substring_regex(part, r"^\d+$"), part, "0")
        return pc.cast(part, pa.int64()).to_numpy(zero_copy_only=False)

    day = parts.field("date")
    parsed = pc.strptime(day, format="%Y-%m-%d", unit="s", error_is_null=True)
    real = pc.fill_null(pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), day), False)
    seconds = pc.fill_null(pc.cast(parsed, pa.int64()), 0).to_numpy(zero_copy_only=False)
    hour, minute, second = number("hour"), number("minute"), number("second")
    offset_zone = parts.field("zone")
    west = pc.starts_with(offset_zone, "-").to_numpy(zero_copy_only=False)
    offset_hours = number("zone", 1, 3)
    offset_minutes = pc.cast(
        pc.if_else(pc.equal(offset_zone, "Z"), "0", pc.utf8_slice_codeunits(offset_zone, -2, None)),
        pa.int64(),
    ).to_numpy(zero_copy_only=False)
    offset = np.where(west, -1, 1) * (offset_hours * 3600 + offset_minutes * 60)
    utc = seconds + hour * 3600 + minute * 60 + second - offset
    valid = (
        ok.to_numpy(zero_copy_only=False)
        & real.to_numpy(zero_copy_only=False)
        & (hour < 24)
        & (minute < 60)
        & (second < 61)
        & (offset_hours <= 14)
        & (offset_minutes < 60)
        & (utc > _SECONDS_1900)
        & (utc < _SECONDS_2200)
    )
    local = pc.local_timestamp(pa.array(np.where(valid, utc, 0), pa.timestamp("s", tz=zone)))
    return pc.if_else(pa.array(valid), pc.cast(local, pa.date32()), out)


def _numbers(
    column: pa.Array, pattern: str, limit: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values float64, ok bool, within ``±limit`` bool) of a numeric or text column."""
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if pa.types.is_integer(column.type):
        valid = pc.is_valid(column).to_numpy(zero_copy_only=False)
        raw = pc.fill_null(column, 0).to_numpy(zero_copy_only=False)
        within = raw <= limit if pa.types.is_unsigned_integer(column.type) else np.abs(raw) <= limit
        return np.where(within, raw, 0).astype(np.float64), valid, within
    if pa.types.is_floating(column.type) or pa.types.is_decimal(column.type):
        values = pc.cast(column, pa.float64(), safe=False).to_numpy(zero_copy_only=False)
        ok = np.isfinite(values)
        if pattern == _INTEGER:
            ok &= values == np.round(values)
        within = np.abs(np.where(ok, values, 0.0)) <= limit
        return np.where(ok & within, values, 0.0), ok, within
    text = pc.replace_substring(_text(column), ",", ".")  # a decimal comma, as in 1,50
    ok = pc.fill_null(pc.match_substring_regex(text, pattern), False)
    values = pc.cast(pc.if_else(ok, text, "0"), pa.float64()).to_numpy(zero_copy_only=False)
    within = np.abs(values) <= limit
    return np.where(within, values, 0.0), ok.to_numpy(zero_copy_only=False), within


def _gtins(column: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """(GTIN-14 text, well-formed bool, check digit right bool)."""
    if pa.types.is_integer(column.type):
        column = pc.cast(column, pa.string())
    text = _text(column)
    formed = pc.fill_null(pc.match_substring_regex(text, r"^(\d{8}|\d{12,14})$"), False)
    padded = (
        pc.utf8_lpad(pc.if_else(formed, text, "0"), 14, "0").combine_chunks()
        if isinstance(text, pa.ChunkedArray)
        else pc.utf8_lpad(pc.if_else(formed, text, "0"), 14, "0")
    )
    n = len(padded)
    offsets = np.frombuffer(padded.buffers()[1], dtype=np.int32)[
        padded.offset : padded.offset + n + 1
    ]
    data = np.frombuffer(padded.buffers()[2], dtype=np.uint8)
    digits = data[offsets[0] : offsets[0] + 14 * n].reshape(n, 14).astype(np.int64) - 48
    check = (10 - (digits[:, :13] @ _GTIN_WEIGHTS) % 10) % 10
    return padded, formed.to_numpy(zero_copy_only=False), check == digits[:, 13]


_NO_DAY = np.iinfo(np.int64).min


def _day_numbers(column: pa.Array, zone: str) -> tuple[np.ndarray]:
    """Days since 1970 (``_NO_DAY`` where the date does not parse)."""
    days = pc.cast(pc.cast(_dates(column, zone), pa.int32()), pa.int64())
    return (pc.fill_null(days, _NO_DAY).to_numpy(zero_copy_only=False),)


def _day_column(column: pa.Array | pa.ChunkedArray, zone: str) -> np.ndarray:
    """Days since 1970 per row: Arrow's ISO 8601 cast when every value takes it, else by value."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        try:
            days = pc.cast(pc.cast(column, pa.timestamp("ms")), pa.date32())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # some value is not plain ISO 8601: check each distinct value
        else:
            return _day_numbers(days, zone)[0]
    return _by_value(column, lambda values: _day_numbers(values, zone))[0]


_AMBIGUOUS = -2


def _store_index(
    values: pa.Array, glns: pa.Array, names: pa.Array, ambiguous: pa.Array
) -> tuple[np.ndarray]:
    """Store per value: by GLN, else by name (``-1`` unknown, ``_AMBIGUOUS`` a shared name)."""
    text = _text(values)
    by_gln = _index(text, glns)
    by_name = np.where(_index(text, ambiguous) >= 0, _AMBIGUOUS, _index(text, names))
    return (np.where(by_gln >= 0, by_gln, by_name),)


def _gtin_index(values: pa.Array, gtins: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    padded, formed, check_ok = _gtins(values)
    return formed, check_ok, _index(padded, gtins)


def _prices(values: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(price, ok, in range): a blank or missing price is fine (NaN), a non-number is not."""
    if pa.types.is_integer(values.type) or pa.types.is_floating(values.type):
        blank = pc.is_null(values).to_numpy(zero_copy_only=False)
    else:
        blank = pc.fill_null(pc.equal(_text(values), ""), True).to_numpy(zero_copy_only=False)
    price, ok, within = _numbers(values, _NUMBER, MAX_PRICE)
    return np.where(blank, np.nan, price), ok | blank, within | blank


def _index(text: pa.Array, values: pa.Array) -> np.ndarray:
    return pc.fill_null(pc.index_in(text, value_set=values), -1).to_numpy(zero_copy_only=False)


def _by_value(
    column: pa.Array | pa.ChunkedArray, check: Callable[[pa.Array], tuple[np.ndarray, ...]]
) -> tuple[np.ndarray, ...]:
    """Run ``check`` on the distinct values of a text column only, and spread it to the rows.

    POS files repeat a few thousand GTINs, stores, dates and quantities over millions of
    rows: checking each distinct value once is what makes validation cheap. Numeric and
    temporal columns are checked row by row (their kernels are already cheap).
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if not pa.types.is_dictionary(column.type):
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            return check(column)
        column = pc.dictionary_encode(column)
    values = column.dictionary
    rows = pc.fill_null(column.indices, len(values)).to_numpy(zero_copy_only=False)
    results = check(pa.concat_arrays([values, pa.nulls(1, values.type)]))  # last: null
    return tuple(np.asarray(result)[rows] for result in results)


def import_pos(
    files: Sequence[str | Path],
    scenario: Scenario,
    *,
    rejects: str | Path | None = None,
    batch_rows: int = 1 << 20,
    max_examples: int = 20,
) -> ImportReport:
    """Validate POS files against ``scenario`` and sum the good rows into daily totals.

    Rejected rows go to ``rejects`` (CSV: ``file, row, reason``, the row's fields as text,
    and ``line``, the raw text of a CSV row that could not be split into fields); ``row``
    counts data rows from 1 in each file. Returns an :class:`ImportReport` whose ``daily`` is
    the ``DAILY_SCHEMA`` table sorted by date, store and GTIN. A file that cannot be read, has
    no data rows, or lacks a column is a located :class:`PosError`.
    """
    report = ImportReport()
    importer = _Importer(scenario, report, rejects, max_examples)
    try:
        for file in files:
            importer.read(Path(file), batch_rows)
    finally:
        importer.close()
    report.daily = _daily(importer.partials, scenario)
    return report


_TEXT_LIKE = (
    pa.types.is_string,
    pa.types.is_large_string,
    pa.types.is_integer,
    pa.types.is_floating,
    pa.types.is_decimal,
    pa.types.is_boolean,
    pa.types.is_date,
    pa.types.is_timestamp,
    pa.types.is_null,
)


def _check_types(schema: pa.Schema, roles: dict[str, str], source: str) -> None:
    """Every column we read must be text, a number, a date or a timestamp."""
    for name in roles.values():
        kind = schema.field(name).type
        inner = kind.value_type if pa.types.is_dictionary(kind) else kind
        if not any(test(inner) for test in _TEXT_LIKE):
            raise PosError(
                f"column of type {kind} (expected text, numbers, dates or timestamps)",
                file=source,
                where="row 0",
                field=name,
            )


def _row_numbers(done: int, n: int, bad: list[BadLine]) -> np.ndarray:
    """Data row numbers (from 1) of the next ``n`` readable rows, after ``done`` of them.

    CSV rows skipped for their width (``bad``) keep their own numbers, so the readable rows
    after them are numbered as in the file.
    """
    good = np.arange(done + 1, done + n + 1, dtype=np.int64)
    if not bad:
        return good
    skipped = np.sort(np.array([row for row, _ in bad], dtype=np.int64))
    readable_before = skipped - np.arange(1, len(skipped) + 1)
    return good + np.searchsorted(readable_before, good, side="left")


class _Importer:
    """The state of one import across its files and batches."""

    def __init__(
        self,
        scenario: Scenario,
        report: ImportReport,
        rejects: str | Path | None,
        max_examples: int,
    ) -> None:
        self.scenario = scenario
        self.report = report
        self.max_examples = max_examples
        self.zone = scenario.spec.retailer.time_zone
        names = scenario.store_name.astype(str)
        unique, counts = np.unique(np.char.strip(names), return_counts=True)
        self.store_gln = pa.array(scenario.store_gln.astype(str))
        self.store_name = pa.array(names)
        self.ambiguous = pa.array(unique[counts > 1], type=pa.string())
        self.gtins = pa.array(np.char.add("0", scenario.gtin.astype(str)))  # as GTIN-14
        first = (scenario.spec.start_date - dt.date(1970, 1, 1)).days
        self.calendar = (first - HISTORY_DAYS, first + scenario.horizon_days - 1)
        self.partials: list[pa.Table] = []
        self.reject_path = Path(rejects) if rejects is not None else None
        self.writer: pacsv.CSVWriter | None = None
        self.reject_schema: pa.Schema | None = None

    def close(self) -> None:
        if self.writer is not None:
            with self._rejects_named():
                self.writer.close()

    @contextlib.contextmanager
    def _rejects_named(self) -> Iterator[None]:
        """A write to the rejects file that fails (a full disk) names it.

        The file is a log streamed while the import runs, so it is not written beside its name
        and renamed (:mod:`crossdock._files`): what it holds when a write fails stays.
        """
        try:
            yield
        except OSError as error:
            raise named(error, str(self.reject_path)) from error

    def read(self, path: Path, batch_rows: int) -> None:
        """Import one file."""
        if not path.is_file():
            raise PosError("no such file" if not path.exists() else "not a file", file=str(path))
        bad: list[BadLine] = []
        done = 0
        for batch in read_batches(path, batch_rows, bad):
            roles = columns(batch.schema.names, str(path))
            _check_types(batch.schema, roles, str(path))
            self._batch(path, batch, roles, _row_numbers(done, batch.num_rows, bad))
            done += batch.num_rows
        self.report.rows += done + len(bad)
        if bad:
            self._bad_lines(path, bad)
        if done + len(bad) == 0:
            raise PosError(
                "no data rows (an empty file or a header only)", file=str(path), where="row 1"
            )

    def _batch(
        self, path: Path, batch: pa.RecordBatch, roles: dict[str, str], rows: np.ndarray
    ) -> None:
        sc, report = self.scenario, self.report
        n = batch.num_rows
        col = {role: batch.column(name) for role, name in roles.items()}
        day = _day_column(col["timestamp"] if "timestamp" in col else col["date"], self.zone)
        date_ok = day != _NO_DAY
        in_calendar = (day >= self.calendar[0]) & (day <= self.calendar[1])
        (store,) = _by_value(
            col["store"],
            lambda v: _store_index(v, self.store_gln, self.store_name, self.ambiguous),
        )
        formed, check_ok, sku = _by_value(col["gtin"], lambda v: _gtin_index(v, self.gtins))
        quantity, quantity_ok, quantity_within = _by_value(
            col["quantity"], lambda v: _numbers(v, _INTEGER, MAX_QUANTITY)
        )
        if "price" in col:
            price, price_ok, price_within = _by_value(col["price"], _prices)
        else:
            price, price_ok, price_within = np.full(n, np.nan), np.ones(n, bool), np.ones(n, bool)
        failed = [
            np.zeros(n, dtype=bool),
            ~date_ok,
            ~in_calendar,
            store == -1,
            store == _AMBIGUOUS,
            ~formed,
            ~check_ok,
            sku < 0,
            ~quantity_ok,
            ~quantity_within,
            ~price_ok,
            ~price_within,
        ]
        reason = np.full(n, -1, dtype=np.int8)
        for r in range(len(failed) - 1, -1, -1):
            reason[failed[r]] = r
        bad = reason >= 0
        if bad.any():
            where = np.flatnonzero(bad)
            self._count(reason[where])
            for w in where[: max(0, self.max_examples - len(report.examples))]:
                name = _FIELD_OF_REASON[reason[w]]
                self._example(
                    path, int(rows[w]), reason[w], roles.get(name, roles.get("timestamp", name))
                )
            if self.reject_path is not None:
                taken = batch.take(pa.array(where))
                self._write(
                    {
                        "file": pa.array([str(path)] * len(where)),
                        "row": pa.array(rows[where]),
                        "reason": pa.array(np.array(REASONS, dtype=object)[reason[where]]),
                        **{name: _text(taken.column(name)) for name in taken.schema.names},
                    }
                )
        good = ~bad
        report.accepted += int(good.sum())
        qty = quantity[good].astype(np.int64)
        report.returns += int((qty < 0).sum())
        key = (day[good] * sc.n_stores + store[good]) * sc.n_skus + sku[good]
        value = np.where(np.isnan(price[good]), sc.shelf_price[sku[good]], price[good]) * qty
        self.partials.append(_sum_by_key(key, qty, value))

    def _bad_lines(self, path: Path, bad: list[BadLine]) -> None:
        """CSV rows that could not be split into the header's fields: counted and kept."""
        reason = np.zeros(len(bad), dtype=np.int8)  # "wrong number of fields"
        self._count(reason)
        for row, _ in bad[: max(0, self.max_examples - len(self.report.examples))]:
            self._example(path, row, 0, None)
        if self.reject_path is not None:
            self._write(
                {
                    "file": pa.array([str(path)] * len(bad)),
                    "row": pa.array([row for row, _ in bad], type=pa.int64()),
                    "reason": pa.array([REASONS[0]] * len(bad)),
                    "line": pa.array([text for _, text in bad], type=pa.string()),
                }
            )

    def _count(self, reasons: np.ndarray) -> None:
        counts = np.bincount(reasons, minlength=len(REASONS))
        for r, count in enumerate(counts):
            self.report.rejected[REASONS[r]] += int(count)

    def _example(self, path: Path, row: int, reason: int, field_name: str | None) -> None:
        self.report.examples.append(
            PosError(
                REASONS[reason], file=str(path), where=f"row {row}", field=field_name
            ).located()
        )

    def _write(self, columns_: dict[str, pa.Array]) -> None:
        assert self.reject_path is not None
        table = pa.table(columns_)
        if self.writer is None:
            schema = table.schema
            if "line" not in schema.names:
                schema = schema.append(pa.field("line", pa.string()))
            with self._rejects_named():
                self.reject_path.parent.mkdir(parents=True, exist_ok=True)
                self.writer = pacsv.CSVWriter(self.reject_path, schema)
            self.reject_schema = schema
        assert self.reject_schema is not None
        with self._rejects_named():
            self.writer.write_table(_conform(table, self.reject_schema))


def check_reject_share(report: ImportReport, max_share: float, *, file: str | None = None) -> None:
    """:class:`DataQualityError` when more than ``max_share`` of the rows were rejected.

    Under the threshold, rejected rows (if any) are a :class:`PosWarning` with their count.
    """
    rejected = report.rejected_rows
    if not rejected:
        return
    share = rejected / max(report.rows, 1)
    counts = ", ".join(f"{reason}: {n:,}" for reason, n in report.rejected.items() if n)
    text = f"{rejected:,} of {report.rows:,} rows rejected ({share:.2%}; {counts})"
    if share > max_share:
        raise DataQualityError(
            f"{text}, more than the {max_share:.2%} allowed (--max-reject-share {max_share:g})",
            file=file,
        )
    warnings.warn(PosWarning(text, file=file), stacklevel=2)


def _sum_by_key(key: np.ndarray, quantity: np.ndarray, value: np.ndarray) -> pa.Table:
    """Sales, returns, value and rows summed per key (dense bincount when keys are close)."""
    sales, returns = np.maximum(quantity, 0), np.minimum(quantity, 0)
    if len(key) and (span := int(key.max() - key.min()) + 1) <= 4 * len(key) + 4096:
        low = key.min()
        offset = key - low
        rows = np.bincount(offset, minlength=span)
        cells = np.flatnonzero(rows)

        def total(weights: np.ndarray) -> np.ndarray:
            return np.bincount(offset, weights=weights, minlength=span)[cells]

        return pa.table(
            {
                "key": cells + low,
                "sales_sum": total(sales).astype(np.int64),
                "returns_sum": total(returns).astype(np.int64),
                "value_sum": total(value),
                "rows_sum": rows[cells].astype(np.int64),
            }
        )
    table = pa.table(
        {"key": key, "sales": sales, "returns": returns, "value": value, "rows": np.ones_like(key)}
    )
    return table.group_by("key").aggregate(
        [("sales", "sum"), ("returns", "sum"), ("value", "sum"), ("rows", "sum")]
    )


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Columns of ``schema`` (later files may name their columns differently)."""
    arrays = [
        table.column(name) if name in table.column_names else pa.nulls(table.num_rows, pa.string())
        for name in schema.names
    ]
    return pa.table(arrays, schema=schema)


def _daily(partials: list[pa.Table], scenario: Scenario) -> pa.Table:
    """Merge the per-batch sums into the daily table, sorted by date, store and GTIN."""
    merged = pa.concat_tables(partials) if partials else None
    if merged is None or merged.num_rows == 0:
        return DAILY_SCHEMA.empty_table()
    key = merged["key"].to_numpy()
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.diff(key, prepend=key[0] - 1))

    def total(name: str) -> np.ndarray:
        return np.add.reduceat(merged[name].to_numpy()[order], starts)

    cell, sku = np.divmod(key[starts], scenario.n_skus)
    day, store = np.divmod(cell, scenario.n_stores)
    return pa.table(
        [
            pa.array(day.astype(np.int32), type=pa.int32()).cast(pa.date32()),
            pc.take(pa.array(scenario.store_gln.astype(str)), pa.array(store)),
            pc.take(pa.array(scenario.gtin.astype(str)), pa.array(sku)),
            total("sales_sum"),
            total("returns_sum"),
            total("value_sum"),
            total("rows_sum"),
        ],
        schema=DAILY_SCHEMA,
    )


def read_daily(
    path: str | Path,
    scenario: Scenario,
    *,
    rejects: str | Path | None = None,
    max_reject_share: float = 0.01,
) -> pa.Table:
    """Daily totals from a file: a ``pos import`` output as is, else imported on the fly.

    A file imported on the fly follows ``pos import``'s rule: more than ``max_reject_share``
    of its rows rejected is a :class:`DataQualityError`, fewer a :class:`PosWarning`. A daily
    totals file must have its dates inside the scenario's calendar.
    """
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        try:
            schema = pq.read_schema(path)
            if set(DAILY_SCHEMA.names) <= set(schema.names):
                table = pq.read_table(path, columns=DAILY_SCHEMA.names).cast(DAILY_SCHEMA)
                _check_daily_dates(table, scenario, str(path))
                return table
        except (OSError, pa.ArrowException) as error:
            raise PosError(f"cannot read Parquet: {error}", file=str(path)) from None
    report = import_pos([path], scenario, rejects=rejects)
    check_reject_share(report, max_reject_share, file=str(path))
    assert report.daily is not None
    return report.daily


def _check_daily_dates(table: pa.Table, scenario: Scenario, source: str) -> None:
    if table.num_rows == 0:
        raise PosError("no data rows", file=source, where="row 1")
    first = (scenario.spec.start_date - dt.date(1970, 1, 1)).days
    low, high = first - HISTORY_DAYS, first + scenario.horizon_days - 1
    days = pc.cast(table["date"], pa.int32()).to_numpy(zero_copy_only=False)
    outside = np.flatnonzero((days < low) | (days > high))
    if len(outside):
        raise PosError(
            f"{len(outside):,} rows with a date outside the scenario's calendar "
            f"({dt.date(1970, 1, 1) + dt.timedelta(days=int(low))} to "
            f"{dt.date(1970, 1, 1) + dt.timedelta(days=int(high))}), the first",
            file=source,
            where=f"row {outside[0] + 1}",
            field="date",
        )
