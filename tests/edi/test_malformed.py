"""Malformed input: every problem is found, located and explained; lenient mode finds them all."""

from __future__ import annotations

import codecs
import dataclasses
import io
import re

import pytest

from crossdock.edi import (
    EdiDecodeError,
    Edition,
    Interchange,
    Separators,
    decode,
    encode,
    read,
    validate,
)
from crossdock.errors import EdiError

from .samples import DATA, small_interchange

ORDERS = (DATA / "orders_97.edi").read_text(encoding="latin-1")  # one segment per line


def located(text: str) -> str:
    """The first error of ``text``, as the CLI prints it (without the file)."""
    with pytest.raises(EdiDecodeError) as caught:
        decode(text)
    error = caught.value
    return f"{error.where} {error.field or ''}".strip() + f": {error.message}"


def errors(text: str) -> list[str]:
    return [f"{e.where}: {e.message}" for e in validate(io.StringIO(text))]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("QTY+21:96'", "QTY+21:12a'", "segment 16 (QTY) element 1.2: '12a' is not a number"),
        (
            "QTY+21:96'",
            "QTY+999:96'",
            "segment 16 (QTY) element 1.1: unknown quantity qualifier '999' (not an EANCOM code)",
        ),
        (
            "LIN+1++4012345001006:EN'",
            "LIN+1++4012345001007:EN'",
            "segment 14 (LIN) element 3.1: GTIN '4012345001007' has check digit 7, expected 6",
        ),
        (
            "LIN+1++4012345001006:EN'",
            "LIN+1++4012345001006:SRV'",
            "segment 14 (LIN) element 3.2: item number type 'SRV' is not 'EN' "
            "(GTIN in this edition)",
        ),
        (
            "NAD+DP+5412345000020::9'",
            "NAD+DP+5412345000021::9'",
            "segment 11 (NAD) element 2.1: GLN '5412345000021' has check digit 1, expected 0",
        ),
        (
            "NAD+DP+5412345000020::9'",
            "NAD+DP+5412345000020'",
            "segment 11 (NAD) element 2.3: unknown code list agency for a GLN nothing, expected 9",
        ),
        (
            "DTM+2:20261126:102'",
            "DTM+2:20261131:102'",
            "segment 6 (DTM) element 1.2: '20261131' is not a calendar date",
        ),
        (
            "DTM+2:20261126:102'",
            "DTM+2:20261126:101'",
            "segment 6 (DTM) element 1.3: unknown date format '101', expected 102 or 203",
        ),
        (
            "DTM+137:20261124:102'\n",
            "",
            "segment 5 (DTM): mandatory date DTM+137 (document date) is missing",
        ),
        (
            "BGM+220+PO-4711+9'\n",
            "",
            "segment 4 (DTM): mandatory segment BGM is missing before DTM",
        ),
        (
            "UNS+S'\nCNT+2:2'",
            "CNT+2:2'\nUNS+S'",
            "segment 26 (CNT): mandatory segment UNS is missing before CNT",
        ),
        ("LIN+2++", "UNS+S'\nLIN+2++", "segment 25 (LIN): segment LIN is out of place in ORDERS"),
        (
            "CNT+2:2'",
            "CNT+2:3'",
            "segment 27 (CNT) element 1.2: CNT+2 says 3 line items, the message has 2",
        ),
        (
            "QTY+11:48'",
            "QTY+11:47'",
            "segment 14 (LIN): store splits add up to 95, the line orders 96",
        ),
        (
            "UNT+26+ORD1'",
            "UNT+25+ORD1'",
            "segment 28 (UNT) element 1: UNT counts 25 segments, the message has 26",
        ),
        (
            "UNT+26+ORD1'",
            "UNT+26+ORD9'",
            "segment 28 (UNT) element 2: UNT reference 'ORD9' differs from UNH reference 'ORD1'",
        ),
        (
            "UNZ+1+ORD001'",
            "UNZ+2+ORD001'",
            "segment 29 (UNZ) element 1: UNZ counts 2 messages, the interchange has 1",
        ),
        (
            "UNZ+1+ORD001'",
            "UNZ+1+ORD002'",
            "segment 29 (UNZ) element 2: UNZ reference 'ORD002' "
            "differs from UNB reference 'ORD001'",
        ),
        ("QTY+21:96'", "QTY+21:96+'", "segment 16 (QTY) element 2: trailing empty data element"),
        ("CUX+2:EUR:9'", "CUX+2:EUR:'", "segment 13 (CUX) element 1.3: trailing empty component"),
        (
            "PIA+1+WATER15:SA'",
            "PIA+1+WATER:15:SA:X:Y'",
            "segment 15 (PIA) element 2.5: 5 components, at most 4 allowed (unescaped separator?)",
        ),
        (
            "ring twice?''",
            "ring twice''",
            "segment 8: unknown segment tag '' (unescaped separator?)",
        ),
        (
            "rear entrance?,",
            "rear entrance'",
            "segment 8 ( ring twice'): unknown segment tag \" ring twice'\" (unescaped separator?)",
        ),
        (
            "ORDERS:D:96A:UN:EAN008",
            "ORDERS:D:97A:UN:EAN008",
            "segment 3 (UNH) element 2.3: unknown directory release '97A', expected 01B, 96A",
        ),
        (
            "ORDERS:D:96A:UN:EAN008",
            "INVOIC:D:96A:UN:EAN008",
            "segment 3 (UNH) element 2.1: "
            "unknown message type 'INVOIC', expected CONTRL, DESADV, INVRPT, ORDERS, ORDRSP, "
            "PRICAT, RECADV, SLSRPT",
        ),
        (
            "UNOC:3",
            "UNOC:5",
            "segment 2 (UNB) element 1.2: unknown syntax version '5', expected 1, 2, 3, 4",
        ),
        (
            "261124:0615",
            "261324:0615",
            "segment 2 (UNB) element 4: '261324:0615' is not a date YYMMDD:HHMM",
        ),
        (
            "PIA+1+WATER15:SA'",
            "PIA+1+WATER15:SA'\nXYZ+1'",
            "segment 16 (XYZ): unknown segment tag 'XYZ' (unescaped separator?)",
        ),
        (
            "PIA+1+WATER15:SA'",
            "PIA+1+WATER15:SA'\nINV+1'",
            "segment 16 (INV): segment INV is not used in EANCOM ORDERS",
        ),
        (
            "QTY+21:96'\nPRI+AAA:0.42'",
            "PRI+AAA:0.42'\nQTY+21:96'",
            "segment 17 (QTY): segment QTY is out of place in ORDERS",
        ),
        ("Goods in'", "Goods\nin'", "segment 12 (CTA) element 2.2: a line break inside a segment"),
    ],
)
def test_errors_are_located_and_explained(old, new, expected):
    assert old in ORDERS
    assert located(ORDERS.replace(old, new, 1)) == expected


