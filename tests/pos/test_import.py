"""Importing POS files: round trip to the same daily totals; bad rows counted and located."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from crossdock import PosError
from crossdock.pos import DAILY_SCHEMA, import_pos
from crossdock.scenario import Scenario


def dense(daily: pa.Table, scenario: Scenario, days: int) -> np.ndarray:
    out = np.zeros((days, scenario.n_stores, scenario.n_skus), dtype=np.int64)
    first = scenario.spec.start_date
    stores = {g: i for i, g in enumerate(scenario.store_gln)}
    skus = {g: i for i, g in enumerate(scenario.gtin)}
    for row in daily.to_pylist():
        out[(row["date"] - first).days, stores[row["store_gln"]], skus[row["gtin"]]] += row[
            "sales_units"
        ]
    return out


def test_generated_scans_reimport_to_the_same_daily_totals(hyper_small, scans_28, tmp_path) -> None:
    path, demand = scans_28
    report = import_pos([path], hyper_small, rejects=tmp_path / "rejects.csv", batch_rows=50_000)
    assert report.rejected_rows == 0 and not (tmp_path / "rejects.csv").exists()
    assert report.accepted == report.rows == pq.ParquetFile(path).metadata.num_rows
    assert report.daily is not None and report.daily.schema.equals(DAILY_SCHEMA)
    assert np.array_equal(dense(report.daily, hyper_small, 28), demand)


def test_the_same_file_as_csv_gives_the_same_totals(hyper_small, scans_28, tmp_path) -> None:
    path, demand = scans_28
    table = pq.read_table(path)
    csv_path = tmp_path / "scans.csv"
    pacsv.write_csv(
        pa.table(
            {
                "timestamp": table["timestamp"],
                "store": table["store_gln"].cast(pa.string()),
                "gtin": table["gtin"].cast(pa.string()),
                "quantity": table["quantity"],
                "price": table["price"],
            }
        ),
        csv_path,
    )
    report = import_pos([csv_path], hyper_small, batch_rows=30_000)
    assert report.rejected_rows == 0
    assert np.array_equal(dense(report.daily, hyper_small, 28), demand)


GOOD_STORE = "3014567000011"  # store-001 of the generated scenarios


def write(tmp_path: Path, text: str, name: str = "pos.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_rows_are_rejected_counted_and_located(hyper_small, tmp_path) -> None:
    gtin = str(hyper_small.gtin[0])
    wrong_check = gtin[:-1] + str((int(gtin[-1]) + 1) % 10)
    name = str(hyper_small.store_name[1])
    text = "\n".join(
        [
            "date,store,gtin,quantity,price",
            f"2026-01-05,{GOOD_STORE},{gtin},3,1.50",  # row 1 ok
            f"2026-01-05,{name},{gtin},2,",  # row 2 ok: store by name, no price
            f"2026-01-06,{GOOD_STORE},0{gtin},-1,1.50",  # row 3 ok: GTIN-14, a return
            f"2026-02-30,{GOOD_STORE},{gtin},1,1.50",  # row 4 unparseable date
            f"yesterday,{GOOD_STORE},{gtin},1,1.50",  # row 5 unparseable date
            f"2026-01-05,3014567999999,{gtin},1,1.50",  # row 6 unknown store
            f"2026-01-05,{GOOD_STORE},{wrong_check},1,1.50",  # row 7 bad check digit
            f"2026-01-05,{GOOD_STORE},12345,1,1.50",  # row 8 malformed GTIN
            f"2026-01-05,{GOOD_STORE},4006381333931,1,1.50",  # row 9 valid, unknown GTIN
            f"2026-01-05,{GOOD_STORE},{gtin},two,1.50",  # row 10 non-numeric quantity
            f"2026-01-05,{GOOD_STORE},{gtin},1.5,1.50",  # row 11 not a whole number
            f"2026-01-05,{GOOD_STORE},{gtin},1,cheap",  # row 12 bad price
            f"05/01/2026,{GOOD_STORE},{gtin},4,1.50",  # row 13 ok: French date
        ]
    )
    rejects = tmp_path / "rejected.csv"
    report = import_pos([write(tmp_path, text)], hyper_small, rejects=rejects)
    assert report.rows == 13
    assert report.accepted == 4 and report.returns == 1
    assert report.accepted + report.rejected_rows == report.rows  # nothing dropped silently
    assert {reason: n for reason, n in report.rejected.items() if n} == {
        "unparseable date": 2,
        "unknown store": 1,
        "GTIN is not 8, 12, 13 or 14 digits": 1,
        "bad GTIN check digit": 1,
        "unknown GTIN": 1,
        "quantity is not a whole number": 2,
        "price is not a number": 1,
    }
    assert report.examples[0] == "pos.csv:row 4 date: unparseable date"
    assert "pos.csv:row 7 gtin: bad GTIN check digit" in report.examples
    side = pacsv.read_csv(rejects).to_pylist()
    assert [r["row"] for r in side] == [4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert side[3]["reason"] == "bad GTIN check digit" and str(side[3]["gtin"]) == wrong_check
    daily = {(r["date"], r["store_gln"]): r for r in report.daily.to_pylist()}
    first = daily[(dt.date(2026, 1, 5), GOOD_STORE)]
    assert first["sales_units"] == 7 and first["rows"] == 2  # rows 1 and 13
    assert daily[(dt.date(2026, 1, 6), GOOD_STORE)]["return_units"] == -1
    assert daily[(dt.date(2026, 1, 5), str(hyper_small.store_gln[1]))]["sales_units"] == 2


def test_parquet_with_typed_columns(hyper_small, tmp_path) -> None:
    gtin = str(hyper_small.gtin[2])
    path = tmp_path / "typed.parquet"
    pq.write_table(
        pa.table(
            {
                "Date": pa.array([dt.date(2026, 1, 5), dt.date(2026, 1, 6), None]),
                "EAN": [gtin, gtin, gtin],
                "Store_GLN": [GOOD_STORE] * 3,
                "Qty": pa.array([2.0, 1.5, 1.0]),
            }
        ),
        path,
    )
    report = import_pos([path], hyper_small)
    assert report.accepted == 1
    assert report.rejected["quantity is not a whole number"] == 1
    assert report.rejected["unparseable date"] == 1


def test_a_missing_column_is_one_located_error(hyper_small, tmp_path) -> None:
    path = write(tmp_path, "date,store,quantity\n2026-01-05,x,1\n")
    with pytest.raises(PosError, match="no gtin column") as error:
        import_pos([path], hyper_small)
    assert error.value.located().startswith("pos.csv:row 0 gtin:")


def test_a_missing_file_is_an_error(hyper_small, tmp_path) -> None:
    with pytest.raises(PosError, match="no such file"):
        import_pos([tmp_path / "nope.csv"], hyper_small)


def test_several_files_and_semicolons(hyper_small, tmp_path) -> None:
    gtin = str(hyper_small.gtin[0])
    a = write(
        tmp_path,
        f"\ufeffdate;store;gtin;quantity;price\n2026-01-05;{GOOD_STORE};{gtin};2;1,50\n",
        "a.csv",
    )
    b = write(
        tmp_path, f"timestamp,gln,barcode,qty\n2026-01-05T10:00:00,{GOOD_STORE},{gtin},x\n", "b.csv"
    )
    report = import_pos([a, b], hyper_small)
    assert report.rows == 2 and report.accepted == 1
    assert report.examples == ["b.csv:row 1 qty: quantity is not a whole number"]
    assert report.daily["sales_value"].to_pylist() == [3.0]  # decimal comma, BOM skipped


def test_a_file_with_only_bad_rows_gives_empty_totals(hyper_small, tmp_path) -> None:
    path = write(tmp_path, "date,store,gtin,quantity\nnever,nowhere,1,x\n")
    report = import_pos([path], hyper_small)
    assert report.rows == 1 and report.rejected_rows == 1
    assert report.daily is not None and report.daily.num_rows == 0
