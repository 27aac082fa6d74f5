import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import gs1_128

from crossdock.errors import IdentifierError
from crossdock.gs1 import FNC1, ElementString, make_gtin13, make_gtin14, parse_element_string

DETERMINISTIC = settings(derandomize=True, max_examples=200, deadline=None)
SSCC = "354123450000000014"
GTIN14 = make_gtin14(1, "4006381333931")


def test_pallet_label_in_both_spellings():
    expected = ElementString(
        sscc=SSCC, gtin=GTIN14, batch="L42", expiry=dt.date(2027, 1, 31), count=12
    )
    human = f"(00){SSCC}(01){GTIN14}(17)270131(10)L42(37)12"
    scanned = f"{FNC1}00{SSCC}01{GTIN14}1727013110L42{FNC1}3712"
    assert parse_element_string(human) == expected
    assert parse_element_string(scanned) == expected


def test_day_00_is_last_day_of_month():
    assert parse_element_string("(17)280200").expiry == dt.date(2028, 2, 29)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("(00)354123450000000015", "check digit"),
        (f"(01){GTIN14[:-1]}0", "check digit"),
        ("(17)271301", "month 13"),
        ("(17)270230", "not a calendar date"),
        ("(37)1a", "digits only"),
        ("(10)" + "A" * 21, "1-20 characters"),
        ("(21)123", "unsupported AI '21'"),
        ("(00)1234", "must have 18 characters"),
        ("10" + "B" * 21, "missing FNC1"),
        ("(10)a b", "invalid characters"),
        ("(37)1(37)2", "repeats AI 37"),
        ("", "empty"),
    ],
)
def test_errors_name_ai_and_problem(text, fragment):
    with pytest.raises(IdentifierError, match=fragment):
        parse_element_string(text)


@DETERMINISTIC
@given(
    serial=st.integers(min_value=0, max_value=10**9 - 1),
    batch=st.text(alphabet="ABCXYZ0189-/.", min_size=1, max_size=20),
    count=st.integers(min_value=1, max_value=10**8 - 1),
    expiry=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2049, 12, 31)),
)
def test_agrees_with_stdnum(serial, batch, count, expiry):
    gtin = make_gtin14(1, make_gtin13("5412345", serial % 10**5))
    text = f"{FNC1}01{gtin}17{expiry:%y%m%d}10{batch}{FNC1}37{count}"
    theirs = gs1_128.info(text, separator=FNC1)
    ours = parse_element_string(text)
    assert ours.gtin == theirs["01"]
    assert ours.batch == theirs["10"]
    assert ours.count == theirs["37"]
    assert ours.expiry == theirs["17"]


def test_stdnum_misses_bad_sscc_check_digit_but_we_catch_it():
    bad = SSCC[:-1] + "5"
    assert gs1_128.info("00" + bad)["00"] == bad
    with pytest.raises(IdentifierError):
        parse_element_string("00" + bad)
