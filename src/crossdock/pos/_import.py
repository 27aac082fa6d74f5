"""Import real point-of-sale files: validate every row, reject bad ones with a reason.

Input: CSV or Parquet with a ``timestamp`` or ``date`` column, ``store`` (GLN or name),
``gtin``, ``quantity`` and an optional ``price`` (common aliases accepted). Rows are read in
Arrow batches and checked with vectorised kernels, never as Python objects. A row is rejected,
into a CSV side file with its row number and the reason, when its date does not parse, its
store or GTIN is unknown to the scenario, its GTIN has a bad check digit or its quantity (or
price) is not a number; everything else is kept — negative quantities as returns — and summed
into daily totals per date × store × GTIN.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from crossdock.errors import PosError
from crossdock.scenario import Scenario

__all__ = ["DAILY_SCHEMA", "REASONS", "ImportReport", "import_pos", "read_daily"]

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

ALIASES = {
    "timestamp": ("timestamp", "datetime", "time", "ts", "scan_time"),
    "date": ("date", "day", "business_date", "sales_date"),
    "store": ("store", "store_gln", "gln", "store_name", "store_id", "shop"),
    "gtin": ("gtin", "ean", "ean13", "barcode", "gtin13"),
    "quantity": ("quantity", "qty", "units", "quantite"),
    "price": ("price", "unit_price", "prix"),
}

# In order of precedence: a row is reported with the first reason that applies.
REASONS = (
    "unparseable date",
    "unknown store",
    "GTIN is not 8, 12, 13 or 14 digits",
    "bad GTIN check digit",
    "unknown GTIN",
    "quantity is not a whole number",
    "price is not a number",
)

_DATE_FORMATS = (
    (
        r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?)?$",
        "%Y-%m-%d",
        "1970-01-01",
    ),
    (r"^\d{2}/\d{2}/\d{4}( \d{2}:\d{2}(:\d{2})?)?$", "%d/%m/%Y", "01/01/1970"),
    (r"^\d{8}$", "%Y%m%d", "19700101"),
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
        lines += [f"  {reason:<34} {n:>10,}" for reason, n in self.rejected.items() if n]
        if self.daily is not None:
            lines.append(f"daily totals    {self.daily.num_rows:>12,}  (date × store × GTIN)")
        return "\n".join(lines) + "\n"


def _columns(names: Sequence[str], source: str) -> dict[str, str]:
    """Map our column roles to the file's column names (``PosError`` if one is missing)."""
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


def _batches(path: Path, batch_rows: int) -> Iterator[pa.RecordBatch]:
    if path.suffix.lower() in (".parquet", ".pq"):
        try:
            file = pq.ParquetFile(path)
        except (OSError, pa.ArrowInvalid) as error:
            raise PosError(f"cannot read Parquet: {error}", file=str(path)) from None
        yield from file.iter_batches(batch_size=batch_rows)
        return
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError) as error:
        raise PosError(f"cannot read CSV: {error}", file=str(path)) from None
    if not header:
        raise PosError("empty file (no header row)", file=str(path), where="row 0")
    delimiter = ";" if len(header) == 1 and ";" in header[0] else ","
    if delimiter == ";":
        header = header[0].split(";")
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=1 << 24),
        parse_options=pacsv.ParseOptions(delimiter=delimiter),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
        ),
    )
    try:
        yield from reader
    except pa.ArrowInvalid as error:
        raise PosError(f"malformed CSV: {error}", file=str(path)) from None


def _text(column: pa.Array) -> pa.Array:
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    return pc.utf8_trim_whitespace(pc.cast(column, pa.string()))


def _dates(column: pa.Array) -> pa.Array:
    """date32, null where the value does not parse (or names a day that does not exist)."""
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
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
    return out


def _numbers(column: pa.Array, pattern: str) -> tuple[np.ndarray, np.ndarray]:
    """(values float64, ok bool) of a numeric or text column."""
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        values = pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
        ok = np.isfinite(values)
        if pattern == _INTEGER:
            ok &= values == np.round(values)
        return np.where(ok, values, 0.0), ok
    text = pc.replace_substring(_text(column), ",", ".")  # a decimal comma, as in 1,50
    ok = pc.fill_null(pc.match_substring_regex(text, pattern), False)
    values = pc.cast(pc.if_else(ok, text, "0"), pa.float64())
    return values.to_numpy(zero_copy_only=False), ok.to_numpy(zero_copy_only=False)


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


def _day_numbers(column: pa.Array) -> tuple[np.ndarray]:
    """Days since 1970 (``_NO_DAY`` where the date does not parse)."""
    days = pc.cast(pc.cast(_dates(column), pa.int32()), pa.int64())
    return (pc.fill_null(days, _NO_DAY).to_numpy(zero_copy_only=False),)


