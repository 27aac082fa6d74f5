"""GS1 identifiers: GTIN for items, GLN for parties and locations, SSCC for logistic units.

Check digits follow the GS1 mod-10 rule (weights 3 and 1 from the right). Validation uses
python-stdnum; making identifiers in bulk uses our own vectorised check digit, tested against it.
GS1-128 element strings (the barcodes on pallet labels and cases) are parsed for AIs 00, 01,
10, 17 and 37 by :func:`parse_element_string`.
"""

from crossdock.gs1._element_string import FNC1, ElementString, parse_element_string
from crossdock.gs1._identifiers import (
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

__all__ = [
    "FNC1",
    "ElementString",
    "check_digit",
    "check_digits",
    "make_gln",
    "make_gtin8",
    "make_gtin12",
    "make_gtin13",
    "make_gtin14",
    "make_sscc",
    "make_ssccs",
    "parse_element_string",
    "validate_gln",
    "validate_gtin",
    "validate_sscc",
]
