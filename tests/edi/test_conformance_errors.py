"""Negative conformance cases: one change to a valid file gives exactly one located error.

Each case edits one file of ``tests/edi/conformance/`` and names the one error expected, with
its segment, element and component. Among them, the robustness cases of issue 14: a quantity of
thousands of digits (no traceback), one longer than n..15, a bad UCM message identifier.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from crossdock.edi import EdiReader, validate

HERE = Path(__file__).parent / "conformance"


def _text(name: str) -> str:
    data = (HERE / f"{name}.edi").read_bytes()
    return data.decode("iso8859-2" if b"UNOD" in data[:40] else "latin-1")


CASES = [
    (
        "orders_97_basic",
        "QTY+21:48'",
        "QTY+21:" + "9" * 4400 + "'",
        "segment 11 (QTY) element 1.2: 4400 digits, at most 15 allowed (n..15)",
    ),
    (
        "orders_97_basic",
        "QTY+21:48'",
        "QTY+21:" + "1" * 113 + "'",
        "segment 11 (QTY) element 1.2: 113 digits, at most 15 allowed (n..15)",
    ),
    (
        "slsrpt_2002_basic",
        "PRI+AAA:0.45'",
        "PRI+AAA:0.4.5'",
        "segment 12 (PRI) element 1.2: '0.4.5' is not a number",
    ),
    (
        "orders_2002_free_texts",
        "BGM+220+PO-02-2+9'",
        "BGM+220+" + "P" * 36 + "+9'",
        "segment 4 (BGM) element 2.1: 36 characters, at most 35 allowed (an..35)",
    ),
    (
        "contrl_2002_rejected_details",
        "UCM+DES2+DESADV:D:01B:UN:EAN007+7'",
        "UCM+DES2+DES:D:01B:UN:EAN007+7'",
        "segment 8 (UCM) element 2.1: message type 'DES' is not 6 capital letters",
    ),
    (
        "contrl_2002_rejected_details",
        "UCM+DES2+DESADV:D:01B:UN:EAN007+7'",
        "UCM+DES2+DESADV:D:01B:XX:EAN007+7'",
        "segment 8 (UCM) element 2.4: controlling agency 'XX' is not UN",
    ),
    (
        "contrl_97_accepted",
        "+7'",
        "+9'",
        "segment 4 (UCI) element 4.1: unknown action code '9', expected 4, 7, 8",
    ),
    (
        "orders_2002_parties_contacts",
        "NAD+GY+",
        "NAD+XX+",
        "segment 16 (NAD) element 1.1: unknown party qualifier 'XX', expected BY, CA, CN, CO, CZ, "
        "DP, FW, GY, II, IV, LC, MF, OB, PE, PR, PW, SE, SF, SN, ST, SU, UC, UD, WH",
    ),
    (
        "orders_2002_parties_contacts",
        "NAD+BY+5412345000013::9'",
        "NAD+BY+5412345000013::92'",
        "segment 8 (NAD) element 2.3: unknown code list agency for a GLN '92', expected 9",
    ),
    (
        "orders_97_promised_date_only_warns",
        "DTM+63:",
        "DTM+999:",
        "segment 7 (DTM) element 1.1: unknown date qualifier '999', expected 10, 11, 137, 171, "
        "2, 200, 263, 364, 37, 38, 43E, 61, 63, 64, 69, 76, 77, X14",
    ),
    (
        "orders_2002_free_texts",
        "FTX+PUR+",
        "FTX+QQQ+",
        "segment 8 (FTX) element 1.1: unknown text subject qualifier 'QQQ', expected AAA, AAB, "
        "AAI, AAP, ABN, ACB, AFT, ALC, DEL, DIN, HAN, ORI, PAI, PRD, PUR, REG, SUR, TXD, ZZZ",
    ),
    (
        "recadv_2002_order_and_despatch_refs",
        "RFF+ON:",
        "RFF+XYZ:",
        "segment 8 (RFF) element 1.1: unknown reference qualifier 'XYZ', expected AAK, AAU, BM, "
        "CR, CT, DQ, IV, ON, VN",
    ),
    (
        "invrpt_2002_inv_first",
        "INV++++1'\nQTY+145:12'",
        "QTY+145:12'\nINV++++1'",
        "segment 10 (QTY): segment QTY is out of place in INVRPT",
    ),
    (
        "invrpt_97_basic",
        "QTY+145:240'\nINV+2'",
        "INV+2'\nQTY+145:240'",
        "segment 10 (INV): segment INV is out of place in INVRPT",
    ),
    (
        "desadv_97_basic",
        "DTM+137:20261125:102'",
        "DTM+2:20261125:102'",
        "segment 7 (DTM): mandatory date DTM+137 (document date) is missing",
    ),
    (
        "envelope_functional_groups",
        "UNE+2+G1'",
        "UNE+3+G1'",
        "segment 45 (UNE) element 1: UNE counts 3 messages, the group has 2",
    ),
    (
        "envelope_functional_groups",
        "UNE+1+G2'",
        "UNE+1+G9'",
        "segment 61 (UNE) element 2: UNE reference 'G9' differs from UNG reference 'G2'",
    ),
    (
        "envelope_two_interchanges",
        "UNZ+2+TWO2'",
        "UNZ+1+TWO2'",
        "segment 44 (UNZ) element 1: UNZ counts 1 messages, the interchange has 2",
    ),
    (
        "envelope_ack_request_and_routing",
        "+RECADV+A+1+",
        "+RECADV+A+2+",
        "segment 2 (UNB) element 9: acknowledgement request must be 1, got '2'",
    ),
    (
        "envelope_unod_syntax_4",
        "20261124:0615",
        "261124:0615",
        "segment 2 (UNB) element 4: '261124:0615' is not a date CCYYMMDD:HHMM",
    ),
    # PRICAT (one error each, located)
    (
        "pricat_2002_basic",
        "LIN+1+1+4012345020014:SRV'",
        "LIN+1+9+4012345020014:SRV'",
        "segment 14 (LIN) element 2.1: unknown action code '9', expected 1, 10, 115, 2, 23, 3,"
        " 38, 4, 74, 96, nothing",
    ),
    (
        "pricat_2002_basic",
        "PRI+AAE:2.49'",
        "PRI+XYZ:2.49'",
        "segment 20 (PRI) element 1.1: unknown price qualifier 'XYZ', expected AAA, AAB, AAE,"
        " AAF, INF",
    ),
    (
        "pricat_2002_basic",
        "QTY+59:12'",
        "QTY+999:12'",
        "segment 18 (QTY) element 1.1: unknown quantity qualifier '999' (not an EANCOM code)",
    ),
    (
        "pricat_97_basic",
        "LIN+2+1+4012345020021:EN'",
        "LIN+2+1+4012345020022:EN'",
        "segment 21 (LIN) element 3.1: GTIN '4012345020022' has check digit 2, expected 1",
    ),
    (
        "pricat_2002_basic",
        "DTM+169:3:804'",
        "DTM+169:3.5:804'",
        "segment 7 (DTM) element 1.2: lead time 3.5 is not a whole number of days",
    ),
    (
        "pricat_2002_basic",
        "BGM+9+PC-2002-1+9'",
        "BGM+220+PC-2002-1+9'",
        "segment 4 (BGM) element 1.1: unknown document name code '220', expected 9",
    ),
    (
        "pricat_97_basic",
        "LIN+1+1+4012345020014:EN'",
        "LIN+1+1+4012345020014:SRV'",
        "segment 14 (LIN) element 3.2: item number type 'SRV' is not 'EN' (GTIN in this edition)",
    ),
    (
        "pricat_97_basic",
        "PGI+2'\nLIN+1+1+4012345020014:EN'",
        "LIN+1+1+4012345020014:EN'\nPGI+2'",  # a line outside any product group
        "segment 13 (LIN): segment LIN is out of place in PRICAT",
    ),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    CASES,
    ids=[f"{i}-{case[0]}" for i, case in enumerate(CASES)],
)
def test_one_change_gives_one_located_error(name, old, new, expected):
    text = _text(name)
    assert old in text
    found = validate(io.StringIO(text.replace(old, new, 1)), file=f"{name}.edi")
    assert [error.located() for error in found] == [f"{name}.edi:{expected}"]


def test_mixed_grouped_and_ungrouped_messages_are_one_error():
    text = _text("envelope_functional_groups")
    start = text.index("UNG+SLSRPT")
    text = text[:start] + text[text.index("UNH+M3") :].replace("UNE+1+G2'\n", "")
    text = text.replace("UNZ+2+GRP1'", "UNZ+1+GRP1'")
    found = [e.located() for e in validate(io.StringIO(text))]
    assert found == ["segment 46 (UNH): messages outside and inside functional groups are mixed"]


def test_relaxed_reading_turns_counts_and_characters_into_warnings():
    text = _text("orders_97_basic").replace("UNT+12+M1'", "UNT+11+M1'").replace("PO-97-1", "Po-é")
    text = text.replace("UNOC:3", "UNOA:3")
    strict = validate(io.StringIO(text))
    assert [e.message for e in strict] == [
        "character 'o' is not in character set UNOA",
        "UNT counts 11 segments, the message has 12",
    ]
    assert validate(io.StringIO(text), relaxed=True) == []
    reader = EdiReader(io.StringIO(text), relaxed=True)
    (order,) = list(reader)
    assert order.number == "Po-é"
    assert [w.message for w in reader.warnings] == [e.message for e in strict]