def _day_column(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Days since 1970 per row: Arrow's ISO 8601 cast when every value takes it, else by value."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        try:
            days = pc.cast(pc.cast(column, pa.timestamp("ms")), pa.date32())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # some value is not plain ISO 8601: check each distinct value
        else:
            return _day_numbers(days)[0]
    return _by_value(column, _day_numbers)[0]


def _store_index(values: pa.Array, glns: pa.Array, names: pa.Array) -> tuple[np.ndarray]:
    text = _text(values)
    by_gln = _index(text, glns)
    return (np.where(by_gln >= 0, by_gln, _index(text, names)),)


def _gtin_index(values: pa.Array, gtins: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    padded, formed, check_ok = _gtins(values)
    return formed, check_ok, _index(padded, gtins)


def _prices(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(price, ok): a blank or missing price is fine (NaN), a non-number is not."""
    if pa.types.is_integer(values.type) or pa.types.is_floating(values.type):
        blank = pc.is_null(values).to_numpy(zero_copy_only=False)
    else:
        blank = pc.fill_null(pc.equal(_text(values), ""), True).to_numpy(zero_copy_only=False)
    price, ok = _numbers(values, _NUMBER)
    return np.where(blank, np.nan, price), ok | blank


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

    Rejected rows go to ``rejects`` (CSV: ``file, row, reason`` and the row's fields as text);
    ``row`` counts data rows from 1 in each file. Returns an :class:`ImportReport` whose
    ``daily`` is the ``DAILY_SCHEMA`` table sorted by date, store and GTIN.
    """
    report = ImportReport()
    store_gln = pa.array(scenario.store_gln.astype(str))
    store_name = pa.array(scenario.store_name.astype(str))
    gtins = pa.array(np.char.add("0", scenario.gtin.astype(str)))  # as GTIN-14
    n_skus = scenario.n_skus
    partials: list[pa.Table] = []
    writer: pacsv.CSVWriter | None = None
    reject_schema = pa.schema([("file", pa.string()), ("row", pa.int64()), ("reason", pa.string())])
    reject_path = Path(rejects) if rejects is not None else None
    try:
        for file in files:
            path = Path(file)
            if not path.exists():
                raise PosError("no such file", file=str(path))
            roles: dict[str, str] | None = None
            first_row = 1
            for batch in _batches(path, batch_rows):
                if roles is None:
                    roles = _columns(batch.schema.names, str(path))
                n = batch.num_rows
                report.rows += n
                col = {role: batch.column(name) for role, name in roles.items()}
                day = _day_column(col["timestamp"] if "timestamp" in col else col["date"])
                date_ok = day != _NO_DAY
                (store,) = _by_value(col["store"], lambda v: _store_index(v, store_gln, store_name))
                formed, check_ok, sku = _by_value(col["gtin"], lambda v: _gtin_index(v, gtins))
                quantity, quantity_ok = _by_value(col["quantity"], lambda v: _numbers(v, _INTEGER))
                if "price" in col:
                    price, price_ok = _by_value(col["price"], _prices)
                else:
                    price, price_ok = np.full(n, np.nan), np.ones(n, dtype=bool)
                failed = [
                    ~date_ok,
                    store < 0,
                    ~formed,
                    ~check_ok,
                    sku < 0,
                    ~quantity_ok,
                    ~price_ok,
                ]
                reason = np.full(n, -1, dtype=np.int8)
                for r in range(len(failed) - 1, -1, -1):
                    reason[failed[r]] = r
                bad = reason >= 0
                if bad.any():
                    where = np.flatnonzero(bad)
                    counts = np.bincount(reason[where], minlength=len(REASONS))
                    for r, count in enumerate(counts):
                        report.rejected[REASONS[r]] += int(count)
                    for w in where[: max(0, max_examples - len(report.examples))]:
                        field_name = ("date", "store", "gtin", "gtin", "gtin", "quantity", "price")[
                            reason[w]
                        ]
                        report.examples.append(
                            PosError(
                                REASONS[reason[w]],
                                file=str(path),
                                where=f"row {first_row + w}",
                                field=roles.get(field_name, roles.get("timestamp", field_name)),
                            ).located()
                        )
                    if reject_path is not None:
                        taken = batch.take(pa.array(where))
                        table = pa.table(
                            {
                                "file": pa.array([str(path)] * len(where)),
                                "row": pa.array(first_row + where),
                                "reason": pa.array(np.array(REASONS, dtype=object)[reason[where]]),
                                **{name: _text(taken.column(name)) for name in taken.schema.names},
                            }
                        )
                        if writer is None:
                            reject_path.parent.mkdir(parents=True, exist_ok=True)
                            writer = pacsv.CSVWriter(reject_path, table.schema)
                            reject_schema = table.schema
                        writer.write_table(_conform(table, reject_schema))
                good = ~bad
                report.accepted += int(good.sum())
                qty = quantity[good].astype(np.int64)
                report.returns += int((qty < 0).sum())
                key = (day[good] * scenario.n_stores + store[good]) * n_skus + sku[good]
                value = (
                    np.where(np.isnan(price[good]), scenario.shelf_price[sku[good]], price[good])
                    * qty
                )
                partials.append(_sum_by_key(key, qty, value))
                first_row += n
    finally:
        if writer is not None:
            writer.close()
    report.daily = _daily(partials, scenario)
    return report


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
    path: str | Path, scenario: Scenario, *, rejects: str | Path | None = None
) -> pa.Table:
    """Daily totals from a file: a ``pos import`` output as is, else imported on the fly."""
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        try:
            schema = pq.read_schema(path)
        except (OSError, pa.ArrowInvalid) as error:
            raise PosError(f"cannot read Parquet: {error}", file=str(path)) from None
        if set(DAILY_SCHEMA.names) <= set(schema.names):
            return pq.read_table(path, columns=DAILY_SCHEMA.names).cast(DAILY_SCHEMA)
    report = import_pos([path], scenario, rejects=rejects)
    assert report.daily is not None
    return report.daily
