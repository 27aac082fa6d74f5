"""Mutated POS files (CSV bytes, Parquet tables): ``pos import`` never crashes, loses no row."""

from __future__ import annotations

import datetime as dt
import re
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossdock.scenario import generate_spec

from .fuzzing import Outcome, Tally, run

SPEC = generate_spec(n_stores=2, n_skus=6, horizon_days=20, warm_up_days=2, seed=2)
GLNS = [s.gln for s in SPEC.stores]
NAMES = [s.name for s in SPEC.stores]
GTINS = [p.gtin for p in SPEC.products]
HEADER = "timestamp,store,gtin,quantity,price"
ROWS = [
    f"2026-01-{5 + i % 9:02d}T{8 + i % 12:02d}:15:00,{(GLNS + NAMES)[i % 4]},{GTINS[i % 6]},"
    f"{1 + i % 3},{1.5 + i % 4:.2f}"
    for i in range(20)
]
NASTY = [
    "", " ", "-1", "0", "99999999999999999999", "1e30", "nan", "inf", "1,5", "1.5", "x",
    "2026-02-30", "1900-01-01", "2099-06-01", "2026-01-05T23:30:00-05:00", "2026-01-05Z",
    "20260105", "05/01/2026", "2026-01-05T25:61:00+01:00", "30123400000x2", "4006381333931",
    "0" + GTINS[0], GLNS[0][:-1] + "0", '"', '""', "a,b", "\u00e9", "\ufeff",
]  # fmt: skip
BYTES = [b",", b'"', b"\n", b";", b"\r", b"\xff", b"\x00", b"0", b"-", b" ", b"T", b"+", b"e"]
LOCATED = re.compile(r"^error: fuzz\.(csv:row \d+|parquet:(row \d+|row group \d+|footer))[ :]")
THRESHOLD = re.compile(r"^error: [\d,]+ of [\d,]+ rows rejected ")


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz_pos") / "small.yaml"
    path.write_text(yaml.safe_dump(SPEC.model_dump(mode="json", exclude_defaults=True)))
    return path


def check_import(tally: Tally, outcome: Outcome) -> None:
    """Exit 0, 2 or 3; every row read is accepted or rejected; located lines throughout."""
    if outcome.code == 3:
        last = outcome.err.strip().splitlines()[-1]
        if not THRESHOLD.match(last):
            outcome = Outcome(1, outcome.out, "threshold exit without counts: " + last)
    if outcome.code in (0, 3):
        counts = dict(re.findall(r"^(rows read|accepted|rejected) +([\d,]+)", outcome.out, re.M))
        read, kept, rejected = (
            int(counts[k].replace(",", "")) for k in ("rows read", "accepted", "rejected")
        )
        examples = [e for e in outcome.err.splitlines() if e.startswith("rejected:")]
        if read != kept + rejected or not all(
            re.match(r"^rejected: fuzz\.\w+:row \d+", e) for e in examples
        ):
            outcome = Outcome(1, outcome.out, f"rows lost or unlocated: {outcome.out}{outcome.err}")
    tally.check(outcome, {0, 2, 3}, LOCATED)


csv_mutation = st.tuples(
    st.sampled_from(["field", "field", "byte", "delete line", "duplicate line", "truncate"]),
    st.integers(0, 10_000),
    st.sampled_from(NASTY),
    st.sampled_from(BYTES),
)


def mutate_csv(steps: list[tuple[str, int, str, bytes]]) -> bytes:
    lines = [HEADER, *ROWS]
    for kind, at, nasty, _ in steps:
        index = at % len(lines)
        if kind == "field":
            fields = lines[index].split(",")
            fields[at % len(fields)] = nasty
            lines[index] = ",".join(fields)
        elif kind == "delete line" and len(lines) > 1:
            del lines[index]
        elif kind == "duplicate line":
            lines.insert(index, lines[index])
    data = ("\n".join(lines) + "\n").encode("utf-8")
    for kind, at, _, byte in steps:
        if kind == "byte" and data:
            where = at % len(data)
            data = data[:where] + byte + data[where + 1 :]
        elif kind == "truncate":
            data = data[: at % (len(data) + 1)]
    return data


