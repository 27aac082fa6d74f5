import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import ean

from crossdock.errors import IdentifierError
from crossdock.gs1 import (
    check_digit,
    check_digits,
    make_gln,
    make_gtin8,
    make_gtin12,
    make_gtin13,
    make_gtin14,
    make_sscc,
    make_ssccs,
    validate_gln,
    validate_gtin,
    validate_sscc,
)

DETERMINISTIC = settings(derandomize=True, max_examples=200, deadline=None)


def test_known_identifiers():
    assert make_gtin13("4006381", 33393) == "4006381333931"
    assert validate_gtin("4006381333931") == "4006381333931"
    assert validate_sscc("354123450000000014") == "354123450000000014"
    assert make_sscc("5412345", 1, extension=3) == "354123450000000014"


@DETERMINISTIC
@given(st.integers(min_value=0, max_value=99999))
def test_made_gtins_are_valid_for_stdnum(serial):
    for made in (
        make_gtin8("12", serial % 10**5),
        make_gtin12("0123456", serial % 10**4),
        make_gtin13("5412345", serial),
    ):
        assert ean.is_valid(made), made
    gtin14 = make_gtin14(3, make_gtin13("5412345", serial))
    assert len(gtin14) == 14 and gtin14[0] == "3" and ean.is_valid(gtin14)


def test_gtin14_of_gtin8_pads_with_zeros():
    item = make_gtin8("9638", 507)
    case = make_gtin14(1, item)
    assert case[:6] == "100000" and case[6:13] == item[:7] and ean.is_valid(case)


@DETERMINISTIC
@given(st.integers(min_value=0, max_value=10**16 - 1))
def test_vectorised_check_digits_match_stdnum(body):
    text = f"{body:017d}"
    assert str(check_digits(np.array([body]), 17)[0]) == ean.calc_check_digit(text)
    assert check_digit(text) == ean.calc_check_digit(text)


def test_make_ssccs_matches_make_sscc():
    many = make_ssccs("5412345", 10, 5)
    assert list(many) == [make_sscc("5412345", n) for n in range(10, 15)]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("4006381333932", "check digit 2, expected 1"),
        ("40063813339", "must have 8 or 12 or 13 or 14 digits"),
        ("40O6381333931", "digits only"),
    ],
)
def test_validate_gtin_names_the_problem(value, fragment):
    with pytest.raises(IdentifierError, match=fragment):
        validate_gtin(value)


def test_validate_gln_and_sscc_lengths():
    with pytest.raises(IdentifierError, match="13 digits"):
        validate_gln("54123450000")
    with pytest.raises(IdentifierError, match="18 digits"):
        validate_sscc("5412345000013")
    assert validate_gln(make_gln("5412345", 1)) == make_gln("5412345", 1)


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: make_gtin8("1234567", 1), "leaves no room"),
        (lambda: make_gtin12("0123456", 10**5), "does not fit"),
        (lambda: make_gtin14(10, "4006381333931"), "indicator digit"),
        (lambda: make_gtin14(1, "4006381333932"), "check digit"),
    ],
)
def test_make_rejects_bad_input(call, fragment):
    with pytest.raises(IdentifierError, match=fragment):
        call()