def test_error_carries_references():
    with pytest.raises(EdiDecodeError) as caught:
        decode(ORDERS.replace("QTY+21:96'", "QTY+21:12a'"))
    error = caught.value
    assert (error.interchange_ref, error.message_ref) == ("ORD001", "ORD1")
    assert (error.segment, error.tag, error.element, error.component) == (16, "QTY", 1, 2)
    assert error.context() == "interchange ORD001, message ORD1"
    assert str(error) == (
        "segment 16 (QTY) element 1.2: '12a' is not a number [interchange ORD001, message ORD1]"
    )
    assert isinstance(error, EdiError)


@pytest.mark.parametrize(
    ("cut", "expected"),
    [
        (ORDERS.index("QTY+11:24'") + 5, "the file ends inside a segment, without terminator"),
        (ORDERS.index("UNT+"), "the file ends inside message ORD1 (truncated?)"),
        (ORDERS.index("UNZ+"), "the file ends before UNZ (truncated?)"),
    ],
)
def test_truncated_files(cut, expected):
    found = errors(ORDERS[:cut])
    assert any(expected in e for e in found), found


def test_lenient_mode_collects_errors_of_every_message():
    double = encode(small_interchange(Edition.EANCOM_97), newlines=True)
    broken = (
        double.replace("QTY+153:5'", "QTY+153:5x'")
        .replace("GIN+BJ+340123450000000017'", "GIN+BJ+340123450000000018'")
        .replace("UNZ+7+42'", "UNZ+6+42'")
    )
    found = errors(broken)
    # one segment per line: segment numbers are line numbers
    line = {text: n for n, text in enumerate(broken.splitlines(), 1)}
    gins = [n for n, text in enumerate(broken.splitlines(), 1) if text.startswith("GIN")]
    assert len(gins) == 2  # the pallet is despatched, then received
    qty, unz = "QTY+153:5x'", "UNZ+6+42'"
    assert found == [
        f"segment {line[qty]} (QTY): '5x' is not a number",
        f"segment {gins[0]} (GIN): SSCC '340123450000000018' has check digit 8, expected 7",
        f"segment {gins[1]} (GIN): SSCC '340123450000000018' has check digit 8, expected 7",
        f"segment {line[unz]} (UNZ): UNZ counts 6 messages, the interchange has 7",
    ]
    with pytest.raises(EdiDecodeError, match="'5x' is not a number"):
        decode(broken)


def test_lenient_reader_still_yields_the_good_messages():
    from crossdock.edi import EdiReader

    broken = encode(small_interchange(), newlines=True).replace("QTY+153:5'", "QTY+153:5x'")
    reader = EdiReader(io.StringIO(broken), lenient=True)
    kinds = [type(m).__name__ for m in reader]
    assert kinds == [
        "InventoryReport",
        "Order",
        "OrderResponse",
        "DespatchAdvice",
        "ReceivingAdvice",
        "ContrlReport",
    ]
    assert len(reader.errors) == 1


