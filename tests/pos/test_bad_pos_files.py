"""Issue 15's POS reproducers: located errors for broken files, counted rejections for bad rows."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from crossdock.errors import DataQualityError, PosError, PosWarning
from crossdock.pos import import_pos, read_daily
from crossdock.pos._import import check_reject_share
from crossdock.scenario import compile_scenario, generate_spec

STORE = "3014567000011"  # store-001 of the generated scenarios


@pytest.fixture(scope="module")
def small():
    return compile_scenario(generate_spec(n_stores=3, n_skus=12, horizon_days=40, seed=1))


def csv_file(tmp_path: Path, text: str | bytes, name: str = "pos.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def located(files: list[Path], scenario) -> str:
    with pytest.raises(PosError) as caught:
        import_pos(files, scenario)
    return caught.value.located()


def test_ragged_row_is_rejected_counted_and_kept(small, tmp_path: Path) -> None:
    gtin = str(small.gtin[0])
    path = csv_file(
        tmp_path,
        f"date,store,gtin,quantity\n2026-01-05,{STORE},{gtin},1\n"
        f"2026-01-05,{STORE},{gtin},1,9\n2026-01-06,{STORE},{gtin},2\n2026-02-30,{STORE},{gtin},2\n",
    )
    rejects = tmp_path / "rejected.csv"
    report = import_pos([path], small, rejects=rejects)
    assert (report.rows, report.accepted) == (4, 2)
    assert report.rejected["wrong number of fields"] == 1
    assert report.rejected["unparseable date"] == 1
    assert report.examples == [
        "pos.csv:row 4 date: unparseable date",
        "pos.csv:row 2: wrong number of fields",
    ]
    side = {r["row"]: r for r in pacsv.read_csv(rejects).to_pylist()}
    assert side[2]["line"] == f"2026-01-05,{STORE},{gtin},1,9"
    assert side[4]["reason"] == "unparseable date"


def test_duplicated_header_is_located(small, tmp_path: Path) -> None:
    path = csv_file(tmp_path, f"date,store,gtin,GTIN,quantity\n2026-01-05,{STORE},1,1,1\n")
    assert located([path], small) == (
        "pos.csv:row 0 GTIN: column 'GTIN' appears twice (columns 3 and 4)"
    )


def test_parquet_uint64_beyond_int64_is_out_of_range(small, tmp_path: Path) -> None:
    path = tmp_path / "big.parquet"
    table = pa.table(
        {
            "date": [dt.date(2026, 1, 5)] * 2,
            "store": [STORE] * 2,
            "gtin": [str(small.gtin[0])] * 2,
            "quantity": pa.array([2**63 + 5, 3], pa.uint64()),
        }
    )
    pq.write_table(table, path)
    report = import_pos([path], small)
    assert report.rejected["quantity out of range"] == 1 and report.accepted == 1
    assert report.examples == ["big.parquet:row 1 quantity: quantity out of range"]
    assert report.daily["sales_units"].to_pylist() == [3]


def test_a_huge_text_quantity_is_out_of_range_not_a_return(small, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        f"date,store,gtin,quantity\n2026-01-05,{STORE},{small.gtin[0]},99999999999999999999\n",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning leaks from an overflow
        report = import_pos([path], small)
    assert report.rejected["quantity out of range"] == 1
    assert report.returns == 0 and report.daily.num_rows == 0


def test_dates_outside_the_calendar_are_rejected_by_reason(small, tmp_path: Path) -> None:
    gtin = small.gtin[0]
    path = csv_file(
        tmp_path,
        f"date,store,gtin,quantity\n1900-01-05,{STORE},{gtin},1\n2099-01-05,{STORE},{gtin},1\n"
        f"2026-01-05,{STORE},{gtin},1\n2020-01-05,{STORE},{gtin},1\n",
    )
    report = import_pos([path], small)
    assert report.rejected["date outside the scenario's calendar"] == 2
    assert [str(d) for d in report.daily["date"].to_pylist()] == ["2020-01-05", "2026-01-05"]


@pytest.mark.parametrize("text", ["date,store,gtin,quantity\n", "date,store,gtin,quantity"])
def test_a_header_only_file_is_a_located_error(small, tmp_path: Path, text: str) -> None:
    assert located([csv_file(tmp_path, text)], small) == (
        "pos.csv:row 1: no data rows (an empty file or a header only)"
    )


def test_an_empty_parquet_file_is_a_located_error(small, tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    pq.write_table(
        pa.table({"date": pa.array([], pa.date32()), "store": pa.array([], pa.string()),
                  "gtin": pa.array([], pa.string()), "quantity": pa.array([], pa.int64())}),
        path,
    )  # fmt: skip
    assert located([path], small) == (
        "empty.parquet:row 1: no data rows (an empty file or a header only)"
    )


def test_time_zones_are_converted_to_store_local_time(small, tmp_path: Path) -> None:
    gtin = small.gtin[0]
    path = csv_file(
        tmp_path,
        "timestamp,store,gtin,quantity\n"
        f"2026-01-05T23:30:00-05:00,{STORE},{gtin},1\n"  # 05:30 on 6 January in Paris
        f"2026-01-05T22:59:59Z,{STORE},{gtin},2\n"  # 23:59:59 on 5 January in Paris
        f"2026-01-05 23:30:00+0100,{STORE},{gtin},4\n"  # Paris already
        f"2026-01-05T23:30:00,{STORE},{gtin},8\n",  # no offset: local time
    )
    daily = import_pos([path], small).daily.to_pylist()
    assert {str(r["date"]): r["sales_units"] for r in daily} == {"2026-01-05": 14, "2026-01-06": 1}
    parquet = tmp_path / "tz.parquet"
    moment = dt.datetime(2026, 1, 5, 23, 30, tzinfo=dt.UTC)  # 00:30 on 6 January in Paris
    pq.write_table(
        pa.table(
            {
                "timestamp": pa.array([moment], pa.timestamp("us", tz="UTC")),
                "store": [STORE],
                "gtin": [str(gtin)],
                "quantity": [1],
            }
        ),
        parquet,
    )
    assert str(import_pos([parquet], small).daily["date"][0]) == "2026-01-06"


def test_ambiguous_store_names_are_rejected(tmp_path: Path) -> None:
    spec = generate_spec(n_stores=3, n_skus=12, horizon_days=40, seed=1)
    stores = [spec.stores[0], spec.stores[1].model_copy(update={"name": spec.stores[0].name})]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sc = compile_scenario(spec.model_copy(update={"stores": [*stores, spec.stores[2]]}))
    path = csv_file(
        tmp_path,
        f"date,store,gtin,quantity\n2026-01-05,{spec.stores[0].name},{sc.gtin[0]},1\n"
        f"2026-01-05,{spec.stores[1].gln},{sc.gtin[0]},1\n",
    )
    report = import_pos([path], sc)
    assert report.rejected["ambiguous store name"] == 1 and report.accepted == 1
    assert report.daily["store_gln"].to_pylist() == [spec.stores[1].gln]


def test_non_utf8_text_is_located(small, tmp_path: Path) -> None:
    path = csv_file(tmp_path, b"date,store,gtin,quantity\n2026-01-05,\xff,1,1\n")
    assert located([path], small) == "pos.csv:row 1: not UTF-8 text (byte 12 of the line)"


def test_reject_share_threshold(small, tmp_path: Path) -> None:
    gtin = small.gtin[0]
    rows = [f"2026-01-05,{STORE},{gtin},1"] * 99 + [f"2026-01-05,{STORE},{gtin},x"]
    report = import_pos([csv_file(tmp_path, "date,store,gtin,quantity\n" + "\n".join(rows))], small)
    with pytest.warns(PosWarning, match=r"1 of 100 rows rejected \(1.00%"):
        check_reject_share(report, 0.01)
    with pytest.raises(DataQualityError, match=r"more than the 0\.50% allowed"):
        check_reject_share(report, 0.005)


def test_replay_of_a_mostly_bad_file_is_a_data_quality_error(small, tmp_path: Path) -> None:
    path = csv_file(tmp_path, f"date,store,gtin,quantity\n1900-01-01,{STORE},{small.gtin[0]},1\n")
    with pytest.raises(DataQualityError, match="date outside the scenario's calendar: 1"):
        read_daily(path, small)


def test_a_ragged_row_that_is_not_utf8_is_located_quietly(small, tmp_path: Path, capfd) -> None:
    """Found by the fuzz test: Arrow printed "Exception ignored ... UnicodeDecodeError"."""
    gtin = small.gtin[0]
    path = csv_file(
        tmp_path,
        f"date,store,gtin,quantity\n2026-01-05,{STORE},{gtin},1\n2026-01-05,\xff,1,1,9\n".encode(
            "latin-1"
        ),
    )
    assert located([path], small) == "pos.csv:row 2: not UTF-8 text (byte 12 of the line)"
    assert "Exception ignored" not in capfd.readouterr().err