def test_mutated_pos_csv_never_crashes(tmp_path: Path, scenario_file: Path) -> None:
    tally = Tally("POS CSV: pos import")

    @settings(max_examples=100, deadline=timedelta(seconds=10), derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(steps=st.lists(csv_mutation, min_size=1, max_size=4))
    def case(steps: list[tuple[str, int, str, bytes]]) -> None:
        path = tmp_path / "fuzz.csv"
        path.write_bytes(mutate_csv(steps))
        out = str(tmp_path / "daily.parquet")
        check_import(
            tally, run("pos", "import", str(path), "--scenario", str(scenario_file), "--out", out)
        )

    case()
    tally.report()


TYPES = {
    "string": pa.string(),
    "large_string": pa.large_string(),
    "int64": pa.int64(),
    "uint64": pa.uint64(),
    "int8": pa.int8(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date32": pa.date32(),
    "timestamp": pa.timestamp("ms"),
    "timestamp_utc": pa.timestamp("us", tz="UTC"),
    "timestamp_ny": pa.timestamp("s", tz="America/New_York"),
    "binary": pa.binary(),
    "list": pa.list_(pa.int64()),
    "null": pa.null(),
}
VALUES = st.one_of(
    st.sampled_from([*GLNS, *NAMES, *GTINS, *NASTY]),
    st.integers(-(2**63), 2**64 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(dt.date(1800, 1, 1), dt.date(2300, 1, 1)),
    st.sampled_from([dt.date(2026, 1, 5), dt.date(2026, 1, 9), 3, 1, -2, 2.0]),
    st.none(),
)


def column(values: list[object], kind: str) -> pa.Array:
    """``values`` as an Arrow array of ``kind`` where they convert, else as text."""
    target = TYPES[kind]
    try:
        if kind == "list":
            return pa.array(
                [[v] if isinstance(v, int) and abs(v) < 2**63 else None for v in values], target
            )
        if kind in ("binary", "string", "large_string"):
            return pa.array([None if v is None else str(v) for v in values], target)
        if kind.startswith("timestamp"):
            values = [
                dt.datetime.combine(v, dt.time(12)) if isinstance(v, dt.date) else None
                for v in values
            ]
        return pa.array(values, target)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


NATURAL = {
    "timestamp": ["timestamp", "timestamp_utc", "timestamp_ny", "string"],
    "date": ["date32", "string"],
    "store": ["string", "large_string"],
    "gtin": ["string", "int64"],
    "quantity": ["int64", "uint64", "int8", "float64", "string"],
    "price": ["float64", "string", "int64"],
}


@st.composite
def parquet_tables(draw: st.DrawFn) -> pa.Table:
    """A POS table: the usual columns, some values and types swapped for odd ones."""
    n = draw(st.integers(0, 12))
    names = ["timestamp" if draw(st.booleans()) else "date", "store", "gtin", "quantity"]
    if draw(st.booleans()):
        names.append("price")
    if draw(st.integers(0, 5)) == 0:  # a column missing or repeated
        names.insert(draw(st.integers(0, len(names))), draw(st.sampled_from(names)))
    if draw(st.integers(0, 5)) == 0:
        names.pop(draw(st.integers(0, len(names) - 1)))
    good = {
        "timestamp": [dt.date(2026, 1, 5 + i % 9) for i in range(n)],
        "date": [dt.date(2026, 1, 5 + i % 9) for i in range(n)],
        "store": [GLNS[i % 2] for i in range(n)],
        "gtin": [GTINS[i % 6] for i in range(n)],
        "quantity": [1 + i % 3 for i in range(n)],
        "price": [2.5] * n,
    }
    arrays = []
    for name in names:
        values = list(good[name])
        for i in range(n):
            if draw(st.integers(0, 19)) == 0:
                values[i] = draw(VALUES)
        odd = draw(st.integers(0, 9)) == 0
        kind = draw(st.sampled_from(list(TYPES) if odd else NATURAL[name]))
        arrays.append(column(values, kind))
    return pa.Table.from_arrays(arrays, names=names)


def test_mutated_pos_parquet_never_crashes(tmp_path: Path, scenario_file: Path) -> None:
    tally = Tally("POS Parquet: pos import")

    @settings(max_examples=60, deadline=timedelta(seconds=10), derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(table=parquet_tables(), cut=st.integers(0, 40))
    def case(table: pa.Table, cut: int) -> None:
        path = tmp_path / "fuzz.parquet"
        pq.write_table(table, path)
        if cut > 30:  # a file cut short on the way
            data = path.read_bytes()
            path.write_bytes(data[: len(data) * (cut - 30) // 11])
        out = str(tmp_path / "daily.parquet")
        check_import(
            tally, run("pos", "import", str(path), "--scenario", str(scenario_file), "--out", out)
        )

    case()
    tally.report()
