"""The conformance set: valid EANCOM written by hand from the standard's tables and examples.

``tests/edi/conformance/`` holds messages of all eight types in both editions, exercising
optional segments and qualifiers (TAX, ALC, PAT, FTX subjects, NAD SF/UC/IV/GY, DTM 63/64/69,
358, loose lines, RFF+ON in RECADV...) and envelopes (functional groups, two interchanges,
UNOB, UNOD, syntax versions 1 and 4, a BOM with CRLF, UNB acknowledgement request and
routing). Each must be read without error; those named ``*_warns`` each take exactly the
documented defaults listed here; every one must round-trip segment for segment.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import warnings
from decimal import Decimal
from pathlib import Path

import pytest

from crossdock.edi import (
    ContrlReport,
    DespatchAdvice,
    EdiReader,
    Edition,
    Interchange,
    InventoryReport,
    Order,
    OrderResponse,
    PriceCatalogue,
    ReceivingAdvice,
    SalesReport,
    decode,
    decode_all,
    encode,
    read,
    read_all,
    write,
)
from crossdock.edi._syntax import Separators, Syntax, Tokenizer

HERE = Path(__file__).parent / "conformance"
FILES = sorted(HERE.glob("*.edi"))
WARNINGS = {
    "desadv_2002_consignee_without_dp_warns": ["no delivery party (NAD+DP): NAD+UC used"],
    "desadv_2002_lines_under_cps_warns": ["1 line not on a package with an SSCC"],
    "desadv_2002_scheduled_dates_warns": ["no despatch date (DTM+11)"],
    "invrpt_2002_no_location_warns": ["stock without a location (LOC)"],
    "invrpt_2002_no_report_date_warns": ["no inventory report date (DTM+366)"],
    "orders_2002_no_delivery_date_warns": ["no delivery date (DTM+2, 69, 64, 63, 76 or 10)"],
    "orders_97_promised_date_only_warns": ["no requested delivery date (DTM+2): DTM+69 used"],
    "pricat_2002_lead_time_in_months_warns": ["lead time in format '802'"],
    "pricat_97_no_supplier_warns": ["no supplier (NAD+SU): the interchange's sender"],
    "recadv_2002_order_ref_only_warns": [
        "no despatch advice reference (RFF+AAK)",
        "1 line not on a package with an SSCC",
    ],
    "slsrpt_2002_no_period_warns": ["no sales period (DTM+356, or DTM+90 and 91)"],
}


def test_the_set_covers_both_editions_and_all_eight_types():
    messages = [m for path in FILES for i in read_all(path) for m in i.messages]
    editions = {(type(m).MESSAGE_TYPE, i.edition) for path in FILES for i in read_all(path)
                for m in i.messages}  # fmt: skip
    assert len(FILES) >= 30
    assert len(messages) >= 35
    kinds = {"SLSRPT", "INVRPT", "ORDERS", "ORDRSP", "DESADV", "RECADV", "CONTRL", "PRICAT"}
    assert editions == {(kind, edition) for kind in kinds for edition in Edition}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_valid_files_are_read_with_exactly_the_documented_warnings(path):
    reader = EdiReader(path, lenient=True)
    messages = list(reader)
    assert [e.located() for e in reader.errors] == []
    assert messages
    found = [w.message for w in reader.warnings]
    expected = WARNINGS.get(path.stem, [])
    assert len(found) == len(expected), found
    for text, start in zip(found, expected, strict=True):
        assert text.startswith(start)
    assert all(w.segment is not None and w.file == str(path) for w in reader.warnings)


def _segments(text: str) -> list[list[list[str]]]:
    """The segments of a text, values unescaped, UNA left out; UNB normalised to syntax 3."""
    body = text.lstrip("\ufeff")
    separators = Separators.from_una(body[:9]) if body.startswith("UNA") else None
    if separators is None and body.startswith("UNB\x1d"):
        separators = Separators(component="\x1f", element="\x1d", terminator="\x1c")
    tokenizer = Tokenizer(Syntax(separators or Separators(), "UNOD"))
    parts, _ = tokenizer.feed(body)
    out = []
    for part in parts:
        if part.startswith("UNA"):
            continue
        segment = tokenizer.split(part)
        if segment[0][0] == "UNB":
            segment[1] = [segment[1][0], "3"]
            if len(segment[4][0]) == 8:
                segment[4] = [segment[4][0][2:], segment[4][1]]
        out.append(segment)
    return out


def _text(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8")
    return data.decode("iso8859-2" if b"UNOD" in data[:40] else "latin-1")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_decode_then_encode_gives_the_same_segments(path):
    interchanges = read_all(path)
    again = "".join(encode(interchange) for interchange in interchanges)
    assert _segments(again) == _segments(_text(path))
    for interchange in interchanges:  # the text written reads back to the same content
        assert decode(encode(interchange)) == interchange


@pytest.mark.parametrize("path", FILES[:12], ids=lambda p: p.stem)
def test_a_changed_message_is_written_from_its_fields(path):
    interchange = read_all(path)[0]
    changed = dataclasses.replace(
        interchange, messages=tuple(dataclasses.replace(m) for m in interchange.messages)
    )
    assert all(m.raw is None for m in changed.messages)
    assert decode(encode(changed)) == interchange


def _one(name: str):
    (interchange,) = read_all(HERE / f"{name}.edi")
    (message,) = interchange.messages
    return interchange, message


def test_what_the_mapping_reads():
    _, order = _one("orders_97_promised_date_only_warns")
    assert isinstance(order, Order) and order.delivery_date == dt.date(2026, 11, 27)
    _, order = _one("orders_2002_no_delivery_date_warns")
    assert order.delivery_date == dt.date(2026, 11, 25)
    _, order = _one("orders_2002_free_texts")
    assert order.notes == ("Deliver to dock 3: rear entrance",)
    _, order = _one("orders_97_tax_payment_allowance")
    assert [line.price for line in order.lines] == [Decimal("0.42"), None]
    _, order = _one("orders_2002_parties_contacts")
    assert (order.buyer, order.delivery_party) == ("5412345000013", "5412345000020")
    _, report = _one("slsrpt_2002_report_period_90_91")
    assert isinstance(report, SalesReport)
    assert (report.period_start, report.period_end) == (
        dt.date(2026, 11, 17),
        dt.date(2026, 11, 23),
    )
    assert [len(location.lines) for location in report.locations] == [1, 1, 0]
    _, report = _one("slsrpt_97_contacts_refs_prices")
    assert report.locations[0].lines[0].quantity == 84  # two QTY+153 groups added up
    _, stock = _one("invrpt_2002_inv_first")
    assert isinstance(stock, InventoryReport)
    assert [(s.gln, s.lines[0].quantity) for s in stock.locations] == [
        ("5412345000037", 12),
        ("5412345000044", 30),
    ]
    _, advice = _one("desadv_2002_lines_under_cps_warns")
    assert isinstance(advice, DespatchAdvice)
    assert [p.sscc for p in advice.pallets] == ["340123450000000024"]
    assert [(line.gtin, line.quantity) for line in advice.loose_lines] == [("4012345001020", 6)]
    _, advice = _one("desadv_2002_scheduled_dates_warns")
    assert (advice.despatch_date, advice.delivery_date) == (
        dt.date(2026, 11, 25),
        dt.date(2026, 11, 26),
    )
    _, advice = _one("desadv_97_consignment_packaging")
    assert [len(p.lines) for p in advice.pallets] == [1, 2]
    _, receipt = _one("recadv_2002_order_and_despatch_refs")
    assert isinstance(receipt, ReceivingAdvice)
    assert (receipt.despatch_number, receipt.order_number) == ("DES-02-3", "PO-02-3")
    _, response = _one("ordrsp_97_changed")
    assert isinstance(response, OrderResponse)
    assert [line.quantity for line in response.lines] == [80, 0]
    _, catalogue = _one("pricat_2002_basic")
    assert isinstance(catalogue, PriceCatalogue)
    assert (catalogue.supplier, catalogue.lead_time_days) == ("4012345000016", 3)
    assert [
        (line.pack_size, line.units_per_pallet, line.net_price, line.lead_time_days)
        for line in catalogue.lines
    ] == [(12, 720, Decimal("1.25"), None), (6, 480, Decimal("2.30"), 5)]
    _, catalogue = _one("pricat_2002_deletion_and_changes")
    assert [line.action for line in catalogue.lines] == ["2", "3", "4"]
    _, catalogue = _one("pricat_2002_lead_time_in_months_warns")
    assert catalogue.lead_time_days is None and catalogue.lines[0].lead_time_days == 14
    _, catalogue = _one("pricat_97_no_supplier_warns")
    assert catalogue.supplier is None and catalogue.lines[0].pack_size == 24
    _, contrl = _one("contrl_2002_rejected_details")
    assert isinstance(contrl, ContrlReport) and [m.error for m in contrl.messages] == ["16", None]


def test_envelopes():
    first, second = read_all(HERE / "envelope_two_interchanges.edi")
    assert (len(first.messages), len(second.messages)) == (1, 2)
    with pytest.raises(Exception, match="holds 2 interchanges: read it with read_all"):
        read(HERE / "envelope_two_interchanges.edi")
    (grouped,) = read_all(HERE / "envelope_functional_groups.edi")
    assert len(grouped.messages) == 3
    assert "UNE+2+G1'UNG+SLSRPT" in encode(grouped)
    (acked,) = read_all(HERE / "envelope_ack_request_and_routing.edi")
    assert acked.ack_request and acked.application_ref == "RECADV"
    assert "+1+EANCOM+1'" in encode(acked)
    (unod,) = read_all(HERE / "envelope_unod_syntax_4.edi")
    assert unod.charset == "UNOD" and unod.prepared == dt.datetime(2026, 11, 24, 6, 15)
    target = io.BytesIO()
    write(unod, target)
    assert "łódź".encode("iso8859-2") in target.getvalue()
    (unob,) = read_all(HERE / "envelope_unob_syntax_1.edi")
    assert unob.charset == "UNOB" and unob.messages[0].number == "po-97-1-lower"
    (default,) = read_all(HERE / "envelope_unob_default_separators.edi")
    assert default.messages[0] == read_all(HERE / "orders_97_basic.edi")[0].messages[0]
    assert isinstance(default, Interchange)


UNOC_FILES = [
    p for p in FILES if b"UNOC:3" in p.read_bytes()[:60] and "two_interchanges" not in p.name
]


@pytest.mark.parametrize("path", UNOC_FILES, ids=lambda p: p.stem)
def test_files_rewritten_by_pydifact_read_the_same(path):
    """Another tool's serialiser (pydifact's), fed the segments it parsed, writes a file we read."""
    from pydifact.segmentcollection import RawSegmentCollection
    from pydifact.serializer import Serializer

    text = _text(path).lstrip("\ufeff")  # pydifact does not read a byte-order mark
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydifact warns about its missing directory files
        segments = list(RawSegmentCollection.from_str(text).segments)
        rewritten = Serializer().serialize(segments)
    assert rewritten != text
    assert decode_all(rewritten) == read_all(path)


def test_price_catalogues_round_trip_through_json():
    from crossdock.edi import from_json, to_json

    paths = sorted(HERE.glob("pricat_*.edi"))
    assert len(paths) >= 4
    for path in paths:
        for interchange in read_all(path):
            assert from_json(to_json(interchange)) == interchange