def test_messy_but_valid_files_are_accepted(tmp_path):
    clean = read(DATA / "orders_97.edi")
    bom = tmp_path / "bom.edi"
    bom.write_bytes(codecs.BOM_UTF8 + ORDERS.encode("utf-8"))
    crlf = tmp_path / "crlf.edi"
    crlf.write_bytes(ORDERS.replace("\n", "\r\n").encode("latin-1"))
    no_una = tmp_path / "no_una.edi"
    no_una.write_bytes(ORDERS.split("\n", 1)[1].encode("latin-1"))
    one_line = tmp_path / "one_line.edi"
    one_line.write_bytes(ORDERS.replace("\n", "").encode("latin-1"))
    for path in (bom, crlf, no_una, one_line):
        assert read(path) == clean, path.name
    assert str(clean.messages[0].lines[0].price) == "0.42"
    sales = read(DATA / "slsrpt_97.edi").messages[0]
    assert str(sales.locations[0].lines[0].price) == "0.59"  # written "0,59"


def test_characters_outside_the_charset_are_refused(tmp_path):
    unoa = ORDERS.replace("UNOC:3", "UNOA:3")
    assert located(unoa) == (
        "segment 7 (FTX) element 4.1: character 'e' is not in character set UNOA"
    )
    latin = ORDERS.replace("Goods in", "Entrée")
    assert read(io.StringIO(latin)).messages[0].lines  # é is in UNOC
    control = ORDERS.replace("Goods in", "Goods\x07in")
    assert located(control) == (
        "segment 12 (CTA) element 2.2: character '\\x07' is not in character set UNOC"
    )


def test_wrong_encodings(tmp_path):
    utf16 = tmp_path / "utf16.edi"
    utf16.write_bytes(ORDERS.encode("utf-16"))
    with pytest.raises(EdiDecodeError, match="starts with UNA or UNB"):
        read(utf16)
    bad_utf8 = tmp_path / "bad_utf8.edi"
    bad_utf8.write_bytes(
        codecs.BOM_UTF8 + ORDERS.replace("Goods in", "Goods\xe9").encode("latin-1")
    )
    with pytest.raises(EdiDecodeError, match="not valid UTF-8"):
        read(bad_utf8)
    assert len(validate(bad_utf8)) == 1


def test_duplicate_message_references():
    interchange = small_interchange()
    twice = dataclasses.replace(interchange, messages=interchange.messages[:1] * 2)
    with pytest.raises(EdiError, match="used twice"):
        encode(twice)
    text = re.sub(r"UNT\+([0-9]+)\+2'", r"UNT+\1+1'", encode(small_interchange()))
    text = text.replace("UNH+2+", "UNH+1+")
    second = text[: text.index("UNH+1+INVRPT")].count("'") + 1  # no escapes before it
    assert errors(text) == [f"segment {second} (UNH): message reference '1' is used twice"]


def test_encoder_names_the_bad_field():
    interchange = small_interchange()
    order = interchange.messages[2]
    bad_line = dataclasses.replace(order.lines[1], gtin="4012345001000")
    bad = dataclasses.replace(order, lines=(order.lines[0], bad_line))
    with pytest.raises(EdiError) as caught:
        encode(dataclasses.replace(interchange, messages=(bad,)))
    assert caught.value.field == "messages[0].lines[1].gtin"
    assert "check digit" in caught.value.message
    unoa = dataclasses.replace(interchange, charset="UNOA")
    with pytest.raises(EdiError, match="'i' is not in character set UNOA"):
        encode(unoa)


def test_escaped_separators_are_data():
    order = read(io.StringIO(ORDERS)).messages[0]
    assert order.notes == ("Deliver to dock 3: rear entrance, ring twice'",)


def test_bad_separators_in_una():
    with pytest.raises(EdiDecodeError, match="not all different"):
        decode("UNA::.? '" + ORDERS.split("\n", 1)[1])
    with pytest.raises(EdiError, match="cannot write"):
        encode(small_interchange(), separators=Separators(component="+"))


def test_a_functional_group_without_une_is_reported():
    text = ORDERS.replace("UNH+", "UNG+ORDERS+1:14+2:14+261124:0615+1+UN+D:96A'\nUNH+", 1)
    assert errors(text) == ["segment 30 (UNZ): functional group has no UNE before UNZ"]


def test_one_edition_per_interchange():
    text = encode(small_interchange(Edition.EANCOM_97)).replace("INVRPT:D:96A", "INVRPT:D:01B")
    second = text[: text.index("UNH+2+")].count("'") + 1  # no escapes before it
    assert errors(text) == [
        f"segment {second} (UNH): directory D01B differs from the interchange's D96A "
        "(one edition per interchange)"
    ]


def test_empty_interchange_reads_back():
    empty = small_interchange(messages=())
    assert decode(encode(empty)) == Interchange(**{**_asdict(empty), "messages": ()})


def _asdict(obj):
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.init}


def test_a_bad_header_is_reported_once_and_the_messages_still_checked():
    text = ORDERS.replace("+261124:0615+", "+261124:2615+").replace("QTY+21:96'", "QTY+21:x'")
    assert errors(text) == [
        "segment 2 (UNB): '261124:2615' is not a date YYMMDD:HHMM",
        "segment 16 (QTY): 'x' is not a number",
    ]
